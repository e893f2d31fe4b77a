/* SPDX-License-Identifier: MIT */
/* metrics: declares "first" and "second" as required metrics and "extra" as optional
   (BL_METRIC_OPTIONAL), and reports all of them except the one named by option `skip`.
   The harness must fail a trial that leaves out a required metric, and only then. */
#include <benchlab/plugin.h>
#include <string.h>

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "skip", BL_OPTION_STRING, 0, "", NULL, 0, 0,
     "the metric not to report"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "first", "s", BL_LOWER_IS_BETTER, "always wanted", 0},
    {sizeof(bl_metric_desc), "second", "s", BL_LOWER_IS_BETTER, "always wanted", 0},
    {sizeof(bl_metric_desc), "extra", "items", BL_HIGHER_IS_BETTER, "only when there is one",
     BL_METRIC_OPTIONAL},
};

static int32_t metrics_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void metrics_destroy(void* inst) { (void)inst; }

static int32_t metrics_run(void* inst) {
  const bl_host* host = inst;
  const char* skip = host->option(host, "skip");
  for (unsigned i = 0; i < sizeof kMetrics / sizeof kMetrics[0]; ++i) {
    if (skip && strcmp(skip, kMetrics[i].name) == 0) continue;
    int32_t st = host->report_metric(host, kMetrics[i].name, 1.0 + i);
    if (st != BL_OK) return st;
  }
  return BL_OK;
}

static const bl_workload kWorkload = {
    sizeof(bl_workload), 0,    1,           kOptions, 3,    kMetrics, 0, NULL, metrics_create,
    metrics_destroy,     NULL, metrics_run, NULL,     NULL, NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "metrics",
    "1.0.0",
    "test plugin: required and optional metrics",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
