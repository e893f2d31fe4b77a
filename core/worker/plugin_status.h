/* SPDX-License-Identifier: MIT */
// How the worker names a plugin call's status in a failure: "run() returned BL_ERROR: why",
// the same words whether a workload phase or a probe failed.
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <string>

namespace benchlab::worker {

inline const char* status_name(int32_t s) {
  switch (s) {
    case BL_OK:
      return "BL_OK";
    case BL_ERROR:
      return "BL_ERROR";
    case BL_CANNOT_RUN:
      return "BL_CANNOT_RUN";
    case BL_CANCELLED:
      return "BL_CANCELLED";
    case BL_INVALID_ARGUMENT:
      return "BL_INVALID_ARGUMENT";
    case BL_UNSUPPORTED:
      return "BL_UNSUPPORTED";
    case BL_NO_MEMORY:
      return "BL_NO_MEMORY";
    case BL_TIMEOUT:
      return "BL_TIMEOUT";
    default:
      return "an unknown status";
  }
}

// "CALL returned STATUS", with ": WHY" when the plugin gave a reason.
inline std::string returned(const std::string& call, int32_t status, const std::string& why) {
  return call + " returned " + status_name(status) + (why.empty() ? "" : ": " + why);
}

}  // namespace benchlab::worker
