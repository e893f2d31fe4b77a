// Paths of /sys, /proc and /dev as a probe reads them: under the host's sysroot (a
// fixture tree in tests, the host's root mounted in a container), "/" when the host gives
// none. Header-only.
#pragma once

#include <benchlab/plugin.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace benchlab::common {

// [any] The host's sysroot without a trailing '/', "" for "/": an ABI 1.2 host's
// bl_host.sysroot, or "" from an older host (whose table ends before the field) or a
// NULL / empty / "/" one.
inline std::string sysroot_of(const bl_host* host) {
  if (host == nullptr || host->struct_size < offsetof(bl_host, sysroot) + sizeof(host->sysroot) ||
      host->sysroot == nullptr)
    return "";
  std::string root = host->sysroot;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root;
}

// [any] `absolute` ("/proc/meminfo") under `sysroot` (from sysroot_of).
inline std::string under_sysroot(std::string_view sysroot, std::string_view absolute) {
  return std::string(sysroot).append(absolute);
}

}  // namespace benchlab::common
