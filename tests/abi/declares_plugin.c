/* SPDX-License-Identifier: MIT */
/* declares: a workload whose descriptor uses every kind of option and metric declaration
   (enum with allowed values, bounded int, unbounded float, required, repeated, bool, an
   optional metric), so that tests can read each field back through benchlab.h's
   benchlab_plugin_option_at() and benchlab_plugin_metric_at() and `benchlab list -v`. */
#include <benchlab/plugin.h>
#include <stddef.h>

static const char* const kModes[] = {"fast", "slow", "exact", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "mode", BL_OPTION_ENUM, 0, "fast", kModes, 0, 0, "how hard to try"},
    {sizeof(bl_option_desc), "count", BL_OPTION_INT, 0, "8", NULL, 1, 64, "items per trial"},
    {sizeof(bl_option_desc), "scale", BL_OPTION_FLOAT, 0, "1.5", NULL, 0, 0, "any factor"},
    {sizeof(bl_option_desc), "input", BL_OPTION_STRING, BL_OPTION_REQUIRED, NULL, NULL, 0, 0,
     "file to read"},
    {sizeof(bl_option_desc), "arg", BL_OPTION_STRING, BL_OPTION_REPEATED, NULL, NULL, 0, 0,
     "one argument; give several"},
    {sizeof(bl_option_desc), "verbose", BL_OPTION_BOOL, 0, "false", NULL, 0, 0, NULL},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER, "time of one trial", 0},
    {sizeof(bl_metric_desc), "errors", "count", BL_LOWER_IS_BETTER, NULL, BL_METRIC_OPTIONAL},
};

static int32_t declares_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void declares_destroy(void* inst) { (void)inst; }

static int32_t declares_run(void* inst) {
  const bl_host* host = inst;
  return host->report_metric(host, "seconds", 1.0);
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
    declares_create,
    declares_destroy,
    NULL,
    declares_run,
    NULL,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "declares",
    "2.0.0",
    "test plugin: one of every declaration",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
