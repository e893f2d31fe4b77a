// SPDX-License-Identifier: MIT
#include "fault_fixture.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ft {

fs::path fault_plugin_dir() { return FAULT_PLUGIN_DIR; }
fs::path fault_profile_dir() { return FAULT_PROFILES_DIR; }

std::vector<std::string> store_args(const fs::path& db, std::vector<std::string> command) {
  for (const std::string& a :
       {std::string("--db"), db.string(), std::string("--plugin-dir"), fault_plugin_dir().string(),
        std::string("--plugin-dir"), it::test_plugin_dir().string(), std::string("--profile-dir"),
        fault_profile_dir().string()})
    command.push_back(a);
  return command;
}

std::string Exit::describe() const {
  if (exited) return "exit status " + std::to_string(code);
  const char* abbrev = sigabbrev_np(signal);
  return std::string("killed by ") +
         (abbrev ? std::string("SIG") + abbrev : std::to_string(signal));
}

Benchlab::Benchlab(const std::vector<std::string>& args, const fs::path& log, Faults faults) {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> argv_s{it::cli_path()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_s = log.string();
  rlimit fsize{};
  if (faults.max_file_bytes) fsize.rlim_cur = fsize.rlim_max = faults.max_file_bytes;

  start_ = std::chrono::steady_clock::now();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid_ == 0) {
    int out = open(log_s.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(126);
    if (faults.run_as && geteuid() == 0 &&
        (setgroups(0, nullptr) != 0 || setgid(faults.run_as) != 0 || setuid(faults.run_as) != 0))
      _exit(126);
    if (faults.max_file_bytes) {
      struct sigaction ign {};
      ign.sa_handler = SIG_IGN;
      sigaction(SIGXFSZ, &ign, nullptr);
      if (setrlimit(RLIMIT_FSIZE, &fsize) != 0) _exit(126);
    }
    execve(argv[0], argv.data(), environ);
    _exit(127);
  }
}

Benchlab::~Benchlab() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

void Benchlab::reap(int status, const ::rusage& ru) {
  reaped_ = true;
  exit_.elapsed = std::chrono::steady_clock::now() - start_;
  exit_.exited = WIFEXITED(status);
  exit_.code = exit_.exited ? WEXITSTATUS(status) : -1;
  exit_.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  exit_.max_rss_bytes = static_cast<std::uint64_t>(ru.ru_maxrss) * 1024u;
}

bool Benchlab::ended() {
  if (reaped_) return true;
  int status = 0;
  ::rusage ru{};
  pid_t r = wait4(pid_, &status, WNOHANG, &ru);
  if (r == pid_) reap(status, ru);
  return reaped_;
}

void Benchlab::kill(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

Exit Benchlab::wait() {
  if (!reaped_) {
    int status = 0;
    ::rusage ru{};
    pid_t r;
    while ((r = wait4(pid_, &status, 0, &ru)) < 0 && errno == EINTR) {
    }
    if (r == pid_)
      reap(status, ru);
    else
      reaped_ = true;  // not ours any more: nothing to wait for
  }
  return exit_;
}

std::uint64_t Benchlab::peak_rss_bytes() const {
  if (reaped_) return 0;
  std::istringstream status(it::read_file("/proc/" + std::to_string(pid_) + "/status"));
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024u;  // "... kB"
  return 0;
}

Exit run_benchlab(const std::vector<std::string>& args, const fs::path& log, Faults faults,
                  std::uint64_t* peak_hwm) {
  Benchlab b(args, log, faults);
  if (!peak_hwm) return b.wait();
  while (!b.ended()) {
    *peak_hwm = std::max(*peak_hwm, b.peak_rss_bytes());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return b.wait();
}

Tmpfs::Tmpfs(const fs::path& dir, std::uint64_t bytes) : dir_(dir) {
  fs::create_directories(dir_);
  std::string opts = "size=" + std::to_string(bytes) + ",mode=0755";
  if (mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) == 0)
    mounted_ = true;
  else
    error_ = std::string("mount -t tmpfs: ") + strerror(errno);
}

Tmpfs::~Tmpfs() {
  if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
}

bool Tmpfs::resize(std::uint64_t bytes) {
  std::string opts = "size=" + std::to_string(bytes);
  return mounted_ && mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
                           opts.c_str()) == 0;
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

void hand_over(const fs::path& dir, uid_t uid) {
  auto give = [&](const fs::path& p) {
    if (lchown(p.c_str(), uid, uid) != 0)
      throw std::runtime_error("chown " + p.string() + ": " + strerror(errno));
  };
  give(dir);
  for (const auto& e : fs::recursive_directory_iterator(dir)) give(e.path());
}

std::vector<std::string> trial_snapshot(const it::Db& db) {
  auto rows = db.rows(
      "SELECT r.run_id || ':' || r.seq || ':' || t.idx || ':' || t.id || ':' || t.status || "
      "':' || COALESCE((SELECT value FROM trial_values v WHERE v.trial_id = t.id AND v.metric "
      "= 'value'), '') FROM trials t JOIN results r ON r.id = t.result_id");
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(std::move(r[0]));
  std::sort(out.begin(), out.end());
  return out;
}

std::string error_line(const std::string& output) {
  std::size_t at = output.rfind("\nbenchlab: ");
  if (at == std::string::npos)
    return output.rfind("benchlab: ", 0) == 0 ? output.substr(0, output.find('\n')) : "";
  ++at;
  return output.substr(at, output.find('\n', at) - at);
}

long long trials_in(const fs::path& db) {
  try {
    if (!fs::exists(db)) return 0;
    it::Db d(db);
    return d.integer("SELECT COUNT(*) FROM trials");
  } catch (const std::exception&) {
    return 0;  // not created or migrated yet
  }
}

}  // namespace ft
