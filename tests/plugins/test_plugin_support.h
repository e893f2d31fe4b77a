/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the test-only plugins: typed option reads and a sleep that
   can honour the host's cancellation flag. Header-only so each plugin stays one .so
   built from the ABI header alone, as an out-of-tree plugin would be. */
#ifndef BENCHLAB_TEST_PLUGIN_SUPPORT_H
#define BENCHLAB_TEST_PLUGIN_SUPPORT_H

#include <benchlab/plugin.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The core validated every option before the phase, so parsing cannot fail here. */
static inline long long tp_option_int(const bl_host* host, const char* name) {
  const char* v = host->option(host, name);
  return v ? strtoll(v, NULL, 10) : 0;
}

static inline double tp_option_double(const bl_host* host, const char* name) {
  const char* v = host->option(host, name);
  return v ? strtod(v, NULL) : 0.0;
}

static inline int tp_option_bool(const bl_host* host, const char* name) {
  const char* v = host->option(host, name);
  return v && strcmp(v, "true") == 0;
}

static inline int tp_option_is(const bl_host* host, const char* name, const char* value) {
  const char* v = host->option(host, name);
  return v && strcmp(v, value) == 0;
}

/* Sleeps `ms` milliseconds; returns early with BL_CANCELLED when `honour_cancel` and the
   host asks the phase to stop. Signals (the worker's SIGTERM handler) do not shorten it. */
static inline int32_t tp_sleep_ms(const bl_host* host, long long ms, int honour_cancel) {
  const long long step = 20;
  while (ms > 0) {
    if (honour_cancel && host->is_cancelled(host)) return BL_CANCELLED;
    long long chunk = ms < step ? ms : step;
    struct timespec ts = {(time_t)(chunk / 1000), (long)(chunk % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    ms -= chunk;
  }
  return BL_OK;
}

#endif
