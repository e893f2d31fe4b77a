/* SPDX-License-Identifier: MIT */
/* The plugin ABI as a shared object. plugin.h and the ext/ headers are headers only: no library
 * exports their structs, so abidw would have nothing to record. This library exports one
 * function per public struct (and one for the entry function's type), each taking a
 * pointer to it, so that its debug info holds every layout; packaging/abi/plugin-abi.abi
 * is its abidw baseline and abi:plugin_abi_abidiff compares a fresh build with it
 * (docs/abi-stability.md). A struct added to the ABI gets a function here.
 *
 * Built with -DBENCHLAB_ABI_BREAK_FOR_TEST or -DBENCHLAB_ABI_APPEND_FOR_TEST, bl_plugin
 * is replaced by a test-only copy (abi_surface_variants.h) with two fields swapped or one
 * field appended: the check's own tests, which must judge the first incompatible and the
 * second compatible. The public headers are never edited for that. */
#if defined(BENCHLAB_ABI_BREAK_FOR_TEST) || defined(BENCHLAB_ABI_APPEND_FOR_TEST)
/* The header's bl_plugin and bl_entry_fn take these names; the copies take theirs. */
#define bl_plugin bl_plugin_replaced_for_test
#define bl_entry_fn bl_entry_fn_replaced_for_test
#endif

#include <benchlab/ext/mark.h>
#include <benchlab/ext/probe_devices.h>
#include <benchlab/ext/programs.h>
#include <benchlab/ext/requirements.h>
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>

#if defined(BENCHLAB_ABI_BREAK_FOR_TEST) || defined(BENCHLAB_ABI_APPEND_FOR_TEST)
#undef bl_plugin
#undef bl_entry_fn
#include "abi_surface_variants.h"
#endif

#define SURFACE(type, name) \
  BL_EXPORT uint32_t benchlab_abi_surface_##name(const type* p) { return p ? p->struct_size : 0; }

/* plugin.h */
SURFACE(bl_option_desc, option_desc)
SURFACE(bl_metric_desc, metric_desc)
SURFACE(bl_requirement, requirement)
SURFACE(bl_spawn, spawn)
SURFACE(bl_spawn_result, spawn_result)
SURFACE(bl_host, host)
SURFACE(bl_workload, workload)
SURFACE(bl_channel_desc, channel_desc)
SURFACE(bl_probe, probe)
SURFACE(bl_plugin, plugin)
BL_EXPORT bl_entry_fn benchlab_abi_surface_entry(bl_entry_fn entry) { return entry; }

/* ext/ */
SURFACE(bl_host_mark_ext, host_mark_ext)
SURFACE(bl_device_desc, device_desc)
SURFACE(bl_probe_devices_ext, probe_devices_ext)
SURFACE(bl_host_programs_ext, host_programs_ext)
SURFACE(bl_host_requirements_ext, host_requirements_ext)
SURFACE(bl_host_values_ext, host_values_ext)
