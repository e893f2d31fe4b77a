// SPDX-License-Identifier: MIT
// Wall power from an external meter's program (a smart-plug script, a PTDaemon bridge)
// that keeps printing one reading per line: started in the constructor, read by a thread
// of the probe's own as lines arrive, stopped and reaped in the destructor. watts() is the
// newest line's value, NaN once it is older than max_age.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "latest_reading.hpp"
#include "meter.hpp"

namespace wall {

class CommandMeter final : public Meter {
 public:
  // [main] Starts argv. Throws sdk::failure(BL_UNSUPPORTED) when it cannot be started.
  CommandMeter(std::vector<std::string> argv, std::chrono::milliseconds max_age, Log log);
  ~CommandMeter() override;

  double watts() const noexcept override;
  std::string describe() const override;

 private:
  void read_loop();

  const std::vector<std::string> argv_;
  const std::chrono::milliseconds max_age_;
  const Log log_;
  std::unique_ptr<ChildProcess> child_;
  LatestReading latest_;
  int wake_[2] = {-1, -1};  // a pipe: the destructor writes to stop the thread's poll()
  std::thread thread_;
};

}  // namespace wall
