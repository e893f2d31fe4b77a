/* SPDX-License-Identifier: MIT */
/*
 * benchlab plugin ABI, version 1.
 *
 * This header is the specification. A plugin is one shared object that exports one
 * symbol, `benchlab_plugin_entry`; everything else is reached through the descriptor
 * it returns. Only C types cross the boundary. Written for C11 and C++ alike.
 *
 * Compatibility rules (normative):
 *  - Every struct starts with `struct_size`. A reader uses min(struct_size, sizeof) bytes
 *    and treats the rest as zero; zero always means "the behaviour of older versions".
 *    Fields are only ever appended. Arrays of structs are walked with a stride of their
 *    elements' struct_size.
 *  - A host refuses a plugin whose abi_major differs from its own; a higher abi_minor of
 *    either side only means fields or extensions the other side does not know about.
 *  - No exceptions, longjmps or C++ types cross the boundary. Every entry point returns a
 *    status; the text of a failure is handed to the host with host->set_error() before
 *    returning, and the host copies it.
 *  - Memory is freed by the side that allocated it.
 *
 * Minor versions: 1.0 the first; 1.1 appended bl_metric_desc.flags (BL_METRIC_OPTIONAL),
 * bl_host.append_error_output, bl_workload.parse_streams and BL_SPAWN_STDERR_TO_ERROR_OUTPUT:
 * a trial's raw output is two streams, handed to parse_streams() apart. 1.2 appended
 * bl_host.sysroot, bl_channel_desc.limit, BL_QUANTITY_THROTTLE and bl_probe's options;
 * its host and probe services are extensions, one header each under benchlab/ext/
 * (probe_devices.h: the devices a probe sees; mark.h: phases marked inside a trial).
 * 1.3 appended the host extension values.h: many values of one metric per trial
 * (latency distributions), stored as rows and summarised as pooled percentiles, and
 * requirements.h: requirements computed in setup() from the options (a model's memory).
 * 1.4 appended the host extension programs.h: the programs a workload wraps and their
 * versions (ffmpeg, hmmsearch, the compiler), stored with each result.
 *
 * Tags in the comments: [main] = the worker's main thread, during the call named;
 * [sampler] = the host's sampler thread; [any] = any thread, must be thread-safe.
 * "phase" = one call of setup, run (with its parse) or teardown; each phase runs in
 * its own short-lived worker process, so a plugin's memory never outlives a phase:
 * state meant for later phases goes into scratch_dir (per result) or cache_dir
 * (per plugin, kept across runs).
 */
#ifndef BENCHLAB_PLUGIN_H
#define BENCHLAB_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BL_ABI_MAJOR 1
#define BL_ABI_MINOR 4

#if defined(__GNUC__)
#define BL_EXPORT __attribute__((visibility("default")))
#else
#define BL_EXPORT
#endif

/* Name of the one symbol every plugin exports (see bl_entry_fn). */
#define BL_ENTRY_SYMBOL "benchlab_plugin_entry"

/* ---- Status codes: every function returning int32_t returns one of these. ---- */
#define BL_OK 0
#define BL_ERROR 1 /* failed; reason given with host->set_error() */
/* not a failure: cannot run on this machine or with these options (missing program, too
   little memory); reason via set_error. Stored as a "cannot run" result. */
#define BL_CANNOT_RUN 2
#define BL_CANCELLED 3        /* stopped because host->is_cancelled() said so */
#define BL_INVALID_ARGUMENT 4 /* a bad option value or argument */
#define BL_UNSUPPORTED 5      /* the function or extension is not provided */
#define BL_NO_MEMORY 6        /* an allocation failed */
#define BL_TIMEOUT 7          /* a spawned program or wait ran out of time */

/* ---- Plugin kinds ---- */
#define BL_KIND_WORKLOAD 1
#define BL_KIND_PROBE 2

/* ---- Log levels ---- */
#define BL_LOG_DEBUG 0
#define BL_LOG_INFO 1
#define BL_LOG_WARN 2
#define BL_LOG_ERROR 3

/* ---- Options a workload accepts (declared in its descriptor) ---- */
#define BL_OPTION_STRING 1
#define BL_OPTION_INT 2   /* decimal int64 */
#define BL_OPTION_FLOAT 3 /* decimal double */
#define BL_OPTION_BOOL 4  /* "true" / "false" */
#define BL_OPTION_ENUM 5  /* one of `allowed` */

