/* SPDX-License-Identifier: MIT */
/* flood: pours bytes into one stream, `kib` KiB of them or, with kib = -1, without end
   (until the harness kills it): `stdout` by printf (which the worker sends to its stderr
   pipe), `stderr` by write(2), `log` as host->log() lines on the frame channel, or
   `output` as raw output through host->append_output() (stored with the trial, up to the
   host's cap). Reports value = 1 when it ends on its own. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const char* const kStreams[] = {"stdout", "stderr", "log", "output", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "stream", BL_OPTION_ENUM, 0, "stdout", kStreams, 0, 0,
     "where the bytes go: stdout, stderr, log or output"},
    {sizeof(bl_option_desc), "kib", BL_OPTION_INT, 0, "1024", NULL, -1, 1 << 30,
     "KiB to write; -1 writes until killed"},
    {sizeof(bl_option_desc), "sleep_ms", BL_OPTION_INT, 0, "0", NULL, 0, 60000,
     "milliseconds to sleep after writing"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

static int32_t flood_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void flood_destroy(void* inst) { (void)inst; }

/* One KiB line: printable, different per line (so nothing downstream can dedupe it), and
   ending in a newline, as a chatty program's output would. */
static void fill_line(char* line, unsigned long long n) {
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  int head = snprintf(line, 1024, "flood line %llu ", n);
  unsigned long long x = n * 0x9e3779b97f4a7c15ull + 1;
  for (int i = head; i < 1023; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    line[i] = digits[x % 36];
  }
  line[1023] = '\n';
}

static int32_t flood_run(void* inst) {
  const bl_host* host = inst;
  long long kib = tp_option_int(host, "kib");
  char line[1025];
  for (unsigned long long n = 0; kib < 0 || n < (unsigned long long)kib; ++n) {
    fill_line(line, n);
    if (tp_option_is(host, "stream", "stdout")) {
      line[1024] = '\0';
      printf("%s", line);
    } else if (tp_option_is(host, "stream", "stderr")) {
      if (write(2, line, 1024) < 0) return BL_ERROR;
    } else if (tp_option_is(host, "stream", "log")) {
      line[1023] = '\0';
      host->log(host, BL_LOG_INFO, line);
    } else {
      int32_t st = host->append_output(host, line, 1024);
      if (st != BL_OK) return st;
    }
  }
  fflush(stdout);
  int32_t st = tp_sleep_ms(host, tp_option_int(host, "sleep_ms"), 1);
  if (st != BL_OK) return st;
  return host->report_metric(host, "value", 1.0);
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
    flood_create,
    flood_destroy,
    NULL,
    flood_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "flood",
    "1.0.0",
    "test plugin: writes a stream without end",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
