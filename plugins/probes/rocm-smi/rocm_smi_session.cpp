// SPDX-License-Identifier: MIT
#include "rocm_smi_session.hpp"

#include <benchlab/plugin.hpp>
#include <string>

namespace rsmi {

namespace sdk = benchlab::sdk;

Session::Session() {
  std::string why;
  // ROCm 6.2+ installs .so.7, 6.0/6.1 .so.6, 5.x .so.5; Debian's and Ubuntu's own package
  // (librocm-smi64-1) .so.1; the bare name only comes with a development package.
  library_ = benchlab::common::DynamicLibrary::open_first(
      {"librocm_smi64.so.7", "librocm_smi64.so.6", "librocm_smi64.so.5", "librocm_smi64.so.1",
       "librocm_smi64.so"},
      &why);
  if (!library_)
    throw sdk::failure(BL_UNSUPPORTED,
                       "librocm_smi64.so not found (no ROCm SMI): install ROCm's rocm-smi-lib "
                       "(or the distribution's librocm-smi64-1), or add its directory "
                       "(/opt/rocm/lib) to the library path");

  const auto required = [&]<class Fn>(Fn& fn, const char* symbol) {
    fn = library_.function<Fn>(symbol);
    if (fn == nullptr)
      throw sdk::failure(BL_UNSUPPORTED, library_.name() + " has no " + symbol +
                                             ": this ROCm SMI is too old for the probe; "
                                             "update ROCm (5.0 or later)");
  };
  required(init_, "rsmi_init");
  required(shut_down_, "rsmi_shut_down");
  required(status_string_, "rsmi_status_string");
  required(num_monitor_devices, "rsmi_num_monitor_devices");
  required(dev_memory_total_get, "rsmi_dev_memory_total_get");
  required(dev_memory_usage_get, "rsmi_dev_memory_usage_get");

  dev_name_get = library_.function<DevNameGetFn>("rsmi_dev_name_get");
  version_str_get = library_.function<VersionStrGetFn>("rsmi_version_str_get");
  dev_power_get = library_.function<DevPowerGetFn>("rsmi_dev_power_get");
  dev_power_ave_get = library_.function<DevSensorU64Fn>("rsmi_dev_power_ave_get");
  dev_power_cap_get = library_.function<DevSensorU64Fn>("rsmi_dev_power_cap_get");
  dev_temp_metric_get = library_.function<DevTempMetricGetFn>("rsmi_dev_temp_metric_get");
  dev_busy_percent_get = library_.function<DevBusyPercentGetFn>("rsmi_dev_busy_percent_get");

  // On failure the destructor does not run, so nothing calls rsmi_shut_down.
  if (const Status rc = init_(0); rc != STATUS_SUCCESS)
    throw sdk::failure(BL_UNSUPPORTED,
                       "rsmi_init failed: " + error_text(rc) + "; " + init_failure_fix(rc));
}

Session::~Session() {
  if (shut_down_ != nullptr) shut_down_();
}

std::string Session::error_text(Status code) const {
  const char* text = nullptr;
  if (status_string_ == nullptr || status_string_(code, &text) != STATUS_SUCCESS || text == nullptr)
    text = "unknown status";
  return std::string(text) + " (ROCm SMI status " + std::to_string(code) + ")";
}

std::string init_failure_fix(Status code) {
  switch (code) {
    case STATUS_PERMISSION:
      return "no access to the GPU's files (/dev/kfd, /dev/dri/renderD*, sysfs): add the user "
             "to the render and video groups";
    case STATUS_INIT_ERROR:
    case STATUS_FILE_ERROR:
    case STATUS_DRM_ERROR:
      return "the amdgpu kernel driver is not loaded or exposes no GPU: load it (modprobe "
             "amdgpu), then check that rocm-smi lists the GPU";
    default:
      return "check that rocm-smi lists the GPU; reinstall ROCm if it does not";
  }
}

}  // namespace rsmi
