/* SPDX-License-Identifier: MIT */
/* The v1 layout of every struct of plugin.h and benchlab.h on LP64 targets (x86-64 and
 * aarch64 Linux), and the values of the constants that cross the boundary. Plugins and
 * scripts already built depend on these numbers: a change here is an ABI break, which
 * needs a new major version, never an edit of this file. Fields appended at the end
 * change only a sizeof, and that assertion is then updated together with BL_ABI_MINOR.
 * Included from a C11 and a C++20 translation unit. */
#ifndef BENCHLAB_TEST_ABI_LAYOUT_V1_H
#define BENCHLAB_TEST_ABI_LAYOUT_V1_H

#include <assert.h>
#include <benchlab/benchlab.h>
#include <benchlab/ext/mark.h>
#include <benchlab/ext/probe_devices.h>
#include <benchlab/ext/programs.h>
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>
#include <stddef.h>

#define BL_PIN_OFFSET(type, field, offset) \
  static_assert(offsetof(type, field) == (offset), #type "." #field " moved: ABI break")
#define BL_PIN_SIZE(type, size) static_assert(sizeof(type) == (size), "sizeof(" #type ") changed")

/* ---- Constants (the same on every target) ---- */
static_assert(BL_ABI_MAJOR == 1, "this file pins ABI major 1");
static_assert(BL_OK == 0 && BL_ERROR == 1 && BL_CANNOT_RUN == 2 && BL_CANCELLED == 3 &&
                  BL_INVALID_ARGUMENT == 4 && BL_UNSUPPORTED == 5 && BL_NO_MEMORY == 6 &&
                  BL_TIMEOUT == 7,
              "plugin status codes are fixed");
static_assert(BL_KIND_WORKLOAD == 1 && BL_KIND_PROBE == 2, "plugin kinds are fixed");
static_assert(BL_PHASE_SETUP == 1 && BL_PHASE_RUN == 2 && BL_PHASE_TEARDOWN == 3 &&
                  BL_PHASE_PROBE == 4,
              "phases are fixed");
static_assert(BL_OPTION_STRING == 1 && BL_OPTION_INT == 2 && BL_OPTION_FLOAT == 3 &&
                  BL_OPTION_BOOL == 4 && BL_OPTION_ENUM == 5,
              "option types are fixed");
static_assert(BL_OPTION_REQUIRED == 0x1u && BL_OPTION_REPEATED == 0x2u, "option flags are fixed");
static_assert(BL_LOWER_IS_BETTER == -1 && BL_HIGHER_IS_BETTER == 1, "directions are fixed");
static_assert(BL_REQ_PROGRAM == 1 && BL_REQ_MEMORY_SYSTEM == 2 && BL_REQ_MEMORY_GPU == 3 &&
                  BL_REQ_MEMORY_GPU_OR_UNIFIED == 4 && BL_REQ_DEVICE == 5 && BL_REQ_FILE == 6,
              "requirement kinds are fixed");
static_assert(BL_SPAWN_STDOUT_TO_OUTPUT == 0x1u && BL_SPAWN_MERGE_STDERR == 0x2u &&
                  BL_SPAWN_STDERR_TO_ERROR_OUTPUT == 0x4u,
              "spawn flags are fixed");
static_assert(BL_WORKLOAD_DYNAMIC_METRICS == 0x1u, "workload flags are fixed");
static_assert(BL_METRIC_OPTIONAL == 0x1u, "metric flags are fixed");
static_assert(BL_CHANNEL_INSTANT == 1 && BL_CHANNEL_COUNTER == 2, "channel kinds are fixed");
static_assert(BL_QUANTITY_POWER == 1 && BL_QUANTITY_CURRENT == 8 && BL_QUANTITY_THROTTLE == 9,
              "quantities are fixed");
static_assert(BL_DEVICE_GPU == 1 && BL_DEVICE_UNIFIED_MEMORY == 0x1u, "device constants are fixed");
static_assert(BL_DOMAIN_PACKAGE == 1 && BL_DOMAIN_OTHER == 10, "domains are fixed");
static_assert(BENCHLAB_OK == 0 && BENCHLAB_ERROR == 1 && BENCHLAB_E_INVALID == 2 &&
                  BENCHLAB_E_NOT_FOUND == 3 && BENCHLAB_E_STORE == 4 && BENCHLAB_E_PROFILE == 5 &&
                  BENCHLAB_E_INTERRUPTED == 6 && BENCHLAB_E_TRIALS_FAILED == 7,
              "operator API status codes are fixed");
static_assert(BENCHLAB_STATUS_PENDING == 0 && BENCHLAB_STATUS_OK == 1 &&
                  BENCHLAB_STATUS_FAILED == 2 && BENCHLAB_STATUS_CANNOT_RUN == 3 &&
                  BENCHLAB_STATUS_PARTIAL == 4,
              "result statuses are fixed");
static_assert(BENCHLAB_EV_PLAN == 1 && BENCHLAB_EV_LOG == 7, "event types are fixed");
static_assert(BENCHLAB_NO_DEFAULT_DIRS == 0x1u && BENCHLAB_READ_ONLY == 0x2u &&
                  BENCHLAB_NO_STORE == 0x4u,
              "config flags are fixed");
static_assert(BENCHLAB_OPTION_STRING == BL_OPTION_STRING && BENCHLAB_OPTION_INT == BL_OPTION_INT &&
                  BENCHLAB_OPTION_FLOAT == BL_OPTION_FLOAT &&
                  BENCHLAB_OPTION_BOOL == BL_OPTION_BOOL && BENCHLAB_OPTION_ENUM == BL_OPTION_ENUM,
              "operator API option types are the plugin ABI's");
static_assert(BENCHLAB_OPTION_REQUIRED == 0x1u && BENCHLAB_OPTION_REPEATED == 0x2u &&
                  BENCHLAB_METRIC_OPTIONAL == 0x1u,
              "operator API option and metric flags are fixed");
static_assert(BENCHLAB_LOWER_IS_BETTER == -1 && BENCHLAB_HIGHER_IS_BETTER == 1,
              "operator API directions are fixed");
static_assert(BENCHLAB_WARMUP_NONE == -1, "BENCHLAB_WARMUP_NONE is fixed");
static_assert(BENCHLAB_PLUGIN_ABI_MAJOR == BL_ABI_MAJOR &&
                  BENCHLAB_PLUGIN_ABI_MINOR == BL_ABI_MINOR,
              "benchlab.h names the plugin ABI of plugin.h");
static_assert(BENCHLAB_VERSION_NUMBER == BENCHLAB_VERSION_MAJOR * 1000000 +
                                             BENCHLAB_VERSION_MINOR * 1000 + BENCHLAB_VERSION_PATCH,
              "BENCHLAB_VERSION_NUMBER is MAJOR * 1000000 + MINOR * 1000 + PATCH");

#if defined(__LP64__) && (defined(__x86_64__) || defined(__aarch64__))

/* ---- plugin.h ---- */
BL_PIN_OFFSET(bl_option_desc, struct_size, 0);
BL_PIN_OFFSET(bl_option_desc, name, 8);
BL_PIN_OFFSET(bl_option_desc, type, 16);
BL_PIN_OFFSET(bl_option_desc, flags, 20);
BL_PIN_OFFSET(bl_option_desc, default_value, 24);
BL_PIN_OFFSET(bl_option_desc, allowed, 32);
BL_PIN_OFFSET(bl_option_desc, min_value, 40);
BL_PIN_OFFSET(bl_option_desc, max_value, 48);
BL_PIN_OFFSET(bl_option_desc, description, 56);
BL_PIN_SIZE(bl_option_desc, 64);

BL_PIN_OFFSET(bl_metric_desc, struct_size, 0);
BL_PIN_OFFSET(bl_metric_desc, name, 8);
BL_PIN_OFFSET(bl_metric_desc, unit, 16);
BL_PIN_OFFSET(bl_metric_desc, direction, 24);
BL_PIN_OFFSET(bl_metric_desc, description, 32);
BL_PIN_OFFSET(bl_metric_desc, flags, 40); /* 1.1 */
BL_PIN_SIZE(bl_metric_desc, 48);

BL_PIN_OFFSET(bl_requirement, struct_size, 0);
BL_PIN_OFFSET(bl_requirement, kind, 4);
BL_PIN_OFFSET(bl_requirement, name, 8);
BL_PIN_OFFSET(bl_requirement, amount, 16);
BL_PIN_OFFSET(bl_requirement, hint, 24);
BL_PIN_SIZE(bl_requirement, 32);

BL_PIN_OFFSET(bl_spawn, struct_size, 0);
BL_PIN_OFFSET(bl_spawn, argv, 8);
BL_PIN_OFFSET(bl_spawn, env, 16);
BL_PIN_OFFSET(bl_spawn, cwd, 24);
BL_PIN_OFFSET(bl_spawn, timeout_ms, 32);
BL_PIN_OFFSET(bl_spawn, stdin_path, 40);
BL_PIN_OFFSET(bl_spawn, flags, 48);
BL_PIN_SIZE(bl_spawn, 56);

BL_PIN_OFFSET(bl_spawn_result, struct_size, 0);
BL_PIN_OFFSET(bl_spawn_result, exit_code, 4);
BL_PIN_OFFSET(bl_spawn_result, term_signal, 8);
BL_PIN_OFFSET(bl_spawn_result, timed_out, 12);
BL_PIN_OFFSET(bl_spawn_result, truncated, 16);
BL_PIN_OFFSET(bl_spawn_result, wall_ns, 24);
BL_PIN_OFFSET(bl_spawn_result, user_ns, 32);
BL_PIN_OFFSET(bl_spawn_result, sys_ns, 40);
BL_PIN_OFFSET(bl_spawn_result, max_rss_bytes, 48);
BL_PIN_OFFSET(bl_spawn_result, out, 56);
BL_PIN_OFFSET(bl_spawn_result, out_size, 64);
BL_PIN_OFFSET(bl_spawn_result, err, 72);
BL_PIN_OFFSET(bl_spawn_result, err_size, 80);
BL_PIN_SIZE(bl_spawn_result, 88);

BL_PIN_OFFSET(bl_host, struct_size, 0);
BL_PIN_OFFSET(bl_host, abi_major, 4);
BL_PIN_OFFSET(bl_host, abi_minor, 8);
BL_PIN_OFFSET(bl_host, phase, 12);
BL_PIN_OFFSET(bl_host, trial, 16);
BL_PIN_OFFSET(bl_host, cpu_count, 20);
BL_PIN_OFFSET(bl_host, scratch_dir, 24);
BL_PIN_OFFSET(bl_host, cache_dir, 32);
BL_PIN_OFFSET(bl_host, data_dir, 40);
BL_PIN_OFFSET(bl_host, host_data, 48);
BL_PIN_OFFSET(bl_host, log, 56);
BL_PIN_OFFSET(bl_host, set_error, 64);
BL_PIN_OFFSET(bl_host, option, 72);
BL_PIN_OFFSET(bl_host, option_count, 80);
BL_PIN_OFFSET(bl_host, option_at, 88);
BL_PIN_OFFSET(bl_host, declare_metric, 96);
BL_PIN_OFFSET(bl_host, report_metric, 104);
BL_PIN_OFFSET(bl_host, progress, 112);
BL_PIN_OFFSET(bl_host, append_output, 120);
BL_PIN_OFFSET(bl_host, spawn, 128);
BL_PIN_OFFSET(bl_host, is_cancelled, 136);
BL_PIN_OFFSET(bl_host, now_ns, 144);
BL_PIN_OFFSET(bl_host, get_extension, 152);
BL_PIN_OFFSET(bl_host, append_error_output, 160); /* 1.1 */
BL_PIN_OFFSET(bl_host, sysroot, 168);             /* 1.2 */
BL_PIN_SIZE(bl_host, 176);

BL_PIN_OFFSET(bl_workload, struct_size, 0);
BL_PIN_OFFSET(bl_workload, flags, 4);
BL_PIN_OFFSET(bl_workload, option_count, 8);
BL_PIN_OFFSET(bl_workload, options, 16);
BL_PIN_OFFSET(bl_workload, metric_count, 24);
BL_PIN_OFFSET(bl_workload, metrics, 32);
BL_PIN_OFFSET(bl_workload, requirement_count, 40);
BL_PIN_OFFSET(bl_workload, requirements, 48);
BL_PIN_OFFSET(bl_workload, create, 56);
BL_PIN_OFFSET(bl_workload, destroy, 64);
BL_PIN_OFFSET(bl_workload, setup, 72);
BL_PIN_OFFSET(bl_workload, run, 80);
BL_PIN_OFFSET(bl_workload, parse, 88);
BL_PIN_OFFSET(bl_workload, teardown, 96);
BL_PIN_OFFSET(bl_workload, parse_streams, 104); /* 1.1 */
BL_PIN_SIZE(bl_workload, 112);

BL_PIN_OFFSET(bl_channel_desc, struct_size, 0);
BL_PIN_OFFSET(bl_channel_desc, id, 8);
BL_PIN_OFFSET(bl_channel_desc, label, 16);
BL_PIN_OFFSET(bl_channel_desc, quantity, 24);
BL_PIN_OFFSET(bl_channel_desc, domain, 28);
BL_PIN_OFFSET(bl_channel_desc, kind, 32);
BL_PIN_OFFSET(bl_channel_desc, counter_range, 40);
BL_PIN_OFFSET(bl_channel_desc, parent, 48);
BL_PIN_OFFSET(bl_channel_desc, device, 56);
BL_PIN_OFFSET(bl_channel_desc, limit, 64); /* 1.2 */
BL_PIN_SIZE(bl_channel_desc, 72);

BL_PIN_OFFSET(bl_probe, struct_size, 0);
BL_PIN_OFFSET(bl_probe, open, 8);
BL_PIN_OFFSET(bl_probe, close, 16);
BL_PIN_OFFSET(bl_probe, channels, 24);
BL_PIN_OFFSET(bl_probe, sample, 32);
BL_PIN_OFFSET(bl_probe, option_count, 40); /* 1.2 */
BL_PIN_OFFSET(bl_probe, options, 48);      /* 1.2 */
BL_PIN_SIZE(bl_probe, 56);

BL_PIN_OFFSET(bl_device_desc, struct_size, 0);
BL_PIN_OFFSET(bl_device_desc, id, 8);
BL_PIN_OFFSET(bl_device_desc, kind, 16);
BL_PIN_OFFSET(bl_device_desc, flags, 20);
BL_PIN_OFFSET(bl_device_desc, name, 24);
BL_PIN_OFFSET(bl_device_desc, driver, 32);
BL_PIN_OFFSET(bl_device_desc, memory_total_bytes, 40);
BL_PIN_SIZE(bl_device_desc, 48);

BL_PIN_OFFSET(bl_probe_devices_ext, struct_size, 0);
BL_PIN_OFFSET(bl_probe_devices_ext, devices, 8);
BL_PIN_SIZE(bl_probe_devices_ext, 16);

BL_PIN_OFFSET(bl_host_mark_ext, struct_size, 0);
BL_PIN_OFFSET(bl_host_mark_ext, mark, 8);
BL_PIN_SIZE(bl_host_mark_ext, 16);

BL_PIN_OFFSET(bl_host_values_ext, struct_size, 0); /* 1.3 */
BL_PIN_OFFSET(bl_host_values_ext, report_values, 8);
BL_PIN_SIZE(bl_host_values_ext, 16);

BL_PIN_OFFSET(bl_host_programs_ext, struct_size, 0); /* 1.4 */
BL_PIN_OFFSET(bl_host_programs_ext, report_program, 8);
BL_PIN_SIZE(bl_host_programs_ext, 16);

BL_PIN_OFFSET(bl_plugin, struct_size, 0);
BL_PIN_OFFSET(bl_plugin, abi_major, 4);
BL_PIN_OFFSET(bl_plugin, abi_minor, 8);
BL_PIN_OFFSET(bl_plugin, kind, 12);
BL_PIN_OFFSET(bl_plugin, id, 16);
BL_PIN_OFFSET(bl_plugin, version, 24);
BL_PIN_OFFSET(bl_plugin, description, 32);
BL_PIN_OFFSET(bl_plugin, vendor, 40);
BL_PIN_OFFSET(bl_plugin, workload, 48);
BL_PIN_OFFSET(bl_plugin, probe, 56);
BL_PIN_OFFSET(bl_plugin, get_extension, 64);
BL_PIN_SIZE(bl_plugin, 72);

/* ---- benchlab.h ---- */
BL_PIN_OFFSET(benchlab_version_info, struct_size, 0);
BL_PIN_OFFSET(benchlab_version_info, major, 4);
BL_PIN_OFFSET(benchlab_version_info, minor, 8);
BL_PIN_OFFSET(benchlab_version_info, patch, 12);
BL_PIN_OFFSET(benchlab_version_info, plugin_abi_major, 16);
BL_PIN_OFFSET(benchlab_version_info, plugin_abi_minor, 20);
BL_PIN_OFFSET(benchlab_version_info, string, 24);
BL_PIN_SIZE(benchlab_version_info, 32);

BL_PIN_OFFSET(benchlab_config, struct_size, 0);
BL_PIN_OFFSET(benchlab_config, db_path, 8);
BL_PIN_OFFSET(benchlab_config, plugin_dirs, 16);
BL_PIN_OFFSET(benchlab_config, profile_dirs, 24);
BL_PIN_OFFSET(benchlab_config, worker_path, 32);
BL_PIN_OFFSET(benchlab_config, sysroot, 40);
BL_PIN_OFFSET(benchlab_config, flags, 48);
BL_PIN_SIZE(benchlab_config, 56);

BL_PIN_OFFSET(benchlab_plugin_info, struct_size, 0);
BL_PIN_OFFSET(benchlab_plugin_info, id, 8);
BL_PIN_OFFSET(benchlab_plugin_info, version, 16);
BL_PIN_OFFSET(benchlab_plugin_info, description, 24);
BL_PIN_OFFSET(benchlab_plugin_info, path, 32);
BL_PIN_OFFSET(benchlab_plugin_info, kind, 40);
BL_PIN_OFFSET(benchlab_plugin_info, options, 48);
BL_PIN_OFFSET(benchlab_plugin_info, metrics, 56);
BL_PIN_OFFSET(benchlab_plugin_info, option_count, 64); /* appended in 0.1 */
BL_PIN_OFFSET(benchlab_plugin_info, metric_count, 68); /* appended in 0.1 */
BL_PIN_SIZE(benchlab_plugin_info, 72);

BL_PIN_OFFSET(benchlab_option_info, struct_size, 0);
BL_PIN_OFFSET(benchlab_option_info, name, 8);
BL_PIN_OFFSET(benchlab_option_info, type, 16);
BL_PIN_OFFSET(benchlab_option_info, flags, 20);
BL_PIN_OFFSET(benchlab_option_info, default_value, 24);
BL_PIN_OFFSET(benchlab_option_info, allowed_count, 32);
BL_PIN_OFFSET(benchlab_option_info, allowed, 40);
BL_PIN_OFFSET(benchlab_option_info, min_value, 48);
BL_PIN_OFFSET(benchlab_option_info, max_value, 56);
BL_PIN_OFFSET(benchlab_option_info, description, 64);
BL_PIN_SIZE(benchlab_option_info, 72);

BL_PIN_OFFSET(benchlab_metric_info, struct_size, 0);
BL_PIN_OFFSET(benchlab_metric_info, name, 8);
BL_PIN_OFFSET(benchlab_metric_info, unit, 16);
BL_PIN_OFFSET(benchlab_metric_info, direction, 24);
BL_PIN_OFFSET(benchlab_metric_info, flags, 28);
BL_PIN_OFFSET(benchlab_metric_info, description, 32);
BL_PIN_SIZE(benchlab_metric_info, 40);

BL_PIN_OFFSET(benchlab_profile_info, struct_size, 0);
BL_PIN_OFFSET(benchlab_profile_info, id, 8);
BL_PIN_OFFSET(benchlab_profile_info, title, 16);
BL_PIN_OFFSET(benchlab_profile_info, path, 24);
BL_PIN_OFFSET(benchlab_profile_info, kind, 32);
BL_PIN_OFFSET(benchlab_profile_info, plugin, 40);
BL_PIN_OFFSET(benchlab_profile_info, members, 48);
BL_PIN_SIZE(benchlab_profile_info, 56);

BL_PIN_OFFSET(benchlab_event, struct_size, 0);
BL_PIN_OFFSET(benchlab_event, type, 4);
BL_PIN_OFFSET(benchlab_event, run_id, 8);
BL_PIN_OFFSET(benchlab_event, index, 16);
BL_PIN_OFFSET(benchlab_event, total, 20);
BL_PIN_OFFSET(benchlab_event, test, 24);
BL_PIN_OFFSET(benchlab_event, options, 32);
BL_PIN_OFFSET(benchlab_event, trial, 40);
BL_PIN_OFFSET(benchlab_event, trials_planned, 44);
BL_PIN_OFFSET(benchlab_event, warmup, 48);
BL_PIN_OFFSET(benchlab_event, status, 52);
BL_PIN_OFFSET(benchlab_event, message, 56);
BL_PIN_OFFSET(benchlab_event, value, 64);
BL_PIN_OFFSET(benchlab_event, elapsed_ns, 72);
BL_PIN_SIZE(benchlab_event, 80);

BL_PIN_OFFSET(benchlab_run_request, struct_size, 0);
BL_PIN_OFFSET(benchlab_run_request, targets, 8);
BL_PIN_OFFSET(benchlab_run_request, options, 16);
BL_PIN_OFFSET(benchlab_run_request, trials, 24);
BL_PIN_OFFSET(benchlab_run_request, min_trials, 28);
BL_PIN_OFFSET(benchlab_run_request, max_trials, 32);
BL_PIN_OFFSET(benchlab_run_request, target_ci, 40);
BL_PIN_OFFSET(benchlab_run_request, warmup, 48);
BL_PIN_OFFSET(benchlab_run_request, timeout_s, 56);
BL_PIN_OFFSET(benchlab_run_request, system_name, 64);
BL_PIN_OFFSET(benchlab_run_request, resume_run_id, 72);
BL_PIN_OFFSET(benchlab_run_request, on_event, 80);
BL_PIN_OFFSET(benchlab_run_request, user, 88);
BL_PIN_OFFSET(benchlab_run_request, probes, 96); /* 0.2 */
BL_PIN_OFFSET(benchlab_run_request, probe_interval_ms, 104);
BL_PIN_OFFSET(benchlab_run_request, probe_options, 112);
BL_PIN_OFFSET(benchlab_run_request, idle_baseline_s, 120);
BL_PIN_OFFSET(benchlab_run_request, cooldown_max_s, 128);
BL_PIN_SIZE(benchlab_run_request, 136);

BL_PIN_OFFSET(benchlab_result, struct_size, 0);
BL_PIN_OFFSET(benchlab_result, run_id, 8);
BL_PIN_OFFSET(benchlab_result, result_id, 16);
BL_PIN_OFFSET(benchlab_result, system, 24);
BL_PIN_OFFSET(benchlab_result, test, 32);
BL_PIN_OFFSET(benchlab_result, plugin, 40);
BL_PIN_OFFSET(benchlab_result, plugin_version, 48);
BL_PIN_OFFSET(benchlab_result, options, 56);
BL_PIN_OFFSET(benchlab_result, metric, 64);
BL_PIN_OFFSET(benchlab_result, unit, 72);
BL_PIN_OFFSET(benchlab_result, direction, 80);
BL_PIN_OFFSET(benchlab_result, status, 84);
BL_PIN_OFFSET(benchlab_result, reason, 88);
BL_PIN_OFFSET(benchlab_result, n, 96);
BL_PIN_OFFSET(benchlab_result, failed, 100);
BL_PIN_OFFSET(benchlab_result, mean, 104);
BL_PIN_OFFSET(benchlab_result, median, 112);
BL_PIN_OFFSET(benchlab_result, sd, 120);
BL_PIN_OFFSET(benchlab_result, cov, 128);
BL_PIN_OFFSET(benchlab_result, ci95, 136);
BL_PIN_OFFSET(benchlab_result, min, 144);
BL_PIN_OFFSET(benchlab_result, max, 152);
BL_PIN_OFFSET(benchlab_result, outliers, 160);
BL_PIN_OFFSET(benchlab_result, plugin_path, 168);
BL_PIN_OFFSET(benchlab_result, plugin_sha256, 176);
BL_PIN_OFFSET(benchlab_result, containment, 184);
BL_PIN_OFFSET(benchlab_result, throttled, 192); /* 0.2 */
BL_PIN_OFFSET(benchlab_result, derived, 196);
BL_PIN_OFFSET(benchlab_result, description, 200); /* 0.3 */
BL_PIN_OFFSET(benchlab_result, dist_n, 208);
BL_PIN_OFFSET(benchlab_result, dist_mean, 216);
BL_PIN_OFFSET(benchlab_result, dist_p50, 224);
BL_PIN_OFFSET(benchlab_result, dist_p90, 232);
BL_PIN_OFFSET(benchlab_result, dist_p99, 240);
BL_PIN_SIZE(benchlab_result, 248);

#endif /* LP64 x86-64 / aarch64 */

#endif
