/* SPDX-License-Identifier: MIT */
/*
 * benchlab operator API, version 1: open a results store, discover plugins and profiles,
 * run profiles and suites, read results. The `benchlab` command line and the Python
 * binding use nothing else. This header is the specification.
 *
 * Conventions (normative):
 *  - Every function returning int32_t returns BENCHLAB_OK or an error code. On an error,
 *    benchlab_errmsg() is the text of that error; on BENCHLAB_OK it is "". The text is the
 *    calling thread's and stays valid until that thread's next call of this API.
 *  - Structs the caller fills or receives start with `struct_size`; set it to sizeof()
 *    before the call. The library reads or writes no byte past `struct_size`, so a caller
 *    built against an older, shorter struct keeps working. Fields are only ever appended.
 *  - A struct handed in that is all zeros but for `struct_size` means "the defaults";
 *    each field's comment says what its zero means.
 *  - Strings handed in are copied or used only during the call. Strings in structs handed
 *    out live as long as the object they came from (the context, the cursor), unless a
 *    comment says otherwise. char* results owned by the caller are freed with
 *    benchlab_free(). All strings are UTF-8.
 *  - Counts and indexes are count-then-fill: *_count() gives n, *_at(i) fills one of
 *    0 <= i < n, and an i out of range is BENCHLAB_E_NOT_FOUND.
 *  - Threads: [any] = any thread at any time; [ctx] = the thread that uses the context,
 *    which is one thread at a time (calls on one context are never concurrent); [signal]
 *    = also async-signal-safe.
 *  - Numbers handed in must be finite: NaN and infinities are BENCHLAB_E_INVALID. Numbers
 *    handed out (JSON included) are finite; JSON has null where a value does not exist.
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

/* ---- Versions ----
 * The version of benchlab this header belongs to (the project's version; the build checks
 * that they agree), and the plugin ABI (plugin.h's BL_ABI_MAJOR.BL_ABI_MINOR) that a
 * library of this version hosts. A program compares these with benchlab_library_version()
 * to learn what it loaded. 1.0 is the first stable API: from here a minor only appends
 * (functions, struct fields, constants) and the library's SONAME is libbenchlab.so.MAJOR
 * (docs/abi-stability.md). */
#define BENCHLAB_VERSION_MAJOR 1
#define BENCHLAB_VERSION_MINOR 0
#define BENCHLAB_VERSION_PATCH 0
#define BENCHLAB_VERSION_STRING "1.0.0"
/* MAJOR * 1000000 + MINOR * 1000 + PATCH, for comparisons: 0.1.0 is 1000. */
#define BENCHLAB_VERSION_NUMBER \
  (BENCHLAB_VERSION_MAJOR * 1000000 + BENCHLAB_VERSION_MINOR * 1000 + BENCHLAB_VERSION_PATCH)
#define BENCHLAB_PLUGIN_ABI_MAJOR 1
#define BENCHLAB_PLUGIN_ABI_MINOR 4

/* ---- Status codes ---- */
#define BENCHLAB_OK 0
#define BENCHLAB_ERROR 1           /* anything else; see benchlab_errmsg() */
#define BENCHLAB_E_INVALID 2       /* bad argument, option, number or target */
#define BENCHLAB_E_NOT_FOUND 3     /* no such target, run, plugin or index */
#define BENCHLAB_E_STORE 4         /* the SQLite store could not be opened, read or written */
#define BENCHLAB_E_PROFILE 5       /* a profile or suite file is malformed */
#define BENCHLAB_E_INTERRUPTED 6   /* benchlab_cancel() was called during a run */
#define BENCHLAB_E_TRIALS_FAILED 7 /* the run finished, but some trials failed */

typedef struct benchlab_version_info {
  uint32_t struct_size;
  uint32_t major, minor, patch;                /* of the library loaded */
  uint32_t plugin_abi_major, plugin_abi_minor; /* the plugin ABI it hosts */
  const char* string;                          /* "0.1.0"; static */
} benchlab_version_info;

/* [any] Fills *out with the loaded library's version. E_INVALID when out is NULL or its
   struct_size is unset. */
