/* SPDX-License-Identifier: MIT */
/* streams: writes both raw streams of a trial (ABI 1.1) and reads them back apart in
   parse_streams(). run() appends "out:direct\n" with append_output() and "err:direct\n"
   with append_error_output(), then `err_kib` KiB more of error output, then runs
   `sh -c 'echo out:spawned; echo err:spawned >&2'` with BL_SPAWN_STDOUT_TO_OUTPUT and
   BL_SPAWN_STDERR_TO_ERROR_OUTPUT. parse_streams() reports the sizes it was handed
   (out_bytes, err_bytes) and fails unless each stream holds its own two lines and none
   of the other's. Its parse() always fails: a 1.1 host must call parse_streams()
   instead. */
#include <benchlab/plugin.h>
#include <stddef.h>
#include <string.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "err_kib", BL_OPTION_INT, 0, "0", NULL, 0, 65536,
     "KiB of filler appended to the error output"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "out_bytes", "B", BL_HIGHER_IS_BETTER, "size of the raw output"},
    {sizeof(bl_metric_desc), "err_bytes", "B", BL_HIGHER_IS_BETTER, "size of the error output"},
};

static int32_t streams_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void streams_destroy(void* inst) { (void)inst; }

static int32_t streams_run(void* inst) {
  const bl_host* host = inst;
  if (host->struct_size <
          offsetof(bl_host, append_error_output) + sizeof host->append_error_output ||
      !host->append_error_output) {
    host->set_error(host, "the host has no append_error_output (ABI 1.0 host?)");
    return BL_UNSUPPORTED;
  }
  host->append_output(host, "out:direct\n", 11);
  host->append_error_output(host, "err:direct\n", 11);
  char filler[1024];
  memset(filler, 'e', sizeof filler);
  filler[sizeof filler - 1] = '\n';
  for (long long i = 0; i < tp_option_int(host, "err_kib"); ++i)
    host->append_error_output(host, filler, sizeof filler);

  const char* const argv[] = {"sh", "-c", "echo out:spawned; echo err:spawned >&2", NULL};
  bl_spawn req = {sizeof(bl_spawn),
                  argv,
                  NULL,
                  NULL,
                  10000,
                  NULL,
                  BL_SPAWN_STDOUT_TO_OUTPUT | BL_SPAWN_STDERR_TO_ERROR_OUTPUT};
  bl_spawn_result res;
  memset(&res, 0, sizeof res);
  res.struct_size = sizeof res;
  int32_t st = host->spawn(host, &req, &res);
  if (st != BL_OK) return st;
  if (res.exit_code != 0) {
    host->set_error(host, "sh failed");
    return BL_ERROR;
  }
  return BL_OK;
}

static int has(const char* data, size_t size, const char* needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= size; ++i)
    if (memcmp(data + i, needle, n) == 0) return 1;
  return 0;
}

static int32_t streams_parse_streams(void* inst, const char* out, size_t out_size, const char* err,
                                     size_t err_size) {
  const bl_host* host = inst;
  if (!has(out, out_size, "out:direct\n") || !has(out, out_size, "out:spawned\n") ||
      has(out, out_size, "err:")) {
    host->set_error(host, "the raw output is not what run() wrote to it");
    return BL_ERROR;
  }
  if (!has(err, err_size, "err:direct\n") || !has(err, err_size, "err:spawned\n") ||
      has(err, err_size, "out:")) {
    host->set_error(host, "the error output is not what run() wrote to it");
    return BL_ERROR;
  }
  host->report_metric(host, "out_bytes", (double)out_size);
  return host->report_metric(host, "err_bytes", (double)err_size);
}

static int32_t streams_parse(void* inst, const char* out, size_t size) {
  const bl_host* host = inst;
  (void)out;
  (void)size;
  host->set_error(host, "parse() was called although parse_streams() exists");
  return BL_ERROR;
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
    streams_create,
    streams_destroy,
    NULL,
    streams_run,
    streams_parse,
    NULL,
    streams_parse_streams,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "streams",
    "1.0.0",
    "test plugin: writes both raw streams and parses them apart",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
