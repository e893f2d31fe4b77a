// SPDX-License-Identifier: MIT
#include <algorithm>
#include <benchlab_common/sysroot.hpp>
#include <filesystem>
#include <system_error>

namespace benchlab::common {

std::string under_sysroot(const char* sysroot, std::string_view absolute_path) {
  std::string_view root = sysroot ? sysroot : "";
  while (!root.empty() && root.back() == '/') root.remove_suffix(1);
  std::string path(root);
  path.append(absolute_path);
  return path;
}

namespace {
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
}  // namespace

bool natural_less(std::string_view a, std::string_view b) noexcept {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      // Compare the two numbers by value: skip leading zeros, then length, then digits.
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      std::size_t i_start = i, j_start = j;
      while (i_start + 1 < i_end && a[i_start] == '0') ++i_start;
      while (j_start + 1 < j_end && b[j_start] == '0') ++j_start;
      const auto x = a.substr(i_start, i_end - i_start), y = b.substr(j_start, j_end - j_start);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal under the rule ("01" and "1"): any strict order will do
}

std::vector<std::string> list_directory(const std::string& path) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return natural_less(a, b); });
  return names;
}

bool is_directory(const std::string& path) noexcept {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

}  // namespace benchlab::common
