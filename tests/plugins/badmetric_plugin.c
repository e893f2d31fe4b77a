/* SPDX-License-Identifier: MIT */
/* badmetric: makes one report_metric() call the host must refuse, ignores the status it
   gets, reports its declared metric `value` = 1 and returns BL_OK, as a plugin that never
   checks statuses would. `how`: `undeclared` (a metric named "bogus" it never declared),
   `nan` or `inf` (`value` = NaN or infinity), `setup` (`value` reported from setup()), or
   `none` (no bad call: the trial succeeds). The host must fail the phase with the first
   refused call as its reason. */
#include <benchlab/plugin.h>
#include <math.h>

#include "test_plugin_support.h"

static const char* const kHow[] = {"none", "undeclared", "nan", "inf", "setup", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "how", BL_OPTION_ENUM, 0, "undeclared", kHow, 0, 0,
     "the refused call: none, undeclared, nan, inf or setup"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

static int32_t badmetric_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void badmetric_destroy(void* inst) { (void)inst; }

static int32_t badmetric_setup(void* inst) {
  const bl_host* host = inst;
  if (tp_option_is(host, "how", "setup")) (void)host->report_metric(host, "value", 1.0);
  return BL_OK;
}

static int32_t badmetric_run(void* inst) {
  const bl_host* host = inst;
  if (tp_option_is(host, "how", "undeclared")) (void)host->report_metric(host, "bogus", 2.0);
  if (tp_option_is(host, "how", "nan")) (void)host->report_metric(host, "value", NAN);
  if (tp_option_is(host, "how", "inf")) (void)host->report_metric(host, "value", INFINITY);
  (void)host->report_metric(host, "value", 1.0);
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
    badmetric_create,
    badmetric_destroy,
    badmetric_setup,
    badmetric_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "badmetric",
    "1.0.0",
    "test plugin: one refused report_metric() call whose status it ignores",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
