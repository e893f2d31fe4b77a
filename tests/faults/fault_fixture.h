/* SPDX-License-Identifier: MIT */
// What the fault-injection tests need beyond the integration fixture: the benchlab command
// started as a real child process with faults applied before exec (a file-size limit, as a
// full disk), its exit and peak memory read with wait4(), a tmpfs to fill, and the
// directories of the fault plugins and profiles.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness_fixture.h"

namespace ft {

namespace fs = std::filesystem;

fs::path fault_plugin_dir();   // flood, rogue, litter (tests/plugins)
fs::path fault_profile_dir();  // tests/faults/profiles

// `command` (a subcommand and its arguments), then what every benchlab command of these
// tests takes: --db, both test plugin directories and the fault profiles.
std::vector<std::string> store_args(const fs::path& db, std::vector<std::string> command);

struct Faults {
  std::uint64_t max_file_bytes = 0;  // RLIMIT_FSIZE; 0: none. SIGXFSZ is ignored, so a
                                     // write past it fails with EFBIG, as on a full disk.
  uid_t run_as = 0;                  // when root: run as this user (and group) instead
};

// The user a test runs benchlab as when it must not be root (root ignores file modes).
constexpr uid_t kNobody = 65534;

// Gives `dir` and everything in it to `uid`, so benchlab running as that user can work in it.
void hand_over(const fs::path& dir, uid_t uid);

// How a benchlab process ended, as the shell would say it.
struct Exit {
  bool exited = false;
  int code = -1;                    // exit status when `exited`
  int signal = 0;                   // the signal that ended it otherwise
  std::uint64_t max_rss_bytes = 0;  // wait4's ru_maxrss: benchlab or a worker it reaped
  std::chrono::duration<double> elapsed{};
  std::string describe() const;  // "exit status 3", "killed by SIGKILL"
};

// The benchlab command running as a child of the test, stdout and stderr appended to
// `log`. Killed and reaped at destruction if still running, so a failed test leaves
// nothing behind.
class Benchlab {
 public:
  Benchlab(const std::vector<std::string>& args, const fs::path& log, Faults faults = {});
  ~Benchlab();
  Benchlab(const Benchlab&) = delete;
  Benchlab& operator=(const Benchlab&) = delete;

  pid_t pid() const { return pid_; }
  // True once it has ended (and was reaped); does not block.
  bool ended();
  void kill(int sig);
  Exit wait();
  // The peak resident memory of benchlab itself so far (VmHWM); 0 once it has ended.
  std::uint64_t peak_rss_bytes() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  Exit exit_;
  std::chrono::steady_clock::time_point start_;
  void reap(int status, const ::rusage& ru);
};

// Runs benchlab to the end; while it runs, samples its VmHWM every 10 ms into `peak_hwm`
// when given.
Exit run_benchlab(const std::vector<std::string>& args, const fs::path& log, Faults faults = {},
                  std::uint64_t* peak_hwm = nullptr);

// A tmpfs of `bytes` mounted on `dir` (created if missing) while this lives. Mounting
// needs CAP_SYS_ADMIN: mounted() says whether it worked, error() why not.
class Tmpfs {
 public:
  Tmpfs(const fs::path& dir, std::uint64_t bytes);
  ~Tmpfs();
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  bool resize(std::uint64_t bytes);  // "frees space" without touching the files

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

void write_file(const fs::path& p, const std::string& text);

// Every trial in the store as a "run:seq:idx:trial_id:status:value" string, sorted: a
// snapshot to compare before and after a fault.
std::vector<std::string> trial_snapshot(const it::Db& db);

// The line benchlab printed for its error ("benchlab: ..."), or "".
std::string error_line(const std::string& output);

// How many trials the store at `db` holds; 0 while it does not exist or has no schema.
long long trials_in(const fs::path& db);

}  // namespace ft
