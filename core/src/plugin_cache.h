/* SPDX-License-Identifier: MIT */
// What earlier discoveries learnt about plugin files, so that a second `benchlab list`
// neither starts a worker nor reads a plugin file: one JSON file under the user's cache
// directory, keyed by each file's path and stamp (device, inode, size, mtime, ctime),
// holding the descriptor and SHA-256 of a file that loaded, or the diagnostic of one
// that was refused (a refused file stays refused until it changes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "plugin_info.h"

namespace benchlab {

// What changes when a file is replaced, rewritten, touched, chmod-ed or renamed over.
struct FileStamp {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// stat() of `file`, following symlinks; nullopt when it fails.
std::optional<FileStamp> stamp_of(const std::filesystem::path& file);

struct CachedVerdict {
  FileStamp stamp;
  std::optional<PluginInfo> plugin;  // with path and sha256
  std::string refused;               // the diagnostic, when the file was refused
};

class PluginCache {
 public:
  // $XDG_CACHE_HOME/benchlab/_discovery/plugins.json, else under $HOME/.cache; empty (no
  // caching) when neither is set. "_discovery" cannot be a plugin id, whose cache
  // directories sit beside it.
  static std::filesystem::path default_location();

  // Reads `file`. A cache written for another `checker` (benchlab's version and the
  // worker's stamp: what decides a verdict), a corrupt one, or one others could have
  // written reads as empty: the cache is never an error. Empty `file`: no caching.
  PluginCache(std::filesystem::path file, std::string checker);

  // The verdict for `plugin_file` if it was reached for this very stamp.
  const CachedVerdict* find(const std::filesystem::path& plugin_file, const FileStamp& stamp) const;
  void put(const std::filesystem::path& plugin_file, CachedVerdict verdict);

  // Writes the cache back if put() was called: a temporary file renamed over the old one,
  // so no reader sees half a cache. Entries of files that are gone are dropped. Never
  // throws; an unwritable directory just means the next discovery checks again.
  void save();

 private:
  std::filesystem::path file_;
  std::string checker_;
  std::map<std::string, CachedVerdict> entries_;
  bool dirty_ = false;
};

}  // namespace benchlab
