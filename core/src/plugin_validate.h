// SPDX-License-Identifier: MIT
// `benchlab plugin validate FILE`: what is wrong with a plugin file, in findings a plugin
// author can act on. The core reads the file's ELF header itself and leaves everything
// that runs the plugin's code to `benchlab-worker --validate` (core/worker/plugin_validate.h):
// it reads the worker's findings, and turns a worker that crashed, hung or exited while
// loading the plugin into a finding that names the stage. docs/plugin-validate.md lists
// every check and the JSON shape.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace benchlab {

struct ValidationFinding {
  std::string severity;  // "error", "warning" or "note"
  std::string field;     // the descriptor field or the call, e.g. "workload.options[1].type"
  std::string message;   // what is wrong and what to do
};

struct ValidatedPlugin {
  std::string id, version;
  std::int32_t kind = 0;
  std::uint32_t abi_major = 0, abi_minor = 0;
};

struct PluginValidation {
  std::filesystem::path file;
  std::optional<ValidatedPlugin> plugin;  // once its descriptor could be read
  std::vector<ValidationFinding> findings;
  std::size_t count(const char* severity) const;
};

struct ValidationLimits {
  double timeout_s = 10;  // loading the file, and each call of the dry run
  bool dry_run = true;
};

// Checks `file` with the worker at `worker`. Throws std::runtime_error when the check
// itself cannot be made (the worker cannot be started or misbehaves on its own).
PluginValidation validate_plugin_file(const std::filesystem::path& worker,
                                      const std::filesystem::path& file,
                                      const ValidationLimits& limits);

// {"file", "plugin": {...} or null, "errors", "warnings", "notes", "findings": [...]}
std::string validation_to_json(const PluginValidation& v);

}  // namespace benchlab
