// SPDX-License-Identifier: MIT
// Which wall-power source the probe opens: the operator's choice (option `source`), or in
// `auto` the first that is there: a file, else a command, else the BMC when ipmitool is
// installed and the machine has an IPMI device.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meter.hpp"

namespace wall {

enum class Source { automatic, ipmi, command, file };  // option source=auto|ipmi|command|file

struct MeterSettings {
  Source source = Source::automatic;
  std::string file;               // option file; "" when unset
  std::string command;            // option command; "" when unset
  std::vector<std::string> args;  // options arg, in order
  std::chrono::milliseconds ipmi_interval{1000};
  std::chrono::milliseconds max_age{5000};  // command and file; 0: never stale
  std::string sysroot;                      // "" for "/"
};

// [main] Opens the source `settings` choose. Throws sdk::failure: BL_UNSUPPORTED with the
// reason and the fix when there is none, BL_INVALID_ARGUMENT when a chosen source lacks
// its option.
std::unique_ptr<Meter> open_meter(const MeterSettings& settings, const Log& log);

// [any] The first executable `name` in the directories of `path` (PATH's syntax).
std::optional<std::string> find_program(const std::string& name, const std::string& path);

// [any] The IPMI device node under `sysroot` (/dev/ipmi0, /dev/ipmi/0, /dev/ipmidev/0), as
// the path on the machine ("/dev/ipmi0"); nullopt when there is none.
std::optional<std::string> find_ipmi_device(const std::string& sysroot);

}  // namespace wall
