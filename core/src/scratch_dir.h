/* SPDX-License-Identifier: MIT */
// Where a result's phases work and where plugins keep prepared inputs across runs.
#pragma once

#include <filesystem>

namespace benchlab {

// A fresh private directory (mode 0700) under $TMPDIR for one result's phases, removed
// with everything in it when the result ends, even what a plugin left without write
// permission.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// $XDG_CACHE_HOME/benchlab, else ~/.cache/benchlab: plugins' cache directories live below
// it, one per plugin id and version.
std::filesystem::path cache_root();

}  // namespace benchlab
