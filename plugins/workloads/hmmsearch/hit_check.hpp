// SPDX-License-Identifier: MIT
// The correctness check of a search: hmmsearch must report exactly the planted members
// of each family, each against its own family's profile, and nothing else, so a search
// that misses homologs or reports noise fails the trial instead of posting a time.
#pragma once

#include <string>

#include "tblout.hpp"

namespace hmmsearch_workload {

// Empty when the table lists exactly the planted hits and is complete; otherwise one
// line saying how the count differs and naming the first few missing or unexpected hits.
std::string check_hits(const TblOut& table);

}  // namespace hmmsearch_workload
