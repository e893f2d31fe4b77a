/* SPDX-License-Identifier: MIT */
/*
 * benchlab host extension "benchlab.host.programs/1" (ABI 1.4): the programs a workload
 * wraps, and their versions, so that a result says what produced it ("ffmpeg 6.1.1",
 * "HMMER 3.4") beside the plugin's own version.
 *
 * A workload asks host->get_extension(host, BL_EXT_HOST_PROGRAMS) and calls
 * report_program(host, "ffmpeg", "6.1.1-3ubuntu5", "/usr/bin/ffmpeg") once per program,
 * best in setup() (asking a program its version is work a trial should not time). The
 * host stores one row per program name and result (the store's result_programs table; a
 * name reported again replaces its row) and the results JSON lists them per result.
 *
 * A host that does not offer it returns NULL: the versions are then simply not recorded.
 */
#ifndef BENCHLAB_EXT_PROGRAMS_H
#define BENCHLAB_EXT_PROGRAMS_H

#include <benchlab/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BL_EXT_HOST_PROGRAMS "benchlab.host.programs/1"

/* Limits of report_program()'s strings, in bytes without the terminating NUL. */
#define BL_PROGRAM_NAME_MAX 64u
#define BL_PROGRAM_VERSION_MAX 256u
#define BL_PROGRAM_PATH_MAX 4096u
/* Programs one phase may report; past it report_program() returns BL_INVALID_ARGUMENT. */
#define BL_PROGRAMS_MAX_PER_PHASE 64u

typedef struct bl_host_programs_ext {
  uint32_t struct_size; /* sizeof(bl_host_programs_ext) of the host */
  /* [main] Records that this result's workload runs the program `name` ("ffmpeg",
     "gcc", "make") at `version` ("6.1.1", "GCC 12.2.0"), found at `path` (absolute,
     or NULL when unknown). setup and run only. `name` is 1 to BL_PROGRAM_NAME_MAX
     printable ASCII characters; `version` 1 to BL_PROGRAM_VERSION_MAX bytes without
     control characters; `path` at most BL_PROGRAM_PATH_MAX bytes. The host copies the
     strings. BL_INVALID_ARGUMENT (with set_error's text, nothing kept, the phase goes on)
     on a bad argument, outside setup/run, or past BL_PROGRAMS_MAX_PER_PHASE calls. */
  int32_t (*report_program)(const bl_host* host, const char* name, const char* version,
                            const char* path);
} bl_host_programs_ext;

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_EXT_PROGRAMS_H */
