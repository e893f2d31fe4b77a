/* SPDX-License-Identifier: MIT */
/* constant: the smallest probe plugin. It reports one power channel whose reading is the
   option `watts`, whatever the machine does: a stand-in for a meter, to see how benchlab
   samples a probe and turns its readings into energy and power per trial. A real probe
   opens its sensor in open() (returning BL_UNSUPPORTED with the reason when it cannot)
   and reads it in sample(). */
#include <benchlab/plugin.h>
#include <stdlib.h>

static const bl_option_desc options[] = {
    {sizeof(bl_option_desc), "watts", BL_OPTION_FLOAT, 0, "42.5", NULL, 0, 100000,
     "the power the channel reports, W"},
};

static const bl_channel_desc channels[] = {
    {sizeof(bl_channel_desc), "power", "constant power", BL_QUANTITY_POWER, BL_DOMAIN_SYSTEM,
     BL_CHANNEL_INSTANT, 0 /* counter_range */, NULL /* parent */, NULL /* device */,
     0 /* limit: none */},
};

/* What open() read; sample() only reads it, so concurrent samples need no lock. */
typedef struct constant_probe {
  double watts;
} constant_probe;

/* [main] The host validated `watts` against its declaration (a number in [0, 100000]). */
static int32_t constant_open(const bl_host* host, void** out_instance) {
  constant_probe* probe = malloc(sizeof *probe);
  *out_instance = NULL;
  if (probe == NULL) {
    host->set_error(host, "constant: out of memory");
    return BL_NO_MEMORY;
  }
  probe->watts = strtod(host->option(host, "watts"), NULL);
  *out_instance = probe;
  return BL_OK;
}

/* [main] close(NULL) is a no-op, as free(NULL) is. */
static void constant_close(void* instance) { free(instance); }

/* [main] The channels live as long as the plugin: static. */
static int32_t constant_channels(void* instance, const bl_channel_desc** out, uint32_t* count) {
  (void)instance;
  *out = channels;
  *count = sizeof channels / sizeof channels[0];
  return BL_OK;
}

/* [sampler] One value per channel, in the order of channels(); cheap and thread-safe. */
static int32_t constant_sample(void* instance, double* values, uint32_t count) {
  const constant_probe* probe = instance;
  if (count > 0) values[0] = probe->watts;
  return BL_OK;
}

static const bl_probe probe = {
    sizeof(bl_probe),
    constant_open,                      /* open */
    constant_close,                     /* close */
    constant_channels,                  /* channels */
    constant_sample,                    /* sample */
    sizeof options / sizeof options[0], /* option_count (ABI 1.2) */
    options,                            /* options */
};

static const bl_plugin plugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_PROBE,
    "constant",
    "1.0.0",
    "a power channel reading a constant (example probe)",
    "benchlab examples",
    NULL, /* workload */
    &probe,
    NULL, /* get_extension: no devices, no extensions */
};

BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                 uint32_t host_abi_major_max) {
  if (BL_ABI_MAJOR < host_abi_major_min || BL_ABI_MAJOR > host_abi_major_max) return NULL;
  return &plugin;
}
