/* SPDX-License-Identifier: MIT */
/*
 * A fake libnvidia-ml.so.1 for the nvml probe's tests: the NVML functions the probe calls,
 * with the real names, signatures and return codes (NVML API 12), answering from a script
 * instead of a GPU. The tests put its directory on LD_LIBRARY_PATH, so the probe finds it
 * by dlopen("libnvidia-ml.so.1") as it finds the driver's.
 *
 * The script is the file FAKE_NVML_SCRIPT names, read by nvmlInit_v2 when no session is
 * open (fake_script.h: one "KEY VALUE" per line, '#' starts a comment). Keys:
 *   init CODE                 what nvmlInit_v2 answers (default: success)
 *   driver TEXT               nvmlSystemGetDriverVersion
 *   gpus N                    nvmlDeviceGetCount_v2
 *   gpuI.name TEXT            nvmlDeviceGetName
 *   gpuI.memory.total BYTES   nvmlDeviceGetMemoryInfo (with .used BYTES)
 *   gpuI.power MW             nvmlDeviceGetPowerUsage
 *   gpuI.power_limit MW       nvmlDeviceGetPowerManagementLimit
 *   gpuI.energy MJ            nvmlDeviceGetTotalEnergyConsumption: its first answer...
 *   gpuI.energy_step MJ       ...and what each later call adds (default 0)
 *   gpuI.clock.KIND MHZ       nvmlDeviceGetClockInfo, KIND graphics | sm | memory
 *   gpuI.clock_max.KIND MHZ   nvmlDeviceGetMaxClockInfo
 *   gpuI.util.gpu PERCENT     nvmlDeviceGetUtilizationRates (with .util.memory)
 *   gpuI.temp C               nvmlDeviceGetTemperature(NVML_TEMPERATURE_GPU)
 *   gpuI.temp_slowdown C      nvmlDeviceGetTemperatureThreshold(SLOWDOWN)
 *   gpuI.reasons MASK         nvmlDeviceGetCurrentClocksEventReasons (and ...Throttle...)
 *   gpuI.lost_when PATH       once the file PATH exists, every call about the GPU answers
 *                             GPU_IS_LOST (a GPU that falls off the bus while sampled)
 * A call whose key is absent answers NVML_ERROR_NOT_SUPPORTED; a key whose value is an
 * error name (NOT_SUPPORTED, NO_PERMISSION, GPU_IS_LOST, UNKNOWN, DRIVER_NOT_LOADED,
 * LIB_RM_VERSION_MISMATCH, ...) or "ERROR <code>" makes the call answer that error.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_script.h"
#define API __attribute__((visibility("default")))

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st* nvmlDevice_t;
typedef struct {
  unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
  unsigned int gpu, memory;
} nvmlUtilization_t;

enum {
  SUCCESS = 0,
  ERROR_UNINITIALIZED = 1,
  ERROR_INVALID_ARGUMENT = 2,
  ERROR_NOT_SUPPORTED = 3,
  ERROR_INSUFFICIENT_SIZE = 7,
  ERROR_GPU_IS_LOST = 15,
  ERROR_UNKNOWN = 999,
};

struct error_name {
  int code;
  const char* name;
  const char* text; /* as nvmlErrorString says it */
};
static const struct error_name errors[] = {
    {0, "SUCCESS", "Success"},
    {1, "UNINITIALIZED", "Uninitialized"},
    {2, "INVALID_ARGUMENT", "Invalid Argument"},
    {3, "NOT_SUPPORTED", "Not Supported"},
    {4, "NO_PERMISSION", "Insufficient Permissions"},
    {5, "ALREADY_INITIALIZED", "Already Initialized"},
    {6, "NOT_FOUND", "Not Found"},
    {7, "INSUFFICIENT_SIZE", "Insufficient Size"},
    {8, "INSUFFICIENT_POWER", "Insufficient External Power"},
    {9, "DRIVER_NOT_LOADED", "Driver Not Loaded"},
    {10, "TIMEOUT", "Timeout"},
    {12, "LIBRARY_NOT_FOUND", "NVML Shared Library Not Found"},
    {13, "FUNCTION_NOT_FOUND", "Function Not Found"},
    {15, "GPU_IS_LOST", "GPU is lost"},
    {18, "LIB_RM_VERSION_MISMATCH", "RM has detected an NVML/RM version mismatch."},
    {999, "UNKNOWN", "Unknown Error"},
};

