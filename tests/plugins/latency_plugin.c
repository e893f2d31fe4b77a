/* SPDX-License-Identifier: MIT */
/* latency: reports many values of one metric per trial through the host's values
   extension (benchlab/ext/values.h), as a serving workload reports every request's
   latency. run() reports `n` values of "latency" in two calls (the values add up):
   trial * 1000 + i for i = 0..n-1, in that order; parse() reports one more, -1 - trial
   (values are allowed in parse too). It reports no "latency" metric of its own, so the
   host fills in the mean; it reports "count" (n).
   `mode` makes one call the host must refuse, reports its status as "status" and goes on
   as if nothing happened (the trial must fail all the same, as with report_metric):
     undeclared  values of a metric it did not declare
     nan         a NaN among good values
     over        1048577 values in one call, one past the limit of a trial
     setup       a value in setup() (not a trial)
   A host without the extension makes every status -1 and the trial fail. */
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "n", BL_OPTION_INT, 0, "100", NULL, 0, 2000000,
     "values of latency run() reports"},
    {sizeof(bl_option_desc), "mode", BL_OPTION_STRING, 0, "ok", NULL, 0, 0,
     "ok, setup, over or ignore"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "latency", "ms", BL_LOWER_IS_BETTER,
     "every value run() and parse() report (a made-up latency)", 0},
    {sizeof(bl_metric_desc), "count", "values", BL_HIGHER_IS_BETTER, "n", 0},
    {sizeof(bl_metric_desc), "status", "", BL_HIGHER_IS_BETTER,
     "what the host returned for the call `mode` makes", BL_METRIC_OPTIONAL},
};

static int32_t report(const bl_host* host, const char* name, const double* v, uint32_t n) {
  const bl_host_values_ext* e =
      host->get_extension ? host->get_extension(host, BL_EXT_HOST_VALUES) : NULL;
  return e ? e->report_values(host, name, v, n) : -1;
}

static int32_t lt_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void lt_destroy(void* inst) { (void)inst; }

static int32_t lt_setup(void* inst) {
  const bl_host* host = inst;
  if (!tp_option_is(host, "mode", "setup")) return BL_OK;
  const double one = 1;
  char msg[64];
  snprintf(msg, sizeof msg, "values in setup: %d", (int)report(host, "latency", &one, 1));
  host->log(host, BL_LOG_INFO, msg);
  return BL_OK;
}

// The call `mode` names, or BL_OK when it names none.
static int32_t bad_call(const bl_host* host) {
  const double one = 1, with_nan[3] = {1, NAN, 2};
  if (tp_option_is(host, "mode", "undeclared")) return report(host, "no_such_metric", &one, 1);
  if (tp_option_is(host, "mode", "nan")) return report(host, "latency", with_nan, 3);
  if (tp_option_is(host, "mode", "over")) {
    const uint32_t big = BL_VALUES_MAX_PER_TRIAL + 1u;
    double* v = calloc(big, sizeof *v);
    if (!v) return BL_NO_MEMORY;
    const int32_t st = report(host, "latency", v, big);
    free(v);
    return st;
  }
  return BL_OK;
}

static int32_t lt_run(void* inst) {
  const bl_host* host = inst;
  const long long n = tp_option_int(host, "n");
  double* v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  if (!v) return BL_NO_MEMORY;
  for (long long i = 0; i < n; ++i) v[i] = host->trial * 1000.0 + (double)i;
  const uint32_t half = (uint32_t)(n / 2);
  int32_t st = report(host, "latency", v, half);
  if (st == BL_OK) st = report(host, "latency", v + half, (uint32_t)n - half);
  free(v);
  if (st != BL_OK) {
    host->set_error(host, "report_values(\"latency\") refused");
    return BL_ERROR;
  }
  host->report_metric(host, "count", (double)n);
  host->report_metric(host, "status", bad_call(host));
  return BL_OK;
}

static int32_t lt_parse(void* inst, const char* out, size_t size) {
  const bl_host* host = inst;
  (void)out;
  (void)size;
  const double last = -1.0 - host->trial;
  return report(host, "latency", &last, 1) == BL_OK ? BL_OK : BL_ERROR;
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
    lt_create,
    lt_destroy,
    lt_setup,
    lt_run,
    lt_parse,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "latency",
    "1.0.0",
    "test plugin: many values of one metric per trial, and what must be refused",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