#define BL_OPTION_REQUIRED 0x1u /* no default: the profile or operator must set it */
#define BL_OPTION_REPEATED 0x2u /* may be given several times (see host->option_at) */

typedef struct bl_option_desc {
  uint32_t struct_size;        /* sizeof(bl_option_desc) */
  const char* name;            /* [a-z0-9_.-]+, unique within the plugin */
  int32_t type;                /* BL_OPTION_* */
  uint32_t flags;              /* BL_OPTION_REQUIRED | BL_OPTION_REPEATED */
  const char* default_value;   /* NULL when none (required, or repeated and empty) */
  const char* const* allowed;  /* BL_OPTION_ENUM: NULL-terminated list; else NULL */
  double min_value, max_value; /* INT/FLOAT: inclusive bounds, checked when min < max */
  const char* description;     /* one line, shown by `benchlab list plugins -v` */
} bl_option_desc;

/* ---- Metrics a workload reports ---- */
#define BL_LOWER_IS_BETTER (-1)
#define BL_HIGHER_IS_BETTER 1

#define BL_METRIC_OPTIONAL 0x1u /* a trial may end without reporting it (since 1.1) */

typedef struct bl_metric_desc {
  uint32_t struct_size; /* sizeof(bl_metric_desc) */
  const char* name;     /* e.g. "seconds", "tokens_per_s"; unique within the plugin */
  const char* unit;     /* e.g. "s", "MB/s", "tok/s" */
  int32_t direction;    /* BL_LOWER_IS_BETTER or BL_HIGHER_IS_BETTER */
  const char* description;
  /* ---- 1.1 ---- */
  uint32_t flags; /* BL_METRIC_*. 0: required: a successful trial that did not report
                     it fails with "metric NAME declared but not reported" */
} bl_metric_desc;

/* ---- Requirements checked by the host before any attempt ---- */
#define BL_REQ_PROGRAM 1               /* `name` must be found on PATH */
#define BL_REQ_MEMORY_SYSTEM 2         /* `amount` bytes of system memory */
#define BL_REQ_MEMORY_GPU 3            /* `amount` bytes of memory on one GPU (dedicated) */
#define BL_REQ_MEMORY_GPU_OR_UNIFIED 4 /* `amount` bytes a GPU can use, dedicated or unified */
#define BL_REQ_DEVICE 5                /* `name` is a device path that must exist, e.g. /dev/kfd */
#define BL_REQ_FILE 6                  /* `name` is a file or directory that must exist */

typedef struct bl_requirement {
  uint32_t struct_size; /* sizeof(bl_requirement) */
  int32_t kind;         /* BL_REQ_* */
  const char* name;     /* program, device or path; NULL for memory */
  uint64_t amount;      /* bytes, for memory kinds; else 0 */
  const char* hint;     /* what to do when unmet, e.g. "apt-get install ngspice"; may be NULL */
} bl_requirement;

/* ---- Processes a plugin starts through the host (argv only, never a shell) ---- */
/* also append the program's stdout to the trial's raw output (what parse() receives) */
#define BL_SPAWN_STDOUT_TO_OUTPUT 0x1u
#define BL_SPAWN_MERGE_STDERR 0x2u /* capture stderr into the stdout buffer */
/* also append the program's stderr to the trial's error output (since 1.1) */
#define BL_SPAWN_STDERR_TO_ERROR_OUTPUT 0x4u

typedef struct bl_spawn {
  uint32_t struct_size;    /* sizeof(bl_spawn) */
  const char* const* argv; /* NULL-terminated; argv[0] without '/' is searched on PATH */
  const char* const* env;  /* NULL-terminated "NAME=VALUE" set on top of the worker's
                              environment; NULL: inherit unchanged */
  const char* cwd;         /* NULL: the scratch directory */
  uint64_t timeout_ms;     /* 0: no limit of its own (the phase timeout still applies) */
  const char* stdin_path;  /* file fed to stdin; NULL: /dev/null */
  uint32_t flags;          /* BL_SPAWN_* */
} bl_spawn;