BENCHLAB_API int32_t benchlab_library_version(benchlab_version_info* out);
/* [any] The loaded library's version as text, e.g. "1.0.0". Static, never NULL. */
BENCHLAB_API const char* benchlab_version(void);
/* [any] Text of the last call's error on this thread; "" after a call that succeeded.
   Never NULL; valid until this thread's next call of this API. */
BENCHLAB_API const char* benchlab_errmsg(void);
/* [any] Frees a char* the API handed to the caller; NULL is a no-op. */
BENCHLAB_API void benchlab_free(void* p);

/* ---- Context ---- */
typedef struct benchlab_ctx benchlab_ctx;

/* benchlab_config.flags */
/* search only plugin_dirs and profile_dirs: no environment, no installed directories */
#define BENCHLAB_NO_DEFAULT_DIRS 0x1u
/* open an existing store read-only: E_STORE when it does not exist; benchlab_run() is
   refused */
#define BENCHLAB_READ_ONLY 0x2u
/* open no store at all (db_path and READ_ONLY are ignored): for discovery and the
   inventory; the run and results calls return E_STORE */
#define BENCHLAB_NO_STORE 0x4u

typedef struct benchlab_config {
  uint32_t struct_size;
  const char* db_path;             /* NULL: $XDG_DATA_HOME/benchlab/results.db, else
                                      ~/.local/share/benchlab/results.db (its directory
                                      is created). Else an existing regular file or a new
                                      file in an existing directory; "" is E_INVALID */
  const char* const* plugin_dirs;  /* NULL-terminated; NULL: none. Searched before
                                      BENCHLAB_PLUGIN_PATH and the installed directory */
  const char* const* profile_dirs; /* NULL-terminated; NULL: none. Searched before
                                      BENCHLAB_PROFILE_PATH and the installed profiles */
  const char* worker_path;         /* NULL: $BENCHLAB_WORKER, else the installed worker */
  const char* sysroot;             /* NULL: "/". Root for /proc and /sys reads (tests) */
  uint32_t flags;                  /* 0: a writable store, default directories too;
                                      else BENCHLAB_NO_DEFAULT_DIRS | _READ_ONLY | _NO_STORE */
} benchlab_config;

/* [any] Opens a context. cfg NULL means all defaults. The store is opened (created and
   migrated unless READ_ONLY) now; a file that is not a benchlab store is E_STORE. Plugins
   and profiles are discovered at the first call that needs them (the plugin, profile and
   diagnostic calls, benchlab_run), so reading results or the inventory loads no plugin.
   *out: the context, owned by the caller until benchlab_close(); NULL on failure. */
BENCHLAB_API int32_t benchlab_open(const benchlab_config* cfg, benchlab_ctx** out);
/* [ctx] Closes a context and frees everything it handed out; NULL is a no-op. */
BENCHLAB_API void benchlab_close(benchlab_ctx* ctx);
/* [ctx] Path of the store the context uses; "" with BENCHLAB_NO_STORE or a NULL ctx.
   Lives with the context. */
BENCHLAB_API const char* benchlab_db_path(const benchlab_ctx* ctx);

/* ---- Discovery ---- */
#define BENCHLAB_PLUGIN_WORKLOAD 1
#define BENCHLAB_PLUGIN_PROBE 2

typedef struct benchlab_plugin_info {
  uint32_t struct_size;
  const char* id;
  const char* version;
  const char* description;
  const char* path;    /* the .so it was loaded from */
  int32_t kind;        /* BENCHLAB_PLUGIN_* */
  const char* options; /* for people, not for parsing: one line per option; use
                          benchlab_plugin_option_at() */
  const char* metrics; /* for people, not for parsing: one line per metric; use
                          benchlab_plugin_metric_at() */
  /* ---- appended in 0.1 ---- */
  uint32_t option_count; /* options the plugin declares (0 for probes) */
  uint32_t metric_count; /* metrics it declares; a plugin may add more at run time */
} benchlab_plugin_info;

