// SPDX-License-Identifier: MIT
#include "plugin_trust.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace benchlab {

std::string unsafe_path_reason(const std::filesystem::path& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
  if (st.st_mode & S_IWOTH) return "writable by every user (chmod o-w to trust it)";
  if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != getgid())
    return "writable by group " + std::to_string(st.st_gid) + " (chmod g-w to trust it)";
  if (st.st_uid != 0 && st.st_uid != geteuid())
    return "owned by another user (uid " + std::to_string(st.st_uid) + ")";
  return {};
}

std::string unsafe_dir_reason(const std::filesystem::path& dir) {
  if (auto why = unsafe_path_reason(dir); !why.empty()) return why;
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(dir, ec);
  if (ec) p = std::filesystem::absolute(dir);
  for (std::filesystem::path a = p.parent_path(); !a.empty(); a = a.parent_path()) {
    struct stat st {};
    if (stat(a.c_str(), &st) == 0 && !(st.st_mode & S_ISVTX)) {
      if (st.st_mode & S_IWOTH)
        return "inside " + a.string() + ", which every user may write to (chmod o-w " + a.string() +
               ")";
      if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != getgid())
        return "inside " + a.string() + ", writable by group " + std::to_string(st.st_gid) +
               " (chmod g-w " + a.string() + ")";
    }
    if (a == a.root_path()) break;
  }
  return {};
}

}  // namespace benchlab