#define MAX_GPUS 16
static int sessions; /* nvmlInit_v2 minus nvmlShutdown */
static unsigned long long energy_now[MAX_GPUS];
static int energy_started[MAX_GPUS];
static struct nvmlDevice_st { unsigned index; } devices[MAX_GPUS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char* device_key(nvmlDevice_t d, const char* rest, char* buf, size_t size) {
  snprintf(buf, size, "gpu%u.%s", d->index, rest);
  return script_lookup(buf);
}

/* The error a value names, or -1 when it is a plain value. */
static int error_of(const char* value) {
  if (strncmp(value, "ERROR ", 6) == 0) return atoi(value + 6);
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; ++i)
    if (strcmp(value, errors[i].name) == 0) return errors[i].code;
  return -1;
}

/* Looks up gpuI.REST: SUCCESS with *out set, the error it names, or NOT_SUPPORTED. */
static nvmlReturn_t device_number(nvmlDevice_t d, const char* rest, unsigned long long* out) {
  char key[64];
  if (sessions == 0) return ERROR_UNINITIALIZED;
  if (d == NULL || out == NULL) return ERROR_INVALID_ARGUMENT;
  const char* lost_when = device_key(d, "lost_when", key, sizeof key);
  if (lost_when != NULL && access(lost_when, F_OK) == 0) return ERROR_GPU_IS_LOST;
  const char* value = device_key(d, rest, key, sizeof key);
  if (value == NULL) return ERROR_NOT_SUPPORTED;
  const int error = error_of(value);
  if (error >= 0) return error;
  *out = strtoull(value, NULL, 0);
  return SUCCESS;
}

static int read_script(void) {
  if (!script_read("FAKE_NVML_SCRIPT", "fake NVML")) return 0;
  memset(energy_started, 0, sizeof energy_started);
  return 1;
}

API nvmlReturn_t nvmlInit_v2(void) {
  pthread_mutex_lock(&lock);
  nvmlReturn_t rc = SUCCESS;
  if (sessions == 0) {
    if (!read_script()) {
      rc = ERROR_UNKNOWN;
    } else if (script_lookup("init") != NULL) {
      const int error = error_of(script_lookup("init"));
      rc = error >= 0 ? error : ERROR_UNKNOWN;
    }
  }
  if (rc == SUCCESS) ++sessions;
  pthread_mutex_unlock(&lock);
  return rc;
}

API nvmlReturn_t nvmlShutdown(void) {
  pthread_mutex_lock(&lock);
  nvmlReturn_t rc = sessions > 0 ? SUCCESS : ERROR_UNINITIALIZED;
  if (sessions > 0) --sessions;
  pthread_mutex_unlock(&lock);
  return rc;
}

API const char* nvmlErrorString(nvmlReturn_t result) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; ++i)
    if (errors[i].code == result) return errors[i].text;
  return "Unknown Error";
}

API nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  if (sessions == 0) return ERROR_UNINITIALIZED;
  const char* value = script_lookup("driver");
  if (value == NULL) return ERROR_NOT_SUPPORTED;
  if (strlen(value) + 1 > length) return ERROR_INSUFFICIENT_SIZE;
  strcpy(version, value);
  return SUCCESS;
}

API nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  if (sessions == 0) return ERROR_UNINITIALIZED;
  if (count == NULL) return ERROR_INVALID_ARGUMENT;
  const char* value = script_lookup("gpus");
  *count = value != NULL ? (unsigned)atoi(value) : 0;
  if (*count > MAX_GPUS) *count = MAX_GPUS;
  return SUCCESS;
}

API nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  unsigned int count = 0;
  if (nvmlDeviceGetCount_v2(&count) != SUCCESS) return ERROR_UNINITIALIZED;
  if (index >= count || device == NULL) return ERROR_INVALID_ARGUMENT;
  devices[index].index = index;
  *device = &devices[index];
  return SUCCESS;
}

API nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  char key[64];
  if (sessions == 0) return ERROR_UNINITIALIZED;
  if (device == NULL || name == NULL) return ERROR_INVALID_ARGUMENT;
  const char* value = device_key(device, "name", key, sizeof key);
  if (value == NULL) return ERROR_NOT_SUPPORTED;
  if (strlen(value) + 1 > length) return ERROR_INSUFFICIENT_SIZE;
  strcpy(name, value);
  return SUCCESS;
}

API nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  unsigned long long total = 0, used = 0;
  nvmlReturn_t rc = device_number(device, "memory.total", &total);
  if (rc != SUCCESS) return rc;
  if (memory == NULL) return ERROR_INVALID_ARGUMENT;
  if (device_number(device, "memory.used", &used) != SUCCESS) used = 0;
  memory->total = total;
  memory->used = used;
  memory->free = total - used;
  return SUCCESS;
}

static nvmlReturn_t device_uint(nvmlDevice_t device, const char* rest, unsigned int* out) {
  unsigned long long value = 0;
  if (out == NULL) return ERROR_INVALID_ARGUMENT;
  nvmlReturn_t rc = device_number(device, rest, &value);
  if (rc == SUCCESS) *out = (unsigned int)value;
  return rc;
}

API nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* power) {
  return device_uint(device, "power", power);
}

API nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* limit) {
  return device_uint(device, "power_limit", limit);
}

API nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device,
                                                     unsigned long long* energy) {
  unsigned long long first = 0, step = 0;
  nvmlReturn_t rc = device_number(device, "energy", &first);
  if (rc != SUCCESS) return rc;
  if (energy == NULL) return ERROR_INVALID_ARGUMENT;
  if (device_number(device, "energy_step", &step) != SUCCESS) step = 0;
  pthread_mutex_lock(&lock);
  if (!energy_started[device->index]) {
    energy_now[device->index] = first;
    energy_started[device->index] = 1;
  } else {
    energy_now[device->index] += step;
  }
  *energy = energy_now[device->index];
  pthread_mutex_unlock(&lock);
  return SUCCESS;
}

static const char* clock_name(int type) {
  switch (type) {
    case 0:
      return "graphics";
    case 1:
      return "sm";
    case 2:
      return "memory";
    default:
      return NULL;
  }
}

API nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int* clock) {
  char rest[32];
  if (clock_name(type) == NULL) return ERROR_INVALID_ARGUMENT;
  snprintf(rest, sizeof rest, "clock.%s", clock_name(type));
  return device_uint(device, rest, clock);
}

API nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, unsigned int* clock) {
  char rest[32];
  if (clock_name(type) == NULL) return ERROR_INVALID_ARGUMENT;
  snprintf(rest, sizeof rest, "clock_max.%s", clock_name(type));
  return device_uint(device, rest, clock);
}

API nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* rates) {
  unsigned int gpu = 0, memory = 0;
  nvmlReturn_t rc = device_uint(device, "util.gpu", &gpu);
  if (rc != SUCCESS) return rc;
  if (rates == NULL) return ERROR_INVALID_ARGUMENT;
  if (device_uint(device, "util.memory", &memory) != SUCCESS) memory = 0;
  rates->gpu = gpu;
  rates->memory = memory;
  return SUCCESS;
}

API nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int* temp) {
  if (sensor != 0) return ERROR_INVALID_ARGUMENT;
  return device_uint(device, "temp", temp);
}

API nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, int threshold,
                                                   unsigned int* temp) {
  if (threshold != 1) return ERROR_NOT_SUPPORTED; /* only SLOWDOWN is scripted */
  return device_uint(device, "temp_slowdown", temp);
}

API nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device,
                                                        unsigned long long* reasons) {
  if (reasons == NULL) return ERROR_INVALID_ARGUMENT;
  return device_number(device, "reasons", reasons);
}

API nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device,
                                                           unsigned long long* reasons) {
  return nvmlDeviceGetCurrentClocksEventReasons(device, reasons);
}
