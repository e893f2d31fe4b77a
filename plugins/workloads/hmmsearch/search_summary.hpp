// SPDX-License-Identifier: MIT
// Reading hmmsearch's main output (checked against HMMER 3.3.2): for every query, its
// name and length, and the "Internal pipeline statistics summary" at its end with the
// targets and residues searched, the elapsed time and the throughput in million
// dynamic-programming cells per second ("# Mc/sec: 6259.97"). Plain C++, no plugin ABI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hmmsearch_workload {

struct QuerySummary {
  std::string name;           // "Query:       benchlab_fam01  [M=150]"
  int model_length = 0;       // M
  std::uint64_t targets = 0;  // "Target sequences:  68896  (24000411 residues searched)"
  std::uint64_t residues = 0;
  double elapsed_seconds = -1;    // "# CPU time: ... Elapsed: 00:00:00.57"; -1 when absent
  double mcells_per_second = -1;  // "# Mc/sec: 6259.97"; -1 when absent
};

struct SearchSummary {
  std::string version;  // "3.3.2 (Nov 2020)" from "# HMMER 3.3.2 (Nov 2020); http://..."
  std::vector<QuerySummary> queries;
  bool complete = false;  // the final "[ok]" line is there

  // Cells over time across all queries, in millions per second, from each query's
  // Mc/sec and elapsed time; -1 when a query lacks either.
  double overall_mcells_per_second() const;
  // Sum of the queries' elapsed times; -1 when one lacks it.
  double total_elapsed_seconds() const;
};

// Never throws on odd text: what it does not recognise is skipped.
SearchSummary parse_search_summary(std::string_view text);

}  // namespace hmmsearch_workload
