// SPDX-License-Identifier: MIT
// The serve-load plugin's options: their descriptors and their reading into a LoadSpec.
#ifndef SERVE_LOAD_SERVE_LOAD_OPTIONS_HPP
#define SERVE_LOAD_SERVE_LOAD_OPTIONS_HPP

#include <benchlab/plugin.h>

#include <array>
#include <string>
#include <vector>

#include "serve-load/load_spec.hpp"
#include "serve-load/trial_summary.hpp"

namespace serve_load {

inline constexpr std::size_t kOptionCount = 19;
extern const std::array<bl_option_desc, kOptionCount> kOptionDescriptors;

// Everything a trial needs from the options.
struct PluginConfig {
  LoadSpec spec;  // model empty when the server is to be asked
  Slo slo;
  std::vector<std::string> server_argv;  // empty: the server is already running
  double server_timeout_s = 300;
  std::string api_key_env;  // the variable's name, for messages; never its value
};

// Reads and checks every option (throws benchlab::sdk::invalid_option naming the option
// and what it accepts); reads the prompts file and the API key's variable.
PluginConfig read_config(const bl_host* host);

}  // namespace serve_load

#endif
