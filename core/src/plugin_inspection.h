/* SPDX-License-Identifier: MIT */
// Asking benchlab-worker what each plugin file is: every file is loaded in a worker
// process of its own (`benchlab-worker --describe FILE`), all of them at once under one
// deadline, so that a constructor or entry function that crashes, hangs or exits costs
// a diagnostic naming the file, never the core, and several slow files cost one
// deadline, not one each. The core itself never loads a plugin.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plugin_info.h"

namespace benchlab {

struct Inspection {
  std::filesystem::path file;
  std::optional<PluginInfo> plugin;  // path set, sha256 not
  std::string refused;               // the diagnostic, when there is no plugin
  // False when the verdict says nothing about the file (the worker could not be
  // started, or the deadline passed before its turn): it must not be cached.
  bool lasting = true;
};

struct InspectionLimits {
  std::chrono::milliseconds deadline{10'000};     // for all files together
  std::chrono::milliseconds notice_after{2'000};  // then name each file still loading
  unsigned max_parallel = 32;                     // worker processes at once
};

// Called from the calling thread while it waits, once per slow file, with a line such as
// "checking plugins: still waiting for FILE (2 s so far; refused at 10 s)".
using SlowNotice = std::function<void(const std::string& line)>;

// One Inspection per file, in the order given. Never throws for a file's sake.
std::vector<Inspection> inspect_plugin_files(const std::filesystem::path& worker,
                                             const std::vector<std::filesystem::path>& files,
                                             const InspectionLimits& limits,
                                             const SlowNotice& notice);

}  // namespace benchlab