typedef struct bl_spawn_result {
  uint32_t struct_size; /* set by the plugin to sizeof(bl_spawn_result) before the call */
  int32_t exit_code;    /* exit status, or -1 when killed by a signal */
  int32_t term_signal;  /* signal number that ended it, or 0 */
  int32_t timed_out;    /* 1 when killed for exceeding timeout_ms */
  int32_t truncated;    /* 1 when output exceeded the host's capture limit (16 MiB per
                           stream); the first bytes are kept */
  uint64_t wall_ns, user_ns, sys_ns; /* wall clock and CPU time of the program */
  uint64_t max_rss_bytes;            /* peak resident set of the program */
  const char* out;                   /* captured stdout, NUL-terminated; owned by the host,
                                        valid until the next spawn or the end of the phase */
  size_t out_size;
  const char* err; /* captured stderr (empty with BL_SPAWN_MERGE_STDERR); same lifetime */
  size_t err_size;
} bl_spawn_result;

/* ---- Services the host hands to every plugin instance ---- */
#define BL_PHASE_SETUP 1
#define BL_PHASE_RUN 2
#define BL_PHASE_TEARDOWN 3
#define BL_PHASE_PROBE 4

typedef struct bl_host bl_host;
struct bl_host {
  uint32_t struct_size;          /* sizeof(bl_host) of the host */
  uint32_t abi_major, abi_minor; /* the host's ABI version */
  int32_t phase;                 /* BL_PHASE_* this instance was created for */
  uint32_t trial;                /* run phase: 0-based trial index, warm-ups included */
  uint32_t cpu_count;            /* online CPUs of the machine */
  const char* scratch_dir;       /* per result, empty at setup, removed after teardown;
                                    the working directory of every phase */
  const char* cache_dir;         /* per plugin id and version, kept across runs: put
                                    expensive prepared inputs here */
  const char* data_dir;          /* the profile's directory (bundled input files), or
                                    NULL when run without a profile */
  void* host_data;               /* opaque, for the host's use only */

  /* [any] Log a line; `msg` is copied. */
  void (*log)(const bl_host* host, int32_t level, const char* msg);
  /* [any] Give the reason for the status the current call is about to return; copied.
     The last call before returning wins. */
  void (*set_error)(const bl_host* host, const char* msg);
  /* [main] Value of an option (the declared default when not set), or NULL when unset
     and without default. For REPEATED options: the first value. Lives for the phase. */
  const char* (*option)(const bl_host* host, const char* name);
  /* [main] Number of values of an option (0, 1, or more for REPEATED options). */
  uint32_t (*option_count)(const bl_host* host, const char* name);
  /* [main] Value `index` of an option, or NULL past the end. Lives for the phase. */
  const char* (*option_at)(const bl_host* host, const char* name, uint32_t index);
  /* [main] Declare a metric not in the descriptor (only for plugins whose metrics come
     from their options, like `command`). Returns BL_INVALID_ARGUMENT on a bad name or
     direction, or when it clashes with a declared metric of another unit. */
  int32_t (*declare_metric)(const bl_host* host, const char* name, const char* unit,
                            int32_t direction);
  /* [main] Report this trial's value of a declared metric; once per metric per trial
     (a second report replaces the first). run or parse only. */
  int32_t (*report_metric)(const bl_host* host, const char* name, double value);
  /* [main] Report progress of a long phase: fraction in [0,1] or negative when unknown;
     `note` (may be NULL) is copied. Cheap; the host rate-limits. */
  void (*progress)(const bl_host* host, double fraction, const char* note);
  /* [main] Append bytes to the trial's raw output, handed to parse() after run() and
     stored with the trial (the host keeps at most 1 MiB in the store). */
  int32_t (*append_output)(const bl_host* host, const char* data, size_t size);
  /* [main] Run a program and wait for it. `res` must have struct_size set. Returns BL_OK
     when the program was started and waited for (whatever its exit status), BL_TIMEOUT
     when killed for its timeout, BL_CANCELLED when the phase was cancelled, BL_ERROR when
     it could not be started (reason via set_error in the host's log). */
  int32_t (*spawn)(const bl_host* host, const bl_spawn* req, bl_spawn_result* res);
  /* [any] Non-zero once the host asks the phase to stop (timeout or operator interrupt);
     a long loop should check it about every 100 ms and return BL_CANCELLED. */
  int32_t (*is_cancelled)(const bl_host* host);
  /* [any] CLOCK_MONOTONIC in nanoseconds: the clock of trial windows and samples. */
  uint64_t (*now_ns)(const bl_host* host);
  /* [any] A host extension by id (e.g. "benchlab.host.values/1", ext/values.h), or NULL. */
  const void* (*get_extension)(const bl_host* host, const char* id);
  /* ---- 1.1: check host->struct_size before calling ---- */
  /* [main] Append bytes to the trial's error output: the second raw stream (a program's
     stderr), kept apart from append_output's and handed to parse_streams() as `err`;
     stored with the trial (at most 1 MiB kept). run only. */
  int32_t (*append_error_output)(const bl_host* host, const char* data, size_t size);
  /* ---- 1.2 ---- */
  /* The directory that stands for "/" when a plugin reads /sys, /proc or /dev: "/" on a
     machine, a fixture tree in tests, the host's root mounted in a container. Never NULL
     from a 1.2 host; NULL (an older host) means "/". */
  const char* sysroot;
};

