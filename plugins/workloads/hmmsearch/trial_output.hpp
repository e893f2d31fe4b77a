// The raw output of one trial as the host stores it: hmmsearch's main output, then a
// marker line, then the --tblout table, so parse() (and anyone reading the store later)
// has both texts the checks and metrics come from.
#pragma once

#include <string>
#include <string_view>

namespace hmmsearch_workload {

std::string join_trial_output(std::string_view main_output, std::string_view table);

struct TrialOutput {
  std::string_view main_output, table;
  bool has_table = false;  // the marker was found
};
TrialOutput split_trial_output(std::string_view joined);

}  // namespace hmmsearch_workload
