/* SPDX-License-Identifier: MIT */
/* faultprobe: a probe plugin that behaves, or misbehaves in one way the sampler must
   survive, as its option `mode` says:
     ok           five channels (one per kind of field) and one GPU device; see below
     crash        sample() writes through NULL after `after` samples
     hang         sample() never returns after `after` samples
     exit         sample() calls exit(3) after `after` samples
     slow         every other sample() sleeps `slow_ms`
     garbage      open() and every sample() write bytes to fd 1 that look like frames
     unsupported  open() returns BL_UNSUPPORTED with a reason naming the sysroot
     open_crash   open() writes through NULL
     open_hang    open() never returns
     sample_error sample() returns BL_ERROR
     old_channels channels() hands descriptors of the ABI 1.1 size (no `limit`)
     bad_channel  a channel id with characters a metric name cannot hold
   Channels: count (calls of sample() so far), energy (a counter of 1 J a call, wrapping at
   1000), core (inside energy), temp (a temperature with its limit, 95 degrees C), opt
   (the value of option `value`). The device gpu0 has 20 GiB of unified memory. */
#include <benchlab/ext/probe_devices.h>
#include <benchlab/plugin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const char* const kModes[] = {"ok",        "crash",        "hang",         "exit",
                                     "slow",      "garbage",      "unsupported",  "open_crash",
                                     "open_hang", "sample_error", "old_channels", "bad_channel",
                                     NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "mode", BL_OPTION_ENUM, 0, "ok", kModes, 0, 0, "how it behaves"},
    {sizeof(bl_option_desc), "after", BL_OPTION_INT, 0, "3", NULL, 0, 1000000,
     "samples taken before crash, hang or exit"},
    {sizeof(bl_option_desc), "slow_ms", BL_OPTION_INT, 0, "60", NULL, 0, 100000,
     "how long every other sample() sleeps in mode slow"},
    {sizeof(bl_option_desc), "value", BL_OPTION_FLOAT, 0, "7", NULL, 0, 0,
     "what channel opt reads"},
};

#define N_CHANNELS 5
static const bl_channel_desc kChannels[N_CHANNELS] = {
    {sizeof(bl_channel_desc), "count", "sample() calls", BL_QUANTITY_UTILISATION, BL_DOMAIN_OTHER,
     BL_CHANNEL_INSTANT, 0, NULL, NULL, 0},
    {sizeof(bl_channel_desc), "energy", "fake package energy", BL_QUANTITY_ENERGY,
     BL_DOMAIN_PACKAGE, BL_CHANNEL_COUNTER, 1000, NULL, "cpu0", 0},
    {sizeof(bl_channel_desc), "core", "fake core energy", BL_QUANTITY_ENERGY, BL_DOMAIN_CORE,
     BL_CHANNEL_COUNTER, 1000, "energy", "cpu0", 0},
    {sizeof(bl_channel_desc), "temp", "fake temperature", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_GPU,
     BL_CHANNEL_INSTANT, 0, NULL, "gpu0", 95},
    {sizeof(bl_channel_desc), "opt", "option value", BL_QUANTITY_POWER, BL_DOMAIN_OTHER,
     BL_CHANNEL_INSTANT, 0, NULL, NULL, 0},
};

/* The descriptor as a probe built against ABI 1.1 declares it: without `limit`. */
typedef struct old_channel_desc {
  uint32_t struct_size;
  const char* id;
  const char* label;
  int32_t quantity, domain, kind;
  double counter_range;
  const char* parent;
  const char* device;
} old_channel_desc;
static const old_channel_desc kOldChannels[2] = {
    {sizeof(old_channel_desc), "old-a", "old a", BL_QUANTITY_POWER, BL_DOMAIN_SYSTEM,
     BL_CHANNEL_INSTANT, 0, NULL, NULL},
    {sizeof(old_channel_desc), "old-b", "old b", BL_QUANTITY_ENERGY, BL_DOMAIN_SYSTEM,
     BL_CHANNEL_COUNTER, 500, "old-a", NULL},
};

static const bl_channel_desc kBadChannel[1] = {
    {sizeof(bl_channel_desc), "Bad Id", "bad", BL_QUANTITY_POWER, BL_DOMAIN_OTHER,
     BL_CHANNEL_INSTANT, 0, NULL, NULL, 0},
};

static const bl_device_desc kDevices[1] = {
    {sizeof(bl_device_desc), "gpu0", BL_DEVICE_GPU, BL_DEVICE_UNIFIED_MEMORY, "Fake GPU", "1.0",
     20ull << 30},
};

