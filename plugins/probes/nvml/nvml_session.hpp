// SPDX-License-Identifier: MIT
// NVML loaded and initialised for one probe instance: libnvidia-ml.so.1 through dlopen,
// its functions by name, nvmlInit_v2 in the constructor and nvmlShutdown in the
// destructor (NVML counts them, so other users in the process are unaffected).
#pragma once

#include <benchlab_common/dynamic_library.hpp>
#include <string>

#include "nvml_api.hpp"

namespace nvml {

// The file the NVIDIA driver installs; the probe never looks for another name.
inline constexpr const char* library_name = "libnvidia-ml.so.1";

class Session {
 public:
  // [main] Loads the library and initialises NVML. Throws sdk::failure(BL_UNSUPPORTED)
  // with the reason and the fix when the library is missing, lacks a function every
  // driver since r450 has, or nvmlInit_v2 fails.
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // [any] nvmlErrorString's text for `code` with the code: "Not Supported (NVML error 3)".
  std::string error_text(Return code) const;

  // Required functions: never null after construction.
  DeviceGetCountFn device_get_count = nullptr;
  DeviceGetHandleByIndexFn device_get_handle_by_index = nullptr;
  // Optional functions: null when this driver's NVML lacks them; a channel that needs one
  // is left out as if the call answered NOT_SUPPORTED.
  SystemGetDriverVersionFn system_get_driver_version = nullptr;
  DeviceGetNameFn device_get_name = nullptr;
  DeviceGetUIntFn device_get_power_usage = nullptr;
  DeviceGetUIntFn device_get_power_management_limit = nullptr;
  DeviceGetULongLongFn device_get_total_energy_consumption = nullptr;
  DeviceGetMemoryInfoFn device_get_memory_info = nullptr;
  DeviceGetByTypeFn device_get_clock_info = nullptr;
  DeviceGetByTypeFn device_get_max_clock_info = nullptr;
  DeviceGetUtilizationRatesFn device_get_utilization_rates = nullptr;
  DeviceGetByTypeFn device_get_temperature = nullptr;
  DeviceGetByTypeFn device_get_temperature_threshold = nullptr;
  // nvmlDeviceGetCurrentClocksEventReasons (r535+), else the older
  // nvmlDeviceGetCurrentClocksThrottleReasons: same signature and bits.
  DeviceGetULongLongFn device_get_clock_reasons = nullptr;

 private:
  benchlab::common::DynamicLibrary library_;
  InitFn init_ = nullptr;
  ShutdownFn shutdown_ = nullptr;
  ErrorStringFn error_string_ = nullptr;
};

// [any] What an operator does about nvmlInit_v2 failing with `code`.
std::string init_failure_fix(Return code);

}  // namespace nvml
