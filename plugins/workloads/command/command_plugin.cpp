// SPDX-License-Identifier: MIT
// The `command` workload: runs any program by argv and reads its metrics from its output
// with rules given as options, so a profile wraps a benchmark program without code.
// This file is the glue to plugin.h; rules, placeholders and option checks live in their
// own plain C++ files.
#include <sys/stat.h>
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "command_config.hpp"
#include "program_lookup.hpp"
#include "rule.hpp"
#include "text_tail.hpp"

namespace {

using namespace benchlab::command;
namespace sdk = benchlab::sdk;

constexpr double kMaxTimeoutS = 7 * 24 * 3600.0;

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "arg", BL_OPTION_STRING, BL_OPTION_REQUIRED | BL_OPTION_REPEATED,
     nullptr, nullptr, 0, 0,
     "The program and its arguments, one value each, in order; placeholders {scratch}, "
     "{cache}, {data}, {nproc}"},
    {sizeof(bl_option_desc), "rule", BL_OPTION_STRING, BL_OPTION_REQUIRED | BL_OPTION_REPEATED,
     nullptr, nullptr, 0, 0,
     "One metric each: name=NAME unit=UNIT direction=lower|higher [scale=F] "
     "[source=stdout|stderr|wall] [match=first|last|all-sum|all-mean] regex=REGEX"},
    {sizeof(bl_option_desc), "env", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr, nullptr, 0, 0,
     "NAME=VALUE added to the environment of every program run"},
    {sizeof(bl_option_desc), "setup_arg", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr, nullptr, 0,
     0, "A program and arguments run once before the trials (e.g. to generate inputs)"},
    {sizeof(bl_option_desc), "teardown_arg", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr, nullptr,
     0, 0, "A program and arguments run once after the last trial"},
    {sizeof(bl_option_desc), "timeout", BL_OPTION_FLOAT, 0, "0", nullptr, 0, kMaxTimeoutS,
     "Seconds the program may run per trial before it is killed; 0: no limit of its own"},
    {sizeof(bl_option_desc), "expect_exit", BL_OPTION_INT, 0, "0", nullptr, 0, 255,
     "Exit status of a successful run; any other fails the trial"},
    {sizeof(bl_option_desc), "cwd", BL_OPTION_STRING, 0, "{scratch}", nullptr, 0, 0,
     "Working directory of the programs"},
    {sizeof(bl_option_desc), "stdin", BL_OPTION_STRING, 0, nullptr, nullptr, 0, 0,
     "File fed to the program's stdin; unset: /dev/null"},
    {sizeof(bl_option_desc), "hint", BL_OPTION_STRING, 0, nullptr, nullptr, 0, 0,
     "What to do when the program is missing, e.g. \"apt-get install mbw\""},
};

struct Instance {
  const bl_host* host = nullptr;
  std::optional<CommandConfig> config;  // loaded by the phase that needs it
};

int32_t fail_with(const bl_host* host, int32_t status, const std::string& message) {
  host->set_error(host, message.c_str());
  return status;
}

// Every entry point runs inside sdk::guarded: nothing may unwind into the host.
constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory",
    .unknown = "unexpected exception in the command plugin",
};
// The program's stderr is the trial's error output, handed to parse_streams(): ABI 1.1.
using Entry = sdk::entry_points<Instance, kGuard, sdk::host_size_1_1>;

std::optional<std::string> text_or_none(const char* s) {
  return s ? std::optional<std::string>(s) : std::nullopt;
}

RawOptions read_options(const bl_host* host) {
  RawOptions raw;
  raw.arg = sdk::option_values(host, "arg");
  raw.env = sdk::option_values(host, "env");
  raw.setup_arg = sdk::option_values(host, "setup_arg");
  raw.teardown_arg = sdk::option_values(host, "teardown_arg");
  raw.rule = sdk::option_values(host, "rule");
  raw.timeout = sdk::option(host, "timeout");
  raw.expect_exit = sdk::option(host, "expect_exit");
  raw.cwd = sdk::option(host, "cwd");
  raw.stdin_path = sdk::option(host, "stdin");
  raw.hint = sdk::option(host, "hint");
  return raw;
}

PlaceholderValues placeholder_values(const bl_host* host) {
  PlaceholderValues v;
  v.scratch = text_or_none(host->scratch_dir);
  v.cache = text_or_none(host->cache_dir);
  v.data = text_or_none(host->data_dir);
  v.nproc = host->cpu_count > 0 ? host->cpu_count : 1;
  return v;
}

