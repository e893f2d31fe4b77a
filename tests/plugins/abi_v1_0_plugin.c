/* SPDX-License-Identifier: MIT */
/* abi-v1-0: a workload built against plugin ABI 1.0, the first minor of major 1. Its
   structs are 1.0's, cut where later minors appended: bl_metric_desc without `flags`
   (1.1), bl_workload without `parse_streams` (1.1); bl_option_desc, bl_requirement and
   bl_plugin are as they were. A current host must walk its arrays with the 1.0 strides,
   treat the missing fields as zero (both metrics required, parse() not parse_streams())
   and run it: run() writes its numbers as raw output, parse() reports them. */
#include <benchlab/plugin.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "test_plugin_support.h"

typedef struct v10_metric_desc {
  uint32_t struct_size;
  const char* name;
  const char* unit;
  int32_t direction;
  const char* description;
} v10_metric_desc;

typedef struct v10_workload {
  uint32_t struct_size;
  uint32_t flags;
  uint32_t option_count;
  const bl_option_desc* options;
  uint32_t metric_count;
  const v10_metric_desc* metrics;
  uint32_t requirement_count;
  const bl_requirement* requirements;
  int32_t (*create)(const bl_host* host, void** out_instance);
  void (*destroy)(void* instance);
  int32_t (*setup)(void* instance);
  int32_t (*run)(void* instance);
  int32_t (*parse)(void* instance, const char* output, size_t size);
  int32_t (*teardown)(void* instance);
} v10_workload;

_Static_assert(sizeof(v10_metric_desc) == offsetof(bl_metric_desc, flags),
               "v10_metric_desc is bl_metric_desc before 1.1's flags");
_Static_assert(sizeof(v10_workload) == offsetof(bl_workload, parse_streams),
               "v10_workload is bl_workload before 1.1's parse_streams");

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "scale", BL_OPTION_INT, 0, "3", NULL, 1, 100, "tens"},
    {sizeof(bl_option_desc), "offset", BL_OPTION_INT, 0, "4", NULL, 0, 9, "units"},
};

/* Two elements, so the host must step 40 bytes (1.0) between them, not 48 (1.1). */
static const v10_metric_desc kMetrics[] = {
    {sizeof(v10_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "scale * 10 + offset"},
    {sizeof(v10_metric_desc), "double", "x", BL_HIGHER_IS_BETTER, "twice the value"},
};

static int32_t v10_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void v10_destroy(void* inst) { (void)inst; }

static int32_t v10_run(void* inst) {
  const bl_host* host = inst;
  char line[64];
  long long v = tp_option_int(host, "scale") * 10 + tp_option_int(host, "offset");
  int n = snprintf(line, sizeof line, "value %lld\n", v);
  return host->append_output(host, line, (size_t)n);
}

static int32_t v10_parse(void* inst, const char* output, size_t size) {
  const bl_host* host = inst;
  char buf[64];
  long long v = 0;
  if (size >= sizeof buf) size = sizeof buf - 1;
  memcpy(buf, output, size);
  buf[size] = '\0';
  if (sscanf(buf, "value %lld", &v) != 1) {
    host->set_error(host, "parse(): no 'value N' line in the raw output");
    return BL_ERROR;
  }
  int32_t st = host->report_metric(host, "value", (double)v);
  return st != BL_OK ? st : host->report_metric(host, "double", 2.0 * (double)v);
}

static int32_t v10_teardown(void* inst) {
  (void)inst;
  return BL_OK;
}

static const v10_workload kWorkload = {
    sizeof(v10_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    0,
    NULL,
    v10_create,
    v10_destroy,
    NULL,
    v10_run,
    v10_parse,
    v10_teardown,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    0, /* minor 1.0 */
    BL_KIND_WORKLOAD,
    "abi-v1-0",
    "1.0.0",
    "test plugin: built against plugin ABI 1.0",
    "benchlab tests",
    (const bl_workload*)(const void*)&kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  if (min_major > BL_ABI_MAJOR || BL_ABI_MAJOR > max_major) return NULL;
  return &kPlugin;
}
