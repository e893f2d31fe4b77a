/*
 * benchlab operator API, version 1: open a results store, discover plugins and profiles,
 * run profiles and suites, read results. The `benchlab` command line and the Python
 * binding use nothing else. This header is the specification.
 *
 * Conventions (normative):
 *  - Every function returning int32_t returns BENCHLAB_OK or an error code; the text of
 *    the last error on the calling thread is benchlab_errmsg(), valid until the next
 *    call of this API on that thread.
 *  - Structs the caller fills or receives start with `struct_size`; set it to sizeof()
 *    before the call. Fields are only ever appended.
 *  - Strings handed in are copied or used only during the call. Strings in structs handed
 *    out live as long as the object they came from (the context, the cursor), unless a
 *    comment says otherwise. char* results owned by the caller are freed with
 *    benchlab_free().
 *  - A context is used by one thread at a time, except benchlab_cancel(), which may be
 *    called from any thread or a signal handler.
 */
#ifndef BENCHLAB_H
#define BENCHLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define BENCHLAB_API __attribute__((visibility("default")))
#else
#define BENCHLAB_API
#endif

#define BENCHLAB_OK 0
#define BENCHLAB_ERROR 1          /* anything else; see benchlab_errmsg() */
#define BENCHLAB_E_INVALID 2      /* bad argument, option, or target */
#define BENCHLAB_E_NOT_FOUND 3    /* no such target, run or plugin */
#define BENCHLAB_E_STORE 4        /* the SQLite store could not be opened or written */
#define BENCHLAB_E_PROFILE 5      /* a profile or suite file is malformed */
#define BENCHLAB_E_INTERRUPTED 6  /* benchlab_cancel() was called during a run */
#define BENCHLAB_E_TRIALS_FAILED 7 /* the run finished, but some trials failed */

typedef struct benchlab_ctx benchlab_ctx;

typedef struct benchlab_config {
  uint32_t struct_size;
  const char* db_path;               /* NULL: $XDG_DATA_HOME/benchlab/results.db, else
                                        ~/.local/share/benchlab/results.db */
  const char* const* plugin_dirs;    /* NULL-terminated; searched before BENCHLAB_PLUGIN_PATH
                                        and the installed plugin directory */
  const char* const* profile_dirs;   /* NULL-terminated; searched before
                                        BENCHLAB_PROFILE_PATH and the installed profiles */
  const char* worker_path;           /* NULL: BENCHLAB_WORKER, else the installed worker */
  const char* sysroot;               /* NULL: "/". Root for /proc and /sys reads (tests) */
  uint32_t flags;                    /* BENCHLAB_NO_DEFAULT_DIRS: skip env and install dirs */
} benchlab_config;

#define BENCHLAB_NO_DEFAULT_DIRS 0x1u

/* Library version string, e.g. "0.1.0". Static. */
BENCHLAB_API const char* benchlab_version(void);
/* Text of the last error on this thread; never NULL. */
BENCHLAB_API const char* benchlab_errmsg(void);
/* Free a char* the API returned to the caller; NULL is a no-op. */
BENCHLAB_API void benchlab_free(void* p);

/* Open a context: opens (creating and migrating) the store. `cfg` may be NULL for
   defaults. On failure *out is NULL. Plugins and profiles are discovered at the first call
   that needs them (the plugin, profile and diagnostic calls, benchlab_run), so reading
   results or the inventory loads no plugin. */
BENCHLAB_API int32_t benchlab_open(const benchlab_config* cfg, benchlab_ctx** out);
/* Close a context; NULL is a no-op. */
BENCHLAB_API void benchlab_close(benchlab_ctx* ctx);
/* Path of the store the context uses. Lives with the context. */
BENCHLAB_API const char* benchlab_db_path(const benchlab_ctx* ctx);

/* ---- Discovery ---- */
#define BENCHLAB_PLUGIN_WORKLOAD 1
#define BENCHLAB_PLUGIN_PROBE 2

