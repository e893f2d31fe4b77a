/* SPDX-License-Identifier: MIT */
// One sampler worker (benchlab-worker --probe) seen from the core: started with
// posix_spawn in a process group of its own, with a socket for commands on its stdin and
// pipes for the frames on its stdout and for its stderr (which the probe's own stdout
// shares). Frames are read as untrusted input into a decoder; stderr is kept as a short
// tail for reasons. How it ended becomes a sentence (end_reason). Used by sampler.h only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "subprocess.h"
#include "worker_protocol.h"

namespace benchlab {

struct ProbeLaunch {
  std::string worker;  // benchlab-worker
  std::string probe_path;
  std::string sysroot = "/";
  std::uint32_t interval_ms = 100;
  std::uint64_t hang_ms = 0;  // 0: the worker's default
  std::vector<std::pair<std::string, std::string>> options;
  bool once = false;
};

// Where the worker was when it ended: it names the call that crashed or hung.
enum class ProbeStage { loading, opening, sampling, closing };

class ProbeProcess {
 public:
  explicit ProbeProcess(const ProbeLaunch& launch);  // throws SpawnError
  ProbeProcess(const ProbeProcess&) = delete;
  ProbeProcess& operator=(const ProbeProcess&) = delete;
  ~ProbeProcess();  // kills and reaps it if still there

  // [any thread] Sends a command; false when the worker is gone.
  bool send(const protocol::Message& m);

  struct Polled {
    bool ended = false;  // reaped: exit() says how; every frame it wrote has been read
    bool extra = false;  // `extra_fd` became readable
  };
  // Waits up to `timeout_ms` (-1: no limit) for output, the worker's end or `extra_fd`
  // (-1: none), reads what came and reaps the worker when it ended.
  Polled poll(int timeout_ms, int extra_fd = -1);
  // The next complete frame read so far; none after a protocol error.
  std::optional<protocol::Message> next();
  // The decoder's error, or one set by the reader with fail(); "" while the stream is fine.
  const std::string& protocol_error() const { return protocol_error_; }
  void fail(std::string why) {
    if (protocol_error_.empty()) protocol_error_ = std::move(why);
  }

  // Kills its process group; the next poll() reaps it.
  void kill();
  // Kills it and reaps it now.
  void kill_and_reap();
  bool ended() const { return exit_.has_value(); }
  const ExitInfo& exit() const { return *exit_; }
  const std::string& stderr_tail() const { return stderr_; }
  pid_t pid() const { return pid_; }

 private:
  void read_frames();
  void read_stderr();
  void reap(bool wait);

  pid_t pid_ = -1;
  std::mutex send_mu_;
  UniqueFd commands_, frames_, errors_, pidfd_;
  bool frames_open_ = true, errors_open_ = true;
  protocol::Decoder decoder_;
  std::string protocol_error_;
  std::string stderr_;
  std::optional<ExitInfo> exit_;
};

// How a worker that ended went, as a clause without the probe's name: "sample() crashed:
// SIGSEGV (Segmentation fault)", "exited with status 3 during sample() (does the probe
// call exit()?)", the worker's own probe_error message, a protocol error...
std::string end_reason(ProbeStage stage, const ProbeProcess& p, const std::string& probe_error);

// "; last output: LINE | LINE" from the worker's stderr, printable and short; "" when it
// wrote nothing.
std::string output_tail(const ProbeProcess& p);

// "loading the plugin", "open()", "sample()", "close()".
const char* stage_call(ProbeStage stage);

}  // namespace benchlab