/* [ctx] Number of plugins loaded (0 for a NULL ctx). */
BENCHLAB_API uint32_t benchlab_plugin_count(const benchlab_ctx* ctx);
/* [ctx] Fills *out with plugin `index`; its strings live with the context. */
BENCHLAB_API int32_t benchlab_plugin_at(const benchlab_ctx* ctx, uint32_t index,
                                        benchlab_plugin_info* out);

/* benchlab_option_info.type: the values of plugin.h's BL_OPTION_* */
#define BENCHLAB_OPTION_STRING 1
#define BENCHLAB_OPTION_INT 2   /* decimal int64 */
#define BENCHLAB_OPTION_FLOAT 3 /* decimal, finite */
#define BENCHLAB_OPTION_BOOL 4  /* "true" / "false" */
#define BENCHLAB_OPTION_ENUM 5  /* one of `allowed` */
/* benchlab_option_info.flags */
#define BENCHLAB_OPTION_REQUIRED 0x1u /* no default: a profile or the operator must set it */
#define BENCHLAB_OPTION_REPEATED 0x2u /* may be given several times (KEY=A KEY=B) */

typedef struct benchlab_option_info {
  uint32_t struct_size;
  const char* name;
  int32_t type;                /* BENCHLAB_OPTION_* */
  uint32_t flags;              /* BENCHLAB_OPTION_REQUIRED | BENCHLAB_OPTION_REPEATED */
  const char* default_value;   /* NULL when the option has none */
  uint32_t allowed_count;      /* ENUM: number of allowed values; else 0 */
  const char* const* allowed;  /* ENUM: allowed_count values, then NULL; else NULL */
  double min_value, max_value; /* INT, FLOAT: inclusive bounds when min < max; else 0, 0 */
  const char* description;     /* one line; "" when none */
} benchlab_option_info;

#define BENCHLAB_LOWER_IS_BETTER (-1)
#define BENCHLAB_HIGHER_IS_BETTER 1
/* benchlab_metric_info.flags */
#define BENCHLAB_METRIC_OPTIONAL 0x1u /* a successful trial may lack it */

typedef struct benchlab_metric_info {
  uint32_t struct_size;
  const char* name;
  const char* unit;
  int32_t direction;       /* BENCHLAB_LOWER_IS_BETTER or BENCHLAB_HIGHER_IS_BETTER */
  uint32_t flags;          /* BENCHLAB_METRIC_OPTIONAL */
  const char* description; /* "" when none */
} benchlab_metric_info;

/* [ctx] Fills *out with option `index` (0 <= index < option_count of the plugin's
   benchlab_plugin_info) of plugin `plugin`, in declaration order; its strings and the
   `allowed` array live with the context. */
BENCHLAB_API int32_t benchlab_plugin_option_at(const benchlab_ctx* ctx, uint32_t plugin,
                                               uint32_t index, benchlab_option_info* out);
/* [ctx] Fills *out with metric `index` (0 <= index < metric_count) of plugin `plugin`;
   its strings live with the context. */
BENCHLAB_API int32_t benchlab_plugin_metric_at(const benchlab_ctx* ctx, uint32_t plugin,
                                               uint32_t index, benchlab_metric_info* out);

/* Problems found during discovery (a file that is not a plugin, a plugin of another ABI
   major, a world-writable directory, a malformed profile): one line each, naming the
   file and the reason. These never stop discovery of the others. */
/* [ctx] Number of diagnostics (0 for a NULL ctx). */
BENCHLAB_API uint32_t benchlab_diagnostic_count(const benchlab_ctx* ctx);
/* [ctx] Diagnostic `index`; NULL when out of range. Lives with the context. */
BENCHLAB_API const char* benchlab_diagnostic_at(const benchlab_ctx* ctx, uint32_t index);

#define BENCHLAB_TARGET_PROFILE 1
#define BENCHLAB_TARGET_SUITE 2

typedef struct benchlab_profile_info {
  uint32_t struct_size;
  const char* id;
  const char* title;
  const char* path;
  int32_t kind;        /* BENCHLAB_TARGET_* */
  const char* plugin;  /* profiles: the workload plugin; suites: NULL */
  const char* members; /* suites: profile ids, space separated; profiles: NULL */
} benchlab_profile_info;

