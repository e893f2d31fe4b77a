/* SPDX-License-Identifier: MIT */
/* phasemark: marks phases inside its trial through the host's mark extension
   (benchlab/ext/mark.h), as an AI workload marks prefill and decode. run() marks
   "prefill", works `phase_ms`, marks "decode", works `phase_ms` again, then tries what
   the host must refuse and reports the statuses it got: bad_name (a name with a capital
   and a space), long_name (33 characters), extra (`extra` more marks named "step", to
   pass the limit of 1024 a trial: the count accepted). parse() tries a mark after the
   window and reports its status as in_parse. setup() reports nothing but logs the status
   of a mark there. A host without the extension makes every status -1. */
#include <benchlab/ext/mark.h>
#include <benchlab/plugin.h>
#include <stdio.h>
#include <string.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "phase_ms", BL_OPTION_INT, 0, "20", NULL, 0, 10000,
     "milliseconds of work after each mark"},
    {sizeof(bl_option_desc), "extra", BL_OPTION_INT, 0, "0", NULL, 0, 100000,
     "further marks run() tries after decode"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "bad_name", "status", BL_HIGHER_IS_BETTER, "mark(\"Bad Name\")"},
    {sizeof(bl_metric_desc), "long_name", "status", BL_HIGHER_IS_BETTER, "a 33-character name"},
    {sizeof(bl_metric_desc), "extra", "marks", BL_HIGHER_IS_BETTER, "extra marks accepted"},
    {sizeof(bl_metric_desc), "in_parse", "status", BL_HIGHER_IS_BETTER, "mark() in parse()"},
};

static const bl_host_mark_ext* mark_ext(const bl_host* host) {
  return host->get_extension ? host->get_extension(host, BL_EXT_HOST_MARK) : NULL;
}

static int32_t try_mark(const bl_host* host, const char* name) {
  const bl_host_mark_ext* m = mark_ext(host);
  return m ? m->mark(host, name) : -1;
}

static int32_t pm_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void pm_destroy(void* inst) { (void)inst; }

static int32_t pm_setup(void* inst) {
  const bl_host* host = inst;
  char msg[64];
  snprintf(msg, sizeof msg, "mark in setup: %d", (int)try_mark(host, "setup"));
  host->log(host, BL_LOG_INFO, msg);
  return BL_OK;
}

static int32_t pm_run(void* inst) {
  const bl_host* host = inst;
  const long long ms = tp_option_int(host, "phase_ms");
  if (try_mark(host, "prefill") != BL_OK) {
    host->set_error(host, "mark(\"prefill\") refused");
    return BL_ERROR;
  }
  tp_sleep_ms(host, ms, 0);
  if (try_mark(host, "decode") != BL_OK) {
    host->set_error(host, "mark(\"decode\") refused");
    return BL_ERROR;
  }
  tp_sleep_ms(host, ms, 0);
  host->report_metric(host, "bad_name", try_mark(host, "Bad Name"));
  host->report_metric(host, "long_name", try_mark(host, "abcdefghijklmnopqrstuvwxyz0123456"));
  long long accepted = 0;
  for (long long i = tp_option_int(host, "extra"); i > 0; --i)
    if (try_mark(host, "step") == BL_OK) ++accepted;
  host->report_metric(host, "extra", (double)accepted);
  return BL_OK;
}

static int32_t pm_parse(void* inst, const char* out, size_t size) {
  const bl_host* host = inst;
  (void)out;
  (void)size;
  host->report_metric(host, "in_parse", try_mark(host, "late"));
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
    pm_create,
    pm_destroy,
    pm_setup,
    pm_run,
    pm_parse,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "phasemark",
    "1.0.0",
    "test plugin: marks prefill and decode inside its trial, and what must be refused",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
