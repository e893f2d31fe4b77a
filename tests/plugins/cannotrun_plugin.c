/* SPDX-License-Identifier: MIT */
/* cannotrun: setup() says this machine cannot run it, which is a result ("cannot run:
   needs a unicorn"), not a failure. run() must never be reached. */
#include <benchlab/plugin.h>

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "never reported"},
};

static int32_t cannotrun_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void cannotrun_destroy(void* inst) { (void)inst; }

static int32_t cannotrun_setup(void* inst) {
  const bl_host* host = inst;
  host->set_error(host, "needs a unicorn");
  return BL_CANNOT_RUN;
}

static int32_t cannotrun_run(void* inst) {
  const bl_host* host = inst;
  host->set_error(host, "run() was called although setup() said it cannot run");
  return BL_ERROR;
}

static const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    0,
    NULL,
    1,
    kMetrics,
    0,
    NULL,
    cannotrun_create,
    cannotrun_destroy,
    cannotrun_setup,
    cannotrun_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "cannotrun",
    "1.0.0",
    "test plugin: cannot run anywhere",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
