// SPDX-License-Identifier: MIT
#include "command_meter.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <cerrno>
#include <limits>
#include <system_error>

#include "watts_line.hpp"

namespace wall {

namespace {

namespace sdk = benchlab::sdk;

// Lines longer than this are no meter reading: dropped, not buffered without end.
constexpr std::size_t max_line = 4096;

}  // namespace

CommandMeter::CommandMeter(std::vector<std::string> argv, std::chrono::milliseconds max_age,
                           Log log)
    : argv_(std::move(argv)), max_age_(max_age), log_(std::move(log)) {
  try {
    child_ = std::make_unique<ChildProcess>(argv_);
  } catch (const std::system_error& e) {
    throw sdk::failure(BL_UNSUPPORTED,
                       "wall.command=" + argv_[0] + " cannot be started: " + e.code().message() +
                           ": give the meter program's path, or install it on PATH");
  }
  if (pipe2(wake_, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "wall: pipe");
  thread_ = std::thread([this] { read_loop(); });
}

CommandMeter::~CommandMeter() {
  if (wake_[1] >= 0) {
    const char stop = 1;
    while (write(wake_[1], &stop, 1) < 0 && errno == EINTR) {
    }
  }
  if (thread_.joinable()) thread_.join();
  child_.reset();  // stops and reaps the program
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

double CommandMeter::watts() const noexcept {
  try {
    return latest_.fresh(max_age_);
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

std::string CommandMeter::describe() const {
  std::string text = "command";
  for (const auto& a : argv_) text.append(" ").append(a);
  return text;
}

void CommandMeter::read_loop() {
  std::string pending;
  bool told_unreadable = false;
  char buffer[4096];
  for (;;) {
    pollfd fds[2] = {{child_->output_fd(), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;  // the destructor asks to stop
    const ssize_t n = read(child_->output_fd(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return;
    }
    if (n == 0) {  // the program closed its output: it ended
      const auto status = child_->wait_for(std::chrono::milliseconds(1000));
      log_(BL_LOG_WARN, "wall: the meter command " + argv_[0] + " ended (" +
                            (status ? describe_status(*status) : std::string("output closed")) +
                            "); wall power reads NaN from now on");
      return;
    }
    pending.append(buffer, std::size_t(n));
    std::size_t end;
    while ((end = pending.find('\n')) != std::string::npos) {
      const std::string_view line(pending.data(), end);
      if (const auto watts = parse_watts_line(line)) {
        latest_.store(*watts);
      } else if (!told_unreadable && line.find_first_not_of(" \t\r") != std::string_view::npos) {
        told_unreadable = true;
        log_(BL_LOG_WARN, "wall: the meter command printed \"" + std::string(line.substr(0, 80)) +
                              "\", not a watts reading; such lines are ignored");
      }
      pending.erase(0, end + 1);
    }
    if (pending.size() > max_line) pending.clear();
  }
}

}  // namespace wall