/* ---- Workload plugins ---- */
#define BL_WORKLOAD_DYNAMIC_METRICS 0x1u /* may declare metrics with host->declare_metric */

typedef struct bl_workload {
  uint32_t struct_size; /* sizeof(bl_workload) */
  uint32_t flags;       /* BL_WORKLOAD_* */
  uint32_t option_count;
  const bl_option_desc* options; /* option_count elements; static, lives with the plugin */
  uint32_t metric_count;
  const bl_metric_desc* metrics; /* metric_count elements; static */
  uint32_t requirement_count;
  const bl_requirement* requirements; /* requirement_count elements; static */

  /* [main] Make an instance for one phase. `host` outlives the instance. On failure
     return a status (set_error first) and leave *out_instance NULL. */
  int32_t (*create)(const bl_host* host, void** out_instance);
  /* [main] Free an instance; destroy(NULL) is a no-op. Called after every phase. */
  void (*destroy)(void* instance);
  /* [main] Prepare inputs for one option combination (generate data, build sources,
     check tools); once per result, before its trials. May be NULL. BL_CANNOT_RUN makes
     the result "cannot run" with the reason given. */
  int32_t (*setup)(void* instance);
  /* [main] One trial: do the measured work, report metrics and/or append raw output. */
  int32_t (*run)(void* instance);
  /* [main] Turn the raw output of run() into metrics, in the same phase, right after a
     successful run. `output` is owned by the host for the call. May be NULL. */
  int32_t (*parse)(void* instance, const char* output, size_t size);
  /* [main] Clean up after the last trial of a result. May be NULL. */
  int32_t (*teardown)(void* instance);
  /* ---- 1.1 ---- */
  /* [main] Like parse(), with the trial's two raw streams apart: `out` as append_output()
     and BL_SPAWN_STDOUT_TO_OUTPUT wrote it, `err` as append_error_output() and
     BL_SPAWN_STDERR_TO_ERROR_OUTPUT wrote it. Both owned by the host for the call. When
     non-NULL the host calls it instead of parse(); a host older than 1.1 calls parse(),
     so a plugin that wants both keeps a parse() too. May be NULL. */
  int32_t (*parse_streams)(void* instance, const char* out, size_t out_size, const char* err,
                           size_t err_size);
} bl_workload;

/* ---- Probe plugins (sampled by the host while trials run) ---- */
#define BL_QUANTITY_POWER 1       /* W */
#define BL_QUANTITY_ENERGY 2      /* J */
#define BL_QUANTITY_MEMORY 3      /* bytes */
#define BL_QUANTITY_TEMPERATURE 4 /* degrees Celsius */
#define BL_QUANTITY_FREQUENCY 5   /* Hz */
#define BL_QUANTITY_UTILISATION 6 /* percent, 0..100 */
#define BL_QUANTITY_VOLTAGE 7     /* V */
#define BL_QUANTITY_CURRENT 8     /* A */
/* since 1.2: throttling seen by the hardware. A COUNTER of throttle events (a rise during
   a trial flags it) or an INSTANT flag (non-zero during a trial flags it). */
#define BL_QUANTITY_THROTTLE 9

