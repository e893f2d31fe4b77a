/* SPDX-License-Identifier: MIT */
/* oldheader: a plugin as built against an older plugin.h whose structs ended earlier:
   bl_option_desc without `description`, bl_workload without `teardown`, bl_plugin
   without `get_extension`. Its struct_size fields say so; a current host must read only
   those bytes, treat the rest as zero (no teardown, no extensions) and run it. */
#include <benchlab/plugin.h>
#include <stddef.h>

/* The older header's layouts: the current ones, cut before the newer fields. */
typedef struct old_option_desc {
  uint32_t struct_size;
  const char* name;
  int32_t type;
  uint32_t flags;
  const char* default_value;
  const char* const* allowed;
  double min_value, max_value;
} old_option_desc;

typedef struct old_workload {
  uint32_t struct_size;
  uint32_t flags;
  uint32_t option_count;
  const old_option_desc* options;
  uint32_t metric_count;
  const bl_metric_desc* metrics;
  uint32_t requirement_count;
  const bl_requirement* requirements;
  int32_t (*create)(const bl_host* host, void** out_instance);
  void (*destroy)(void* instance);
  int32_t (*setup)(void* instance);
  int32_t (*run)(void* instance);
  int32_t (*parse)(void* instance, const char* output, size_t size);
} old_workload;

typedef struct old_plugin {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  int32_t kind;
  const char* id;
  const char* version;
  const char* description;
  const char* vendor;
  const old_workload* workload;
  const bl_probe* probe;
} old_plugin;

_Static_assert(sizeof(old_option_desc) == offsetof(bl_option_desc, description),
               "old_option_desc is bl_option_desc up to description");
_Static_assert(sizeof(old_workload) == offsetof(bl_workload, teardown),
               "old_workload is bl_workload up to teardown");
_Static_assert(sizeof(old_plugin) == offsetof(bl_plugin, get_extension),
               "old_plugin is bl_plugin up to get_extension");

/* Two elements, so the host must walk the array with the old stride. */
static const old_option_desc kOptions[] = {
    {sizeof(old_option_desc), "scale", BL_OPTION_INT, 0, "2", NULL, 1, 100},
    {sizeof(old_option_desc), "offset", BL_OPTION_INT, 0, "5", NULL, 0, 100},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "value", "x", BL_HIGHER_IS_BETTER, "scale * 10 + offset"},
};

static int32_t old_create(const bl_host* host, void** out) {
  *out = (void*)host;
  return BL_OK;
}

static void old_destroy(void* inst) { (void)inst; }

static long long int_option(const bl_host* host, const char* name) {
  const char* v = host->option(host, name);
  long long x = 0;
  for (; v && *v >= '0' && *v <= '9'; ++v) x = x * 10 + (*v - '0');
  return x;
}

static int32_t old_run(void* inst) {
  const bl_host* host = inst;
  double value = (double)(int_option(host, "scale") * 10 + int_option(host, "offset"));
  return host->report_metric(host, "value", value);
}

static const old_workload kWorkload = {
    sizeof(old_workload), 0,           2,    kOptions, 1,    kMetrics, 0, NULL,
    old_create,           old_destroy, NULL, old_run,  NULL,
};

static const old_plugin kPlugin = {
    sizeof(old_plugin),
    BL_ABI_MAJOR,
    0,
    BL_KIND_WORKLOAD,
    "oldheader",
    "0.9.0",
    "test plugin: built against an older plugin.h",
    "benchlab tests",
    &kWorkload,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  if (min_major > BL_ABI_MAJOR || BL_ABI_MAJOR > max_major) return NULL;
  return (const bl_plugin*)(const void*)&kPlugin;
}
