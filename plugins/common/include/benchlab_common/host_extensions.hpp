// SPDX-License-Identifier: MIT
// The host extensions a workload uses when the host offers them (benchlab/ext/): one
// lookup each, checked for the size this plugin was built against, for every plugin that
// reports distributions, marks phases or reports the programs it wraps.
#pragma once

#include <benchlab/ext/mark.h>
#include <benchlab/ext/programs.h>
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>

#include <cstddef>
#include <string>

namespace benchlab::common {

// The values extension (many values of one metric per trial), or nullptr when the host
// has none or an older, shorter one.
inline const bl_host_values_ext* values_extension(const bl_host* host) {
  if (host->get_extension == nullptr) return nullptr;
  const auto* ext =
      static_cast<const bl_host_values_ext*>(host->get_extension(host, BL_EXT_HOST_VALUES));
  if (ext == nullptr ||
      ext->struct_size < offsetof(bl_host_values_ext, report_values) + sizeof(ext->report_values) ||
      ext->report_values == nullptr)
    return nullptr;
  return ext;
}

// Marks the start of phase `name` of the trial where the host offers marks; a no-op where
// it does not.
inline void mark(const bl_host* host, const char* name) {
  const auto* ext =
      host->get_extension != nullptr
          ? static_cast<const bl_host_mark_ext*>(host->get_extension(host, BL_EXT_HOST_MARK))
          : nullptr;
  if (ext != nullptr && ext->mark != nullptr) ext->mark(host, name);
}

// The programs extension (the programs a workload wraps, and their versions), or nullptr
// when the host has none or an older, shorter one.
inline const bl_host_programs_ext* programs_extension(const bl_host* host) {
  if (host->get_extension == nullptr) return nullptr;
  const auto* ext =
      static_cast<const bl_host_programs_ext*>(host->get_extension(host, BL_EXT_HOST_PROGRAMS));
  if (ext == nullptr ||
      ext->struct_size <
          offsetof(bl_host_programs_ext, report_program) + sizeof(ext->report_program) ||
      ext->report_program == nullptr)
    return nullptr;
  return ext;
}

// Reports program `name` at `version` (found at `path`, "" when unknown) where the host
// offers the programs extension. True when the host kept it; false when it refused it
// (its reason is in the host's error text) or has no such extension.
inline bool report_program(const bl_host* host, const std::string& name, const std::string& version,
                           const std::string& path) {
  const auto* ext = programs_extension(host);
  return ext != nullptr && ext->report_program(host, name.c_str(), version.c_str(),
                                               path.empty() ? nullptr : path.c_str()) == BL_OK;
}

}  // namespace benchlab::common