/* [ctx] Number of profiles and suites (profiles first; 0 for a NULL ctx). */
BENCHLAB_API uint32_t benchlab_profile_count(const benchlab_ctx* ctx);
/* [ctx] Fills *out with profile or suite `index`; its strings live with the context. */
BENCHLAB_API int32_t benchlab_profile_at(const benchlab_ctx* ctx, uint32_t index,
                                         benchlab_profile_info* out);

/* ---- Running ---- */
#define BENCHLAB_EV_PLAN 1         /* plan ready: total = results to run */
#define BENCHLAB_EV_RESULT_BEGIN 2 /* index/total, test, options */
#define BENCHLAB_EV_TRIAL_BEGIN 3  /* trial (1-based), trials_planned (current upper bound) */
#define BENCHLAB_EV_TRIAL_END 4    /* trial, status, message (failure reason), value */
#define BENCHLAB_EV_RESULT_END 5   /* status, message */
#define BENCHLAB_EV_PROGRESS 6     /* fraction within the trial (-1 unknown), message */
#define BENCHLAB_EV_LOG 7          /* message from a plugin or the harness */

#define BENCHLAB_STATUS_PENDING 0
#define BENCHLAB_STATUS_OK 1
#define BENCHLAB_STATUS_FAILED 2
#define BENCHLAB_STATUS_CANNOT_RUN 3
#define BENCHLAB_STATUS_PARTIAL 4 /* results: some trials failed, enough succeeded */

typedef struct benchlab_event {
  uint32_t struct_size;
  int32_t type; /* BENCHLAB_EV_* */
  int64_t run_id;
  uint32_t index, total;   /* result index (1-based) of the plan, and plan size */
  const char* test;        /* profile id or plugin id */
  const char* options;     /* "key=value, ..." of the result */
  uint32_t trial;          /* 1-based, counting warm-ups; 0 outside a trial */
  uint32_t trials_planned; /* current upper bound on trials for this result */
  int32_t warmup;          /* 1 for a warm-up trial */
  int32_t status;          /* BENCHLAB_STATUS_* for *_END events */
  const char* message;     /* reason, log line or progress note; may be NULL */
  double value;            /* TRIAL_END: first metric's value; PROGRESS: fraction */
  uint64_t elapsed_ns;     /* since the run began */
} benchlab_event;

/* [ctx] Called on the thread that called benchlab_run(); the event and its strings live
   for the call only. It may call benchlab_cancel(), and no other function of this API
   on the same context. */
typedef void (*benchlab_event_fn)(void* user, const benchlab_event* ev);

/* benchlab_run_request.warmup: no warm-up trial, whatever the profile says */
#define BENCHLAB_WARMUP_NONE (-1)

/* Each field's zero means the profile's setting (or the default when the profile has
   none: 3 trials, no warm-up, 600 s timeout), so a request that is zero but for
   struct_size and targets runs the targets as their profiles say. */
typedef struct benchlab_run_request {
  uint32_t struct_size;
  const char* const* targets;      /* NULL-terminated: profile ids, suite ids, plugin ids;
                                      NULL or empty: E_INVALID unless resume_run_id is set */
  const char* const* options;      /* NULL-terminated "KEY=VALUE"; NULL: none. Overrides
                                      the option of every test that declares KEY
                                      ("TEST:KEY=VALUE": only of the test or plugin with
                                      that id); a key no test declares is E_INVALID; repeat
                                      a key to give a repeated option several values */
  uint32_t trials;                 /* fixed trial count; 0: the profile's policy */
  uint32_t min_trials, max_trials; /* dynamic trial count bounds; 0: the profile's */
  double target_ci;                /* relative 95% CI half-width to reach, 0 < x < 1
                                      (0.02 = 2%); 0: the profile's */
  int32_t warmup;                  /* warm-up trials; 0: the profile's;
                                      BENCHLAB_WARMUP_NONE: none */
  double timeout_s;                /* seconds per phase, > 0; 0: the profile's */
  const char* system_name;         /* label of this machine in results; NULL or "":
                                      the hostname */
  int64_t resume_run_id;           /* > 0: finish this interrupted run (the other fields
                                      but on_event and user are ignored); 0: a new run */
  benchlab_event_fn on_event;      /* NULL: no events */
  void* user;                      /* handed to on_event */
  /* ---- appended in 0.2: probes (docs/probes.md) ---- */
  const char* probes;               /* NULL or "auto": every probe plugin that opens;
                                       "none": no sampling; else "ID,ID,...": those,
                                       each must open (E_INVALID names the one that
                                       does not, and why) */
  uint32_t probe_interval_ms;       /* sampling interval; 0: 100 ms; at least 10 */
  const char* const* probe_options; /* NULL-terminated "PROBE.KEY=VALUE"; NULL: none */
  double idle_baseline_s;           /* > 0: measure idle power this long before the
                                       first test, for idle-net energy; 0: none */
  double cooldown_max_s;            /* > 0: before each trial, wait up to this long
                                       for temperatures and power to come back near
                                       idle (an idle baseline of 10 s is taken when
                                       none was asked); 0: no wait */
} benchlab_run_request;

