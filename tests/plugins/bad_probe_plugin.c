/* SPDX-License-Identifier: MIT */
/* bad-probe-*: a probe plugin with one defect each, chosen by BAD_PROBE at build time, for
   `benchlab plugin validate`: the dry run opens it, lists its channels, takes one sample
   and closes it. BAD_PROBE 0 is the same probe without a defect. */
#include <benchlab/plugin.h>
#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>

#ifndef BAD_PROBE
#define BAD_PROBE 0
#endif

enum {
  GOOD,
  BAD_CHANNELS, /* channels()[1].id given twice, channels()[2].quantity unknown */
  SAMPLE_CRASH, /* sample(): SIGSEGV */
  NO_SAMPLE     /* probe.sample is NULL */
};

static const bl_channel_desc kChannels[] = {
    {sizeof(bl_channel_desc), "power", "Power", BL_QUANTITY_POWER, BL_DOMAIN_PACKAGE,
     BL_CHANNEL_INSTANT, 0, NULL, NULL, 0},
    {sizeof(bl_channel_desc), BAD_PROBE == BAD_CHANNELS ? "power" : "energy", "Energy",
     BL_QUANTITY_ENERGY, BL_DOMAIN_PACKAGE, BL_CHANNEL_COUNTER, 1e6, NULL, NULL, 0},
    {sizeof(bl_channel_desc), "temp", "Temperature",
     BAD_PROBE == BAD_CHANNELS ? 42 : BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE,
     BL_CHANNEL_INSTANT, 0, NULL, NULL, 100},
};

static int instance;

static int32_t bp_open(const bl_host* host, void** out) {
  (void)host;
  *out = &instance;
  return BL_OK;
}

static void bp_close(void* inst) { (void)inst; }

static int32_t bp_channels(void* inst, const bl_channel_desc** out, uint32_t* count) {
  (void)inst;
  *out = kChannels;
  *count = 3;
  return BL_OK;
}

static int32_t bp_sample(void* inst, double* values, uint32_t count) {
  (void)inst;
  if (BAD_PROBE == SAMPLE_CRASH) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    volatile double* p = NULL;
    *p = 1;
  }
  for (uint32_t i = 0; i < count; ++i) values[i] = 1.0 + i;
  return BL_OK;
}

static const bl_probe kProbe = {
    sizeof(bl_probe),
    bp_open,
    bp_close,
    bp_channels,
    BAD_PROBE == NO_SAMPLE ? NULL : bp_sample,
    0,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),        BL_ABI_MAJOR,     BL_ABI_MINOR, BL_KIND_PROBE, "bad-probe", "1.0.0",
    "test probe: one defect", "benchlab tests", NULL,         &kProbe,       NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  if (min_major > BL_ABI_MAJOR || max_major < BL_ABI_MAJOR) return NULL;
  return &kPlugin;
}
