// Paths of /sys and /proc under the host's sysroot (bl_host.sysroot: "/" on a machine, a
// fixture tree in tests, the host's root mounted into a container), and directory listings
// in the order people expect (hwmon2 before hwmon10).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace benchlab::common {

// [any] `absolute_path` (starting with '/') under `sysroot`: unchanged when sysroot is
// NULL, "" or "/"; else sysroot without trailing '/' followed by the path.
std::string under_sysroot(const char* sysroot, std::string_view absolute_path);

// [any] a < b comparing runs of digits by value: "cpu2" < "cpu10", "intel-rapl:0:1" <
// "intel-rapl:1".
bool natural_less(std::string_view a, std::string_view b) noexcept;

// [main] The names in directory `path` (not "." or ".."), in natural_less order; empty when
// it does not exist or cannot be read.
std::vector<std::string> list_directory(const std::string& path);

// [main] Whether `path` names a directory (following symbolic links, as /sys/class does).
bool is_directory(const std::string& path) noexcept;

}  // namespace benchlab::common
