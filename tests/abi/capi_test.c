/* SPDX-License-Identifier: MIT */
/* The operator API driven from plain C, as a lab script would: check the version it
 * loaded, open a store in a temporary directory with only the test plugins, list them
 * with their options and metrics, run `noop` three times with an otherwise zeroed
 * request, read the result through the cursor and as JSON, close. Exit status 0 when all
 * holds; otherwise each failed check is printed with its line. */
#define _GNU_SOURCE
#include <benchlab/benchlab.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

#define CHECK_OK(call)                                                                    \
  do {                                                                                    \
    int32_t rc_ = (call);                                                                 \
    if (rc_ != BENCHLAB_OK) {                                                             \
      fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, (int)rc_, \
              benchlab_errmsg());                                                         \
      ++g_failures;                                                                       \
    }                                                                                     \
  } while (0)

static int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

struct events {
  int plan, trials_ok, trials_failed, results_ok;
};

static void on_event(void* user, const benchlab_event* ev) {
  struct events* e = user;
  if (ev->type == BENCHLAB_EV_PLAN) e->plan = (int)ev->total;
  if (ev->type == BENCHLAB_EV_TRIAL_END) {
    if (ev->status == BENCHLAB_STATUS_OK)
      ++e->trials_ok;
    else
      ++e->trials_failed;
  }
  if (ev->type == BENCHLAB_EV_RESULT_END && ev->status == BENCHLAB_STATUS_OK) ++e->results_ok;
}

