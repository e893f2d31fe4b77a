// SPDX-License-Identifier: MIT
// The part of the ROCm SMI library's C API (librocm_smi64) this probe calls, declared
// here so that nothing includes or links it: the probe dlopens it at run time. Types,
// constants and prototypes as in rocm_smi/rocm_smi.h of rocm_smi_lib 7.x (ROCm 6.x);
// every function used exists since rocm_smi_lib 5 (ROCm 5.x) except rsmi_dev_power_get
// (ROCm 6.1), which is optional. Values must match that header exactly: they cross into
// the real library.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rsmi {

// rsmi_status_t (an enum with 0xFFFFFFFF among its values: 32 bits, unsigned).
using Status = std::uint32_t;
constexpr Status STATUS_SUCCESS = 0x0;
constexpr Status STATUS_INVALID_ARGS = 0x1;
constexpr Status STATUS_NOT_SUPPORTED = 0x2;
constexpr Status STATUS_FILE_ERROR = 0x3;
constexpr Status STATUS_PERMISSION = 0x4;
constexpr Status STATUS_INIT_ERROR = 0x8;
constexpr Status STATUS_NOT_YET_IMPLEMENTED = 0x9;
constexpr Status STATUS_NOT_FOUND = 0xA;
constexpr Status STATUS_INSUFFICIENT_SIZE = 0xB;
constexpr Status STATUS_NO_DATA = 0xE;
constexpr Status STATUS_DRM_ERROR = 0x15;
constexpr Status STATUS_UNKNOWN_ERROR = 0xFFFFFFFF;

// rsmi_memory_type_t
constexpr int MEM_TYPE_VRAM = 0;
constexpr int MEM_TYPE_VIS_VRAM = 1;
constexpr int MEM_TYPE_GTT = 2;

// rsmi_temperature_type_t (the sensor)
constexpr std::uint32_t TEMP_TYPE_EDGE = 0;
constexpr std::uint32_t TEMP_TYPE_JUNCTION = 1;
constexpr std::uint32_t TEMP_TYPE_MEMORY = 2;

// rsmi_temperature_metric_t
constexpr int TEMP_CURRENT = 0x0;
constexpr int TEMP_MAX = 0x1;
constexpr int TEMP_CRITICAL = 0x5;

// RSMI_POWER_TYPE (what rsmi_dev_power_get read)
using PowerType = std::uint32_t;
constexpr PowerType AVERAGE_POWER = 0;
constexpr PowerType CURRENT_POWER = 1;
constexpr PowerType INVALID_POWER = 0xFFFFFFFF;

// rsmi_sw_component_t
constexpr int SW_COMP_DRIVER = 0;

// Function types, by their rocm_smi.h names.
extern "C" {
using InitFn = Status (*)(std::uint64_t init_flags);           // rsmi_init
using ShutDownFn = Status (*)();                               // rsmi_shut_down
using StatusStringFn = Status (*)(Status, const char** text);  // rsmi_status_string
using NumMonitorDevicesFn = Status (*)(std::uint32_t* count);  // rsmi_num_monitor...
using DevNameGetFn = Status (*)(std::uint32_t dv, char* name, std::size_t len);
using VersionStrGetFn = Status (*)(int component, char* text, std::uint32_t len);
using DevPowerGetFn = Status (*)(std::uint32_t dv, std::uint64_t* microwatts, PowerType* type);
// rsmi_dev_power_ave_get and rsmi_dev_power_cap_get: (device, sensor 0, µW)
using DevSensorU64Fn = Status (*)(std::uint32_t dv, std::uint32_t sensor, std::uint64_t* value);
// rsmi_dev_memory_total_get and rsmi_dev_memory_usage_get: (device, memory type, bytes)
using DevMemoryFn = Status (*)(std::uint32_t dv, int mem_type, std::uint64_t* bytes);
using DevTempMetricGetFn = Status (*)(std::uint32_t dv, std::uint32_t sensor, int metric,
                                      std::int64_t* millidegrees);
using DevBusyPercentGetFn = Status (*)(std::uint32_t dv, std::uint32_t* percent);
}

}  // namespace rsmi
