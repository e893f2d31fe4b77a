// SPDX-License-Identifier: MIT
#include "tblout.hpp"

#include <benchlab_common/text.hpp>
#include <cctype>
#include <cstdlib>

namespace hmmsearch_workload {

using benchlab::common::trim;
namespace {

// Columns before the free-text description: target, acc, query, acc, 3 full-sequence,
// 3 best-domain, exp reg clu ov env dom rep inc.
constexpr std::size_t kFixedColumns = 18;

// The next whitespace-separated field; `rest` keeps what follows.
std::string_view next_field(std::string_view& rest) {
  rest = trim(rest);
  const std::size_t end = rest.find_first_of(" \t");
  const std::string_view field = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  return field;
}

double to_number(std::string_view field, std::size_t line, const char* column) {
  const std::string copy(field);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size())
    throw TblOutError("tblout line " + std::to_string(line) + ": " + column + " '" + copy +
                      "' is not a number");
  return value;
}

}  // namespace

TblOut parse_tblout(std::string_view text) {
  TblOut table;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    if (line.front() == '#') {
      const std::string_view comment = trim(line.substr(1));
      if (comment == "[ok]") table.complete = true;
      if (comment.substr(0, 8) == "Version:") table.version = std::string(trim(comment.substr(8)));
      continue;
    }
    std::string_view rest = line;
    std::string_view fields[kFixedColumns];
    for (std::size_t i = 0; i < kFixedColumns; ++i) {
      fields[i] = next_field(rest);
      if (fields[i].empty())
        throw TblOutError("tblout line " + std::to_string(number) + ": " + std::to_string(i) +
                          " columns where a hit has at least " + std::to_string(kFixedColumns));
    }
    TblHit hit;
    hit.target = fields[0];
    hit.target_accession = fields[1];
    hit.query = fields[2];
    hit.query_accession = fields[3];
    hit.evalue = to_number(fields[4], number, "E-value");
    hit.score = to_number(fields[5], number, "score");
    hit.bias = to_number(fields[6], number, "bias");
    hit.best_domain_evalue = to_number(fields[7], number, "best-domain E-value");
    hit.best_domain_score = to_number(fields[8], number, "best-domain score");
    hit.domains_reported = static_cast<int>(to_number(fields[16], number, "rep"));
    hit.domains_included = static_cast<int>(to_number(fields[17], number, "inc"));
    hit.description = std::string(trim(rest));
    table.hits.push_back(std::move(hit));
  }
  return table;
}

}  // namespace hmmsearch_workload
