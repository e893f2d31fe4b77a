/* SPDX-License-Identifier: MIT */
/* abi-next: a workload built against a plugin ABI one minor newer than the host's
   (BL_ABI_MINOR + 1), whose structs carry fields this host has never heard of, appended
   as the rules allow. The host must read only the bytes it knows (its own sizeof), walk
   the arrays with this plugin's larger strides, never call the newer callback, answer
   NULL for an extension it does not offer, and write no byte of a spawn result past its
   own struct; the plugin, for its part, must not use what an older host lacks. run()
   checks the host's side of that and reports `value` and the host's minor. */
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "test_plugin_support.h"

#define NEXT_MINOR (BL_ABI_MINOR + 1)
#define NEXT_HOST_EXTENSION "benchlab.host.abi-next-test/1" /* no host offers it */
#define SENTINEL 0x5eed5eed5eed5eedull

typedef struct next_option_desc {
  bl_option_desc current;
  const char* placeholder; /* appended in the newer minor */
} next_option_desc;

typedef struct next_metric_desc {
  bl_metric_desc current;
  double expected_min, expected_max; /* appended in the newer minor */
} next_metric_desc;

typedef struct next_requirement {
  bl_requirement current;
  uint64_t amount_max; /* appended in the newer minor */
} next_requirement;

typedef struct next_workload {
  bl_workload current;
  int32_t (*calibrate)(void* instance); /* appended in the newer minor: never called here */
  uint64_t newer_flags;
} next_workload;

typedef struct next_plugin {
  bl_plugin current;
  const char* homepage; /* appended in the newer minor */
} next_plugin;

typedef struct next_spawn {
  bl_spawn current;
  uint64_t cpu_affinity_mask; /* appended in the newer minor; 0: the old behaviour */
} next_spawn;

typedef struct next_spawn_result {
  bl_spawn_result current;
  uint64_t newer_counter; /* the host must leave this alone */
} next_spawn_result;

/* The host table as the newer minor would have it. Read past the host's struct_size
   never: `newer_service` exists only when host->struct_size covers it. */
typedef struct next_host {
  bl_host current;
  int32_t (*newer_service)(const bl_host* host);
} next_host;

/* The strides the host must use are these sizes, each larger than its own. */
static const next_option_desc kOptions[] = {
    {{sizeof(next_option_desc), "scale", BL_OPTION_INT, 0, "6", NULL, 1, 100, "tens"},
     "a newer field"},
    {{sizeof(next_option_desc), "offset", BL_OPTION_INT, 0, "5", NULL, 0, 9, "units"},
     "a newer field"},
};

static const next_metric_desc kMetrics[] = {
    {{sizeof(next_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "scale * 10 + offset", 0},
     10,
     1009},
    {{sizeof(next_metric_desc), "host_minor", "minor", BL_HIGHER_IS_BETTER,
      "the ABI minor of the host that ran it", 0},
     0,
     1000},
};

static const next_requirement kRequirements[] = {
    {{sizeof(next_requirement), BL_REQ_MEMORY_SYSTEM, NULL, 1u << 20, NULL}, 1u << 30},
    {{sizeof(next_requirement), BL_REQ_PROGRAM, "true", 0, "apt-get install coreutils"}, 0},
};

static int32_t next_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void next_destroy(void* inst) { (void)inst; }

static int32_t fail(const bl_host* host, const char* why) {
  host->set_error(host, why);
  return BL_ERROR;
}

static int32_t next_run(void* inst) {
  const bl_host* host = inst;
  if (host->abi_major != BL_ABI_MAJOR) return fail(host, "host of another major");
  if (host->get_extension(host, NEXT_HOST_EXTENSION) != NULL)
    return fail(host, "the host returned a table for an extension it cannot know");
  /* ... while the lookup itself works: a 1.3 host or newer offers the values extension. */
  if (host->get_extension(host, BL_EXT_HOST_VALUES) == NULL)
    return fail(host, "the host offers no " BL_EXT_HOST_VALUES " extension");
  /* A newer host would offer newer_service; this one's table ends before it. */
  if (host->struct_size > offsetof(next_host, newer_service))
    return fail(host, "the host's table claims the newer minor's fields");

  const char* argv[] = {"true", NULL};
  next_spawn req;
  memset(&req, 0, sizeof req);
  req.current.struct_size = sizeof req;
  req.current.argv = argv;
  req.cpu_affinity_mask = 0;
  next_spawn_result res;
  memset(&res, 0, sizeof res);
  res.current.struct_size = sizeof res;
  res.newer_counter = SENTINEL;
  int32_t st = host->spawn(host, &req.current, &res.current);
  if (st != BL_OK) return st;
  if (res.current.exit_code != 0) return fail(host, "`true` did not exit 0");
  if (res.current.struct_size > sizeof(next_spawn_result))
    return fail(host, "the spawn result's struct_size grew past the plugin's");
  if (res.newer_counter != SENTINEL)
    return fail(host, "the host wrote past its own bl_spawn_result");

  double v = (double)(tp_option_int(host, "scale") * 10 + tp_option_int(host, "offset"));
  st = host->report_metric(host, "value", v);
  return st != BL_OK ? st : host->report_metric(host, "host_minor", (double)host->abi_minor);
}

/* Appended in the newer minor; a host that does not know it must never call it. */
static int32_t next_calibrate(void* inst) {
  (void)inst;
  abort();
}

static const next_workload kWorkload = {
    {
        sizeof(next_workload),
        0,
        sizeof kOptions / sizeof kOptions[0],
        &kOptions[0].current,
        sizeof kMetrics / sizeof kMetrics[0],
        &kMetrics[0].current,
        sizeof kRequirements / sizeof kRequirements[0],
        &kRequirements[0].current,
        next_create,
        next_destroy,
        NULL,
        next_run,
        NULL,
        NULL,
        NULL,
    },
    next_calibrate,
    ~0ull,
};

/* The plugin-side extensions: none, whatever the id. */
static const void* next_get_extension(const char* id) {
  (void)id;
  return NULL;
}

static const next_plugin kPlugin = {
    {
        sizeof(next_plugin),
        BL_ABI_MAJOR,
        NEXT_MINOR,
        BL_KIND_WORKLOAD,
        "abi-next",
        "0.5.0",
        "test plugin: built against a newer plugin ABI minor than the host's",
        "benchlab tests",
        &kWorkload.current,
        NULL,
        next_get_extension,
    },
    "https://example.invalid/abi-next",
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  if (min_major > BL_ABI_MAJOR || BL_ABI_MAJOR > max_major) return NULL;
  return &kPlugin.current;
}
