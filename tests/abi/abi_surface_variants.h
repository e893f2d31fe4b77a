/* SPDX-License-Identifier: MIT */
/* Test-only copies of bl_plugin for plugin_abi_surface.c: what an edit of plugin.h would
 * look like to the ABI check, without editing plugin.h. The #line below attributes them
 * to the public header (BENCHLAB_ABI_PUBLIC_PLUGIN_H, its path, set by the build), so the
 * check's --headers-dir counts them as the public struct they stand for; a type from any
 * other file is private to it, and its changes would go unseen. */
#ifndef BENCHLAB_TEST_ABI_SURFACE_VARIANTS_H
#define BENCHLAB_TEST_ABI_SURFACE_VARIANTS_H

#ifndef BENCHLAB_ABI_PUBLIC_PLUGIN_H
#error "BENCHLAB_ABI_PUBLIC_PLUGIN_H (the path of plugin.h) must be defined"
#endif

#line 1 BENCHLAB_ABI_PUBLIC_PLUGIN_H
typedef struct bl_plugin {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  int32_t kind;
#ifdef BENCHLAB_ABI_BREAK_FOR_TEST
  const char* version; /* swapped with id: an incompatible change */
  const char* id;
#else
  const char* id;
  const char* version;
#endif
  const char* description;
  const char* vendor;
  const bl_workload* workload;
  const bl_probe* probe;
  const void* (*get_extension)(const char* id);
#ifdef BENCHLAB_ABI_APPEND_FOR_TEST
  uint64_t appended_for_test; /* past the old end: a compatible change */
#endif
} bl_plugin;
typedef const bl_plugin* (*bl_entry_fn)(uint32_t host_abi_major_min, uint32_t host_abi_major_max);

#endif
