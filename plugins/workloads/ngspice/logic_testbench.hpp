// SPDX-License-Identifier: MIT
// A transient testbench for a digital circuit built from the CMOS cell library: input
// nets driven through a sequence of logic vectors by PWL sources, and outputs measured
// with .measure near the end of every vector period, each with its expected logic level.
// It turns a netlist body into a complete ngspice deck whose printed measurements prove
// that the circuit computed the right answer.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ngspice_workload {

// One measurement the deck prints, and the logic level it must show.
struct LevelCheck {
  std::string measure;  // .measure name as ngspice prints it (lower case)
  std::string signal;   // what it is, e.g. "s12" (sum bit 12)
  std::string net;      // the node measured
  std::size_t vector;   // 0-based index of the input vector
  bool high;            // expected logic 1 (near the supply) or 0 (near ground)
};

// Timing of the stimulus, in seconds.
struct VectorTiming {
  double period;  // time each input vector is held
  double edge;    // rise and fall time of the inputs
  double step;    // the .tran print step (also its suggested internal step)
};

class LogicTestbench {
 public:
  LogicTestbench(std::string title, std::size_t vector_count, VectorTiming timing);

  // Drives `net` with bit values[k] during vector k (values.size() == vector_count).
  void drive(const std::string& net, const std::vector<bool>& values);
  // Measures `net` at the end of every vector; expected[k] is its level after vector k.
  // `label` names the signal in measure names and messages (default: the net).
  void expect(const std::string& net, const std::vector<bool>& expected,
              const std::string& label = {});
  // Appends circuit lines (instances of the library's cells) to the deck.
  void add_line(const std::string& line);

  // The whole deck: title, options, library, sources, circuit, analysis, measures.
  std::string deck() const;
  const std::vector<LevelCheck>& checks() const { return checks_; }
  std::size_t vector_count() const { return vector_count_; }
  // Simulated time of the transient analysis.
  double stop_time() const;

 private:
  std::string title_;
  std::size_t vector_count_;
  VectorTiming timing_;
  std::vector<std::string> sources_;
  std::vector<std::string> body_;
  std::vector<std::string> measures_;
  std::vector<LevelCheck> checks_;
};

}  // namespace ngspice_workload
