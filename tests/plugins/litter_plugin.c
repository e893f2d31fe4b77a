/* SPDX-License-Identifier: MIT */
/* litter: fills the result's scratch directory, the way a build or a generator does, and
   then ends run() as `then` says: `ok` (value = 1), `segv` (a crash) or `hang` (until
   killed). Every phase writes a file and a nested tree; `readonly` also leaves a
   directory of mode 0500 with a file inside (as Go's module cache does), which only the
   owner's chmod or root can remove. setup() and run() log "scratch: DIR", so a test knows
   where it wrote. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const char* const kThen[] = {"ok", "segv", "hang", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "then", BL_OPTION_ENUM, 0, "ok", kThen, 0, 0,
     "how run() ends: ok, segv or hang"},
    {sizeof(bl_option_desc), "readonly", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "also leave a directory of mode 0500 with a file in it"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

static int32_t litter_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void litter_destroy(void* inst) { (void)inst; }

static int write_file(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  static const char text[] = "litter\n";
  int ok = write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1);
  return close(fd) == 0 && ok ? 0 : -1;
}

/* scratch/<phase>-<trial>/a/b/c/file and scratch/<phase>-<trial>.txt */
static int32_t litter(const bl_host* host, const char* phase) {
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/%s-%u", host->scratch_dir, phase, host->trial);
  snprintf(path, sizeof path, "%s.txt", dir);
  if (write_file(path) != 0) goto fail;
  mkdir(dir, 0755);
  snprintf(path, sizeof path, "%s/a", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/a/b", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/a/b/file", dir);
  if (write_file(path) != 0) goto fail;
  if (tp_option_bool(host, "readonly")) {
    snprintf(path, sizeof path, "%s/ro", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/ro/file", dir);
    if (write_file(path) != 0) goto fail;
    snprintf(path, sizeof path, "%s/ro", dir);
    if (chmod(path, 0500) != 0) goto fail;
  }
  return BL_OK;
fail:
  host->set_error(host, "cannot write into the scratch directory");
  return BL_ERROR;
}

static int32_t litter_setup(void* inst) {
  const bl_host* host = inst;
  char msg[4200];
  snprintf(msg, sizeof msg, "scratch: %s", host->scratch_dir);
  host->log(host, BL_LOG_INFO, msg);
  return litter(host, "setup");
}

static int32_t litter_run(void* inst) {
  const bl_host* host = inst;
  char msg[4200];
  snprintf(msg, sizeof msg, "scratch: %s", host->scratch_dir);
  host->log(host, BL_LOG_INFO, msg);
  int32_t st = litter(host, "run");
  if (st != BL_OK) return st;
  if (tp_option_is(host, "then", "segv")) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none); /* no core file from a crash on purpose */
    volatile int* volatile nowhere = NULL;
    *nowhere = 1;
  }
  if (tp_option_is(host, "then", "hang"))
    for (;;) tp_sleep_ms(host, 1000, 0);
  return host->report_metric(host, "value", 1.0);
}

static int32_t litter_teardown(void* inst) { return litter(inst, "teardown"); }

static const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    0,
    NULL,
    litter_create,
    litter_destroy,
    litter_setup,
    litter_run,
    NULL,
    litter_teardown,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "litter",
    "1.0.0",
    "test plugin: fills its scratch directory, then ends as told",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