#define BL_DOMAIN_PACKAGE 1
#define BL_DOMAIN_CORE 2
#define BL_DOMAIN_UNCORE 3
#define BL_DOMAIN_DRAM 4
#define BL_DOMAIN_GPU 5
#define BL_DOMAIN_SOC 6
#define BL_DOMAIN_WALL 7
#define BL_DOMAIN_SYSTEM 8
#define BL_DOMAIN_PSYS 9
#define BL_DOMAIN_OTHER 10

#define BL_CHANNEL_INSTANT 1 /* each sample is a reading at that time */
#define BL_CHANNEL_COUNTER 2 /* monotonically increasing, wraps at counter_range */

typedef struct bl_channel_desc {
  uint32_t struct_size; /* sizeof(bl_channel_desc) */
  const char* id;       /* stable within the probe, e.g. "package-0" */
  const char* label;    /* for people, e.g. "CPU package 0" */
  int32_t quantity;     /* BL_QUANTITY_* */
  int32_t domain;       /* BL_DOMAIN_* */
  int32_t kind;         /* BL_CHANNEL_INSTANT or BL_CHANNEL_COUNTER */
  double counter_range; /* COUNTER: value at which it wraps to 0; 0 when it never wraps */
  const char* parent;   /* id of a channel that contains this one (core in package), so
                           the host never adds both; NULL when none */
  const char* device;   /* device it belongs to, e.g. "cpu0", "gpu0"; may be NULL */
  /* ---- 1.2 ---- */
  double limit; /* TEMPERATURE: where the hardware throttles (hwmon temp*_crit or _max,
                   NVML's slowdown threshold); POWER: the cap; FREQUENCY: the maximum.
                   0: unknown. Used to tell throttling from an ordinary frequency change. */
} bl_channel_desc;

typedef struct bl_probe {
  uint32_t struct_size; /* sizeof(bl_probe) */
  /* [main] Open the probe. When the hardware or permission is missing, return
     BL_UNSUPPORTED with the reason ("no read permission on FILE: run as root or ...")
     via set_error; the host lists it as unavailable. `host` outlives the instance. */
  int32_t (*open)(const bl_host* host, void** out_instance);
  /* [main] close(NULL) is a no-op. */
  void (*close)(void* instance);
  /* [main] Channels: *out points to `*count` descriptors owned by the instance, valid
     until close. */
  int32_t (*channels)(void* instance, const bl_channel_desc** out, uint32_t* count);
  /* [sampler] Read every channel into values[0..count): NaN for a channel that has no
     reading now. Must be thread-safe with respect to itself and cheap (< 1 ms). */
  int32_t (*sample)(void* instance, double* values, uint32_t count);
  /* ---- 1.2 ---- */
  /* Options the probe accepts (an external meter's command, a device filter), read in
     open() with host->option(); the operator sets them as PROBE.NAME=VALUE. Static. */
  uint32_t option_count;
  const bl_option_desc* options;
} bl_probe;

/* ---- The descriptor ---- */
typedef struct bl_plugin {
  uint32_t struct_size;        /* sizeof(bl_plugin) */
  uint32_t abi_major;          /* BL_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;          /* BL_ABI_MINOR the plugin was built against */
  int32_t kind;                /* BL_KIND_* */
  const char* id;              /* [a-z0-9][a-z0-9._-]*, unique among plugins, e.g. "raytrace" */
  const char* version;         /* the plugin's own version, e.g. "1.2.0"; part of results */
  const char* description;     /* one line */
  const char* vendor;          /* who ships it; may be NULL */
  const bl_workload* workload; /* non-NULL iff kind == BL_KIND_WORKLOAD; static */
  const bl_probe* probe;       /* non-NULL iff kind == BL_KIND_PROBE; static */
  /* [any] Optional capability by string id ("benchlab.workload.xyz/1"): a function table
     or NULL. A breaking change of an extension takes a new id. May be NULL itself. */
  const void* (*get_extension)(const char* id);
} bl_plugin;

/* [main] The exported entry point: the host passes the ABI range it speaks. Return the
   plugin's static descriptor (it lives as long as the .so is loaded), or NULL to refuse
   when none of the range is spoken. Must not allocate or start threads. */
typedef const bl_plugin* (*bl_entry_fn)(uint32_t host_abi_major_min, uint32_t host_abi_major_max);

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_PLUGIN_H */
