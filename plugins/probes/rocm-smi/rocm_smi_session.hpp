// SPDX-License-Identifier: MIT
// ROCm SMI loaded and initialised for one probe instance: librocm_smi64 through dlopen
// (the versioned names ROCm and the distributions install first, the development link
// last), its functions by name, rsmi_init in the constructor and rsmi_shut_down in the
// destructor.
#pragma once

#include <benchlab_common/dynamic_library.hpp>
#include <string>

#include "rocm_smi_api.hpp"

namespace rsmi {

class Session {
 public:
  // [main] Loads the library and initialises ROCm SMI. Throws sdk::failure(BL_UNSUPPORTED)
  // with the reason and the fix when the library is missing, lacks a function, or
  // rsmi_init fails.
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // [any] rsmi_status_string's text for `code` with the code: "RSMI_STATUS_NOT_SUPPORTED:
  // ... (ROCm SMI status 2)".
  std::string error_text(Status code) const;
  // The name the library was loaded by, e.g. "librocm_smi64.so.7".
  const std::string& library_name() const noexcept { return library_.name(); }

  // Required: never null after construction.
  NumMonitorDevicesFn num_monitor_devices = nullptr;
  DevMemoryFn dev_memory_total_get = nullptr;
  DevMemoryFn dev_memory_usage_get = nullptr;
  // Optional: null when this version lacks them; what needs one is left out.
  DevNameGetFn dev_name_get = nullptr;
  VersionStrGetFn version_str_get = nullptr;
  DevPowerGetFn dev_power_get = nullptr;       // ROCm 6.1+: current or average power
  DevSensorU64Fn dev_power_ave_get = nullptr;  // older: average power
  DevSensorU64Fn dev_power_cap_get = nullptr;
  DevTempMetricGetFn dev_temp_metric_get = nullptr;
  DevBusyPercentGetFn dev_busy_percent_get = nullptr;

 private:
  benchlab::common::DynamicLibrary library_;
  InitFn init_ = nullptr;
  ShutDownFn shut_down_ = nullptr;
  StatusStringFn status_string_ = nullptr;
};

// [any] What an operator does about rsmi_init failing with `code`.
std::string init_failure_fix(Status code);

}  // namespace rsmi
