// Discovery: which plugins, profiles and suites this benchlab can run, from which
// directories, and what was refused on the way (diagnostics name file and reason).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_loader.h"
#include "profile.h"

namespace benchlab {

struct SearchPaths {
  std::vector<std::filesystem::path> plugin_dirs;   // in priority order
  std::vector<std::filesystem::path> profile_dirs;  // in priority order
  std::filesystem::path worker;                     // benchlab-worker
};

// Explicit dirs first, then $BENCHLAB_PLUGIN_PATH / $BENCHLAB_PROFILE_PATH (colon lists),
// then the directories installed beside the library, unless `defaults` is false.
// The worker: `worker` if set, else $BENCHLAB_WORKER, else the installed one.
SearchPaths make_search_paths(const std::vector<std::string>& plugin_dirs,
                              const std::vector<std::string>& profile_dirs,
                              const std::string& worker, bool defaults);

// The install prefix of the code calling this (the directory above lib/ or bin/).
std::filesystem::path install_prefix();

struct Catalog {
  std::vector<std::unique_ptr<LoadedPlugin>> plugins;
  std::vector<Profile> profiles;
  std::vector<Suite> suites;
  std::vector<std::string> diagnostics;

  const LoadedPlugin* plugin(std::string_view id) const;
  const Profile* profile(std::string_view id) const;
  const Suite* suite(std::string_view id) const;
};

// Loads every *.so of the plugin dirs and every *.xml of the profile dirs (recursively).
// Never throws for a bad file or directory: it becomes a diagnostic, and the first of
// two plugins or profiles with the same id wins.
Catalog discover(const SearchPaths& paths);

}  // namespace benchlab
