// SPDX-License-Identifier: MIT
// Wall power from a file a meter's logger writes: its last line (or its whole content) is
// the current watts, read again at every sample (a small file: well under a millisecond).
// A file not modified for max_age reads NaN: its writer has stopped.
#pragma once

#include <chrono>
#include <string>

#include "meter.hpp"

namespace wall {

class FileMeter final : public Meter {
 public:
  // [main] Throws sdk::failure(BL_UNSUPPORTED) when the file cannot be read now.
  FileMeter(std::string path, std::chrono::milliseconds max_age);

  double watts() const noexcept override;
  std::string describe() const override { return "file " + path_; }

 private:
  const std::string path_;
  const std::chrono::milliseconds max_age_;
};

}  // namespace wall
