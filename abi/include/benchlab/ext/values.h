/* SPDX-License-Identifier: MIT */
/*
 * benchlab host extension "benchlab.host.values/1" (ABI 1.3): many values of one metric
 * in one trial, e.g. the time to first token of every request of a serving trial.
 *
 * A workload asks host->get_extension(host, BL_EXT_HOST_VALUES) and, during run() or
 * parse(), calls report_values(host, "ttft", values, count) as often as it likes; the
 * values of one metric add up over the calls, in order. The host stores every value with
 * the trial (the store's trial_distributions table) and the results give, per metric,
 * percentiles (p50, p90, p99), min, max and mean over all values of all measured trials
 * pooled: not an average of per-trial percentiles, which is not a percentile of anything.
 * If the trial reports no report_metric() value for a metric it gave values of, the
 * trial's value of that metric is the mean of its values, so the usual statistics
 * (mean, CI, CoV over trials) and comparisons still work.
 *
 * A host that does not offer it returns NULL: a plugin then reports only the per-trial
 * summary with report_metric().
 */
#ifndef BENCHLAB_EXT_VALUES_H
#define BENCHLAB_EXT_VALUES_H

#include <benchlab/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BL_EXT_HOST_VALUES "benchlab.host.values/1"

/* Values one trial may report, over all its metrics; past it report_values() returns
   BL_INVALID_ARGUMENT and keeps nothing of that call. */
#define BL_VALUES_MAX_PER_TRIAL 1048576u

typedef struct bl_host_values_ext {
  uint32_t struct_size; /* sizeof(bl_host_values_ext) of the host */
  /* [main] Appends `count` values of the declared metric `name` to the current trial.
     run and parse only. Every value must be finite. BL_INVALID_ARGUMENT (and nothing
     kept of this call) on an undeclared metric, a non-finite value, a call outside
     run/parse, or past BL_VALUES_MAX_PER_TRIAL. count 0 is BL_OK and does nothing. */
  int32_t (*report_values)(const bl_host* host, const char* name, const double* values,
                           uint32_t count);
} bl_host_values_ext;

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_EXT_VALUES_H */
