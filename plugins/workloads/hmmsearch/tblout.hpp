// SPDX-License-Identifier: MIT
// Reading hmmsearch's per-sequence table (--tblout; checked against HMMER 3.3.2): one
// line per reported target, whitespace-separated columns, '#' comment lines, and a
// closing "# [ok]" that says the program finished writing it. Plain C++, no plugin ABI.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hmmsearch_workload {

struct TblHit {
  std::string target, target_accession, query, query_accession;
  double evalue = 0, score = 0, bias = 0;                // full sequence
  double best_domain_evalue = 0, best_domain_score = 0;  // best single domain
  int domains_reported = 0, domains_included = 0;        // "rep" and "inc"
  std::string description;                               // "-" when none
};

struct TblOut {
  std::vector<TblHit> hits;
  bool complete = false;  // the closing "# [ok]" line is there
  std::string version;    // from "# Version:", e.g. "3.3.2 (Nov 2020)"
};

// A data line that does not have the table's columns; what() names the line number.
class TblOutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws TblOutError on a malformed data line.
TblOut parse_tblout(std::string_view text);

}  // namespace hmmsearch_workload
