// SPDX-License-Identifier: MIT
#include "nvml_session.hpp"

#include <benchlab/plugin.hpp>
#include <string>

namespace nvml {

namespace sdk = benchlab::sdk;

Session::Session() {
  std::string why;
  library_ = benchlab::common::DynamicLibrary::open_first({library_name}, &why);
  if (!library_)
    throw sdk::failure(BL_UNSUPPORTED,
                       std::string(library_name) +
                           " not found (no NVIDIA driver): install the NVIDIA driver "
                           "(nvidia-driver / libnvidia-ml1)");

  const auto required = [&]<class Fn>(Fn& fn, const char* symbol) {
    fn = library_.function<Fn>(symbol);
    if (fn == nullptr)
      throw sdk::failure(BL_UNSUPPORTED, std::string(library_name) + " has no " + symbol +
                                             ": the NVIDIA driver is too old for this probe; "
                                             "update it (driver r450 or later)");
  };
  required(init_, "nvmlInit_v2");
  required(shutdown_, "nvmlShutdown");
  required(error_string_, "nvmlErrorString");
  required(device_get_count, "nvmlDeviceGetCount_v2");
  required(device_get_handle_by_index, "nvmlDeviceGetHandleByIndex_v2");

  system_get_driver_version =
      library_.function<SystemGetDriverVersionFn>("nvmlSystemGetDriverVersion");
  device_get_name = library_.function<DeviceGetNameFn>("nvmlDeviceGetName");
  device_get_power_usage = library_.function<DeviceGetUIntFn>("nvmlDeviceGetPowerUsage");
  device_get_power_management_limit =
      library_.function<DeviceGetUIntFn>("nvmlDeviceGetPowerManagementLimit");
  device_get_total_energy_consumption =
      library_.function<DeviceGetULongLongFn>("nvmlDeviceGetTotalEnergyConsumption");
  device_get_memory_info = library_.function<DeviceGetMemoryInfoFn>("nvmlDeviceGetMemoryInfo");
  device_get_clock_info = library_.function<DeviceGetByTypeFn>("nvmlDeviceGetClockInfo");
  device_get_max_clock_info = library_.function<DeviceGetByTypeFn>("nvmlDeviceGetMaxClockInfo");
  device_get_utilization_rates =
      library_.function<DeviceGetUtilizationRatesFn>("nvmlDeviceGetUtilizationRates");
  device_get_temperature = library_.function<DeviceGetByTypeFn>("nvmlDeviceGetTemperature");
  device_get_temperature_threshold =
      library_.function<DeviceGetByTypeFn>("nvmlDeviceGetTemperatureThreshold");
  device_get_clock_reasons =
      library_.function<DeviceGetULongLongFn>("nvmlDeviceGetCurrentClocksEventReasons");
  if (device_get_clock_reasons == nullptr)
    device_get_clock_reasons =
        library_.function<DeviceGetULongLongFn>("nvmlDeviceGetCurrentClocksThrottleReasons");

  if (const Return rc = init_(); rc != SUCCESS)
    throw sdk::failure(BL_UNSUPPORTED,
                       "nvmlInit failed: " + error_text(rc) + "; " + init_failure_fix(rc));
}

Session::~Session() {
  if (shutdown_ != nullptr) shutdown_();
}

std::string Session::error_text(Return code) const {
  const char* text = error_string_ != nullptr ? error_string_(code) : nullptr;
  return std::string(text != nullptr ? text : "unknown error") + " (NVML error " +
         std::to_string(code) + ")";
}

std::string init_failure_fix(Return code) {
  switch (code) {
    case ERROR_DRIVER_NOT_LOADED:
      return "the NVIDIA kernel module is not loaded: load it (modprobe nvidia) or reinstall "
             "the driver, then check that nvidia-smi works";
    case ERROR_NO_PERMISSION:
      return "no access to the GPU device nodes (/dev/nvidia*): run as a user who may open "
             "them (group video) or fix their permissions";
    case ERROR_LIB_RM_VERSION_MISMATCH:
      return "libnvidia-ml.so.1 and the loaded kernel module come from different driver "
             "versions: reboot after the driver update (or reload the nvidia module)";
    case ERROR_INSUFFICIENT_POWER:
      return "a GPU's external power cables are not properly attached: check them";
    default:
      return "check that nvidia-smi works; reinstall the NVIDIA driver if it does not";
  }
}

}  // namespace nvml
