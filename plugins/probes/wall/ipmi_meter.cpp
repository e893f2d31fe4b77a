// SPDX-License-Identifier: MIT
#include "ipmi_meter.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <benchlab/plugin.hpp>
#include <limits>
#include <system_error>

#include "child_process.hpp"
#include "ipmi_dcmi_reading.hpp"

namespace wall {

namespace {

namespace sdk = benchlab::sdk;

// ipmitool's output in one line for a message: its lines joined with " / ".
std::string one_line(const std::string& output) {
  std::string text;
  std::size_t at = 0;
  while (at < output.size() && text.size() < 300) {
    std::size_t end = output.find('\n', at);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(at, end - at);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const std::size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos) text.append(text.empty() ? "" : " / ").append(line, first);
    at = end + 1;
  }
  return text.empty() ? "no output" : text;
}

}  // namespace

IpmiMeter::IpmiMeter(std::string ipmitool, std::chrono::milliseconds interval, Log log)
    : ipmitool_(std::move(ipmitool)), interval_(interval), log_(std::move(log)) {
  const Attempt first = read_once(std::chrono::seconds(10));
  if (!first.ok)
    throw sdk::failure(BL_UNSUPPORTED,
                       "ipmitool dcmi power reading failed: " + first.failure +
                           ": run as root or grant read and write access to the IPMI device "
                           "(/dev/ipmi0); a BMC without DCMI power readings cannot serve "
                           "(set wall.file or wall.command for an external meter)");
  latest_.store(first.watts);
  thread_ = std::thread([this] { poll_loop(); });
}

IpmiMeter::~IpmiMeter() {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

double IpmiMeter::watts() const noexcept {
  try {
    return latest_.fresh(3 * interval_);
  } catch (...) {  // a mutex that cannot lock: no reading rather than a crash
    return std::numeric_limits<double>::quiet_NaN();
  }
}

IpmiMeter::Attempt IpmiMeter::read_once(std::chrono::milliseconds limit) {
  Attempt attempt;
  try {
    const ProgramRun run = run_program({ipmitool_, "dcmi", "power", "reading"}, limit, &stopping_);
    if (run.stopped) {
      attempt.failure = "stopped";
    } else if (run.timed_out) {
      attempt.failure = "no answer within " + std::to_string(limit.count()) + " ms";
    } else if (const auto watts = parse_dcmi_power_reading(run.output);
               watts && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) {
      attempt.watts = *watts;
      attempt.ok = true;
    } else {
      attempt.failure = describe_status(run.status) + ": " + one_line(run.output);
    }
  } catch (const std::system_error& e) {
    attempt.failure = e.what();
  }
  return attempt;
}

void IpmiMeter::poll_loop() {
  // A reading may take longer than the interval on a busy BMC, but not forever.
  const auto limit = std::max<std::chrono::milliseconds>(2 * interval_, std::chrono::seconds(5));
  bool failing = false;
  auto next = std::chrono::steady_clock::now() + interval_;
  for (;;) {
    {
      std::unique_lock<std::mutex> hold(mutex_);
      wake_.wait_until(hold, next, [this] { return stopping_.load(); });
      if (stopping_) return;
    }
    next += interval_;
    const Attempt attempt = read_once(limit);
    if (stopping_) return;
    if (attempt.ok) {
      latest_.store(attempt.watts);
      if (failing) log_(BL_LOG_INFO, "wall: ipmitool reads the BMC's power again");
      failing = false;
    } else if (!failing) {
      failing = true;
      log_(BL_LOG_WARN, "wall: ipmitool dcmi power reading failed: " + attempt.failure +
                            "; wall power reads NaN until the BMC answers again");
    }
    // A reading that took longer than the interval starts the next one at once, not a
    // burst of catching up.
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
  }
}

}  // namespace wall
