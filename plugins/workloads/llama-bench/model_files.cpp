// SPDX-License-Identifier: MIT
// Split-model file names as llama.cpp makes them (llama_split_path: "%s-%05d-of-%05d.gguf",
// numbered from 1).
#include "model_files.hpp"

#include <cstdio>

namespace llama_bench {
namespace {

std::string split_suffix(unsigned no, unsigned count) {
  char text[40];
  std::snprintf(text, sizeof text, "-%05u-of-%05u.gguf", no, count);
  return text;
}

}  // namespace

std::vector<std::string> model_files(const std::string& path, const GgufHeader& first) {
  const std::optional<std::uint64_t> count = first.unsigned_value("split.count");
  if (!count || *count <= 1) return {path};
  if (*count > 9999)
    throw SplitError("split.count " + std::to_string(*count) + " is more than llama.cpp names");
  const auto n = static_cast<unsigned>(*count);
  if (first.unsigned_value("split.no").value_or(0) != 0)
    throw SplitError("this is split " +
                     std::to_string(first.unsigned_value("split.no").value_or(0) + 1) + " of " +
                     std::to_string(n) + "; give the first file, the one ending in " +
                     split_suffix(1, n));
  const std::string first_suffix = split_suffix(1, n);
  if (path.size() <= first_suffix.size() ||
      path.compare(path.size() - first_suffix.size(), first_suffix.size(), first_suffix) != 0)
    throw SplitError("the header says the model is split in " + std::to_string(n) +
                     " files, but the name does not end in " + first_suffix);
  const std::string prefix = path.substr(0, path.size() - first_suffix.size());
  std::vector<std::string> files;
  for (unsigned i = 1; i <= n; ++i) files.push_back(prefix + split_suffix(i, n));
  return files;
}

}  // namespace llama_bench
