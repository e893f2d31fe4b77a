// SPDX-License-Identifier: MIT
// The dry run of `benchlab-worker --validate`: a workload's create() with the declared
// defaults, destroy() and destroy(NULL); a probe's open(), channels(), one sample(),
// close() and close(NULL). It runs in a forked process of its own, in a temporary
// scratch directory, and each call has `timeout_s`: a call that crashes, hangs or exits
// is a finding that names it.
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <string>
#include <vector>

#include "plugin_info.h"
#include "validation_report.h"

namespace benchlab::worker {

struct DryRun {
  const bl_plugin* desc = nullptr;   // the plugin's own descriptor, checked already
  const PluginInfo* info = nullptr;  // what the loader made of it
  std::vector<OptionInfo> options;   // as declared: the defaults are the dry run's values
  std::string scratch;               // set by dry_run(): its temporary directory
  std::uint32_t minor = 0;           // the plugin's abi_minor
};

// Makes the dry run and reports what it found, in this process's Report.
void dry_run(Report& r, const DryRun& d, double timeout_s);

}  // namespace benchlab::worker
