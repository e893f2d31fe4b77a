// SPDX-License-Identifier: MIT
// A source of wall power: the BMC through ipmitool, an external meter's command, or a file
// a meter's logger rewrites. Each keeps its own pace; watts() only takes what is there.
#pragma once

#include <functional>
#include <string>

namespace wall {

// Where log lines go: host->log, callable from any thread. Levels as BL_LOG_*.
using Log = std::function<void(int level, const std::string& line)>;

class Meter {
 public:
  virtual ~Meter() = default;
  // [any] The wall power now in W, or NaN when the source has no fresh reading. Cheap:
  // never waits for the meter.
  virtual double watts() const noexcept = 0;
  // What it reads, for the channel's label: "ipmitool dcmi power reading".
  virtual std::string describe() const = 0;
};

}  // namespace wall
