// SPDX-License-Identifier: MIT
#include "placeholders.hpp"

namespace benchlab::command {
namespace {

constexpr std::string_view kKnown =
    "known: {scratch}, {cache}, {data}, {nproc}; write {{ and }} for literal braces";

}  // namespace

Outcome<std::string> expand_placeholders(std::string_view text, const PlaceholderValues& values) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const std::string column = std::to_string(i + 1);
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      return fail("single '}' at column " + column + " (write }} for a literal brace)");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos)
      return fail("'{' at column " + column + " is never closed (write {{ for a literal brace)");
    const std::string_view name = text.substr(i + 1, close - i - 1);
    const std::string shown = "{" + std::string(name) + "}";
    const std::optional<std::string>* value = nullptr;
    if (name == "scratch")
      value = &values.scratch;
    else if (name == "cache")
      value = &values.cache;
    else if (name == "data")
      value = &values.data;
    else if (name == "nproc")
      out += std::to_string(values.nproc);
    else
      return fail("unknown placeholder " + shown + " at column " + column + " (" +
                  std::string(kKnown) + ")");
    if (value) {
      if (!*value)
        return fail(shown + " at column " + column + " has no value here" +
                    (name == "data" ? " (the workload runs without a profile, so there is no "
                                      "profile directory)"
                                    : ""));
      out += **value;
    }
    i = close;
  }
  return out;
}

}  // namespace benchlab::command
