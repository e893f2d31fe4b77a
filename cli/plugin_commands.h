// SPDX-License-Identifier: MIT
// `benchlab plugin validate FILE...`: what is wrong with a plugin file, for its author.
// Uses only benchlab.h (benchlab_validate_plugin()).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "context.h"

namespace benchlab_cli {

struct PluginCommands {
  CLI::App *plugin = nullptr, *validate = nullptr;
  std::vector<std::string> files;
  bool json = false, no_dry_run = false;
  double timeout = 10;
};

// Adds `plugin` and its subcommand `validate` to `app`.
void add_plugin_commands(CLI::App& app, PluginCommands& cmds);

// Runs the one that was parsed; -1 when none was. Exit status: 0 no file has an error,
// 1 some file has one, 2 bad usage or a file that does not exist, 4 the check could not
// be made.
int run_plugin_commands(const PluginCommands& cmds, const Common& common);

}  // namespace benchlab_cli