typedef struct faultprobe {
  const bl_host* host;
  const char* mode;
  long long after, slow_ms;
  double value;
  long long calls;
} faultprobe;

static int is(const faultprobe* p, const char* mode) { return strcmp(p->mode, mode) == 0; }

static void crash(void) {
  volatile int* volatile nowhere = NULL;
  *nowhere = 1;
}

/* A frame header announcing 16 MiB, then text: what a careless printf could send. */
static void write_garbage(void) {
  static const char junk[] = "\xff\xff\xff\x00\x01garbage from the probe\n";
  if (write(STDOUT_FILENO, junk, sizeof junk - 1) < 0) return;
}

static int32_t fp_open(const bl_host* host, void** out) {
  faultprobe* p = calloc(1, sizeof *p);
  if (!p) return BL_NO_MEMORY;
  p->host = host;
  p->mode = host->option(host, "mode");
  p->after = tp_option_int(host, "after");
  p->slow_ms = tp_option_int(host, "slow_ms");
  p->value = tp_option_double(host, "value");
  char msg[512];
  snprintf(msg, sizeof msg, "faultprobe: mode %s, sysroot %s, phase %d", p->mode,
           host->sysroot ? host->sysroot : "(null)", (int)host->phase);
  host->log(host, BL_LOG_INFO, msg);
  if (is(p, "unsupported")) {
    snprintf(msg, sizeof msg,
             "unavailable: no fake sensor at %s/sys/fake; load the fake module (modprobe fake)",
             host->sysroot);
    host->set_error(host, msg);
    free(p);
    return BL_UNSUPPORTED;
  }
  if (is(p, "open_crash")) crash();
  if (is(p, "open_hang"))
    for (;;) pause();
  if (is(p, "garbage")) {
    printf("garbage printed by open()\n");
    fflush(stdout);
    write_garbage();
  }
  *out = p;
  return BL_OK;
}

static void fp_close(void* inst) { free(inst); }

static int32_t fp_channels(void* inst, const bl_channel_desc** out, uint32_t* count) {
  faultprobe* p = inst;
  if (is(p, "old_channels")) {
    *out = (const bl_channel_desc*)(const void*)kOldChannels;
    *count = 2;
  } else if (is(p, "bad_channel")) {
    *out = kBadChannel;
    *count = 1;
  } else {
    *out = kChannels;
    *count = N_CHANNELS;
  }
  return BL_OK;
}

static int32_t fp_sample(void* inst, double* values, uint32_t count) {
  faultprobe* p = inst;
  const long long n = p->calls++;
  if (n >= p->after) {
    if (is(p, "crash")) crash();
    if (is(p, "hang"))
      for (;;) pause();
    if (is(p, "exit")) exit(3);
  }
  if (is(p, "slow") && n % 2 == 1) tp_sleep_ms(p->host, p->slow_ms, 0);
  if (is(p, "garbage")) write_garbage();
  if (is(p, "sample_error")) {
    p->host->set_error(p->host, "fake read failed");
    return BL_ERROR;
  }
  if (is(p, "old_channels")) {
    values[0] = 1.5;
    values[1] = (double)n;
    return BL_OK;
  }
  if (count < N_CHANNELS) return BL_INVALID_ARGUMENT;
  values[0] = (double)(n + 1);
  values[1] = (double)((n + 1) % 1000);
  values[2] = (double)((n + 1) % 1000) / 2;
  values[3] = 40.0;
  values[4] = p->value;
  return BL_OK;
}

static int32_t fp_devices(void* inst, const bl_device_desc** out, uint32_t* count) {
  (void)inst;
  *out = kDevices;
  *count = 1;
  return BL_OK;
}

static const bl_probe_devices_ext kDevicesExt = {sizeof(bl_probe_devices_ext), fp_devices};

static const void* fp_get_extension(const char* id) {
  return strcmp(id, BL_EXT_PROBE_DEVICES) == 0 ? &kDevicesExt : NULL;
}

static const bl_probe kProbe = {
    sizeof(bl_probe), fp_open,   fp_close,
    fp_channels,      fp_sample, sizeof kOptions / sizeof kOptions[0],
    kOptions,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_PROBE,
    "faultprobe",
    "1.0.0",
    "test probe: behaves, or crashes, hangs, exits, dawdles or writes garbage",
    "benchlab tests",
    NULL,
    &kProbe,
    fp_get_extension,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
