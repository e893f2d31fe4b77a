// SPDX-License-Identifier: MIT
#include "ngspice_output.hpp"

#include <benchlab_common/text.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace ngspice_workload {

using benchlab::common::trim;
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Calls f(line) for every line, without its terminator; '\r' ends a line too.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const std::size_t end = text.find_first_of("\r\n");
    f(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// A whole-string number in ngspice's formats ("9.685508e-01", "0.003", "2217").
std::optional<double> number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  const std::string copy(s);  // strtod needs a terminated string
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '#')
      return false;
  return true;
}

// "v0_s3               =  6.688953e-08" or, for trig/targ measures,
// "tdelay = 1.2e-10 targ= 3.4e-09 trig= 3.2e-09": the name and the first number.
std::optional<std::pair<std::string, double>> measure_line(std::string_view line) {
  const std::size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view name = trim(line.substr(0, eq));
  if (!is_identifier(name)) return std::nullopt;
  std::string_view rest = trim(line.substr(eq + 1));
  rest = rest.substr(0, rest.find_first_of(" \t"));
  const auto value = number(rest);
  if (!value) return std::nullopt;
  return std::pair{std::string(name), *value};
}

}  // namespace

std::optional<double> NgspiceOutput::stat(const std::string& label) const {
  const auto it = stats.find(label);
  if (it == stats.end()) return std::nullopt;
  return it->second;
}

NgspiceOutput parse_ngspice_output(std::string_view out, std::string_view err) {
  NgspiceOutput result;
  bool in_measures = false;
  for_each_line(out, [&](std::string_view raw) {
    const std::string_view line = trim(raw);
    if (starts_with(line, "Measurements for ")) {
      in_measures = true;
      return;
    }
    if (line.empty()) {
      // A blank line ends a measurement section once it has a result; the blank lines
      // right after its heading do not.
      if (in_measures && !result.measures.empty()) in_measures = false;
      return;
    }
    if (in_measures) {
      if (auto m = measure_line(line)) {
        result.measures[m->first] = m->second;
        return;
      }
      in_measures = false;
    }
    if (starts_with(line, "Circuit:")) {
      result.circuit = std::string(trim(line.substr(8)));
    } else if (starts_with(line, "Error")) {
      result.errors.emplace_back(line);
    } else if (starts_with(line, "Warning")) {
      result.warnings.emplace_back(line);
    } else if (const std::size_t eq = line.find(" = "); eq != std::string_view::npos) {
      // "Label = number" with nothing after the number; lines with a unit ("Total DRAM
      // available = 24105.559 MB.") or several '=' are not statistics the workload reads.
      if (auto value = number(line.substr(eq + 3)))
        result.stats[std::string(trim(line.substr(0, eq)))] = *value;
    }
  });
  for_each_line(err, [&](std::string_view raw) {
    const std::string_view line = trim(raw);
    if (starts_with(line, "Error") || (starts_with(line, ".meas") && line.ends_with("failed!")))
      result.errors.emplace_back(line);
    else if (starts_with(line, "Warning"))
      result.warnings.emplace_back(line);
  });
  return result;
}

std::string strip_progress(std::string_view err) {
  std::string kept;
  for_each_line(err, [&](std::string_view line) {
    if (starts_with(trim(line), "Reference value")) return;
    kept.append(line);
    kept.push_back('\n');
  });
  // Collapse the empty lines the dropped counters leave at the start.
  const std::size_t first = kept.find_first_not_of('\n');
  return first == std::string::npos ? std::string() : kept.substr(first);
}

}  // namespace ngspice_workload
