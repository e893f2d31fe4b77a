// SPDX-License-Identifier: MIT
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <benchlab_common/text.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>

namespace benchlab::common {

std::string first_matching_line(std::string_view text, const std::string& pattern) {
  std::regex re;
  try {
    re = std::regex(pattern);
  } catch (const std::regex_error&) {
    return {};
  }
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t eol = std::min(text.find('\n', start), text.size());
    const std::string line(trim(text.substr(start, eol - start)));
    start = eol + 1;
    std::smatch m;
    if (!std::regex_search(line, m, re)) continue;
    if (m.size() > 1 && m[1].matched) return std::string(trim(m[1].str()));
    return line;
  }
  return {};
}

std::string find_on_path(const std::string& program) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
  const char* env = std::getenv("PATH");
  const std::string path = env != nullptr ? env : "";
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t colon = std::min(path.find(':', start), path.size());
    const std::string dir = path.substr(start, colon - start);
    start = colon + 1;
    if (dir.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    std::error_code ec;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate, ec))
      return candidate.string();
  }
  return {};
}

std::string program_version(const bl_host* host, const std::vector<std::string>& argv,
                            const std::string& pattern, std::uint64_t timeout_ms) {
  if (argv.empty() || host->spawn == nullptr) return {};
  sdk::spawn_request request;
  request.argv = argv;
  request.timeout_ms = timeout_ms;
  request.flags = BL_SPAWN_MERGE_STDERR;
  const sdk::spawn_result result = sdk::spawn(host, request);
  if (result.status != BL_OK || result.timed_out) return {};
  return first_matching_line(result.out, pattern);
}

std::string report_program_version(const bl_host* host, const std::string& name,
                                   const std::vector<std::string>& argv, const std::string& pattern,
                                   std::uint64_t timeout_ms) {
  if (programs_extension(host) == nullptr || argv.empty()) return {};
  const std::string version = program_version(host, argv, pattern, timeout_ms);
  if (version.empty()) return {};
  const std::string path = find_on_path(argv.front());
  return report_program(host, name, version, path) ? version : std::string();
}

}  // namespace benchlab::common
