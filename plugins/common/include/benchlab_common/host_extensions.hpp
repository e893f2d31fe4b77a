// The host extensions a workload uses when the host offers them (benchlab/ext/): one
// lookup each, checked for the size this plugin was built against, for every plugin that
// reports distributions or marks phases.
#pragma once

#include <benchlab/ext/mark.h>
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>

#include <cstddef>

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

}  // namespace benchlab::common
