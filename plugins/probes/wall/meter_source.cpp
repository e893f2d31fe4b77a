// SPDX-License-Identifier: MIT
#include "meter_source.hpp"

#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <cstdlib>

#include "command_meter.hpp"
#include "file_meter.hpp"
#include "ipmi_meter.hpp"

namespace wall {

namespace {

namespace sdk = benchlab::sdk;

constexpr const char* no_meter =
    "no wall power meter: set wall.file=PATH or wall.command=..., or install ipmitool on a "
    "server with a BMC";
constexpr const char* no_ipmitool =
    "ipmitool is not installed (not found on PATH): install it (apt-get install ipmitool)";
constexpr const char* no_ipmi_device =
    "no IPMI device (/dev/ipmi0): this machine has no BMC, or its drivers are not loaded "
    "(modprobe ipmi_si ipmi_devintf)";

std::unique_ptr<Meter> open_ipmi(const MeterSettings& s, const Log& log) {
  const char* path = std::getenv("PATH");
  const auto ipmitool = find_program("ipmitool", path != nullptr ? path : "/usr/bin:/bin");
  if (!ipmitool) throw sdk::failure(BL_UNSUPPORTED, no_ipmitool);
  if (!find_ipmi_device(s.sysroot)) throw sdk::failure(BL_UNSUPPORTED, no_ipmi_device);
  return std::make_unique<IpmiMeter>(*ipmitool, s.ipmi_interval, log);
}

std::unique_ptr<Meter> open_command(const MeterSettings& s, const Log& log) {
  std::vector<std::string> argv{s.command};
  argv.insert(argv.end(), s.args.begin(), s.args.end());
  return std::make_unique<CommandMeter>(std::move(argv), s.max_age, log);
}

}  // namespace

std::unique_ptr<Meter> open_meter(const MeterSettings& s, const Log& log) {
  switch (s.source) {
    case Source::file:
      if (s.file.empty())
        throw sdk::failure(BL_INVALID_ARGUMENT, "wall: source=file needs wall.file=PATH");
      return std::make_unique<FileMeter>(s.file, s.max_age);
    case Source::command:
      if (s.command.empty())
        throw sdk::failure(BL_INVALID_ARGUMENT,
                           "wall: source=command needs wall.command=PROGRAM (and wall.arg=... "
                           "for each of its arguments)");
      return open_command(s, log);
    case Source::ipmi:
      return open_ipmi(s, log);
    case Source::automatic:
      break;
  }
  if (!s.file.empty()) return std::make_unique<FileMeter>(s.file, s.max_age);
  if (!s.command.empty()) return open_command(s, log);
  const char* path = std::getenv("PATH");
  const bool has_ipmitool =
      find_program("ipmitool", path != nullptr ? path : "/usr/bin:/bin").has_value();
  const bool has_device = find_ipmi_device(s.sysroot).has_value();
  if (has_ipmitool && has_device) return open_ipmi(s, log);
  if (has_device) throw sdk::failure(BL_UNSUPPORTED, std::string(no_meter) + "; " + no_ipmitool);
  throw sdk::failure(BL_UNSUPPORTED, no_meter);
}

std::optional<std::string> find_program(const std::string& name, const std::string& path) {
  std::size_t at = 0;
  while (at <= path.size()) {
    std::size_t end = path.find(':', at);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end > at ? path.substr(at, end - at) : ".";
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> find_ipmi_device(const std::string& sysroot) {
  for (const char* device : {"/dev/ipmi0", "/dev/ipmi/0", "/dev/ipmidev/0"})
    if (access((sysroot + device).c_str(), F_OK) == 0) return std::string(device);
  return std::nullopt;
}

}  // namespace wall
