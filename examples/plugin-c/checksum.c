/* SPDX-License-Identifier: MIT */
/* checksum: a workload plugin in plain C99, built with `cc` and pkg-config alone. Each
   trial hashes a buffer of `size_mib` MiB with 64-bit FNV-1a and reports the rate in
   MiB/s. It also tells the host, in setup(), how much memory that buffer needs, so that
   a size the machine cannot hold is "cannot run" before any trial
   (benchlab/ext/requirements.h). */
#include <benchlab/ext/requirements.h>
#include <benchlab/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE_MIB 4194304 /* 4 TiB: the requirement, not this limit, says what fits */

static const bl_option_desc options[] = {
    {sizeof(bl_option_desc), "size_mib", BL_OPTION_INT, 0, "64", NULL, 1, MAX_SIZE_MIB,
     "MiB of memory hashed per trial"},
};

static const bl_metric_desc metrics[] = {
    {sizeof(bl_metric_desc), "mib_per_s", "MiB/s", BL_HIGHER_IS_BETTER,
     "MiB hashed per second (64-bit FNV-1a, one byte at a time)", 0},
};

/* The host validated the option against its declaration before this phase started, so
   the text is a decimal integer within [1, MAX_SIZE_MIB]. */
static uint64_t size_bytes(const bl_host* host) {
  return (uint64_t)strtoull(host->option(host, "size_mib"), NULL, 10) * 1024u * 1024u;
}

/* The instance is the host pointer itself: this plugin keeps nothing between calls. */
static int32_t checksum_create(const bl_host* host, void** out_instance) {
  *out_instance = (void*)host;
  return BL_OK;
}

static void checksum_destroy(void* instance) { (void)instance; }

/* Once per result, before its trials: declare the memory need. A host older than ABI 1.3
   has no requirements extension; the trial then finds out when malloc fails. */
static int32_t checksum_setup(void* instance) {
  const bl_host* host = instance;
  const bl_host_requirements_ext* req =
      (const bl_host_requirements_ext*)host->get_extension(host, BL_EXT_HOST_REQUIREMENTS);
  if (req != NULL) {
    bl_requirement need;
    memset(&need, 0, sizeof need);
    need.struct_size = sizeof need;
    need.kind = BL_REQ_MEMORY_SYSTEM;
    need.amount = size_bytes(host);
    need.hint = "choose a smaller size_mib";
    if (req->require(host, &need) != BL_OK) return BL_ERROR; /* set_error said why */
  }
  return BL_OK;
}

static int32_t checksum_run(void* instance) {
  const bl_host* host = instance;
  const uint64_t bytes = size_bytes(host);
  const size_t size = (size_t)bytes;
  unsigned char* data = size == bytes ? malloc(size) : NULL;
  if (data == NULL) {
    host->set_error(host, "checksum: cannot allocate the buffer; choose a smaller size_mib");
    return BL_NO_MEMORY;
  }
  for (size_t i = 0; i < size; ++i) data[i] = (unsigned char)(i * 31u + 7u);

  /* Only the hashing is timed. */
  const uint64_t start_ns = host->now_ns(host);
  uint64_t hash = 14695981039346656037ull;
  for (size_t i = 0; i < size; ++i) {
    if ((i & 0xffffffu) == 0 && host->is_cancelled(host)) {
      free(data);
      return BL_CANCELLED;
    }
    hash = (hash ^ data[i]) * 1099511628211ull;
  }
  const uint64_t elapsed_ns = host->now_ns(host) - start_ns;
  free(data);

  /* The hash goes into the trial's raw output, stored with the trial: a record of what
     was computed, and a use of it the compiler cannot optimise away. */
  char line[96];
  const int n = snprintf(line, sizeof line, "fnv1a64 %016llx\n", (unsigned long long)hash);
  host->append_output(host, line, (size_t)n);

  const double seconds = (double)(elapsed_ns > 0 ? elapsed_ns : 1) / 1e9;
  return host->report_metric(host, "mib_per_s", (double)size / (1024.0 * 1024.0) / seconds);
}

static const bl_workload workload = {
    sizeof(bl_workload),
    0, /* flags */
    sizeof options / sizeof options[0],
    options,
    sizeof metrics / sizeof metrics[0],
    metrics,
    0, /* static requirements: none, the memory need is computed in setup */
    NULL,
    checksum_create,
    checksum_destroy,
    checksum_setup,
    checksum_run,
    NULL, /* parse: run reports its metric itself */
    NULL, /* teardown */
    NULL, /* parse_streams */
};

static const bl_plugin plugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "checksum",
    "1.0.0",
    "hashes a memory buffer with FNV-1a, MiB/s (example plugin in C)",
    "benchlab examples",
    &workload,
    NULL, /* probe */
    NULL, /* get_extension */
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                 uint32_t host_abi_major_max) {
  if (BL_ABI_MAJOR < host_abi_major_min || BL_ABI_MAJOR > host_abi_major_max) return NULL;
  return &plugin;
}