// Loads the options into inst.config; BL_INVALID_ARGUMENT with the reason when they are bad.
int32_t load_config(Instance& inst) {
  if (inst.config) return BL_OK;
  auto config = make_config(read_options(inst.host), placeholder_values(inst.host));
  if (!config) return fail_with(inst.host, BL_INVALID_ARGUMENT, config.error());
  inst.config = std::move(config).value();
  return BL_OK;
}

std::string search_path() {
  if (const char* path = std::getenv("PATH")) return path;
  // POSIX's default search path for a process without PATH.
  const std::size_t n = confstr(_CS_PATH, nullptr, 0);
  std::string path(n, '\0');
  if (n > 0) confstr(_CS_PATH, path.data(), n);
  path.resize(n > 0 ? n - 1 : 0);
  return path;
}

// BL_CANNOT_RUN naming the program and the profile's hint, or BL_OK when it is there.
int32_t check_program(const Instance& inst, const std::string& program, std::string_view role) {
  const CommandConfig& c = *inst.config;
  if (find_program(program, search_path(), c.cwd)) return BL_OK;
  std::string msg = program.find('/') != std::string::npos
                        ? std::string(role) + program + " does not exist or is not executable"
                        : std::string(role) + program + " not found on PATH";
  if (!c.hint.empty()) msg += " (hint: " + c.hint + ")";
  return fail_with(inst.host, BL_CANNOT_RUN, msg);
}

// "2 s", "0.25 s": a timeout as a person wrote it.
std::string seconds_text(uint64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(ms) / 1000.0);
  return text;
}

// What a failed program printed last: stderr says why a program failed, and when it is
// silent, stdout may.
std::string failure_tail(std::string_view out, std::string_view err) {
  const auto blank = [](std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
  };
  if (!blank(err)) return describe_tail("stderr", err);
  if (!blank(out)) return " (stderr was empty; last lines of stdout: " + last_lines(out) + ")";
  return " (it printed nothing)";
}

struct SpawnRequest {
  const std::vector<std::string>* argv = nullptr;
  uint64_t timeout_ms = 0;
  const char* stdin_path = nullptr;
  uint32_t flags = 0;
  int expect_exit = 0;
  std::string_view role;  // "" for the measured program, "setup_arg " / "teardown_arg "
};

// Runs a program through the host and turns every way it can go wrong into a status with
// a reason: not started, cancelled, timed out, killed by a signal, or an unexpected exit.
int32_t spawn_checked(const Instance& inst, const SpawnRequest& req, sdk::spawn_result& res) {
  const bl_host* host = inst.host;
  const CommandConfig& c = *inst.config;
  res = sdk::spawn(host, {.argv = *req.argv,
                          .env = c.env,
                          .cwd = c.cwd,
                          .timeout_ms = req.timeout_ms,
                          .stdin_path = req.stdin_path ? req.stdin_path : "",
                          .flags = req.flags});

  const std::string what = std::string(req.role) + describe_argv(*req.argv);
  const std::string tail = failure_tail(res.out, res.err);
  switch (res.status) {
    case BL_OK:
      break;
    case BL_CANCELLED:
      return fail_with(host, BL_CANCELLED, what + " was stopped: the phase was cancelled");
    case BL_TIMEOUT:
      return fail_with(host, BL_TIMEOUT,
                       what + " ran past its timeout of " + seconds_text(req.timeout_ms) +
                           " and was killed" + tail);
    case BL_ERROR:
      // The host has given the reason (e.g. no such working directory) with set_error.
      host->log(host, BL_LOG_ERROR, ("could not start " + what).c_str());
      return BL_ERROR;
    default:
      return res.status;
  }
  if (res.term_signal != 0)
    return fail_with(host, BL_ERROR,
                     what + " was killed by signal " + std::to_string(res.term_signal) + " (" +
                         strsignal(res.term_signal) + ")" + tail);
  if (res.exit_code != req.expect_exit)
    return fail_with(host, BL_ERROR,
                     what + " exited with status " + std::to_string(res.exit_code) + ", expected " +
                         std::to_string(req.expect_exit) + tail);
  if (res.truncated)
    host->log(
        host, BL_LOG_WARN,
        (what + " printed more than the host captures; only the first bytes are kept").c_str());
  return BL_OK;
}

// ---- Entry points (wrapped by Entry in the descriptor) ----

