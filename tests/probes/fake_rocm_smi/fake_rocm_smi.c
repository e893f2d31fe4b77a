/* SPDX-License-Identifier: MIT */
/*
 * A fake librocm_smi64.so for the rocm-smi probe's tests: the ROCm SMI functions the probe
 * calls, with the real names, signatures and status codes (rocm_smi_lib 7.x), answering
 * from a script instead of a GPU. The tests put its directory on LD_LIBRARY_PATH, so the
 * probe finds it by dlopen as it finds ROCm's.
 *
 * The script is the file FAKE_ROCM_SMI_SCRIPT names, read by rsmi_init when no session is
 * open (fake_script.h: one "KEY VALUE" per line, '#' starts a comment). Keys:
 *   init STATUS                 what rsmi_init answers (default: success)
 *   driver TEXT                 rsmi_version_str_get(RSMI_SW_COMP_DRIVER)
 *   gpus N                      rsmi_num_monitor_devices
 *   gpuI.name TEXT              rsmi_dev_name_get
 *   gpuI.vram.total BYTES       rsmi_dev_memory_total_get(RSMI_MEM_TYPE_VRAM); also .used
 *   gpuI.gtt.total BYTES        ... (RSMI_MEM_TYPE_GTT); also .used
 *   gpuI.power UW               rsmi_dev_power_get (ROCm 6.1+), as RSMI_CURRENT_POWER
 *   gpuI.power_average UW       rsmi_dev_power_ave_get(sensor 0)
 *   gpuI.power_cap UW           rsmi_dev_power_cap_get(sensor 0)
 *   gpuI.temp.SENSOR MC         rsmi_dev_temp_metric_get(SENSOR, RSMI_TEMP_CURRENT),
 *                               SENSOR edge | junction | memory
 *   gpuI.temp.SENSOR_critical MC   ... (SENSOR, RSMI_TEMP_CRITICAL)
 *   gpuI.busy PERCENT           rsmi_dev_busy_percent_get
 * A call whose key is absent answers RSMI_STATUS_NOT_SUPPORTED; a key whose value is a
 * status name (NOT_SUPPORTED, PERMISSION, INIT_ERROR, ...) or "STATUS <code>" makes the
 * call answer that status.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_script.h"
#define API __attribute__((visibility("default")))

typedef uint32_t rsmi_status_t;
enum {
  SUCCESS = 0,
  INVALID_ARGS = 1,
  NOT_SUPPORTED = 2,
  INSUFFICIENT_SIZE = 11,
  INIT_ERROR = 8,
  UNKNOWN_ERROR = 0xFFFFFFFFu,
};

struct status_name {
  rsmi_status_t code;
  const char* name;
  const char* text; /* as rsmi_status_string says it */
};
static const struct status_name statuses[] = {
    {0, "SUCCESS", "RSMI_STATUS_SUCCESS: The function has been executed successfully."},
    {1, "INVALID_ARGS",
     "RSMI_STATUS_INVALID_ARGS: The provided arguments do not meet the "
     "preconditions required for the input."},
    {2, "NOT_SUPPORTED",
     "RSMI_STATUS_NOT_SUPPORTED: This function is not supported in the "
     "current environment."},
    {3, "FILE_ERROR",
     "RSMI_STATUS_FILE_ERROR: There was an error in finding or opening a file "
     "or directory."},
    {4, "PERMISSION",
     "RSMI_STATUS_PERMISSION: The user ID of the calling process does not "
     "have sufficient permission to execute a command."},
    {8, "INIT_ERROR",
     "RSMI_STATUS_INIT_ERROR: An error occurred during initialization, during "
     "monitor discovery or when when initializing internal data structures"},
    {10, "NOT_FOUND",
     "RSMI_STATUS_NOT_FOUND: An item required to complete the call was not "
     "found"},
    {0xFFFFFFFFu, "UNKNOWN_ERROR", "RSMI_STATUS_UNKNOWN_ERROR: An unknown error occurred"},
};

#define MAX_GPUS 16
static int sessions;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The status a value names, or -1 when it is a plain value. */
static int64_t status_of(const char* value) {
  if (strncmp(value, "STATUS ", 7) == 0) return (int64_t)strtoull(value + 7, NULL, 0);
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; ++i)
    if (strcmp(value, statuses[i].name) == 0) return statuses[i].code;
  return -1;
}

static unsigned gpu_count(void) {
  const char* value = script_lookup("gpus");
  unsigned n = value != NULL ? (unsigned)atoi(value) : 0;
  return n > MAX_GPUS ? MAX_GPUS : n;
}

/* Looks up gpuI.REST: SUCCESS with *out set, the status it names, or NOT_SUPPORTED. */
static rsmi_status_t device_text(uint32_t dv, const char* rest, const char** out) {
  char key[64];
  if (sessions == 0) return INIT_ERROR;
  if (dv >= gpu_count()) return INVALID_ARGS;
  snprintf(key, sizeof key, "gpu%u.%s", dv, rest);
  const char* value = script_lookup(key);
  if (value == NULL) return NOT_SUPPORTED;
  const int64_t status = status_of(value);
  if (status >= 0) return (rsmi_status_t)status;
  *out = value;
  return SUCCESS;
}

static rsmi_status_t device_number(uint32_t dv, const char* rest, uint64_t* out) {
  const char* value = NULL;
  if (out == NULL) return INVALID_ARGS;
  rsmi_status_t rc = device_text(dv, rest, &value);
  if (rc == SUCCESS) *out = strtoull(value, NULL, 0);
  return rc;
}