typedef struct benchlab_plugin_info {
  uint32_t struct_size;
  const char* id;
  const char* version;
  const char* description;
  const char* path;       /* the .so it was loaded from */
  int32_t kind;           /* BENCHLAB_PLUGIN_* */
  const char* options;    /* one line per option: "name=default (type) description" */
  const char* metrics;    /* one line per metric: "name [unit] higher|lower" */
} benchlab_plugin_info;

/* Plugins loaded. Count, then fill one by index (0 <= index < count). */
BENCHLAB_API uint32_t benchlab_plugin_count(const benchlab_ctx* ctx);
BENCHLAB_API int32_t benchlab_plugin_at(const benchlab_ctx* ctx, uint32_t index,
                                        benchlab_plugin_info* out);

/* Problems found during discovery (a file that is not a plugin, a plugin of another ABI
   major, a world-writable directory, a malformed profile): one line each, naming the
   file and the reason. These never stop discovery of the others. */
BENCHLAB_API uint32_t benchlab_diagnostic_count(const benchlab_ctx* ctx);
BENCHLAB_API const char* benchlab_diagnostic_at(const benchlab_ctx* ctx, uint32_t index);

#define BENCHLAB_TARGET_PROFILE 1
#define BENCHLAB_TARGET_SUITE 2

typedef struct benchlab_profile_info {
  uint32_t struct_size;
  const char* id;
  const char* title;
  const char* path;
  int32_t kind;            /* BENCHLAB_TARGET_* */
  const char* plugin;      /* profiles: the workload plugin; suites: NULL */
  const char* members;     /* suites: profile ids, space separated; profiles: NULL */
} benchlab_profile_info;

BENCHLAB_API uint32_t benchlab_profile_count(const benchlab_ctx* ctx);
BENCHLAB_API int32_t benchlab_profile_at(const benchlab_ctx* ctx, uint32_t index,
                                         benchlab_profile_info* out);

/* ---- Running ---- */
#define BENCHLAB_EV_PLAN 1          /* plan ready: total = results to run */
#define BENCHLAB_EV_RESULT_BEGIN 2  /* index/total, test, options */
#define BENCHLAB_EV_TRIAL_BEGIN 3   /* trial (1-based), trials_planned (current upper bound) */
#define BENCHLAB_EV_TRIAL_END 4     /* trial, status, message (failure reason), value */
#define BENCHLAB_EV_RESULT_END 5    /* status, message */
#define BENCHLAB_EV_PROGRESS 6      /* fraction within the trial (-1 unknown), message */
#define BENCHLAB_EV_LOG 7           /* message from a plugin or the harness */

#define BENCHLAB_STATUS_PENDING 0
#define BENCHLAB_STATUS_OK 1
#define BENCHLAB_STATUS_FAILED 2
#define BENCHLAB_STATUS_CANNOT_RUN 3
#define BENCHLAB_STATUS_PARTIAL 4   /* results: some trials failed, enough succeeded */

typedef struct benchlab_event {
  uint32_t struct_size;
  int32_t type;              /* BENCHLAB_EV_* */
  int64_t run_id;
  uint32_t index, total;     /* result index (1-based) of the plan, and plan size */
  const char* test;          /* profile id or plugin id */
  const char* options;       /* "key=value, ..." of the result */
  uint32_t trial;            /* 1-based, counting warm-ups; 0 outside a trial */
  uint32_t trials_planned;   /* current upper bound on trials for this result */
  int32_t warmup;            /* 1 for a warm-up trial */
  int32_t status;            /* BENCHLAB_STATUS_* for *_END events */
  const char* message;       /* reason, log line or progress note; may be NULL */
  double value;              /* TRIAL_END: first metric's value; PROGRESS: fraction */
  uint64_t elapsed_ns;       /* since the run began */
} benchlab_event;

/* Called on the thread that called benchlab_run(); the event and its strings live for
   the call only. */
typedef void (*benchlab_event_fn)(void* user, const benchlab_event* ev);

