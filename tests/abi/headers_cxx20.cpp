// SPDX-License-Identifier: MIT
// benchlab.h, then plugin.h, as C++20 with -pedantic -Werror: a C++ plugin or program
// includes them inside its own namespaces and warnings. The layout checks ride along.
#include <benchlab/benchlab.h>
#include <benchlab/plugin.h>

#include <type_traits>

#include "abi_layout_v1.h"

// Everything that crosses the boundary is plain old data, copyable with memcpy.
static_assert(std::is_standard_layout_v<bl_plugin> && std::is_trivially_copyable_v<bl_plugin>);
static_assert(std::is_standard_layout_v<bl_workload> && std::is_trivially_copyable_v<bl_workload>);
static_assert(std::is_standard_layout_v<bl_host> && std::is_trivially_copyable_v<bl_host>);
static_assert(std::is_standard_layout_v<bl_probe> && std::is_trivially_copyable_v<bl_probe>);
static_assert(std::is_standard_layout_v<benchlab_run_request> &&
              std::is_trivially_copyable_v<benchlab_run_request>);
static_assert(std::is_standard_layout_v<benchlab_result> &&
              std::is_trivially_copyable_v<benchlab_result>);

// The entry point and API functions have C linkage and the documented signatures.
static_assert(std::is_same_v<bl_entry_fn, const bl_plugin* (*)(uint32_t, uint32_t)>);
static_assert(std::is_same_v<decltype(&benchlab_run),
                             int32_t (*)(benchlab_ctx*, const benchlab_run_request*, int64_t*)>);
static_assert(std::is_same_v<decltype(&benchlab_errmsg), const char* (*)()>);
static_assert(
    std::is_same_v<decltype(&benchlab_library_version), int32_t (*)(benchlab_version_info*)>);
static_assert(
    std::is_same_v<decltype(&benchlab_plugin_option_at),
                   int32_t (*)(const benchlab_ctx*, uint32_t, uint32_t, benchlab_option_info*)>);
static_assert(
    std::is_same_v<decltype(&benchlab_plugin_metric_at),
                   int32_t (*)(const benchlab_ctx*, uint32_t, uint32_t, benchlab_metric_info*)>);
static_assert(std::is_standard_layout_v<benchlab_option_info> &&
              std::is_trivially_copyable_v<benchlab_option_info>);
static_assert(std::is_standard_layout_v<benchlab_metric_info> &&
              std::is_trivially_copyable_v<benchlab_metric_info>);
static_assert(std::is_standard_layout_v<benchlab_version_info> &&
              std::is_trivially_copyable_v<benchlab_version_info>);

int benchlab_test_cxx20_sizes() {
  return static_cast<int>(sizeof(bl_plugin) + sizeof(benchlab_result));
}
