// SPDX-License-Identifier: MIT
// benchlab-worker --validate FILE [--timeout SECONDS] [--no-dry-run]: everything a plugin
// author should hear about one plugin file, as findings (error, warning, note), for
// `benchlab plugin validate` (core/src/plugin_validate.h reads them).
//
// The worker loads the file, checks the descriptor field by field (where the loader
// stops at the first problem, this goes on and names every one), then makes a dry run in
// a forked process of its own: a workload's create() with the declared defaults and
// destroy(), or a probe's open(), channels(), one sample() and close(), each call under
// the timeout, so that a crash or hang is a finding naming the call. The checks are in
// descriptor_checks.h, the dry run in plugin_dry_run.h, the findings' channel in
// validation_report.h.
//
// It writes one JSON object a line to its stdout (fd 1 points at stderr while plugin code
// runs): {"step": "dlopen"} before each stage whose crash or hang the core must be able to
// name, {"plugin": {...}} once the descriptor is read, {"finding": {"severity", "field",
// "message"}} for each finding, and {"end": true} when it is done.
#pragma once

#include <string>

namespace benchlab::worker {

struct ValidateOptions {
  std::string file;
  double timeout_s = 10;  // per call of the dry run
  bool dry_run = true;
};

// Does not return: ends the process with status 0 once {"end": true} is written.
[[noreturn]] void validate_plugin_file(const ValidateOptions& options);

}  // namespace benchlab::worker
