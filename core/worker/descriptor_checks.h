// SPDX-License-Identifier: MIT
// The checks of a plugin's descriptor for `benchlab-worker --validate`: struct sizes
// against ABI 1.0's and this host's, the workload or probe table, options, metrics,
// requirements, and the channels an open probe lists. Each problem is a finding in the
// Report; nothing here throws or stops at the first one.
#pragma once

#include <benchlab/plugin.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "plugin_info.h"
#include "validation_report.h"

namespace benchlab::worker {

// The sizes of ABI 1.0's structs (plugin.h's minor versions say which fields came later).
inline constexpr std::size_t kPlugin10 = sizeof(bl_plugin);
inline constexpr std::uint32_t kMaxChannels = 1024;  // what the sampler takes

// Checks a struct_size against ABI 1.0's size of the struct (`v10`) and this host's
// (`here`). Smaller than 1.0's is a warning: the host reads the missing fields as zero
// (an older plugin.h), as long as it covers `readable`, what the host needs to read
// anything at all. False when the struct, or an array of it, cannot be read.
bool check_size(Report& r, const std::string& field, std::uint32_t size, std::size_t readable,
                std::size_t v10, std::size_t here, const char* type, std::uint32_t plugin_minor);

// The workload or probe table and everything it points to; the options, whose defaults
// the dry run uses. `minor` is the plugin's abi_minor.
std::vector<OptionInfo> check_workload(Report& r, const bl_workload* w, std::uint32_t minor);
std::vector<OptionInfo> check_probe(Report& r, const bl_probe* p, std::uint32_t minor);

// The `n` channels an open probe gave from channels().
void check_channels(Report& r, const bl_channel_desc* arr, std::uint32_t n, std::uint32_t minor);

}  // namespace benchlab::worker
