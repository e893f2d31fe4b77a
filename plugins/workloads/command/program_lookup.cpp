// SPDX-License-Identifier: MIT
#include "program_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace benchlab::command {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string join(std::string_view dir, std::string_view name) {
  std::string path(dir.empty() ? std::string_view(".") : dir);
  if (path.back() != '/') path += '/';
  return path + std::string(name);
}

}  // namespace

std::optional<std::string> find_program(std::string_view program, std::string_view path_list,
                                        std::string_view working_dir) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string_view::npos) {
    std::string path = program.front() == '/' ? std::string(program) : join(working_dir, program);
    if (is_executable_file(path)) return path;
    return std::nullopt;
  }
  std::size_t pos = 0;
  while (pos <= path_list.size()) {
    std::size_t colon = path_list.find(':', pos);
    if (colon == std::string_view::npos) colon = path_list.size();
    const std::string_view dir = path_list.substr(pos, colon - pos);
    std::string path = join(dir.empty() ? working_dir : dir, program);
    if (is_executable_file(path)) return path;
    pos = colon + 1;
  }
  return std::nullopt;
}

}  // namespace benchlab::command
