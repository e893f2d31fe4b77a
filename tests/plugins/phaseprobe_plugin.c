/* SPDX-License-Identifier: MIT */
/* phaseprobe: shows, in its log, the process each phase runs in and what it inherited,
   and tries what a phase must not get away with. Every phase logs
   "phase pid P worker W loads L calls C": its own pid, its parent's (the worker), how
   often the plugin was loaded into that process (a constructor counts) and how many
   calls this process has made (1 when every phase runs in a fresh process). run() then:
   with `leave=setsid`, starts a daemon that leaves the process group and the session
   (a double fork) and logs "left pid P in session S"; touches `touch_mib` MiB of fresh memory; and
   in trial `then_trial` (-1: every trial) ends as `then` says: `report` (value = 1),
   `kill_worker` (SIGKILL to its parent, the worker, then waits to die with it) or `hang`
   (until killed; honours cancellation with `honour_cancel`). Other trials report. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const char* const kLeave[] = {"none", "setsid", NULL};
static const char* const kThen[] = {"report", "kill_worker", "hang", NULL};

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "leave", BL_OPTION_ENUM, 0, "none", kLeave, 0, 0,
     "a process left running: none, or setsid (own session, orphaned)"},
    {sizeof(bl_option_desc), "touch_mib", BL_OPTION_INT, 0, "0", NULL, 0, 4096,
     "MiB of memory run() allocates and touches"},
    {sizeof(bl_option_desc), "then", BL_OPTION_ENUM, 0, "report", kThen, 0, 0,
     "how run() ends: report, kill_worker or hang"},
    {sizeof(bl_option_desc), "then_trial", BL_OPTION_INT, 0, "-1", NULL, -1, 1000000,
     "the trial that ends as `then` says; -1: every trial"},
    {sizeof(bl_option_desc), "honour_cancel", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "`hang` returns BL_CANCELLED when the host asks the phase to stop"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

static int g_loads, g_calls;
__attribute__((constructor)) static void count_load(void) { ++g_loads; }

/* Every chunk escapes through here, so the compiler cannot drop the allocation. */
static char* volatile g_touched;

static void log_phase(const bl_host* host) {
  char msg[160];
  snprintf(msg, sizeof msg, "phase pid %d worker %d loads %d calls %d", (int)getpid(),
           (int)getppid(), g_loads, ++g_calls);
  host->log(host, BL_LOG_INFO, msg);
}

static int32_t phaseprobe_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void phaseprobe_destroy(void* inst) { (void)inst; }

static int32_t phaseprobe_setup(void* inst) {
  log_phase(inst);
  return BL_OK;
}

static int32_t phaseprobe_teardown(void* inst) {
  log_phase(inst);
  return BL_OK;
}

/* A grandchild in a session of its own, deaf to SIGTERM, orphaned at once; its pid. */
static pid_t leave_daemon(void) {
  int p[2];
  if (pipe(p) != 0) return -1;
  pid_t c = fork();
  if (c < 0) return -1;
  if (c == 0) {
    close(p[0]);
    pid_t g = fork();
    if (g == 0) {
      close(p[1]);
      setsid();
      signal(SIGTERM, SIG_IGN);
      for (;;) pause();
    }
    if (write(p[1], &g, sizeof g) != (ssize_t)sizeof g) _exit(1);
    _exit(0);
  }
  close(p[1]);
  pid_t g = -1;
  if (read(p[0], &g, sizeof g) != (ssize_t)sizeof g) g = -1;
  close(p[0]);
  waitpid(c, NULL, 0);
  for (int i = 0; g > 0 && i < 500 && getsid(g) != g; ++i) usleep(1000); /* setsid() done */
  return g;
}

static int32_t phaseprobe_run(void* inst) {
  const bl_host* host = inst;
  log_phase(host);
  if (tp_option_is(host, "leave", "setsid")) {
    pid_t d = leave_daemon();
    if (d <= 0) {
      host->set_error(host, "fork failed");
      return BL_ERROR;
    }
    char msg[80];
    snprintf(msg, sizeof msg, "left pid %d in session %d", (int)d, (int)getsid(d));
    host->log(host, BL_LOG_INFO, msg);
  }
  long long mib = tp_option_int(host, "touch_mib");
  if (mib > 0) {
    g_touched = malloc((size_t)mib << 20);
    if (!g_touched) {
      host->set_error(host, "malloc failed");
      return BL_NO_MEMORY;
    }
    memset(g_touched, 1, (size_t)mib << 20);
  }
  long long then_trial = tp_option_int(host, "then_trial");
  if (then_trial < 0 || then_trial == (long long)host->trial) {
    if (tp_option_is(host, "then", "kill_worker")) {
      kill(getppid(), SIGKILL);
      for (;;) pause(); /* PR_SET_PDEATHSIG ends this process with its worker */
    }
    if (tp_option_is(host, "then", "hang")) {
      int honour = tp_option_bool(host, "honour_cancel");
      for (;;)
        if (tp_sleep_ms(host, 1000, honour) == BL_CANCELLED) return BL_CANCELLED;
    }
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
    phaseprobe_create,
    phaseprobe_destroy,
    phaseprobe_setup,
    phaseprobe_run,
    NULL,
    phaseprobe_teardown,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "phaseprobe",
    "1.0.0",
    "test plugin: logs the process of each phase, leaves daemons, kills its worker",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