/* [ctx] Runs a plan to the end, committing every trial as it finishes. *out_run_id (may
   be NULL) receives the run's id as soon as the run is stored, else 0. Returns
   BENCHLAB_OK when every result is ok or cannot run, E_TRIALS_FAILED when some trials
   failed, E_INTERRUPTED after benchlab_cancel(), E_INVALID for a bad field (the message
   names it), an unknown option or value, E_NOT_FOUND for an unknown target or resumed
   run, E_STORE when the store is read-only, absent or failing. */
BENCHLAB_API int32_t benchlab_run(benchlab_ctx* ctx, const benchlab_run_request* req,
                                  int64_t* out_run_id);
/* [any, signal] Asks a running benchlab_run() to stop: the trial in flight is killed and
   not stored; the run is left resumable. NULL or no run in progress: a no-op. */
BENCHLAB_API void benchlab_cancel(benchlab_ctx* ctx);

/* ---- Results ---- */
typedef struct benchlab_result {
  uint32_t struct_size;
  int64_t run_id;
  int64_t result_id;
  const char* system; /* system name */
  const char* test;   /* profile id, or plugin id when run without a profile */
  const char* plugin;
  const char* plugin_version;
  const char* options; /* "key=value, ..." */
  const char* metric;  /* NULL when the result has no metric (cannot run, all failed) */
  const char* unit;
  int32_t direction;                  /* -1 lower is better, 1 higher is better */
  int32_t status;                     /* BENCHLAB_STATUS_* */
  const char* reason;                 /* why failed / cannot run; NULL when ok */
  uint32_t n;                         /* measured trials with a value (warm-ups excluded) */
  uint32_t failed;                    /* failed trials */
  double mean, median, sd, cov, ci95; /* ci95: half-width of the 95% CI of the mean
                                         (Student t). All 0 when n = 0; sd, cov, ci95
                                         0 when n = 1. docs/statistics.md */
  double min, max;
  uint32_t outliers; /* values flagged by Rosner's generalized ESD test at alpha 0.05, for
                        up to max(1, n / 10) outliers (so Grubbs' test below 20 values);
                        never when n <= 2. Flagged values still count in every figure */
  /* ---- appended in 0.1 ---- */
  const char* plugin_path;   /* the plugin file the result ran */
  const char* plugin_sha256; /* lowercase hex SHA-256 of that file's content when the result
                                was planned; "" for results stored before it was recorded */
  const char* containment;   /* what held its trials' processes and killed what they left:
                                "cgroup", "subreaper", "cgroup, subreaper" when it changed
                                between trials, or "" when not recorded */
  /* ---- appended in 0.2 ---- */
  uint32_t throttled; /* measured trials during which a probe saw throttling */
  int32_t derived;    /* 1 when the metric was derived from probe samples (energy.*,
                         power.*, *.per_joule), 0 when the workload reported it */
  /* ---- appended in 0.3: distributions (benchlab/ext/values.h) ---- */
  const char* description; /* what the metric measures and by which definition; "" none */
  uint64_t dist_n;         /* values the workload gave one by one (e.g. every request's
                              latency) over all measured trials, pooled; 0: none, and the
                              figures below are 0 */
  double dist_mean, dist_p50, dist_p90, dist_p99; /* of those values; percentiles by linear
                                                     interpolation (docs/statistics.md) */
} benchlab_result;

