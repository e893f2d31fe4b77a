// SPDX-License-Identifier: MIT
// The part of the NVIDIA Management Library's C API this probe calls, declared here so
// that nothing includes or links NVML: the probe dlopens libnvidia-ml.so.1 at run time.
// Types, constants and prototypes as in nvml.h of NVML API version 12 (CUDA 12.x, driver
// branch r535 and later; the older functions exist since driver r450). Values must match
// that header exactly: they cross into the real library.
#pragma once

#include <cstdint>

namespace nvml {

// nvmlReturn_t (an enum of int size in nvml.h).
using Return = int;
constexpr Return SUCCESS = 0;
constexpr Return ERROR_UNINITIALIZED = 1;
constexpr Return ERROR_INVALID_ARGUMENT = 2;
constexpr Return ERROR_NOT_SUPPORTED = 3;
constexpr Return ERROR_NO_PERMISSION = 4;
constexpr Return ERROR_NOT_FOUND = 6;
constexpr Return ERROR_INSUFFICIENT_POWER = 8;
constexpr Return ERROR_DRIVER_NOT_LOADED = 9;
constexpr Return ERROR_LIBRARY_NOT_FOUND = 12;
constexpr Return ERROR_FUNCTION_NOT_FOUND = 13;
constexpr Return ERROR_GPU_IS_LOST = 15;
constexpr Return ERROR_LIB_RM_VERSION_MISMATCH = 18;
constexpr Return ERROR_UNKNOWN = 999;

// nvmlDevice_t: an opaque handle.
using Device = struct nvmlDevice_st*;

// nvmlMemory_t (v1): bytes.
struct Memory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

// nvmlUtilization_t: percent over the driver's last sample period.
struct Utilization {
  unsigned int gpu;
  unsigned int memory;
};

// nvmlClockType_t
constexpr int CLOCK_GRAPHICS = 0;
constexpr int CLOCK_SM = 1;
constexpr int CLOCK_MEM = 2;

// nvmlTemperatureSensors_t
constexpr int TEMPERATURE_GPU = 0;

// nvmlTemperatureThresholds_t
constexpr int TEMPERATURE_THRESHOLD_SHUTDOWN = 0;
constexpr int TEMPERATURE_THRESHOLD_SLOWDOWN = 1;

// nvmlClocksEventReasons (nvmlClocksThrottleReasons before r535): bits of the mask.
constexpr unsigned long long CLOCKS_EVENT_REASON_GPU_IDLE = 0x1ull;
constexpr unsigned long long CLOCKS_EVENT_REASON_APPLICATIONS_CLOCKS_SETTING = 0x2ull;
constexpr unsigned long long CLOCKS_EVENT_REASON_SW_POWER_CAP = 0x4ull;
constexpr unsigned long long CLOCKS_THROTTLE_REASON_HW_SLOWDOWN = 0x8ull;
constexpr unsigned long long CLOCKS_EVENT_REASON_SYNC_BOOST = 0x10ull;
constexpr unsigned long long CLOCKS_EVENT_REASON_SW_THERMAL_SLOWDOWN = 0x20ull;
constexpr unsigned long long CLOCKS_THROTTLE_REASON_HW_THERMAL_SLOWDOWN = 0x40ull;
constexpr unsigned long long CLOCKS_THROTTLE_REASON_HW_POWER_BRAKE_SLOWDOWN = 0x80ull;

// Buffer sizes nvml.h guarantees to be enough.
constexpr unsigned int DEVICE_NAME_V2_BUFFER_SIZE = 96;
constexpr unsigned int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;

// Function types, by their nvml.h names.
extern "C" {
using InitFn = Return (*)();                                           // nvmlInit_v2
using ShutdownFn = Return (*)();                                       // nvmlShutdown
using ErrorStringFn = const char* (*)(Return);                         // nvmlErrorString
using DeviceGetCountFn = Return (*)(unsigned int*);                    // nvmlDeviceGetCount_v2
using DeviceGetHandleByIndexFn = Return (*)(unsigned int, Device*);    // ..._v2
using SystemGetDriverVersionFn = Return (*)(char*, unsigned int);      // nvmlSystemGet...
using DeviceGetNameFn = Return (*)(Device, char*, unsigned int);       // nvmlDeviceGetName
using DeviceGetUIntFn = Return (*)(Device, unsigned int*);             // mW: power, limit
using DeviceGetULongLongFn = Return (*)(Device, unsigned long long*);  // mJ, reasons
using DeviceGetMemoryInfoFn = Return (*)(Device, Memory*);             // v1 struct
using DeviceGetUtilizationRatesFn = Return (*)(Device, Utilization*);
using DeviceGetByTypeFn = Return (*)(Device, int, unsigned int*);  // clocks (MHz), °C
}

}  // namespace nvml
