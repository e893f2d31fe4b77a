/* A workload that does nothing: what remains of a trial's time is the harness's own. */
#include <benchlab/plugin.h>

static const bl_metric_desc metrics[] = {
    {sizeof(bl_metric_desc), "value", "1", BL_HIGHER_IS_BETTER, "always 1"},
};

static int32_t noop_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static int32_t noop_run(void* inst) {
  const bl_host* host = (const bl_host*)inst;
  return host->report_metric(host, "value", 1.0);
}

static const bl_workload workload = {
    sizeof(bl_workload), 0, 0, NULL, 1, metrics, 0, NULL, noop_create, NULL, NULL, noop_run, NULL, NULL,
};

static const bl_plugin plugin = {
    sizeof(bl_plugin), BL_ABI_MAJOR, BL_ABI_MINOR, BL_KIND_WORKLOAD, "bench-noop", "1.0.0",
    "does nothing (harness overhead benchmark)", "benchlab", &workload, NULL, NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return (min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major) ? &plugin : NULL;
}
