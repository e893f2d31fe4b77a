/* SPDX-License-Identifier: MIT */
// `benchlab compare`, `report`, `tco`, `export` and `import`: machines side by side, the
// published report, cost of ownership and Phoronix result files. Uses only benchlab.h.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "context.h"

namespace benchlab_cli {

struct CompareArgs {
  std::vector<std::string> dbs;  // stores read as one; empty: the default store
  std::string baseline, format = "table", output, title;
  std::vector<std::string> prices;  // SYSTEM=USD
  double cloud_rate = 0, hours_per_day = 24, electricity = 0;
};

struct TcoArgs {
  double price = 0, cloud_rate = 0, hours_per_day = 24, electricity = 0, power = 0;
  std::string system;
  bool json = false;
};

struct PtsArgs {
  std::string dir, file;
  std::vector<int64_t> runs;
};

struct CompareCommands {
  CLI::App *compare = nullptr, *report = nullptr, *tco = nullptr, *exporter = nullptr,
           *importer = nullptr;
  CompareArgs compare_args, report_args;
  TcoArgs tco_args;
  PtsArgs pts_args;
};

// Adds the five subcommands to `app`; `common` receives --db for tco, export and import.
void add_compare_commands(CLI::App& app, CompareCommands& cmds, Common& common);

// Runs the one of them that was parsed; -1 when none was.
int run_compare_commands(const CompareCommands& cmds, const Common& common);

// "4,380": a whole number with thousands separators, for amounts of money.
std::string grouped(double value);

}  // namespace benchlab_cli
