// SPDX-License-Identifier: MIT
#include "search_summary.hpp"

#include <benchlab_common/text.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace hmmsearch_workload {

using benchlab::common::trim;
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Leading number of `s` (strtod), or -1 when there is none.
double leading_number(std::string_view s) {
  const std::string copy(trim(s));
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() ? -1 : value;
}

// "00:01:02.35" -> 62.35 s; -1 when it is not that shape.
double clock_seconds(std::string_view s) {
  const std::string copy(trim(s));
  unsigned hours = 0, minutes = 0;
  double seconds = 0;
  int used = 0;
  if (std::sscanf(copy.c_str(), "%u:%u:%lf%n", &hours, &minutes, &seconds, &used) != 3 ||
      static_cast<std::size_t>(used) != copy.size())
    return -1;
  return hours * 3600.0 + minutes * 60.0 + seconds;
}

}  // namespace

double SearchSummary::overall_mcells_per_second() const {
  double cells = 0, seconds = 0;
  for (const QuerySummary& q : queries) {
    if (q.mcells_per_second < 0 || q.elapsed_seconds < 0) return -1;
    cells += q.mcells_per_second * q.elapsed_seconds;
    seconds += q.elapsed_seconds;
  }
  return seconds > 0 ? cells / seconds : -1;
}

double SearchSummary::total_elapsed_seconds() const {
  double total = 0;
  for (const QuerySummary& q : queries) {
    if (q.elapsed_seconds < 0) return -1;
    total += q.elapsed_seconds;
  }
  return total;
}

SearchSummary parse_search_summary(std::string_view text) {
  SearchSummary summary;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);

    if (starts_with(line, "# HMMER ") && summary.version.empty()) {
      const std::string_view rest = line.substr(8);
      summary.version = std::string(trim(rest.substr(0, rest.find(';'))));
    } else if (starts_with(line, "Query:")) {
      // "Query:       benchlab_fam01  [M=150]"
      QuerySummary q;
      std::string_view rest = trim(line.substr(6));
      const std::size_t space = rest.find_first_of(" \t");
      q.name = std::string(rest.substr(0, space));
      if (const std::size_t m = rest.find("[M="); m != std::string_view::npos)
        q.model_length = static_cast<int>(leading_number(rest.substr(m + 3)));
      summary.queries.push_back(std::move(q));
    } else if (summary.queries.empty()) {
      continue;  // the header, before the first query
    } else if (starts_with(line, "Target sequences:")) {
      // "Target sequences:   68896  (24000411 residues searched)"
      const std::string_view rest = line.substr(17);
      summary.queries.back().targets = static_cast<std::uint64_t>(leading_number(rest));
      if (const std::size_t open = rest.find('('); open != std::string_view::npos)
        summary.queries.back().residues =
            static_cast<std::uint64_t>(leading_number(rest.substr(open + 1)));
    } else if (starts_with(line, "# CPU time:")) {
      if (const std::size_t at = line.find("Elapsed:"); at != std::string_view::npos)
        summary.queries.back().elapsed_seconds = clock_seconds(line.substr(at + 8));
    } else if (starts_with(line, "# Mc/sec:")) {
      summary.queries.back().mcells_per_second = leading_number(line.substr(9));
    } else if (line == "[ok]") {
      summary.complete = true;
    }
  }
  return summary;
}

}  // namespace hmmsearch_workload
