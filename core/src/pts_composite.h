/* SPDX-License-Identifier: MIT */
// The Phoronix Test Suite result file (composite.xml): parsed into plain structs and
// written back, nothing else (the store side is pts_interop.h). Elements read and written,
// and the limits on hostile input: docs/pts.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

// Every problem with a result file: "FILE:LINE: what is wrong" (or "FILE: ..." when no
// line applies, e.g. the file cannot be read).
class PtsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bounds on what one file may hold; a file beyond any of them is refused, never truncated.
struct PtsLimits {
  std::size_t max_file_bytes = 64u << 20;      // checked by read_pts_file
  std::size_t max_systems = 4096;              // <System> elements
  std::size_t max_results = 100000;            // <Result> elements
  std::size_t max_entries = 1000000;           // <Entry> elements, all results together
  std::size_t max_raw_values = 10000;          // numbers in one <RawString>
  std::size_t max_total_raw_values = 2000000;  // numbers in all <RawString>s together
  std::size_t max_text_bytes = 64u << 10;      // one short field (Identifier, Title, Scale, ...)
  std::size_t max_long_text_bytes = 1u << 20;  // Description, Notes, Hardware, JSON, RawString
};

// PhoronixTestSuite/Generated
struct PtsGenerated {
  std::string title, last_modified, test_client, description, notes;
};

// PhoronixTestSuite/System: one machine (or one configuration of it) in the file.
struct PtsSystem {
  std::string identifier;  // unique in the file; what Entry/Identifier names
  std::string hardware;    // "Processor: ..., Motherboard: ..., Memory: ..., ..."
  std::string software;    // "OS: ..., Kernel: ..., Compiler: ..., ..."
  std::string user, timestamp, client_version, notes;
  std::string json;   // System/JSON as written (a JSON object); empty when absent
  unsigned line = 0;  // of the <System> element (0: not from a file)
};

// PhoronixTestSuite/Result/Data/Entry: one system's result of one test.
struct PtsEntry {
  std::string identifier;  // a System's identifier
  std::string value;       // Value as written: a number for numeric results
  std::string raw_string;  // RawString as written: numbers joined by ':'
  std::string json;        // Entry/JSON as written; empty when absent
  // Numeric results only (PtsResult::numeric()): Value and RawString as numbers. `number`
  // is empty when the entry has no value (empty Value and RawString); when only RawString
  // is given it is the mean of the raw values.
  std::optional<double> number;
  std::vector<double> raw;
  unsigned line = 0;  // of the <Entry> element
};

// PhoronixTestSuite/Result: one test with one set of arguments, one value per system.
struct PtsResult {
  std::string identifier;  // test profile, e.g. "pts/c-ray-1.2.0"; may be empty
  std::string title, app_version, arguments, description, scale;
  std::string proportion;      // "HIB" or "LIB" (numeric results; "" read as HIB)
  std::string display_format;  // "BAR_GRAPH" (or empty) is numeric; others are kept as text
  std::vector<PtsEntry> entries;
  unsigned line = 0;  // of the <Result> element

  bool numeric() const { return display_format.empty() || display_format == "BAR_GRAPH"; }
  bool higher_is_better() const { return proportion != "LIB"; }
};

struct PtsResultFile {
  PtsGenerated generated;
  std::vector<PtsSystem> systems;
  std::vector<PtsResult> results;

  // The system named `identifier`; nullptr when none.
  const PtsSystem* system(std::string_view identifier) const;
};

// Parses `xml` (the whole file, UTF-8) and checks it: root <PhoronixTestSuite>, no DOCTYPE,
// unique non-empty System identifiers, every Entry naming a System (once per Result),
// finite numbers in numeric results, Proportion HIB or LIB, valid UTF-8 without control
// characters, and the limits. `file_name` starts every error message.
PtsResultFile parse_pts_composite(std::string_view xml, const std::string& file_name,
                                  const PtsLimits& limits = {});

// Reads a result file whole: a regular file no larger than limits.max_file_bytes.
std::string read_pts_file(const std::filesystem::path& file, const PtsLimits& limits = {});

// read_pts_file, then parse_pts_composite with the path as the file name.
PtsResultFile load_pts_composite(const std::filesystem::path& file, const PtsLimits& limits = {});

// The file as Phoronix Test Suite writes it (pts_result_file::get_xml): Generated, every
// System, then every Result that has an Entry. Text that XML cannot hold (invalid UTF-8,
// control characters) is replaced by U+FFFD, so the output always parses again.
std::string write_pts_composite(const PtsResultFile& file);

// A number as Value and RawString hold it: the shortest text that reads back as exactly
// the same double ("12.5", "0.1", "1e+300").
std::string pts_number(double value);

// "Key: value, Key: value" (System/Hardware and System/Software) as (key, value) pairs in
// order. Like PTS, components are split at ", " and each at its first ": "; a piece with
// no ": " continues the previous value.
std::vector<std::pair<std::string, std::string>> pts_components(std::string_view text);

// The inverse: pairs with an empty value are left out; ", " inside a value becomes "; " so
// that the string splits back into the same components.
std::string pts_component_string(const std::vector<std::pair<std::string, std::string>>& parts);

}  // namespace benchlab
