/* SPDX-License-Identifier: MIT */
/*
 * benchlab host extension "benchlab.host.requirements/1" (ABI 1.3): requirements a
 * workload learns only from its options, e.g. the memory a model file needs.
 *
 * A descriptor's requirements are static. A workload whose needs depend on its options
 * (llama-bench: the GGUF file given decides the gigabytes) asks
 * host->get_extension(host, BL_EXT_HOST_REQUIREMENTS) in setup() and calls require() for
 * each need it computed. The host checks them against the machine's inventory right
 * after setup() returns BL_OK and before any trial, exactly as it checks static ones: an
 * unmet requirement makes the result "cannot run" with the host's reason and the hint
 * ("needs 41.2 GiB of GPU memory (dedicated or unified); gpu0 (NAME) has 20.0 GiB"), its
 * teardown still runs, and no trial is attempted. So a 70B model on a 20 GB GPU is
 * "cannot run" in a second, not a failure after minutes of loading.
 *
 * A host that does not offer it returns NULL: the workload then finds out the hard way,
 * or returns BL_CANNOT_RUN from setup() with its own reason.
 */
#ifndef BENCHLAB_EXT_REQUIREMENTS_H
#define BENCHLAB_EXT_REQUIREMENTS_H

#include <benchlab/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BL_EXT_HOST_REQUIREMENTS "benchlab.host.requirements/1"

typedef struct bl_host_requirements_ext {
  uint32_t struct_size; /* sizeof(bl_host_requirements_ext) of the host */
  /* [main] Adds `req` (copied; its struct_size says how much of it is there) to the
     result's requirements. setup() only; at most 64 a result. BL_INVALID_ARGUMENT (and
     nothing kept) outside setup(), on an unknown kind, a memory kind with amount 0, a
     program, device or file kind without a name, or past 64. */
  int32_t (*require)(const bl_host* host, const bl_requirement* req);
} bl_host_requirements_ext;

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_EXT_REQUIREMENTS_H */
