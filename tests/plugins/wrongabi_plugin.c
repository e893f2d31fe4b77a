/* SPDX-License-Identifier: MIT */
/* wrongabi: a plugin built for the next ABI major that, against the rules, returns its
   descriptor whatever range the host offers. The host must refuse it by abi_major, with
   a diagnostic that says to rebuild. */
#include <benchlab/plugin.h>

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "never reported"},
};

static int32_t wrongabi_create(const bl_host* host, void** out) {
  (void)host;
  *out = NULL;
  return BL_OK;
}

static int32_t wrongabi_run(void* inst) {
  (void)inst;
  return BL_ERROR;
}

static const bl_workload kWorkload = {
    sizeof(bl_workload), 0,    0,    NULL,         1,    kMetrics, 0, NULL,
    wrongabi_create,     NULL, NULL, wrongabi_run, NULL, NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR + 1,
    0,
    BL_KIND_WORKLOAD,
    "wrongabi",
    "1.0.0",
    "test plugin: built for ABI 2",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  (void)min_major;
  (void)max_major;
  return &kPlugin;
}
