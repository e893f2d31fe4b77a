// SPDX-License-Identifier: MIT
// Paths of /sys and /proc under the host's sysroot (bl_host.sysroot: "/" on a machine, a
// fixture tree in tests, the host's root mounted into a container), and directory listings
// in the order people expect (hwmon2 before hwmon10).
#pragma once

#include <benchlab/plugin.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab::common {

// [any] The host's sysroot: "/" for a host older than ABI 1.2 or one that left it NULL or
// empty. Give it to under_sysroot (under_sysroot(sysroot_of(host), "") is the root without
// a trailing '/', "" for "/").
inline const char* sysroot_of(const bl_host* host) noexcept {
  if (host->struct_size < offsetof(bl_host, sysroot) + sizeof host->sysroot) return "/";
  return host->sysroot && *host->sysroot ? host->sysroot : "/";
}

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