int32_t setup(Instance& inst) {
  if (int32_t st = load_config(inst); st != BL_OK) return st;
  const CommandConfig& c = *inst.config;
  struct stat st {};
  if (stat(c.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return fail_with(inst.host, BL_INVALID_ARGUMENT, "cwd '" + c.cwd + "' is not a directory");
  if (!c.setup_argv.empty()) {
    if (int32_t s = check_program(inst, c.setup_argv.front(), "setup_arg program "); s != BL_OK)
      return s;
    inst.host->progress(inst.host, -1, ("setup: " + describe_argv(c.setup_argv)).c_str());
    sdk::spawn_result res;
    SpawnRequest req;
    req.argv = &c.setup_argv;
    req.role = "setup_arg ";
    if (int32_t s = spawn_checked(inst, req, res); s != BL_OK) return s;
  }
  // After setup_arg, which may be what builds the program or its stdin file.
  if (int32_t s = check_program(inst, c.argv.front(), ""); s != BL_OK) return s;
  if (c.stdin_path && access(c.stdin_path->c_str(), R_OK) != 0)
    return fail_with(inst.host, BL_INVALID_ARGUMENT,
                     "stdin file '" + *c.stdin_path + "' does not exist or is not readable");
  return BL_OK;
}

int32_t run(Instance& inst) {
  if (int32_t st = load_config(inst); st != BL_OK) return st;
  const CommandConfig& c = *inst.config;
  const bl_host* host = inst.host;
  for (std::size_t i = 0; i < c.rules.size(); ++i) {
    const Rule& r = c.rules[i];
    if (host->declare_metric(host, r.name.c_str(), r.unit.c_str(),
                             static_cast<int32_t>(r.direction)) != BL_OK)
      return fail_with(host, BL_INVALID_ARGUMENT,
                       "rule " + std::to_string(i + 1) + ": the host refused metric '" + r.name +
                           "' [" + r.unit + "] (is the name taken with another unit?)");
  }

  SpawnRequest req;
  req.argv = &c.argv;
  req.timeout_ms = c.timeout_s > 0
                       ? std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(c.timeout_s * 1e3)))
                       : 0;
  req.stdin_path = c.stdin_path ? c.stdin_path->c_str() : nullptr;
  // stdout becomes the trial's output and stderr its error output, both stored as the
  // program printed them and handed to parse_streams() apart.
  req.flags = BL_SPAWN_STDOUT_TO_OUTPUT | BL_SPAWN_STDERR_TO_ERROR_OUTPUT;
  req.expect_exit = c.expect_exit;
  host->progress(host, -1, ("running " + c.argv.front()).c_str());
  sdk::spawn_result res;
  if (int32_t s = spawn_checked(inst, req, res); s != BL_OK) return s;

  for (const Rule& r : c.rules)
    if (r.source == Source::wall &&
        host->report_metric(host, r.name.c_str(), wall_value(r, res.wall_ns)) != BL_OK)
      return fail_with(host, BL_ERROR, "rule " + r.name + ": the host refused its value");
  return BL_OK;
}

// The program's stdout and stderr, as run() had the host keep them.
int32_t parse(Instance& inst, std::string_view out, std::string_view err) {
  if (int32_t st = load_config(inst); st != BL_OK) return st;
  const CommandConfig& c = *inst.config;
  for (const Rule& r : c.rules) {
    if (r.source == Source::wall) continue;  // reported by run()
    auto value = apply_rule(r, r.source == Source::stderr_text ? err : out);
    if (!value) return fail_with(inst.host, BL_ERROR, value.error());
    if (inst.host->report_metric(inst.host, r.name.c_str(), value.value()) != BL_OK)
      return fail_with(
          inst.host, BL_ERROR,
          "rule " + r.name + ": the host refused its value " + std::to_string(value.value()));
  }
  return BL_OK;
}

int32_t teardown(Instance& inst) {
  // Without teardown_arg there is nothing to do, whatever the other options say.
  if (inst.host->option_count(inst.host, "teardown_arg") == 0) return BL_OK;
  if (int32_t st = load_config(inst); st != BL_OK) return st;
  const CommandConfig& c = *inst.config;
  if (int32_t s = check_program(inst, c.teardown_argv.front(), "teardown_arg program "); s != BL_OK)
    return s == BL_CANNOT_RUN ? BL_ERROR : s;  // too late to call the result "cannot run"
  sdk::spawn_result res;
  SpawnRequest req;
  req.argv = &c.teardown_argv;
  req.role = "teardown_arg ";
  return spawn_checked(inst, req, res);
}

const bl_workload kWorkload = {
    sizeof(bl_workload),
    BL_WORKLOAD_DYNAMIC_METRICS,
    static_cast<uint32_t>(sizeof kOptions / sizeof kOptions[0]),
    kOptions,
    0,
    nullptr,
    0,
    nullptr,
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,  // parse: parse_streams instead, with stdout and stderr apart (ABI 1.1)
    Entry::call<teardown>,
    Entry::parse_streams<parse>,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "command", "1.0.0", "Runs any program by argv and reads its metrics from its output by rules",
    "benchlab", kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