int main(void) {
  const char* tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/benchlab-capi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  /* Scratch and cache directories of the run go inside it too. */
  setenv("TMPDIR", dir, 1);
  setenv("XDG_CACHE_HOME", dir, 1);
  char db[sizeof dir + 16];
  snprintf(db, sizeof db, "%s/results.db", dir);

  const char* plugin_dirs[] = {TEST_PLUGIN_DIR, NULL};
  const char* no_dirs[] = {NULL};
  benchlab_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db;
  cfg.plugin_dirs = plugin_dirs;
  cfg.profile_dirs = no_dirs;
  cfg.worker_path = BENCHLAB_WORKER_PATH;
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;

  /* The library loaded is the one this program was compiled against. */
  benchlab_version_info version;
  memset(&version, 0, sizeof version);
  version.struct_size = sizeof version;
  CHECK_OK(benchlab_library_version(&version));
  CHECK(version.major == BENCHLAB_VERSION_MAJOR && version.minor == BENCHLAB_VERSION_MINOR &&
        version.patch == BENCHLAB_VERSION_PATCH);
  CHECK(version.plugin_abi_major == BENCHLAB_PLUGIN_ABI_MAJOR &&
        version.plugin_abi_minor == BENCHLAB_PLUGIN_ABI_MINOR);
  CHECK(version.string && strcmp(version.string, BENCHLAB_VERSION_STRING) == 0);
  CHECK(strcmp(benchlab_version(), BENCHLAB_VERSION_STRING) == 0);

  benchlab_ctx* ctx = NULL;
  CHECK_OK(benchlab_open(&cfg, &ctx));
  if (!ctx) return 1;
  CHECK(strcmp(benchlab_db_path(ctx), db) == 0);
  CHECK(benchlab_errmsg()[0] == '\0');

  /* The test plugins, noop among them, with its options and metric read field by field. */
  int found = 0;
  for (uint32_t i = 0; i < benchlab_plugin_count(ctx); ++i) {
    benchlab_plugin_info p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    CHECK_OK(benchlab_plugin_at(ctx, i, &p));
    if (p.id && strcmp(p.id, "noop") == 0) {
      found = 1;
      CHECK(p.kind == BENCHLAB_PLUGIN_WORKLOAD);
      CHECK(strstr(p.path, "noop.so") != NULL);
      CHECK(p.option_count == 5);
      CHECK(p.metric_count == 1);
      benchlab_option_info o;
      memset(&o, 0, sizeof o);
      o.struct_size = sizeof o;
      CHECK_OK(benchlab_plugin_option_at(ctx, i, 0, &o));
      CHECK(o.name && strcmp(o.name, "sleep_ms") == 0);
      CHECK(o.type == BENCHLAB_OPTION_INT);
      CHECK(o.default_value && strcmp(o.default_value, "0") == 0);
      CHECK(o.min_value == 0 && o.max_value == 60000);
      CHECK(o.flags == 0 && o.allowed_count == 0 && o.allowed == NULL);
      benchlab_metric_info m;
      memset(&m, 0, sizeof m);
      m.struct_size = sizeof m;
      CHECK_OK(benchlab_plugin_metric_at(ctx, i, 0, &m));
      CHECK(m.name && strcmp(m.name, "value") == 0);
      CHECK(m.unit && strcmp(m.unit, "x") == 0);
      CHECK(m.direction == BENCHLAB_HIGHER_IS_BETTER);
      CHECK(m.flags == 0);
      CHECK(benchlab_plugin_metric_at(ctx, i, 1, &m) == BENCHLAB_E_NOT_FOUND);
    }
  }
  CHECK(found);
  CHECK(benchlab_profile_count(ctx) == 0);

  /* Run noop three times; every other field zero: the defaults (no warm-up for a bare
     plugin, the default timeout). */
  const char* targets[] = {"noop", NULL};
  struct events ev = {0, 0, 0, 0};
  benchlab_run_request req;
  memset(&req, 0, sizeof req);
  req.struct_size = sizeof req;
  req.targets = targets;
  req.trials = 3;
  req.system_name = "capi-test";
  req.on_event = on_event;
  req.user = &ev;
  int64_t run_id = 0;
  CHECK_OK(benchlab_run(ctx, &req, &run_id));
  CHECK(run_id > 0);
  CHECK(ev.plan == 1);
  CHECK(ev.trials_ok == 3);
  CHECK(ev.trials_failed == 0);
  CHECK(ev.results_ok == 1);

  /* One row: metric value, n == 3, mean == 1. */
  benchlab_cursor* cur = NULL;
  CHECK_OK(benchlab_results(ctx, run_id, &cur));
  int rows = 0;
  benchlab_result r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  while (cur && benchlab_cursor_next(cur, &r) == BENCHLAB_OK) {
    ++rows;
    CHECK(r.run_id == run_id);
    CHECK(strcmp(r.test, "noop") == 0);
    CHECK(strcmp(r.system, "capi-test") == 0);
    CHECK(r.metric && strcmp(r.metric, "value") == 0);
    CHECK(r.status == BENCHLAB_STATUS_OK);
    CHECK(r.n == 3);
    CHECK(r.failed == 0);
    CHECK(fabs(r.mean - 1.0) < 1e-12);
    CHECK(r.sd == 0.0);
    CHECK(r.reason == NULL);
  }
  CHECK(rows == 1);
  benchlab_cursor_free(cur);

  /* The same as JSON. */
  char* json = NULL;
  CHECK_OK(benchlab_results_json(ctx, run_id, &json));
  CHECK(json && json[0] == '{');
  CHECK(json && strstr(json, "\"format_version\":1") && strstr(json, "\"results\"") &&
        strstr(json, "\"inventory\"") && strstr(json, "\"noop\""));
  /* The zeroed warmup meant the default, none: three trials, no warm-up. */
  CHECK(json && strstr(json, "\"warmup\":true") == NULL);
  CHECK(json && strstr(json, "\"index\":2") && !strstr(json, "\"index\":3"));
  benchlab_free(json);

  char* inventory = NULL;
  CHECK_OK(benchlab_inventory_json(ctx, &inventory));
  CHECK(inventory && inventory[0] == '{');
  benchlab_free(inventory);

  benchlab_close(ctx);
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  if (g_failures)
    fprintf(stderr, "%d check(s) failed\n", g_failures);
  else
    printf("capi_test: all checks passed\n");
  return g_failures ? 1 : 0;
}
