// SPDX-License-Identifier: MIT
// Wall power from the server's BMC: `ipmitool dcmi power reading` (0.1 to 1 s each) on a
// thread of the probe's own, every ipmi_interval_ms; watts() returns the newest reading,
// NaN once it is older than three intervals (the BMC stopped answering).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "latest_reading.hpp"
#include "meter.hpp"

namespace wall {

class IpmiMeter final : public Meter {
 public:
  // [main] Takes one reading at once and starts the thread. Throws
  // sdk::failure(BL_UNSUPPORTED) with ipmitool's output and the fix when that first
  // reading fails.
  IpmiMeter(std::string ipmitool, std::chrono::milliseconds interval, Log log);
  ~IpmiMeter() override;

  double watts() const noexcept override;
  std::string describe() const override { return "ipmitool dcmi power reading"; }

 private:
  // One reading: the watts, or the reason there is none.
  struct Attempt {
    double watts = 0;
    bool ok = false;
    std::string failure;  // "exit status 1: Could not open device at /dev/ipmi0 ..."
  };
  Attempt read_once(std::chrono::milliseconds limit);
  void poll_loop();

  const std::string ipmitool_;
  const std::chrono::milliseconds interval_;
  const Log log_;
  LatestReading latest_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace wall
