// SPDX-License-Identifier: MIT
#include "hit_check.hpp"

#include <cstdio>
#include <set>
#include <utility>
#include <vector>

#include "search_dataset.hpp"

namespace hmmsearch_workload {
namespace {

constexpr std::size_t kShown = 3;

std::string evalue_text(double e) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2g", e);
  return buffer;
}

}  // namespace

std::string check_hits(const TblOut& table) {
  if (!table.complete)
    return "the hit table has no closing '# [ok]' line: hmmsearch did not finish writing it";
  // (query, target) pairs expected and seen.
  std::set<std::pair<std::string, std::string>> expected;
  for (std::size_t f = 0; f < kFamilies; ++f)
    for (std::size_t i = 0; i < kPlantedPerFamily; ++i)
      expected.emplace(family_name(f), planted_name(f, i));

  std::vector<std::string> unexpected;
  std::set<std::pair<std::string, std::string>> seen;
  for (const TblHit& hit : table.hits) {
    const auto key = std::pair{hit.query, hit.target};
    if (expected.count(key) == 0 || !seen.insert(key).second)
      unexpected.push_back(hit.target + " for " + hit.query + " (E-value " +
                           evalue_text(hit.evalue) + ")");
  }
  std::vector<std::string> missing;
  for (const auto& key : expected)
    if (seen.count(key) == 0) missing.push_back(key.second + " for " + key.first);
  if (missing.empty() && unexpected.empty()) return {};

  auto first = [](const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < kShown; ++i) text += (i ? ", " : "") + names[i];
    return names.size() > kShown ? text + ", ..." : text;
  };
  std::string problem = "hmmsearch reported " + std::to_string(table.hits.size()) + " hits where " +
                        std::to_string(kPlantedTotal) + " were planted (" +
                        std::to_string(kPlantedPerFamily) + " in each of " +
                        std::to_string(kFamilies) + " families)";
  if (!missing.empty())
    problem += "; " + std::to_string(missing.size()) + " missing: " + first(missing);
  if (!unexpected.empty())
    problem += "; " + std::to_string(unexpected.size()) + " unexpected: " + first(unexpected);
  return problem;
}

}  // namespace hmmsearch_workload
