// SPDX-License-Identifier: MIT
// The server a trial starts and stops (see server_process.hpp).
#include "serve-load/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "serve-load/http_get.hpp"

extern char** environ;

namespace serve_load {

std::vector<std::string> split_command(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == command.size())
        throw std::invalid_argument("server command ends in a backslash: " + std::string(command));
      word += command[i];
    } else if (c == '\'') {
      const std::size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos)
        throw std::invalid_argument("server command has an unclosed ' quote: " +
                                    std::string(command));
      word.append(command.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= command.size())
          throw std::invalid_argument("server command has an unclosed \" quote: " +
                                      std::string(command));
        if (command[i] == '"') break;
        if (command[i] == '\\' && i + 1 < command.size() &&
            std::string_view("\"\\$`").find(command[i + 1]) != std::string_view::npos)
          ++i;
        word += command[i];
      }
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) throw std::invalid_argument("the server command is empty");
  return words;
}

namespace {

std::string status_text(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(duration.count()) / 1000);
  return text;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& argv,
                             const std::filesystem::path& log) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot open the server log " + log.string() + ": " +
                             std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fd, 1);
  posix_spawn_file_actions_adddup2(&actions, fd, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // No POSIX_SPAWN_SETPGROUP: the server stays in the trial's process group.
  const int error = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fd);
  if (error != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start the server '" + argv[0] + "': " + std::strerror(error) +
                             (error == ENOENT ? " (is it installed and on PATH?)" : ""));
  }
}

ServerProcess::~ServerProcess() { stop(); }

std::optional<std::string> ServerProcess::ended() {
  if (ended_ || pid_ < 0) return ended_;
  int status = 0;
  const pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got == pid_) ended_ = status_text(status);
  return ended_;
}

void ServerProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ < 0 || ended()) return;
  ::kill(pid_, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    if (ended()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) ended_ = status_text(status);
}

std::string last_log_lines(const std::filesystem::path& file, std::size_t count) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  while (!all.empty() && all.back() == '\n') all.pop_back();
  std::size_t start = all.size();
  for (std::size_t lines = 0; start > 0; --start)
    if (all[start - 1] == '\n' && ++lines == count) break;
  return all.substr(start);
}

bool wait_until_ready(ServerProcess& process, const ServerUrl& server,
                      std::chrono::milliseconds timeout, const std::string& api_key,
                      const std::filesystem::path& log, const std::function<bool()>& cancelled,
                      std::size_t log_lines) {
  const auto start = std::chrono::steady_clock::now();
  const auto with_log = [&](const std::string& what) {
    const std::string tail = last_log_lines(log, log_lines);
    return std::runtime_error(
        what + (tail.empty() ? "; its log is empty" : "; the last lines of its log:\n" + tail));
  };
  for (;;) {
    const auto tick = std::chrono::steady_clock::now();
    if (cancelled && cancelled()) return false;
    if (const auto how = process.ended())
      throw with_log("the server ended (" + *how + ") before it answered on " +
                     server.url("/health"));
    for (const char* path : {"/health", "/v1/models"})
      if (http_get(server, path, std::chrono::milliseconds(1000), api_key).status == 200)
        return true;
    if (tick - start >= timeout)
      throw with_log("the server did not answer 200 on " + server.url("/health") + " or " +
                     server.url("/v1/models") + " within " + seconds_text(timeout) +
                     " s (option server_timeout)");
    std::this_thread::sleep_until(tick + std::chrono::milliseconds(250));
  }
}

}  // namespace serve_load
