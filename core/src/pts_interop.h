/* SPDX-License-Identifier: MIT */
// Phoronix Test Suite results <-> the store: a composite.xml imported as runs marked with
// their source, and runs exported as a composite.xml that PTS (and this import) reads.
// The mapping of every field: docs/pts.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "pts_composite.h"
#include "store.h"

namespace benchlab {

struct ImportSummary {
  std::string source;  // what the runs' source says: "pts: DIR/composite.xml"
  std::size_t systems = 0, runs = 0, results = 0, trials = 0;
  std::vector<std::int64_t> run_ids;  // in the order of the file's systems
  // What the file holds that was not imported, one line each ("FILE:LINE: why"): results
  // that are not numbers (line graphs, pass/fail), entries without a value, systems with
  // no numeric result.
  std::vector<std::string> skipped;
};

// Reads `file` (bounded by PtsLimits::max_file_bytes), parses and checks all of it, then
// stores it in one transaction: per PTS system (that has a numeric result) the system
// (created with an inventory read from its Hardware and Software strings; an existing
// system's inventory is left as it is), one complete run with source "pts: NAME", one ok
// result per PTS result with a value, one trial per raw value. Any error throws (PtsError
// "FILE:LINE: ..." for the file, StoreError for the store) and leaves the store as it was.
ImportSummary import_pts(Store& store, const std::filesystem::path& file);

// The same with the file already parsed; `file_name` starts error messages and `source`
// becomes each run's source.
ImportSummary import_pts(Store& store, const PtsResultFile& pts, const std::string& file_name,
                         const std::string& source);

// The runs as one result file: each run a System, each (test, options, metric) of the
// workload's own metrics a Result whose entries hold the mean and the values of the
// measured, successful trials. Empty `run_ids`: the latest run of each system. Throws
// PtsError for an unknown run id or an empty store.
PtsResultFile pts_from_store(const Store& store, const std::vector<std::int64_t>& run_ids);

// pts_from_store written to DIR/composite.xml (DIR created when missing; written to a
// temporary file in DIR and renamed over the old one). Returns the file's path.
std::filesystem::path export_pts(const Store& store, const std::vector<std::int64_t>& run_ids,
                                 const std::filesystem::path& dir);

}  // namespace benchlab
