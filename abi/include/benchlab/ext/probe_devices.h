/* SPDX-License-Identifier: MIT */
/*
 * benchlab probe extension "benchlab.probe.devices/1" (ABI 1.2): the devices a probe
 * sees, with what the memory gate needs of them. A GPU probe returns this table from
 * bl_plugin.get_extension(BL_EXT_PROBE_DEVICES); the host reads it after open() to learn
 * the machine's GPUs (name, memory, unified or dedicated) and compares them with a
 * workload's BL_REQ_MEMORY_GPU and BL_REQ_MEMORY_GPU_OR_UNIFIED before any attempt.
 */
#ifndef BENCHLAB_EXT_PROBE_DEVICES_H
#define BENCHLAB_EXT_PROBE_DEVICES_H

#include <benchlab/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BL_EXT_PROBE_DEVICES "benchlab.probe.devices/1"

#define BL_DEVICE_GPU 1 /* bl_device_desc.kind */

/* The GPU has no memory of its own: it uses system memory (Grace Blackwell GB10, Strix
   Halo, Apple-style SoCs). memory_total_bytes is then the system memory it can use. */
#define BL_DEVICE_UNIFIED_MEMORY 0x1u

typedef struct bl_device_desc {
  uint32_t struct_size;        /* sizeof(bl_device_desc) */
  const char* id;              /* e.g. "gpu0": the `device` of this probe's channels */
  int32_t kind;                /* BL_DEVICE_* */
  uint32_t flags;              /* BL_DEVICE_UNIFIED_MEMORY */
  const char* name;            /* for people, e.g. "NVIDIA GeForce RTX 4000 Ada" */
  const char* driver;          /* driver version, e.g. "580.65.06"; may be NULL */
  uint64_t memory_total_bytes; /* dedicated memory, or (unified) the system memory it
                                  can use; 0 when unknown */
} bl_device_desc;

typedef struct bl_probe_devices_ext {
  uint32_t struct_size; /* sizeof(bl_probe_devices_ext) */
  /* [main] After open(): *out points to `*count` descriptors owned by the instance,
     valid until close. */
  int32_t (*devices)(void* instance, const bl_device_desc** out, uint32_t* count);
} bl_probe_devices_ext;

#ifdef __cplusplus
}
#endif

#endif /* BENCHLAB_EXT_PROBE_DEVICES_H */
