/* SPDX-License-Identifier: MIT */
/* phases: a workload that marks two phases inside its trial through
   benchlab.host.mark/1 ("prefill" for `prefill_ms`, then "decode" for `decode_ms`) and
   reports a rate (`tokens_per_s`, tok/s) and a count (`tokens`), so tests can check
   marks, per-phase energy and work per joule. */
#define _GNU_SOURCE
#include <benchlab/ext/mark.h>
#include <benchlab/plugin.h>
#include <stdio.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "prefill_ms", BL_OPTION_INT, 0, "300", NULL, 0, 60000,
     "milliseconds of the prefill phase"},
    {sizeof(bl_option_desc), "decode_ms", BL_OPTION_INT, 0, "900", NULL, 0, 60000,
     "milliseconds of the decode phase"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "tokens_per_s", "tok/s", BL_HIGHER_IS_BETTER, "128 tokens / decode"},
    {sizeof(bl_metric_desc), "tokens", "tokens", BL_HIGHER_IS_BETTER, "tokens generated"},
};

static int32_t ph_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void ph_destroy(void* inst) { (void)inst; }

static int32_t ph_run(void* inst) {
  const bl_host* host = inst;
  const bl_host_mark_ext* mark = host->get_extension(host, BL_EXT_HOST_MARK);
  if (!mark) {
    host->set_error(host, "the host offers no benchlab.host.mark/1");
    return BL_ERROR;
  }
  if (mark->mark(host, "prefill") != BL_OK) return BL_ERROR;
  int32_t st = tp_sleep_ms(host, tp_option_int(host, "prefill_ms"), 1);
  if (st != BL_OK) return st;
  if (mark->mark(host, "decode") != BL_OK) return BL_ERROR;
  const uint64_t t0 = host->now_ns(host);
  st = tp_sleep_ms(host, tp_option_int(host, "decode_ms"), 1);
  if (st != BL_OK) return st;
  const double seconds = (double)(host->now_ns(host) - t0) / 1e9;
  host->report_metric(host, "tokens", 128);
  return host->report_metric(host, "tokens_per_s", 128.0 / seconds);
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
    ph_create,
    ph_destroy,
    NULL,
    ph_run,
    NULL,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {sizeof(bl_plugin),
                                  BL_ABI_MAJOR,
                                  BL_ABI_MINOR,
                                  BL_KIND_WORKLOAD,
                                  "phases",
                                  "1.0.0",
                                  "marks prefill and decode",
                                  "benchlab tests",
                                  &kWorkload,
                                  NULL,
                                  NULL};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t lo, uint32_t hi) {
  return lo <= BL_ABI_MAJOR && BL_ABI_MAJOR <= hi ? &kPlugin : NULL;
}
