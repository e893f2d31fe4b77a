/* SPDX-License-Identifier: MIT */
/* crash: dies inside a chosen call (setup, run, parse or teardown) in a chosen way:
   a segmentation fault, abort(), exit(3) or exit(0), none of which returns to the host.
   The harness must turn each into a failed trial or result with a reason. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "test_plugin_support.h"

static const char* const kHow[] = {"segv", "abort", "exit", "exit0", NULL};
static const char* const kPhase[] = {"setup", "run", "parse", "teardown", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "how", BL_OPTION_ENUM, 0, "segv", kHow, 0, 0,
     "segv: write through NULL; abort: abort(); exit: exit(3); exit0: exit(0)"},
    {sizeof(bl_option_desc), "phase", BL_OPTION_ENUM, 0, "run", kPhase, 0, 0,
     "the call that crashes"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1 when it does not crash"},
};

static void crash_if(const bl_host* host, const char* phase) {
  if (!tp_option_is(host, "phase", phase)) return;
  /* A core file of a test crash is noise; the harness sees the signal either way. */
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  if (tp_option_is(host, "how", "abort")) abort();
  if (tp_option_is(host, "how", "exit")) exit(3);
  if (tp_option_is(host, "how", "exit0")) exit(0);
  volatile int* volatile nowhere = NULL;
  *nowhere = 1;
}

static int32_t crash_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void crash_destroy(void* inst) { (void)inst; }

static int32_t crash_setup(void* inst) {
  crash_if(inst, "setup");
  return BL_OK;
}

static int32_t crash_run(void* inst) {
  const bl_host* host = inst;
  crash_if(host, "run");
  return host->append_output(host, "1\n", 2);
}

static int32_t crash_parse(void* inst, const char* output, size_t size) {
  const bl_host* host = inst;
  (void)output;
  (void)size;
  crash_if(host, "parse");
  return host->report_metric(host, "value", 1.0);
}

static int32_t crash_teardown(void* inst) {
  crash_if(inst, "teardown");
  return BL_OK;
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
    crash_create,
    crash_destroy,
    crash_setup,
    crash_run,
    crash_parse,
    crash_teardown,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "crash",
    "1.0.0",
    "test plugin: crashes on purpose",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