typedef struct benchlab_run_request {
  uint32_t struct_size;
  const char* const* targets;  /* NULL-terminated: profile ids, suite ids, plugin ids */
  const char* const* options;  /* NULL-terminated "KEY=VALUE": override options of every
                                  test that declares KEY ("TEST:KEY=VALUE": only of the
                                  test or plugin with that id); a key no test declares is
                                  an error; repeat a key to give a repeated option values */
  uint32_t trials;             /* fixed trial count; 0: the profile's policy */
  uint32_t min_trials, max_trials; /* dynamic trial count bounds; 0: the profile's */
  double target_ci;            /* relative 95% CI half-width to reach (0.02 = 2%); 0:
                                  the profile's */
  int32_t warmup;              /* warm-up trials; -1: the profile's */
  double timeout_s;            /* per phase; 0: the profile's (default 600 s) */
  const char* system_name;     /* label of this machine in results; NULL: hostname */
  int64_t resume_run_id;       /* non-zero: finish this interrupted run instead */
  benchlab_event_fn on_event;  /* may be NULL */
  void* user;
} benchlab_run_request;

/* Run a plan to the end. Every trial is committed as it finishes. *out_run_id receives the
   run's id as soon as it exists, even on error. Returns BENCHLAB_OK when every result is
   ok or cannot run, BENCHLAB_E_TRIALS_FAILED when some trials failed,
   BENCHLAB_E_INTERRUPTED after benchlab_cancel(), another code when the plan could not be
   made (unknown target, bad option). */
BENCHLAB_API int32_t benchlab_run(benchlab_ctx* ctx, const benchlab_run_request* req,
                                  int64_t* out_run_id);
/* [any thread, async-signal-safe] Ask a running benchlab_run() to stop: the trial in
   flight is killed and not stored; the run is left resumable. */
BENCHLAB_API void benchlab_cancel(benchlab_ctx* ctx);

/* ---- Results ---- */
typedef struct benchlab_result {
  uint32_t struct_size;
  int64_t run_id;
  int64_t result_id;
  const char* system;      /* system name */
  const char* test;        /* profile id, or plugin id when run without a profile */
  const char* plugin;
  const char* plugin_version;
  const char* options;     /* "key=value, ..." */
  const char* metric;      /* NULL when the result has no metric (cannot run, all failed) */
  const char* unit;
  int32_t direction;       /* -1 lower is better, 1 higher is better */
  int32_t status;          /* BENCHLAB_STATUS_* */
  const char* reason;      /* why failed / cannot run; NULL when ok */
  uint32_t n;              /* measured trials with a value (warm-ups excluded) */
  uint32_t failed;         /* failed trials */
  double mean, median, sd, cov, ci95; /* ci95: half-width of the 95% CI of the mean */
  double min, max;
  uint32_t outliers;       /* values with a modified z-score above 3.5 */
} benchlab_result;

typedef struct benchlab_cursor benchlab_cursor;

/* Results of one run (run_id > 0), of the latest run (0), or of all runs (-1), one row
   per result and metric in plan order. */
BENCHLAB_API int32_t benchlab_results(benchlab_ctx* ctx, int64_t run_id,
                                      benchlab_cursor** out);
/* Next row: BENCHLAB_OK and *out filled (its strings live until the next call on the
   cursor), or BENCHLAB_E_NOT_FOUND at the end. */
BENCHLAB_API int32_t benchlab_cursor_next(benchlab_cursor* cur, benchlab_result* out);
BENCHLAB_API void benchlab_cursor_free(benchlab_cursor* cur);

/* The same rows with their trials, the run and the system inventory as a JSON document;
   free with benchlab_free(). */
BENCHLAB_API int32_t benchlab_results_json(benchlab_ctx* ctx, int64_t run_id, char** out_json);

/* This machine's inventory (CPU clusters, memory, OS, kernel, compiler) as JSON; free
   with benchlab_free(). */
BENCHLAB_API int32_t benchlab_inventory_json(benchlab_ctx* ctx, char** out_json);

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_H */