typedef struct benchlab_cursor benchlab_cursor;

/* [ctx] Opens a cursor over the results of one run (run_id > 0; E_NOT_FOUND when there is
   none), of the latest run (0; no rows in an empty store), or of all runs (-1), one row
   per result and metric in plan order. *out: owned by the caller, freed with
   benchlab_cursor_free(); NULL on failure. */
BENCHLAB_API int32_t benchlab_results(benchlab_ctx* ctx, int64_t run_id, benchlab_cursor** out);
/* [ctx] Next row: BENCHLAB_OK and *out filled (its strings live until the next call on
   the cursor), or BENCHLAB_E_NOT_FOUND past the last row. */
BENCHLAB_API int32_t benchlab_cursor_next(benchlab_cursor* cur, benchlab_result* out);
/* [ctx] Frees a cursor; NULL is a no-op. */
BENCHLAB_API void benchlab_cursor_free(benchlab_cursor* cur);

/* [ctx] The results as a JSON document (docs/json-format.md), *out_json owned by the
   caller and freed with benchlab_free(), NULL on failure. run_id > 0: that run, 0: the
   latest (E_NOT_FOUND in an empty store): {"format_version", "run", "inventory",
   "results"}. -1: every run, oldest first: {"format_version", "runs": [{"run",
   "inventory", "results"}, ...]}, an empty array for an empty store. */
BENCHLAB_API int32_t benchlab_results_json(benchlab_ctx* ctx, int64_t run_id, char** out_json);

/* [ctx] Every probe plugin opened once, as JSON (docs/json-format.md, "probes"): per probe
   its id, version, path, whether it is available and else why (and what to do), its
   channels, its devices (GPUs with memory, unified or dedicated) and one sample.
   `probe_options`: NULL-terminated "PROBE.KEY=VALUE", or NULL. *out_json owned by the
   caller, freed with benchlab_free(). */
BENCHLAB_API int32_t benchlab_probes_json(benchlab_ctx* ctx, const char* const* probe_options,
                                          char** out_json);

/* [ctx] This machine's inventory (CPU clusters, memory, OS, kernel, compiler) as JSON.
   Its "gpus" array is empty: GPUs come from the probe plugins, which this call does not
   run (benchlab_probes_json() lists them; a run that needs GPU memory stores them).
   The document in *out_json is owned by the caller, freed with benchlab_free(); NULL on
   failure. */
BENCHLAB_API int32_t benchlab_inventory_json(benchlab_ctx* ctx, char** out_json);

/* ---- Comparing systems (appended in 0.4; docs/compare.md) ---- */
#define BENCHLAB_FORMAT_TABLE 0           /* aligned text for a terminal */
#define BENCHLAB_FORMAT_MARKDOWN 1        /* the comparison as a Markdown table */
#define BENCHLAB_FORMAT_CSV 2             /* one line per row and system (RFC 4180) */
#define BENCHLAB_FORMAT_JSON 3            /* the whole comparison (docs/json-format.md) */
#define BENCHLAB_FORMAT_HTML 4            /* the report: one self-contained page (docs/report.md) */
#define BENCHLAB_FORMAT_REPORT_MARKDOWN 5 /* the report as Markdown */

typedef struct benchlab_compare_request {
  uint32_t struct_size;
  const char* baseline;        /* system name; NULL: the system of the newest run */
  const char* const* db_paths; /* NULL-terminated stores read as one; NULL or empty: the
                                  context's store */
  int32_t format;              /* BENCHLAB_FORMAT_* */
  const char* const* prices;   /* NULL-terminated "SYSTEM=USD" purchase prices: a cost of
                                  ownership per system (needs cloud_rate_usd_h); NULL: none */
  double cloud_rate_usd_h;     /* cloud instance price per hour for the TCO */
  double hours_per_day;        /* 0: 24 */
  double electricity_usd_kwh;  /* > 0: the TCO counts electricity at each system's measured
                                  wall power, where the store has it; 0: left out */
  const char* title;           /* of the report; NULL: "benchlab report" */
} benchlab_compare_request;

