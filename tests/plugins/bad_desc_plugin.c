/* SPDX-License-Identifier: MIT */
/* bad-desc-*: a workload plugin with one defect each, chosen by BAD_DESC at build time,
   for `benchlab plugin validate` (tests/integration/test_plugin_validate.cpp), which
   must name the field or call. BAD_DESC 0 is the same plugin without a defect. */
#define _GNU_SOURCE
#include <benchlab/plugin.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef BAD_DESC
#define BAD_DESC 0
#endif

enum {
  GOOD,
  BAD_ID,            /* descriptor.id */
  NO_VERSION,        /* descriptor.version */
  BAD_KIND,          /* descriptor.kind */
  NO_RUN,            /* workload.run */
  DEFAULT_NOT_INT,   /* workload.options[0].default_value */
  DEFAULT_OUT_RANGE, /* workload.options[0].default_value */
  ENUM_DEFAULT,      /* workload.options[1].default_value */
  DUP_OPTION,        /* workload.options[1].name */
  REQUIRED_DEFAULT,  /* workload.options[0].default_value */
  BAD_OPTION_TYPE,   /* workload.options[0].type */
  DUP_METRIC,        /* workload.metrics[1].name */
  BAD_DIRECTION,     /* workload.metrics[0].direction */
  NO_UNIT,           /* a warning only: workload.metrics[0].unit */
  TINY_OPTION_SIZE,  /* workload.options[0].struct_size */
  HUGE_DESC_SIZE,    /* descriptor.struct_size */
  NEWER_MINOR,       /* a note only: descriptor.abi_minor */
  CREATE_CRASH,      /* create(): SIGSEGV */
  CREATE_HANG,       /* create(): never returns */
  CREATE_EXIT,       /* create(): exit(3) */
  CREATE_ERROR,      /* create(): BL_ERROR */
  MISSING_LIBRARY,   /* dlopen: a library that is not there */
  UNDEFINED_SYMBOL,  /* dlopen: a symbol no library defines */
  NOT_UTF8_ID        /* descriptor.id: bytes that are no UTF-8 */
};
/* The preprocessor knows no enum constants: the two defects that change what is linked. */
#define BAD_MISSING_LIBRARY 21
#define BAD_UNDEFINED_SYMBOL 22
_Static_assert(BAD_MISSING_LIBRARY == MISSING_LIBRARY && BAD_UNDEFINED_SYMBOL == UNDEFINED_SYMBOL,
               "the #if numbers are the enum's");

#if BAD_DESC == BAD_MISSING_LIBRARY
int validate_gone_value(void); /* in a library the loader cannot find */
#elif BAD_DESC == BAD_UNDEFINED_SYMBOL
int validate_nowhere_value(void); /* defined nowhere */
#endif

static const char* const kSizes[] = {"small", "large", NULL};

static const bl_option_desc kOptions[] = {
    {BAD_DESC == TINY_OPTION_SIZE ? 4 : sizeof(bl_option_desc), "count",
     BAD_DESC == BAD_OPTION_TYPE ? 9 : BL_OPTION_INT,
     BAD_DESC == REQUIRED_DEFAULT ? BL_OPTION_REQUIRED : 0,
     BAD_DESC == DEFAULT_NOT_INT     ? "12x"
     : BAD_DESC == DEFAULT_OUT_RANGE ? "50"
                                     : "3",
     NULL, 1, 10, "how many"},
    {sizeof(bl_option_desc), BAD_DESC == DUP_OPTION ? "count" : "size", BL_OPTION_ENUM, 0,
     BAD_DESC == ENUM_DEFAULT ? "medium" : "small", kSizes, 0, 0, "how large"},
};

static const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", BAD_DESC == NO_UNIT ? NULL : "s",
     BAD_DESC == BAD_DIRECTION ? 0 : BL_LOWER_IS_BETTER, "time taken", 0},
    {sizeof(bl_metric_desc), BAD_DESC == DUP_METRIC ? "seconds" : "rate", "1/s",
     BL_HIGHER_IS_BETTER, "work per second", 0},
};

static int32_t bad_create(const bl_host* host, void** out) {
  *out = NULL;
  if (BAD_DESC == CREATE_CRASH) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    volatile int* p = NULL;
    *p = 1;
  }
  if (BAD_DESC == CREATE_HANG)
    for (;;) pause();
  if (BAD_DESC == CREATE_EXIT) exit(3);
  if (BAD_DESC == CREATE_ERROR) {
    host->set_error(host, "no configuration file");
    return BL_ERROR;
  }
#if BAD_DESC == BAD_MISSING_LIBRARY
  return validate_gone_value() ? BL_OK : BL_ERROR;
#elif BAD_DESC == BAD_UNDEFINED_SYMBOL
  return validate_nowhere_value() ? BL_OK : BL_ERROR;
#else
  return BL_OK;
#endif
}

static void bad_destroy(void* inst) { (void)inst; }

static int32_t bad_run(void* inst) {
  (void)inst;
  return BL_OK;
}

static const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    2,
    kOptions,
    2,
    kMetrics,
    0,
    NULL,
    bad_create,
    bad_destroy,
    NULL,
    BAD_DESC == NO_RUN ? NULL : bad_run,
    NULL,
    NULL,
    NULL,
};

static const bl_plugin kPlugin = {
    BAD_DESC == HUGE_DESC_SIZE ? 1u << 20 : sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BAD_DESC == NEWER_MINOR ? 99 : BL_ABI_MINOR,
    BAD_DESC == BAD_KIND ? 7 : BL_KIND_WORKLOAD,
    BAD_DESC == BAD_ID        ? "Bad ID"
    : BAD_DESC == NOT_UTF8_ID ? "bad\xff\xfe"
                              : "bad-desc",
    BAD_DESC == NO_VERSION ? "" : "1.0.0",
    "test plugin: one defect in its descriptor",
    "benchlab tests",
    &kWorkload,
    NULL,
    NULL,
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t min_major, uint32_t max_major) {
  if (min_major > BL_ABI_MAJOR || max_major < BL_ABI_MAJOR) return NULL;
  return &kPlugin;
}
