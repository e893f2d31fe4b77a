/* SPDX-License-Identifier: MIT */
/*
 * benchlab host extension "benchlab.host.mark/1" (ABI 1.2): phases marked inside a trial.
 * A workload asks host->get_extension(host, BL_EXT_HOST_MARK) during run() and calls
 * mark(host, "prefill"), later mark(host, "decode"): each mark opens a window of that
 * name that lasts until the next mark or the end of the measured window. The host stores
 * the marks with the trial and reports power and energy per marked window beside the
 * trial's (e.g. energy.total.decode [J]). A host that does not offer it returns NULL:
 * marking is then a no-op for the plugin to skip.
 */
#ifndef BENCHLAB_EXT_MARK_H
#define BENCHLAB_EXT_MARK_H

#include <benchlab/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BL_EXT_HOST_MARK "benchlab.host.mark/1"

typedef struct bl_host_mark_ext {
  uint32_t struct_size; /* sizeof(bl_host_mark_ext) of the host */
  /* [main] Timestamp (CLOCK_MONOTONIC, now) the start of the phase `name` ([a-z0-9_-]+,
     at most 32 characters) in the current trial. run only; at most 1024 marks a trial.
     BL_INVALID_ARGUMENT on a bad name or outside run(). */
  int32_t (*mark)(const bl_host* host, const char* name);
} bl_host_mark_ext;

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_EXT_MARK_H */
