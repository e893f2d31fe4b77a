/* SPDX-License-Identifier: MIT */
/* rogue: misbehaves with processes and pipes. `leave` starts a process that outlives
   run() and holds every descriptor the worker had, the frame channel included: `child`
   (a plain fork), `daemon` (a double fork: a grandchild orphaned away from the worker, in
   the same process group) or `setsid` (a double fork that also leaves the process group
   and session). Each left process ignores SIGTERM and is logged as
   "left pid P in process group G". `close_channel` then closes the worker's frame pipe
   (a write-only pipe other than fds 0-2) behind the host's back. Last, `then`: `report`
   reports value = 1 and returns BL_OK, `return` returns BL_OK without a metric, `hang`
   sleeps until killed, `abort` calls abort(). */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const char* const kLeave[] = {"none", "child", "daemon", "setsid", NULL};
static const char* const kThen[] = {"report", "return", "hang", "abort", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "leave", BL_OPTION_ENUM, 0, "none", kLeave, 0, 0,
     "a process left running: none, child, daemon (double fork) or setsid (own session)"},
    {sizeof(bl_option_desc), "close_channel", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "close the worker's frame pipe"},
    {sizeof(bl_option_desc), "then", BL_OPTION_ENUM, 0, "report", kThen, 0, 0,
     "report (value 1, BL_OK), return (BL_OK, no metric), hang or abort"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

static int32_t rogue_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void rogue_destroy(void* inst) { (void)inst; }

/* What a left-behind process does: nothing, forever, deaf to SIGTERM. */
static void linger(void) {
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  for (;;) pause();
}

/* Starts the process `how` asks for; returns its pid, or -1. */
static pid_t leave_process(const char* how) {
  if (strcmp(how, "child") == 0) {
    pid_t c = fork();
    if (c == 0) linger();
    return c;
  }
  int p[2];
  if (pipe(p) != 0) return -1;
  pid_t c = fork();
  if (c < 0) return -1;
  if (c == 0) {
    close(p[0]);
    pid_t g = fork();
    if (g == 0) {
      close(p[1]);
      if (strcmp(how, "setsid") == 0) setsid();
      linger();
    }
    if (write(p[1], &g, sizeof g) != (ssize_t)sizeof g) _exit(1);
    _exit(0); /* the grandchild is orphaned */
  }
  close(p[1]);
  pid_t g = -1;
  if (read(p[0], &g, sizeof g) != (ssize_t)sizeof g) g = -1;
  close(p[0]);
  waitpid(c, NULL, 0);
  /* setsid() runs in the grandchild after its pid came back; wait until it took effect. */
  for (int i = 0; g > 0 && strcmp(how, "setsid") == 0 && i < 500 && getpgid(g) == getpgrp(); ++i)
    usleep(1000);
  return g;
}

/* Closes every write-only pipe above fd 2: the frame channel, found as a plugin would. */
static int close_frame_pipe(void) {
  int closed = 0;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return 0;
  int self = dirfd(d);
  int fds[64], n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 64) {
    int fd = atoi(e->d_name);
    if (fd <= 2 || fd == self) continue;
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && (fl & O_ACCMODE) == O_WRONLY)
      fds[n++] = fd;
  }
  closedir(d);
  for (int i = 0; i < n; ++i) closed += close(fds[i]) == 0;
  return closed;
}

static int32_t rogue_run(void* inst) {
  const bl_host* host = inst;
  const char* how = host->option(host, "leave");
  if (how && strcmp(how, "none") != 0) {
    pid_t p = leave_process(how);
    if (p <= 0) {
      host->set_error(host, "fork failed");
      return BL_ERROR;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "left pid %d in process group %d", (int)p, (int)getpgid(p));
    host->log(host, BL_LOG_INFO, msg);
  }
  if (tp_option_bool(host, "close_channel") && close_frame_pipe() == 0) {
    host->set_error(host, "found no frame pipe to close");
    return BL_ERROR;
  }
  if (tp_option_is(host, "then", "hang"))
    for (;;) tp_sleep_ms(host, 1000, 0);
  if (tp_option_is(host, "then", "return")) return BL_OK;
  if (tp_option_is(host, "then", "abort")) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none); /* no core file from a crash on purpose */
    abort();
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
    rogue_create,
    rogue_destroy,
    NULL,
    rogue_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "rogue",
    "1.0.0",
    "test plugin: leaves processes behind, closes its frame pipe",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
