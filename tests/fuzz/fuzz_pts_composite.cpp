// SPDX-License-Identifier: MIT
// Fuzz target: the Phoronix Test Suite composite.xml parser and writer
// (core/src/pts_composite.cpp). A file is either refused with a PtsError that starts with
// its name, or it parses into what the parser promises (unique systems, entries naming
// them, finite numbers); then what write_pts_composite makes of it must parse again into
// the same content and write the same bytes. The Hardware/Software component split must
// survive its own inverse. Anything else, a crash or a sanitizer report is a finding.
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pts_composite.h"

namespace {

using benchlab::PtsEntry;
using benchlab::PtsError;
using benchlab::PtsResult;
using benchlab::PtsResultFile;

void check_promises(const PtsResultFile& f) {
  std::set<std::string> ids;
  for (const auto& s : f.systems) {
    FUZZ_CHECK(!s.identifier.empty());
    FUZZ_CHECK(ids.insert(s.identifier).second);
  }
  for (const auto& r : f.results) {
    std::set<std::string> named;
    if (r.numeric()) FUZZ_CHECK(r.proportion == "HIB" || r.proportion == "LIB");
    for (const auto& e : r.entries) {
      FUZZ_CHECK(ids.count(e.identifier) == 1);
      FUZZ_CHECK(named.insert(e.identifier).second);
      if (!r.numeric()) continue;
      if (e.number) FUZZ_CHECK(std::isfinite(*e.number));
      for (double x : e.raw) FUZZ_CHECK(std::isfinite(x));
      FUZZ_CHECK(e.number.has_value() == (!e.value.empty() || !e.raw.empty()));
    }
  }
}

bool same_entry(const PtsEntry& a, const PtsEntry& b) {
  return a.identifier == b.identifier && a.value == b.value && a.raw_string == b.raw_string &&
         a.json == b.json && a.number == b.number && a.raw == b.raw;
}

bool same_result(const PtsResult& a, const PtsResult& b) {
  if (a.identifier != b.identifier || a.title != b.title || a.app_version != b.app_version ||
      a.arguments != b.arguments || a.description != b.description || a.scale != b.scale ||
      a.proportion != b.proportion || a.display_format != b.display_format ||
      a.entries.size() != b.entries.size())
    return false;
  for (std::size_t i = 0; i < a.entries.size(); ++i)
    if (!same_entry(a.entries[i], b.entries[i])) return false;
  return true;
}

void check_same(const PtsResultFile& a, const PtsResultFile& b) {
  FUZZ_CHECK(a.generated.title == b.generated.title);
  FUZZ_CHECK(a.generated.last_modified == b.generated.last_modified);
  FUZZ_CHECK(a.generated.test_client == b.generated.test_client);
  FUZZ_CHECK(a.generated.description == b.generated.description);
  FUZZ_CHECK(a.generated.notes == b.generated.notes);
  FUZZ_CHECK(a.systems.size() == b.systems.size());
  for (std::size_t i = 0; i < a.systems.size(); ++i) {
    const auto& x = a.systems[i];
    const auto& y = b.systems[i];
    FUZZ_CHECK(x.identifier == y.identifier && x.hardware == y.hardware &&
               x.software == y.software && x.user == y.user && x.timestamp == y.timestamp &&
               x.client_version == y.client_version && x.notes == y.notes && x.json == y.json);
  }
  // A result without entries is not written (as PTS does).
  std::size_t k = 0;
  for (const auto& r : a.results) {
    if (r.entries.empty()) continue;
    FUZZ_CHECK(k < b.results.size());
    FUZZ_CHECK(same_result(r, b.results[k]));
    ++k;
  }
  FUZZ_CHECK(k == b.results.size());
}

// components(component_string(components(x))) is components(x) without empty values and
// with ", " inside a value turned into "; ".
void check_components(std::string_view text) {
  const auto first = benchlab::pts_components(text);
  const auto again = benchlab::pts_components(benchlab::pts_component_string(first));
  std::size_t k = 0;
  for (const auto& [key, value] : first) {
    std::string v = value;
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' ||
                          v.back() == '\r' || v.back() == '\v' || v.back() == '\f'))
      v.pop_back();
    std::size_t start = 0;
    while (start < v.size() && (v[start] == ' ' || v[start] == '\t' || v[start] == '\n' ||
                                v[start] == '\r' || v[start] == '\v' || v[start] == '\f'))
      ++start;
    v.erase(0, start);
    if (v.empty()) continue;
    for (std::size_t i = 0; i + 1 < v.size(); ++i)
      if (v[i] == ',' && v[i + 1] == ' ') v[i] = ';';
    FUZZ_CHECK(k < again.size());
    FUZZ_CHECK(again[k].first == key);
    FUZZ_CHECK(again[k].second == v);
    ++k;
  }
  FUZZ_CHECK(k == again.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  check_components(xml);
  PtsResultFile first;
  try {
    first = benchlab::parse_pts_composite(xml, "fuzz.xml");
  } catch (const PtsError& e) {
    // The message must say where: it starts with the file's name.
    FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.xml:"));
    return 0;
  }
  check_promises(first);
  for (const auto& s : first.systems) {
    check_components(s.hardware);
    check_components(s.software);
  }
  const std::string written = benchlab::write_pts_composite(first);
  PtsResultFile second;
  try {
    second = benchlab::parse_pts_composite(written, "written.xml");
  } catch (const PtsError& e) {
    std::fprintf(stderr, "the written file does not parse: %s\n", e.what());
    FUZZ_CHECK(!"write_pts_composite wrote a file that does not parse");
  }
  check_same(first, second);
  FUZZ_CHECK(benchlab::write_pts_composite(second) == written);
  return 0;
}
