// SPDX-License-Identifier: MIT
#include "dolfyn_output.hpp"

#include <benchlab_common/text.hpp>
#include <charconv>
#include <cmath>

namespace dolfyn {

using benchlab::common::trim;

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string quote(std::string_view line) { return "\"" + std::string(line) + "\""; }

// Throws OutputError for a line in which Dolfyn reports an error or a diverged solution.
void check_line(std::string_view line, std::string_view stream, std::size_t line_no) {
  if (starts_with(line, "*** Error") || starts_with(line, "*** DIVERGENCE"))
    throw OutputError("Dolfyn reported " + quote(line) + " (" + std::string(stream) + " line " +
                      std::to_string(line_no) + ")");
}

}  // namespace

DemoReport parse_output(std::string_view text, std::string_view err) {
  for (std::size_t line_no = 1; !err.empty(); ++line_no) {
    const std::size_t end = err.find('\n');
    check_line(trim(err.substr(0, end)), "stderr", line_no);
    err.remove_prefix(end == std::string_view::npos ? err.size() : end + 1);
  }
  DemoReport report;
  // The last "Elapsed time" not yet claimed by a "Done" (a plain pair: g++ 12 warns about
  // std::optional<double> here).
  double pending = 0;
  bool have_pending = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_no;

    check_line(line, "output", line_no);
    if (starts_with(line, "Elapsed time:")) {
      const std::string_view number = trim(line.substr(13));
      double value = 0;
      const auto [stop, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (ec != std::errc() || stop != number.data() + number.size() || !std::isfinite(value) ||
          value < 0)
        throw OutputError("Dolfyn output line " + std::to_string(line_no) + " " + quote(line) +
                          ": expected Elapsed time: <seconds>");
      pending = value;
      have_pending = true;
    } else if (starts_with(line, "Done ") || line == "Done") {
      const std::string name(trim(line.substr(4)));
      if (!have_pending)
        throw OutputError("Dolfyn finished case '" + name + "' (output line " +
                          std::to_string(line_no) +
                          ") without its \"Elapsed time:\" report: were its watches switched "
                          "off?");
      report.cases.push_back({name, pending});
      report.cpu_s += pending;
      have_pending = false;
    }
  }
  if (report.cases.empty())
    throw OutputError(
        "no \"Done <case>\" line: no Dolfyn case finished (does demo/doit.sh run "
        "../bin/dolfyn?)");
  return report;
}

}  // namespace dolfyn
