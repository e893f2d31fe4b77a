// SPDX-License-Identifier: MIT
// The transistor-level cell library the generated circuits are built from: BSIM4 model
// cards and static CMOS subcircuits (inverter, 2-input AND, 28-transistor mirror full
// adder), as SPICE text.
#pragma once

#include <string>

namespace ngspice_workload {

// Supply voltage of the library's process, in volts.
inline constexpr double kSupplyVolts = 1.0;

// Subcircuit names and their pin order, for the generators' instance lines.
// inv:  in out vdd
// and2: a b out vdd
// fa:   a b cin sum cout vdd
inline constexpr const char* kInverter = "inv";
inline constexpr const char* kAnd2 = "and2";
inline constexpr const char* kFullAdder = "fa";

// The .model cards and .subckt definitions, ready to paste into a deck.
std::string cmos_library_text();

// Transistors in one instance of each cell, for the circuit summaries.
inline constexpr int kInverterTransistors = 2;
inline constexpr int kAnd2Transistors = 6;
inline constexpr int kFullAdderTransistors = 28;

}  // namespace ngspice_workload
