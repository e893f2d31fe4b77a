// SPDX-License-Identifier: MIT
// The inference server a trial may start itself (option `server`): the command split as a
// shell would split simple quoting, started without a shell in the trial's process group
// (so the host's clean-up of the trial reaches it), its stdout and stderr in a log file;
// stopped with SIGTERM, then SIGKILL after a grace period.
#ifndef SERVE_LOAD_SERVER_PROCESS_HPP
#define SERVE_LOAD_SERVER_PROCESS_HPP

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve-load/server_url.hpp"

namespace serve_load {

// Words of a command line: blanks separate; 'single quotes' keep everything; "double
// quotes" keep everything but \" \\ \$ \`; a backslash outside quotes keeps the next
// character. No expansion of any kind. Throws std::invalid_argument on an unclosed quote,
// a trailing backslash or an empty command.
std::vector<std::string> split_command(std::string_view command);

class ServerProcess {
 public:
  // Starts argv (argv[0] searched on PATH) with stdout and stderr appended to `log`.
  // Throws std::runtime_error saying why it could not start.
  ServerProcess(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~ServerProcess();  // stop()
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  // "exit status 1" / "signal 9" once it has ended (reaped here), else nullopt.
  std::optional<std::string> ended();
  // SIGTERM, up to `grace` for it to end, then SIGKILL; reaps it. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  std::optional<std::string> ended_;
};

// Polls GET /health, then /v1/models, every 250 ms until one answers 200. Throws
// std::runtime_error when the process ends first or `timeout` passes, with the last
// `log_lines` lines of the log; returns false when `cancelled` says so.
bool wait_until_ready(ServerProcess& process, const ServerUrl& server,
                      std::chrono::milliseconds timeout, const std::string& api_key,
                      const std::filesystem::path& log, const std::function<bool()>& cancelled,
                      std::size_t log_lines = 20);

// The last `count` lines of a file ("" when unreadable).
std::string last_log_lines(const std::filesystem::path& file, std::size_t count);

}  // namespace serve_load

#endif
