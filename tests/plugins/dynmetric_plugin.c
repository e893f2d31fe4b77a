/* SPDX-License-Identifier: MIT */
/* dynmetric: declares no metric in its descriptor (BL_WORKLOAD_DYNAMIC_METRICS) and
   declares `name` at run time, the way `command` derives metrics from its options. */
#include <benchlab/plugin.h>

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "name", BL_OPTION_STRING, 0, "widgets_per_s", NULL, 0, 0,
     "name of the metric to declare"},
};

static int32_t dynmetric_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void dynmetric_destroy(void* inst) { (void)inst; }

static int32_t dynmetric_run(void* inst) {
  const bl_host* host = inst;
  const char* name = host->option(host, "name");
  int32_t st = host->declare_metric(host, name, "widgets/s", BL_HIGHER_IS_BETTER);
  if (st != BL_OK) {
    host->set_error(host, "declare_metric() refused the metric");
    return st;
  }
  return host->report_metric(host, name, 42.0 + host->trial);
}

static const bl_workload kWorkload = {
    sizeof(bl_workload), BL_WORKLOAD_DYNAMIC_METRICS, 1,    kOptions,      0,    NULL, 0, NULL,
    dynmetric_create,    dynmetric_destroy,           NULL, dynmetric_run, NULL, NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "dynmetric",
    "1.0.0",
    "test plugin: declares its metric at run time",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
