/* SPDX-License-Identifier: MIT */
/* sine: a probe whose readings are known in closed form, so that tests can check the
   energy benchlab derives from real sampling against the exact integral. Its channels:
   - "power": P(t) = 50 + 30 sin(2 pi t / 3 s) W, t = CLOCK_MONOTONIC seconds (package);
   - "gpu-energy": the integral of 20 + 10 sin(2 pi t / 3 s) W as a counter in J that
     wraps at 50 J (device gpu0), so a trial longer than a few seconds sees wraps;
   - "temp": `temperature` degrees C, limit 100; "throttle": the `throttle` option (0/1).
   It offers a device (benchlab.probe.devices/1): gpu0 with `gpu_gib` GiB, unified when
   `unified` is true. */
#define _GNU_SOURCE
#include <benchlab/ext/probe_devices.h>
#include <benchlab/plugin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_plugin_support.h"

#define PERIOD_S 3.0
#define GPU_RANGE_J 50.0

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "temperature", BL_OPTION_FLOAT, 0, "40", NULL, 0, 0,
     "the temperature channel's reading"},
    {sizeof(bl_option_desc), "throttle", BL_OPTION_INT, 0, "0", NULL, 0, 1,
     "the throttle channel's reading"},
    {sizeof(bl_option_desc), "gpu_gib", BL_OPTION_FLOAT, 0, "20", NULL, 0, 0,
     "memory of the device gpu0, GiB"},
    {sizeof(bl_option_desc), "unified", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "gpu0 uses system memory"},
};

static const bl_channel_desc kChannels[] = {
    {sizeof(bl_channel_desc), "power", "sine package power", BL_QUANTITY_POWER, BL_DOMAIN_PACKAGE,
     BL_CHANNEL_INSTANT, 0, NULL, "cpu0", 0},
    {sizeof(bl_channel_desc), "gpu-energy", "sine GPU energy", BL_QUANTITY_ENERGY, BL_DOMAIN_GPU,
     BL_CHANNEL_COUNTER, GPU_RANGE_J, NULL, "gpu0", 0},
    {sizeof(bl_channel_desc), "temp", "sine temperature", BL_QUANTITY_TEMPERATURE,
     BL_DOMAIN_PACKAGE, BL_CHANNEL_INSTANT, 0, NULL, "cpu0", 100},
    {sizeof(bl_channel_desc), "throttle", "sine throttle flag", BL_QUANTITY_THROTTLE,
     BL_DOMAIN_PACKAGE, BL_CHANNEL_INSTANT, 0, NULL, "cpu0", 0},
};
#define NCH (sizeof kChannels / sizeof kChannels[0])

typedef struct {
  double temperature, throttle;
  bl_device_desc device;
} sine;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int32_t sine_open(const bl_host* host, void** out) {
  sine* s = calloc(1, sizeof *s);
  if (!s) return BL_NO_MEMORY;
  s->temperature = tp_option_double(host, "temperature");
  s->throttle = (double)tp_option_int(host, "throttle");
  s->device.struct_size = sizeof s->device;
  s->device.id = "gpu0";
  s->device.kind = BL_DEVICE_GPU;
  s->device.flags = tp_option_bool(host, "unified") ? BL_DEVICE_UNIFIED_MEMORY : 0;
  s->device.name = "Sine Test GPU";
  s->device.driver = "1.0";
  s->device.memory_total_bytes =
      (uint64_t)(tp_option_double(host, "gpu_gib") * 1024.0 * 1024.0 * 1024.0);
  *out = s;
  return BL_OK;
}

static void sine_close(void* inst) { free(inst); }

static int32_t sine_channels(void* inst, const bl_channel_desc** out, uint32_t* count) {
  (void)inst;
  *out = kChannels;
  *count = NCH;
  return BL_OK;
}

static int32_t sine_sample(void* inst, double* values, uint32_t count) {
  const sine* s = inst;
  const double t = now_s(), w = 2.0 * M_PI / PERIOD_S;
  double v[NCH];
  v[0] = 50.0 + 30.0 * sin(w * t);
  v[1] = fmod(20.0 * t + 10.0 / w * (1.0 - cos(w * t)), GPU_RANGE_J);
  v[2] = s->temperature;
  v[3] = s->throttle;
  for (uint32_t i = 0; i < count && i < NCH; ++i) values[i] = v[i];
  return BL_OK;
}

static int32_t sine_devices(void* inst, const bl_device_desc** out, uint32_t* count) {
  sine* s = inst;
  *out = &s->device;
  *count = 1;
  return BL_OK;
}

static const bl_probe_devices_ext kDevices = {sizeof(bl_probe_devices_ext), sine_devices};

static const void* sine_extension(const char* id) {
  return strcmp(id, BL_EXT_PROBE_DEVICES) == 0 ? &kDevices : NULL;
}

static const bl_probe kProbe = {sizeof(bl_probe), sine_open,   sine_close,
                                sine_channels,    sine_sample, sizeof kOptions / sizeof kOptions[0],
                                kOptions};

static const bl_plugin kPlugin = {sizeof(bl_plugin),
                                  BL_ABI_MAJOR,
                                  BL_ABI_MINOR,
                                  BL_KIND_PROBE,
                                  "sine",
                                  "1.0.0",
                                  "test probe with readings in closed form",
                                  "benchlab tests",
                                  NULL,
                                  &kProbe,
                                  sine_extension};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t lo, uint32_t hi) {
  return lo <= BL_ABI_MAJOR && BL_ABI_MAJOR <= hi ? &kPlugin : NULL;
}
