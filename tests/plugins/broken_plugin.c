/* SPDX-License-Identifier: MIT */
/* broken: a plugin file that takes down whatever loads it, built three times with
   BROKEN_HOW set to 1 to 4: a constructor that crashes (SIGSEGV), an entry function
   that aborts, a constructor that never returns, a constructor that calls exit(0). Discovery must
   name the file and go on (core/src/catalog.cpp, check_in_worker). The descriptor is otherwise a
   valid no-op workload, so nothing else is wrong with these files. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test_plugin_support.h"

#if BROKEN_HOW == 1
#define BROKEN_ID "broken-ctor-crash"
#elif BROKEN_HOW == 2
#define BROKEN_ID "broken-entry-abort"
#elif BROKEN_HOW == 3
#define BROKEN_ID "broken-ctor-hang"
#else
#define BROKEN_ID "broken-ctor-exit"
#endif

#if BROKEN_HOW == 1 || BROKEN_HOW == 2
static void no_core_file(void) {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
}
#endif

#if BROKEN_HOW == 1
__attribute__((constructor)) static void crash_on_load(void) {
  no_core_file();
  raise(SIGSEGV);
}
#elif BROKEN_HOW == 3
__attribute__((constructor)) static void hang_on_load(void) {
  for (;;) pause();
}
#elif BROKEN_HOW == 4
__attribute__((constructor)) static void exit_on_load(void) { exit(0); }
#endif

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "1"},
};

static int32_t broken_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void broken_destroy(void* inst) { (void)inst; }

static int32_t broken_run(void* inst) {
  const bl_host* host = inst;
  return host->report_metric(host, "value", 1.0);
}

static const bl_workload kWorkload = {
    sizeof(bl_workload), 0,    0,          NULL, 1,    kMetrics, 0, NULL, broken_create,
    broken_destroy,      NULL, broken_run, NULL, NULL,
};

static const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    BROKEN_ID,
    "1.0.0",
    "test plugin: crashes or hangs whatever loads it",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
#if BROKEN_HOW == 2
  no_core_file();
  abort();
#endif
  return min_major <= BL_ABI_MAJOR && BL_ABI_MAJOR <= max_major ? &kPlugin : NULL;
}