static int read_script(void) {
  if (!script_read("FAKE_ROCM_SMI_SCRIPT", "fake ROCm SMI")) return 0;
  return 1;
}

API rsmi_status_t rsmi_init(uint64_t init_flags) {
  (void)init_flags;
  pthread_mutex_lock(&lock);
  rsmi_status_t rc = SUCCESS;
  if (sessions == 0) {
    if (!read_script()) {
      rc = INIT_ERROR;
    } else if (script_lookup("init") != NULL) {
      const int64_t status = status_of(script_lookup("init"));
      rc = status >= 0 ? (rsmi_status_t)status : UNKNOWN_ERROR;
    }
  }
  if (rc == SUCCESS) ++sessions;
  pthread_mutex_unlock(&lock);
  return rc;
}

API rsmi_status_t rsmi_shut_down(void) {
  pthread_mutex_lock(&lock);
  if (sessions > 0) --sessions;
  pthread_mutex_unlock(&lock);
  return SUCCESS;
}

API rsmi_status_t rsmi_status_string(rsmi_status_t status, const char** text) {
  if (text == NULL) return INVALID_ARGS;
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; ++i)
    if (statuses[i].code == status) {
      *text = statuses[i].text;
      return SUCCESS;
    }
  *text = "An unknown error occurred";
  return SUCCESS;
}

API rsmi_status_t rsmi_num_monitor_devices(uint32_t* num_devices) {
  if (sessions == 0) return INIT_ERROR;
  if (num_devices == NULL) return INVALID_ARGS;
  *num_devices = gpu_count();
  return SUCCESS;
}

API rsmi_status_t rsmi_version_str_get(int component, char* text, uint32_t len) {
  if (sessions == 0) return INIT_ERROR;
  if (component != 0 || text == NULL || len == 0) return INVALID_ARGS;
  const char* value = script_lookup("driver");
  if (value == NULL) return NOT_SUPPORTED;
  if (strlen(value) + 1 > len) return INSUFFICIENT_SIZE;
  strcpy(text, value);
  return SUCCESS;
}

API rsmi_status_t rsmi_dev_name_get(uint32_t dv, char* name, size_t len) {
  const char* value = NULL;
  if (name == NULL || len == 0) return INVALID_ARGS;
  rsmi_status_t rc = device_text(dv, "name", &value);
  if (rc != SUCCESS) return rc;
  snprintf(name, len, "%s", value);
  return strlen(value) + 1 > len ? INSUFFICIENT_SIZE : SUCCESS;
}

static const char* memory_pool(int type) {
  switch (type) {
    case 0:
      return "vram";
    case 1:
      return "vis_vram";
    case 2:
      return "gtt";
    default:
      return NULL;
  }
}

API rsmi_status_t rsmi_dev_memory_total_get(uint32_t dv, int type, uint64_t* total) {
  char rest[32];
  if (memory_pool(type) == NULL) return INVALID_ARGS;
  snprintf(rest, sizeof rest, "%s.total", memory_pool(type));
  return device_number(dv, rest, total);
}

API rsmi_status_t rsmi_dev_memory_usage_get(uint32_t dv, int type, uint64_t* used) {
  char rest[32];
  if (memory_pool(type) == NULL) return INVALID_ARGS;
  snprintf(rest, sizeof rest, "%s.used", memory_pool(type));
  return device_number(dv, rest, used);
}

API rsmi_status_t rsmi_dev_power_get(uint32_t dv, uint64_t* power, uint32_t* type) {
  if (type == NULL) return INVALID_ARGS;
  *type = 0xFFFFFFFFu; /* RSMI_INVALID_POWER */
  rsmi_status_t rc = device_number(dv, "power", power);
  if (rc == SUCCESS) *type = 1; /* RSMI_CURRENT_POWER */
  return rc;
}

API rsmi_status_t rsmi_dev_power_ave_get(uint32_t dv, uint32_t sensor, uint64_t* power) {
  if (sensor != 0) return INVALID_ARGS;
  return device_number(dv, "power_average", power);
}

API rsmi_status_t rsmi_dev_power_cap_get(uint32_t dv, uint32_t sensor, uint64_t* cap) {
  if (sensor != 0) return INVALID_ARGS;
  return device_number(dv, "power_cap", cap);
}

static const char* temperature_sensor(uint32_t sensor) {
  switch (sensor) {
    case 0:
      return "edge";
    case 1:
      return "junction";
    case 2:
      return "memory";
    default:
      return NULL;
  }
}

API rsmi_status_t rsmi_dev_temp_metric_get(uint32_t dv, uint32_t sensor, int metric,
                                           int64_t* temperature) {
  char rest[48];
  uint64_t value = 0;
  if (temperature_sensor(sensor) == NULL || temperature == NULL) return INVALID_ARGS;
  if (metric == 0)
    snprintf(rest, sizeof rest, "temp.%s", temperature_sensor(sensor));
  else if (metric == 5)
    snprintf(rest, sizeof rest, "temp.%s_critical", temperature_sensor(sensor));
  else
    return NOT_SUPPORTED;
  rsmi_status_t rc = device_number(dv, rest, &value);
  if (rc == SUCCESS) *temperature = (int64_t)value;
  return rc;
}

API rsmi_status_t rsmi_dev_busy_percent_get(uint32_t dv, uint32_t* percent) {
  uint64_t value = 0;
  if (percent == NULL) return INVALID_ARGS;
  rsmi_status_t rc = device_number(dv, "busy", &value);
  if (rc == SUCCESS) *percent = (uint32_t)value;
  return rc;
}
