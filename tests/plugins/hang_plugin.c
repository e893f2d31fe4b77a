/* SPDX-License-Identifier: MIT */
/* hang: run() never returns on its own. By default it ignores the host's cancellation
   flag (only SIGKILL ends it); `honour_cancel` makes it return BL_CANCELLED when asked;
   `ignore_term` also blocks SIGTERM; `fork_child` first starts a child that sleeps
   forever in the same process group, which the harness must not leave behind. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "test_plugin_support.h"

static const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "honour_cancel", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "return BL_CANCELLED once host->is_cancelled() says so"},
    {sizeof(bl_option_desc), "ignore_term", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "block SIGTERM, so only SIGKILL ends the worker"},
    {sizeof(bl_option_desc), "fork_child", BL_OPTION_BOOL, 0, "false", NULL, 0, 0,
     "fork a child that sleeps forever in the same process group"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "never reported"},
};

static int32_t hang_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void hang_destroy(void* inst) { (void)inst; }

static int32_t hang_run(void* inst) {
  const bl_host* host = inst;
  if (tp_option_bool(host, "ignore_term")) {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
  }
  if (tp_option_bool(host, "fork_child")) {
    pid_t child = fork();
    if (child == 0) {
      for (;;) pause();
    }
    char msg[96];
    snprintf(msg, sizeof msg, "forked child %d in process group %d", (int)child, (int)getpgrp());
    host->log(host, BL_LOG_INFO, msg);
  }
  int honour = tp_option_bool(host, "honour_cancel");
  for (;;) {
    if (tp_sleep_ms(host, 1000, honour) == BL_CANCELLED) return BL_CANCELLED;
  }
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
    hang_create,
    hang_destroy,
    NULL,
    hang_run,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "hang",
    "1.0.0",
    "test plugin: run() never returns",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
