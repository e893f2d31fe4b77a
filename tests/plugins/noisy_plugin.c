/* SPDX-License-Identifier: MIT */
/* noisy: writes a lot where it should not. `stdout_mib` MiB through stdio's stdout,
   `fd1_garbage` raw bytes that look like frames with write(1, ...), `channel_garbage` a
   bogus frame on the worker's frame pipe itself, `long_log_kib` one enormous log line and
   `long_error_kib` an enormous set_error() text. Reports value = 1 unless told to fail. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "stdout_mib", BL_OPTION_INT, 0, "100", NULL, 0, 1024,
     "MiB written to stdout with fwrite"},
    {sizeof(bl_option_desc), "fd1_garbage", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "write frame-like garbage to fd 1 with write(2)"},
    {sizeof(bl_option_desc), "channel_garbage", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "write a bogus frame to the worker's frame pipe"},
    {sizeof(bl_option_desc), "long_log_kib", BL_OPTION_INT, 0, "0", NULL, 0, 65536,
     "log one line of this many KiB"},
    {sizeof(bl_option_desc), "long_error_kib", BL_OPTION_INT, 0, "0", NULL, 0, 65536,
     "fail with a set_error() text of this many KiB"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

/* A NUL-terminated string of `kib` KiB that starts with `head`. */
static char* long_text(const char* head, long long kib) {
  size_t n = (size_t)kib << 10;
  char* s = malloc(n + 1);
  if (!s) return NULL;
  memset(s, 'x', n);
  size_t h = strlen(head);
  memcpy(s, head, h < n ? h : n);
  s[n] = '\0';
  return s;
}

static int32_t noisy_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void noisy_destroy(void* inst) { (void)inst; }

static int32_t noisy_run(void* inst) {
  const bl_host* host = inst;
  static char block[1 << 16];
  memset(block, 'n', sizeof block);
  long long mib = tp_option_int(host, "stdout_mib");
  for (long long i = 0; i < mib * 16; ++i) fwrite(block, 1, sizeof block, stdout);
  fflush(stdout);

  if (tp_option_bool(host, "fd1_garbage")) {
    /* A small "frame" of type done, then a huge size prefix: both would confuse a reader
       that took fd 1 for the frame channel. */
    static const char fake[] = "\x05\x00\x00\x00\x08\x00\x00\x00\x00\x00\xff\xff\xff\x7fjunk";
    for (int i = 0; i < 1024; ++i)
      if (write(1, fake, sizeof fake - 1) < 0) break;
  }
  if (tp_option_bool(host, "channel_garbage")) {
    static const char bogus[] = "\xff\xff\xff\x7f\x01garbage on the frame channel";
    for (int fd = 3; fd < 256; ++fd) {
      struct stat st;
      int fl = fcntl(fd, F_GETFL);
      if (fl < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) continue;
      if ((fl & O_ACCMODE) == O_WRONLY && write(fd, bogus, sizeof bogus - 1) < 0) continue;
    }
  }
  long long log_kib = tp_option_int(host, "long_log_kib");
  if (log_kib > 0) {
    char* s = long_text("a very long log line: ", log_kib);
    if (!s) return BL_NO_MEMORY;
    host->log(host, BL_LOG_INFO, s);
    free(s);
  }
  long long err_kib = tp_option_int(host, "long_error_kib");
  if (err_kib > 0) {
    char* s = long_text("noisy failed with a very long message: ", err_kib);
    if (!s) return BL_NO_MEMORY;
    host->set_error(host, s);
    free(s);
    return BL_ERROR;
  }
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
    noisy_create,
    noisy_destroy,
    NULL,
    noisy_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "noisy",
    "1.0.0",
    "test plugin: writes where it should not",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
