/* SPDX-License-Identifier: MIT */
/* needs: a workload whose requirement depends on its options, computed in setup() and
   handed to the host through its requirements extension (benchlab/ext/requirements.h),
   as llama-bench does with a model file's size. setup() requires `amount` bytes of the
   memory `kind` names (system, gpu, gpu_or_unified) or, for kind=file, the file `name`;
   it reports the status of a malformed call (kind=bogus) in its log, and marks every
   phase it ran in a file under the cache directory (setup, trial, teardown) so a test
   can see that a result that cannot run still tears down and never runs a trial. run()
   also tries require() (refused outside setup) and reports the status as "late". */
#include <benchlab/ext/requirements.h>
#include <benchlab/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "kind", BL_OPTION_STRING, 0, "system", NULL, 0, 0,
     "system, gpu, gpu_or_unified, file or bogus"},
    {sizeof(bl_option_desc), "amount", BL_OPTION_STRING, 0, "1", NULL, 0, 0,
     "bytes, for the memory kinds"},
    {sizeof(bl_option_desc), "name", BL_OPTION_STRING, 0, "", NULL, 0, 0, "for kind=file"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "late", "status", BL_HIGHER_IS_BETTER,
     "what require() returned in run()", 0},
};

static int32_t require_ext(const bl_host* host, const bl_requirement* r) {
  const bl_host_requirements_ext* e =
      host->get_extension ? host->get_extension(host, BL_EXT_HOST_REQUIREMENTS) : NULL;
  return e ? e->require(host, r) : -1;
}

static void note_phase(const bl_host* host, const char* phase) {
  char path[4096];
  snprintf(path, sizeof path, "%s/phases", host->cache_dir);
  FILE* f = fopen(path, "a");
  if (!f) return;
  fprintf(f, "%s\n", phase);
  fclose(f);
}

static int32_t nd_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void nd_destroy(void* inst) { (void)inst; }

static int32_t nd_setup(void* inst) {
  const bl_host* host = inst;
  note_phase(host, "setup");
  bl_requirement r = {sizeof(bl_requirement), 0, NULL, 0, "use a smaller model"};
  r.amount = strtoull(host->option(host, "amount"), NULL, 10);
  if (tp_option_is(host, "kind", "system")) r.kind = BL_REQ_MEMORY_SYSTEM;
  if (tp_option_is(host, "kind", "gpu")) r.kind = BL_REQ_MEMORY_GPU;
  if (tp_option_is(host, "kind", "gpu_or_unified")) r.kind = BL_REQ_MEMORY_GPU_OR_UNIFIED;
  if (tp_option_is(host, "kind", "file")) {
    r.kind = BL_REQ_FILE;
    r.name = host->option(host, "name");
  }
  if (tp_option_is(host, "kind", "bogus")) r.kind = 99;
  char msg[64];
  snprintf(msg, sizeof msg, "require: %d", (int)require_ext(host, &r));
  host->log(host, BL_LOG_INFO, msg);
  return BL_OK;
}

static int32_t nd_run(void* inst) {
  const bl_host* host = inst;
  note_phase(host, "trial");
  const bl_requirement r = {sizeof(bl_requirement), BL_REQ_MEMORY_SYSTEM, NULL, 1, NULL};
  return host->report_metric(host, "late", require_ext(host, &r));
}

static int32_t nd_teardown(void* inst) {
  note_phase(inst, "teardown");
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
    nd_create,
    nd_destroy,
    nd_setup,
    nd_run,
    NULL,
    nd_teardown,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "needs",
    "1.0.0",
    "test plugin: a requirement computed in setup() from its options",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
