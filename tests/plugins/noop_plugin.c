/* SPDX-License-Identifier: MIT */
/* noop: the smallest well-behaved workload. Reports metric `value` (1, or 1 plus seeded
   noise with `jitter`) and can be told to sleep, to fail one chosen trial, or to leave a
   child process behind, so tests can drive the harness through each of those paths. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <stdio.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "sleep_ms", BL_OPTION_INT, 0, "0", NULL, 0, 60000,
     "milliseconds to sleep in every trial"},
    {sizeof(bl_option_desc), "fail_trial", BL_OPTION_INT, 0, "-1", NULL, -1, 1000000,
     "trial index (warm-ups included) whose run() returns BL_ERROR; -1 for none"},
    {sizeof(bl_option_desc), "jitter", BL_OPTION_FLOAT, 0, "0", NULL, 0, 1,
     "relative noise added to the value, seeded by the trial index"},
    {sizeof(bl_option_desc), "label", BL_OPTION_STRING, 0, "", NULL, 0, 0,
     "free text, stored with the result"},
    {sizeof(bl_option_desc), "fork_child", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "leave a sleeping child process behind when run() returns"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1, plus jitter"},
};

/* A uniform number in [-1, 1], the same for the same trial in every process. */
static double noise(uint32_t trial) {
  uint64_t z = (uint64_t)trial + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double)(z >> 11) / (double)(1ull << 53) * 2.0 - 1.0;
}

static int32_t noop_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void noop_destroy(void* inst) { (void)inst; }

static int32_t noop_run(void* inst) {
  const bl_host* host = inst;
  int32_t st = tp_sleep_ms(host, tp_option_int(host, "sleep_ms"), 1);
  if (st != BL_OK) return st;
  if (tp_option_int(host, "fail_trial") == (long long)host->trial) {
    char msg[96];
    snprintf(msg, sizeof msg, "trial %u fails on purpose", host->trial);
    host->set_error(host, msg);
    return BL_ERROR;
  }
  if (tp_option_bool(host, "fork_child")) {
    pid_t child = fork();
    if (child == 0) {
      for (;;) pause();
    }
    char msg[96];
    snprintf(msg, sizeof msg, "forked child %d in process group %d", (int)child, (int)getpgrp());
    host->log(host, BL_LOG_INFO, msg);
  }
  return host->report_metric(host, "value",
                             1.0 + tp_option_double(host, "jitter") * noise(host->trial));
}

static const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    0,
    NULL,
    noop_create,
    noop_destroy,
    NULL,
    noop_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "noop",
    "1.0.0",
    "test plugin: reports 1 at once",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
