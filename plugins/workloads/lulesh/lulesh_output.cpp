// SPDX-License-Identifier: MIT
#include "lulesh_output.hpp"

#include <benchlab_common/text.hpp>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace lulesh {

using benchlab::common::trim;

namespace {

constexpr std::size_t kQuotedLines = 6;  // of a run that never completed

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.push_back(trim(text.substr(0, end)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// The leading number of `s` (after blanks), and what follows it.
template <typename T>
std::optional<std::pair<T, std::string_view>> leading_number(std::string_view s) {
  s = trim(s);
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return std::pair{value, trim(std::string_view(end, s.data() + s.size() - end))};
}

std::string quote(std::string_view line) { return "\"" + std::string(line) + "\""; }

// The number after '=' on a line named `label`, followed by exactly `unit` (may be empty).
template <typename T>
T value_of(std::string_view line, std::string_view label, std::string_view unit = {}) {
  const std::size_t eq = line.find('=');
  const auto parsed =
      eq == std::string_view::npos ? std::nullopt : leading_number<T>(line.substr(eq + 1));
  if (!parsed || parsed->second != unit)
    throw OutputError("LULESH output line " + quote(line) + ": expected " + std::string(label) +
                      " = <number>" + (unit.empty() ? "" : " " + std::string(unit)));
  return parsed->first;
}

std::string tail(const std::vector<std::string_view>& lines) {
  std::vector<std::string_view> kept;
  for (auto it = lines.rbegin(); it != lines.rend() && kept.size() < kQuotedLines; ++it)
    if (!it->empty()) kept.push_back(*it);
  std::string text;
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) text += "\n  " + std::string(*it);
  return text.empty() ? " (it printed nothing)" : ", its last lines:" + text;
}

}  // namespace

RunReport parse_output(std::string_view text) {
  const std::vector<std::string_view> lines = lines_of(text);
  RunReport report;
  bool completed = false;
  // Which lines of the final report were seen; each must appear once the run completed.
  struct Field {
    std::string_view label;
    bool seen = false;
  };
  Field size{"Problem size"}, tasks{"MPI tasks"}, count{"Iteration count"},
      energy{"Final Origin Energy"}, max_abs{"MaxAbsDiff"}, total_abs{"TotalAbsDiff"},
      max_rel{"MaxRelDiff"}, elapsed{"Elapsed time"}, grind{"Grind time (us/z/c)"}, fom{"FOM"};

  for (std::string_view line : lines) {
    if (starts_with(line, "Num threads:")) {
      const auto n = leading_number<int>(line.substr(12));
      if (!n || !n->second.empty())
        throw OutputError("LULESH output line " + quote(line) + ": expected Num threads: <n>");
      report.threads = n->first;
    } else if (starts_with(line, "Run completed:")) {
      completed = true;
    } else if (!completed) {
      continue;  // the banner and progress lines say nothing the report does not
    } else if (starts_with(line, size.label)) {
      report.problem_size = value_of<int>(line, size.label);
      size.seen = true;
    } else if (starts_with(line, tasks.label)) {
      report.mpi_tasks = value_of<int>(line, tasks.label);
      tasks.seen = true;
    } else if (starts_with(line, count.label)) {
      report.iterations = value_of<int>(line, count.label);
      count.seen = true;
    } else if (starts_with(line, energy.label)) {
      report.final_origin_energy = value_of<double>(line, energy.label);
      energy.seen = true;
    } else if (starts_with(line, max_abs.label)) {
      report.max_abs_diff = value_of<double>(line, max_abs.label);
      max_abs.seen = true;
    } else if (starts_with(line, total_abs.label)) {
      report.total_abs_diff = value_of<double>(line, total_abs.label);
      total_abs.seen = true;
    } else if (starts_with(line, max_rel.label)) {
      report.max_rel_diff = value_of<double>(line, max_rel.label);
      max_rel.seen = true;
    } else if (starts_with(line, elapsed.label)) {
      report.elapsed_s = value_of<double>(line, elapsed.label, "(s)");
      elapsed.seen = true;
    } else if (starts_with(line, grind.label)) {
      // "= 0.38064213 (per dom)  (0.00015125329 overall)": two numbers, two labels.
      const std::size_t eq = line.find('=');
      const auto per_dom =
          eq == std::string_view::npos ? std::nullopt : leading_number<double>(line.substr(eq + 1));
      std::optional<std::pair<double, std::string_view>> overall;
      if (per_dom && starts_with(per_dom->second, "(per dom)")) {
        std::string_view rest = trim(per_dom->second.substr(9));
        if (starts_with(rest, "(")) overall = leading_number<double>(rest.substr(1));
      }
      if (!overall || overall->second != "overall)")
        throw OutputError("LULESH output line " + quote(line) +
                          ": expected Grind time (us/z/c) = <number> (per dom) (<number> "
                          "overall)");
      report.grind_us_per_domain = per_dom->first;
      report.grind_us_overall = overall->first;
      grind.seen = true;
    } else if (starts_with(line, fom.label)) {
      report.fom_zones_per_s = value_of<double>(line, fom.label, "(z/s)");
      fom.seen = true;
    }
  }

  if (!completed)
    throw OutputError("no \"Run completed:\" line: LULESH did not finish its run" + tail(lines));
  for (const Field* field :
       {&size, &tasks, &count, &energy, &max_abs, &total_abs, &max_rel, &elapsed, &grind, &fom})
    if (!field->seen)
      throw OutputError("LULESH completed but printed no \"" + std::string(field->label) +
                        "\" line: is this LULESH 2.0's lulesh-util.cc?");
  if (!std::isfinite(report.fom_zones_per_s) || report.fom_zones_per_s <= 0)
    throw OutputError(
        "LULESH reported FOM = " + std::to_string(report.fom_zones_per_s) +
        " (z/s), which is no rate: LULESH 2.0.3 overflows a 32-bit integer once size^3 x MPI "
        "tasks exceeds 2^31 (fixed in later LULESH versions), and a run too short to time "
        "gives inf; use a smaller size or fewer tasks, or more iterations");
  return report;
}

}  // namespace lulesh
