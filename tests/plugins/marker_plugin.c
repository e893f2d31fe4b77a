/* SPDX-License-Identifier: MIT */
/* marker: a well-behaved workload whose constructor says which process loaded it. When
   BENCHLAB_TEST_LOAD_MARKER names a file, every load appends "PID EXE\n" to it, so tests
   can prove that only benchlab-worker processes load plugins, never the core (the C API's
   caller or the benchlab command). It declares one required and one optional metric
   (BL_METRIC_OPTIONAL, ABI 1.1) and reports only the required one. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void mark_load(void) {
  const char* file = getenv("BENCHLAB_TEST_LOAD_MARKER");
  if (!file || !*file) return;
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  char line[4200];
  int len = snprintf(line, sizeof line, "%d %s\n", (int)getpid(), exe);
  int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (write(fd, line, (size_t)len) != len) { /* a test will see the line missing */
  }
  close(fd);
}

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "always 1", 0},
    {sizeof(bl_metric_desc), "extra", "x", BL_LOWER_IS_BETTER, "never reported",
     BL_METRIC_OPTIONAL},
};

static int32_t marker_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void marker_destroy(void* inst) { (void)inst; }

static int32_t marker_run(void* inst) {
  const bl_host* host = inst;
  return host->report_metric(host, "value", 1.0);
}

static const bl_workload kWorkload = {
    sizeof(bl_workload), 0,    0,          NULL, 2,    kMetrics, 0, NULL, marker_create,
    marker_destroy,      NULL, marker_run, NULL, NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "marker",
    "1.0.0",
    "test plugin: records which process loaded it",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
