// SPDX-License-Identifier: MIT
#include "logic_testbench.hpp"

#include <cstdio>
#include <stdexcept>

#include "cmos_library.hpp"

namespace ngspice_workload {
namespace {

// SPICE numbers with enough digits that no two PWL points collapse.
std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

LogicTestbench::LogicTestbench(std::string title, std::size_t vector_count, VectorTiming timing)
    : title_(std::move(title)), vector_count_(vector_count), timing_(timing) {
  if (vector_count_ == 0) throw std::invalid_argument("a testbench needs at least one vector");
}

void LogicTestbench::drive(const std::string& net, const std::vector<bool>& values) {
  if (values.size() != vector_count_)
    throw std::invalid_argument("input " + net + ": " + std::to_string(values.size()) +
                                " values for " + std::to_string(vector_count_) + " vectors");
  // An input that never changes is a DC source: fewer breakpoints for the simulator.
  bool constant = true;
  for (bool v : values) constant = constant && v == values.front();
  const double high = kSupplyVolts;
  if (constant) {
    sources_.push_back("v_" + net + " " + net + " 0 dc " + number(values.front() ? high : 0.0));
    return;
  }
  // Each change starts at the vector boundary and takes one edge time.
  std::string pwl = "v_" + net + " " + net + " 0 pwl(0 " + number(values[0] ? high : 0.0);
  for (std::size_t k = 1; k < values.size(); ++k) {
    if (values[k] == values[k - 1]) continue;
    const double t = static_cast<double>(k) * timing_.period;
    pwl += " " + number(t) + " " + number(values[k - 1] ? high : 0.0);
    pwl += " " + number(t + timing_.edge) + " " + number(values[k] ? high : 0.0);
  }
  sources_.push_back(pwl + ")");
}

void LogicTestbench::expect(const std::string& net, const std::vector<bool>& expected,
                            const std::string& label) {
  const std::string& signal = label.empty() ? net : label;
  if (expected.size() != vector_count_)
    throw std::invalid_argument("output " + net + ": " + std::to_string(expected.size()) +
                                " values for " + std::to_string(vector_count_) + " vectors");
  for (std::size_t k = 0; k < vector_count_; ++k) {
    // Late in the period, when every ripple has settled; before the next edge.
    const double at = (static_cast<double>(k) + 0.95) * timing_.period;
    const std::string name = "v" + std::to_string(k) + "_" + signal;
    measures_.push_back(".meas tran " + name + " find v(" + net + ") at=" + number(at));
    checks_.push_back(LevelCheck{name, signal, net, k, expected[k]});
  }
}

void LogicTestbench::add_line(const std::string& line) { body_.push_back(line); }

double LogicTestbench::stop_time() const {
  return static_cast<double>(vector_count_) * timing_.period;
}

std::string LogicTestbench::deck() const {
  std::string out = title_ + "\n";  // the first line of a deck is its title
  // acct: ngspice prints its own timing and iteration counts after the run, which the
  // plugin reads next to the wall clock.
  out += ".options acct noinit\n\n";
  out += cmos_library_text();
  out += "\n* ---- supply and input vectors ----\n";
  out += "vdd vdd 0 dc " + number(kSupplyVolts) + "\n";
  for (const std::string& s : sources_) out += s + "\n";
  out += "\n* ---- circuit ----\n";
  for (const std::string& line : body_) out += line + "\n";
  out += "\n* ---- analysis ----\n";
  out += ".tran " + number(timing_.step) + " " + number(stop_time()) + "\n";
  for (const std::string& m : measures_) out += m + "\n";
  out += ".end\n";
  return out;
}

}  // namespace ngspice_workload
