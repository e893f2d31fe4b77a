// SPDX-License-Identifier: MIT
#include "program_search.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace transcode {

std::optional<std::string> find_on_path(std::string_view program, std::string_view path_list) {
  if (program.empty() || program.find('/') != std::string_view::npos) return std::nullopt;
  std::size_t pos = 0;
  while (pos <= path_list.size()) {
    std::size_t colon = path_list.find(':', pos);
    if (colon == std::string_view::npos) colon = path_list.size();
    const std::string_view dir =
        colon == pos ? std::string_view(".") : path_list.substr(pos, colon - pos);
    const std::string path =
        std::string(dir) + (dir.back() == '/' ? "" : "/") + std::string(program);
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0)
      return path;
    pos = colon + 1;
  }
  return std::nullopt;
}

}  // namespace transcode
