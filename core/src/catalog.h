/* SPDX-License-Identifier: MIT */
// Discovery: which plugins, profiles and suites this benchlab can run, from which
// directories, and what was refused on the way (diagnostics name file and reason).
// Plugin descriptors come from benchlab-worker processes (plugin_inspection.h) or from
// the plugin cache (plugin_cache.h): the core never loads a plugin itself.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_info.h"
#include "profile.h"

namespace benchlab {

struct SearchPaths {
  std::vector<std::filesystem::path> plugin_dirs;   // in priority order
  std::vector<std::filesystem::path> profile_dirs;  // in priority order
  std::filesystem::path worker;                     // benchlab-worker
  std::filesystem::path plugin_cache;               // plugin_cache.h; empty: no caching
};

// Explicit dirs first, then $BENCHLAB_PLUGIN_PATH / $BENCHLAB_PROFILE_PATH (colon lists),
// then the directories installed beside the library, unless `defaults` is false.
// The worker: `worker` if set, else $BENCHLAB_WORKER, else the installed one. The
// plugin cache: PluginCache::default_location().
SearchPaths make_search_paths(const std::vector<std::string>& plugin_dirs,
                              const std::vector<std::string>& profile_dirs,
                              const std::string& worker, bool defaults);

// The install prefix of the code calling this (the directory above lib/ or bin/).
std::filesystem::path install_prefix();

struct Catalog {
  std::vector<PluginInfo> plugins;
  std::vector<Profile> profiles;
  std::vector<Suite> suites;
  std::vector<std::string> diagnostics;

  const PluginInfo* plugin(std::string_view id) const;
  const Profile* profile(std::string_view id) const;
  const Suite* suite(std::string_view id) const;
};

// A line for the operator while discovery waits for a slow plugin check, such as
// "checking plugins: still waiting for FILE (2 s so far; refused at 10 s)".
using DiscoveryNotice = std::function<void(const std::string& line)>;

// Writes "benchlab: LINE" to stderr: an operator at a terminal and a script's log both
// learn why `list` or `run` is waiting, while it waits.
void notice_on_stderr(const std::string& line);

// Finds every *.so of the plugin dirs and every *.xml of the profile dirs (recursively).
// Plugin files unknown to the cache are described by benchlab-worker processes, all at
// once under one 10 s deadline. Never throws for a bad file or directory: it becomes a
// diagnostic, and the first of two plugins or profiles with the same id wins.
Catalog discover(const SearchPaths& paths, const DiscoveryNotice& notice = notice_on_stderr);

}  // namespace benchlab
