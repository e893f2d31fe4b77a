/* SPDX-License-Identifier: MIT */
/* wraps: a workload that reports the programs it wraps through the host's programs
   extension (benchlab/ext/programs.h), as transcode reports ffmpeg. setup() reports the
   program its options name (name, version, path; path "" for NULL), then a malformed call
   of the kind `bad` names (empty_name, long_name, control_version, long_version,
   long_path, null_version) whose status becomes the metric "bad" in run(). run() reports
   "helper" 2.0 (run may report too) and, as metric "late", nothing; teardown() tries
   one more and notes the status in a file under the cache directory, where the test
   finds it refused. */
#include <benchlab/ext/programs.h>
#include <benchlab/plugin.h>
#include <stdio.h>
#include <string.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "name", BL_OPTION_STRING, 0, "ffmpeg", NULL, 0, 0, "program name"},
    {sizeof(bl_option_desc), "version", BL_OPTION_STRING, 0, "6.1.1", NULL, 0, 0, "its version"},
    {sizeof(bl_option_desc), "path", BL_OPTION_STRING, 0, "", NULL, 0, 0, "its path, or empty"},
    {sizeof(bl_option_desc), "bad", BL_OPTION_STRING, 0, "empty_name", NULL, 0, 0,
     "which malformed call setup() also makes"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "bad", "status", BL_HIGHER_IS_BETTER,
     "what the malformed report_program() call in setup() returned", 0},
};

static int32_t report(const bl_host* host, const char* name, const char* version,
                      const char* path) {
  const bl_host_programs_ext* e =
      host->get_extension ? host->get_extension(host, BL_EXT_HOST_PROGRAMS) : NULL;
  return e ? e->report_program(host, name, version, path) : -1;
}

static void note(const bl_host* host, const char* file, int32_t status) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", host->cache_dir, file);
  FILE* f = fopen(path, "w");
  if (!f) return;
  fprintf(f, "%d\n", (int)status);
  fclose(f);
}

static int32_t wr_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void wr_destroy(void* inst) { (void)inst; }

static int32_t wr_setup(void* inst) {
  const bl_host* host = inst;
  const char* path = host->option(host, "path");
  report(host, host->option(host, "name"), host->option(host, "version"),
         path[0] != '\0' ? path : NULL);
  static char long_text[5000];
  memset(long_text, 'x', sizeof long_text - 1);
  int32_t bad = -1;
  if (tp_option_is(host, "bad", "empty_name")) bad = report(host, "", "1", NULL);
  if (tp_option_is(host, "bad", "long_name")) bad = report(host, long_text, "1", NULL);
  if (tp_option_is(host, "bad", "control_version")) bad = report(host, "x", "1.0\n", NULL);
  if (tp_option_is(host, "bad", "long_version")) bad = report(host, "x", long_text, NULL);
  if (tp_option_is(host, "bad", "long_path")) bad = report(host, "x", "1", long_text);
  if (tp_option_is(host, "bad", "null_version")) bad = report(host, "x", NULL, NULL);
  note(host, "bad", bad);
  return BL_OK;
}

static int32_t wr_run(void* inst) {
  const bl_host* host = inst;
  if (report(host, "helper", "2.0", NULL) != BL_OK) return BL_ERROR;
  char path[4096];
  snprintf(path, sizeof path, "%s/bad", host->cache_dir);
  FILE* f = fopen(path, "r");
  int bad = -2;
  if (f) {
    if (fscanf(f, "%d", &bad) != 1) bad = -2;
    fclose(f);
  }
  return host->report_metric(host, "bad", bad);
}

static int32_t wr_teardown(void* inst) {
  const bl_host* host = inst;
  note(host, "teardown", report(host, "late", "1", NULL));
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
    wr_create,
    wr_destroy,
    wr_setup,
    wr_run,
    NULL,
    wr_teardown,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "wraps",
    "1.0.0",
    "test plugin: the programs a workload wraps, reported in setup() and run()",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
