/* SPDX-License-Identifier: MIT */
/* hungry: allocates and touches memory until the allocator fails under the plugin's own
   address-space limit (`limit_mib`), then abort()s, like a program that does not check
   malloc. With `kill_self` it instead raises SIGKILL after touching 64 MiB, which is what
   the kernel's OOM killer does. Peak RSS must still reach the stored trial. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "limit_mib", BL_OPTION_INT, 0, "256", NULL, 64, 4096,
     "RLIMIT_AS the plugin sets on itself, in MiB"},
    {sizeof(bl_option_desc), "kill_self", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "raise SIGKILL after touching 64 MiB"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "never reported"},
};

/* Every chunk escapes through here, so the compiler cannot drop the allocations. */
static void* volatile g_last_chunk;

static int32_t hungry_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void hungry_destroy(void* inst) { (void)inst; }

static int32_t hungry_run(void* inst) {
  const bl_host* host = inst;
  const size_t chunk = 1u << 20;
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  int kill_self = tp_option_bool(host, "kill_self");
  if (!kill_self) {
    rlim_t limit = (rlim_t)tp_option_int(host, "limit_mib") << 20;
    struct rlimit as = {limit, limit};
    if (setrlimit(RLIMIT_AS, &as) != 0) {
      host->set_error(host, "setrlimit(RLIMIT_AS) failed");
      return BL_ERROR;
    }
  }
  for (size_t touched = 0;; touched += chunk) {
    if (kill_self && touched >= (64u << 20)) raise(SIGKILL);
    volatile char* p = malloc(chunk);
    if (!p) abort();
    for (size_t i = 0; i < chunk; i += 4096) p[i] = 1;
    g_last_chunk = (void*)p;
  }
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
    hungry_create,
    hungry_destroy,
    NULL,
    hungry_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "hungry",
    "1.0.0",
    "test plugin: runs out of memory",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