/* [ctx] Compares the systems of the stores: every test, options and metric as a ratio to
   the baseline with its 95% CI (Fieller), geometric means per category and overall, in
   `format`. *out_text owned by the caller, freed with benchlab_free(); NULL on failure.
   E_NOT_FOUND: no such baseline system (the message lists the systems) or no runs;
   E_STORE: a store cannot be read; E_INVALID: a bad field (named). */
BENCHLAB_API int32_t benchlab_compare(benchlab_ctx* ctx, const benchlab_compare_request* req,
                                      char** out_text);

typedef struct benchlab_tco_request {
  uint32_t struct_size;
  double price_usd;           /* purchase price, > 0 */
  double cloud_rate_usd_h;    /* cloud price per hour, > 0 */
  double hours_per_day;       /* 0: 24; else (0, 24] */
  double electricity_usd_kwh; /* 0: electricity left out */
  double power_w;             /* with electricity: the machine's power; 0: its measured mean
                                 wall power from the context's store (E_NOT_FOUND without) */
  const char* system;         /* whose wall power; NULL: the system of the newest run */
} benchlab_tco_request;

/* [ctx] Cost of ownership against the cloud (docs/tco.md) as JSON: the inputs, cloud cost
   per day, week and month (730 h), electricity per day, breakeven_days (null: never).
   *out_json owned by the caller, freed with benchlab_free(). */
BENCHLAB_API int32_t benchlab_tco_json(benchlab_ctx* ctx, const benchlab_tco_request* req,
                                       char** out_json);

/* ---- Phoronix Test Suite result files (appended in 0.4; docs/pts.md) ---- */
/* [ctx] Writes DIR/composite.xml with the given runs (count 0: the latest run of each
   system). *out_path (may be NULL): the file written, freed with benchlab_free(). */
BENCHLAB_API int32_t benchlab_export_pts(benchlab_ctx* ctx, const int64_t* run_ids, uint32_t count,
                                         const char* dir, char** out_path);
/* [ctx] Reads a composite.xml into the store: one run per system, marked imported.
   Nothing is stored unless the whole file is valid (E_INVALID naming file and line).
   *out_json (may be NULL): {"systems", "runs": [ids], "results", "trials"}. */
BENCHLAB_API int32_t benchlab_import_pts(benchlab_ctx* ctx, const char* file, char** out_json);

/* ---- Checking a plugin file (appended in 1.0; docs/plugin-validate.md) ---- */
/* benchlab_validate_plugin() flags. NO_DRY_RUN: check the file and the descriptor only,
   calling no create(), open() or other function of the plugin. */
#define BENCHLAB_VALIDATE_NO_DRY_RUN 0x1u

/* [ctx] Checks the plugin file `path` as `benchlab plugin validate` does, in a worker
   process (benchlab never loads a plugin into the caller's process): the ELF header,
   dlopen, the entry symbol, every field of the descriptor and its options, metrics,
   requirements and channels, then a dry run (a workload's create() with the default
   options and destroy(); a probe's open(), channels(), one sample() and close()), each
   call limited to timeout_s seconds (0: 10 s), so that a crash or hang in the plugin is a
   finding. BENCHLAB_OK whatever was found: *out_json (owned by the caller, freed with
   benchlab_free()) is {"file", "plugin": {"id", "version", "kind", "abi"} or null,
   "errors", "warnings", "notes", "findings": [{"severity": "error"|"warning"|"note",
   "field", "message"}]}. E_NOT_FOUND when `path` does not exist, E_INVALID for a NULL
   argument, a directory, unknown flags or a timeout that is negative or not finite,
   BENCHLAB_ERROR when the worker cannot be run. */
BENCHLAB_API int32_t benchlab_validate_plugin(benchlab_ctx* ctx, const char* path, double timeout_s,
                                              uint32_t flags, char** out_json);

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_H */
