// SPDX-License-Identifier: MIT
// The finetune workload: runs the operator's training command (an Unsloth or Hugging Face
// Trainer script) and reads seconds per training step from its own log: tqdm's progress
// bar, the Trainer's log dicts and summary, Unsloth's banner (training_log.hpp). The
// time comes from the program rather than from the wall clock, because a run's wall time
// is mostly loading the model, which is not what a fine-tuning benchmark compares.
// This file is the glue to plugin.h.
#include <benchlab/ext/values.h>
#include <sys/stat.h>
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "training_log.hpp"

namespace {

using benchlab::common::values_extension;

namespace sdk = benchlab::sdk;
using sdk::failure;

constexpr char kInstallHint[] =
    "install unsloth: pip install unsloth, then give the training script: -o arg=python3 -o "
    "arg=train.py";
constexpr std::size_t kErrorLines = 15;
constexpr std::int64_t kMaxSteps = 1000000;

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "arg", BL_OPTION_STRING, BL_OPTION_REQUIRED | BL_OPTION_REPEATED,
     nullptr, nullptr, 0, 0,
     "The training program and its arguments, one value each, in order (python3, train.py)"},
    {sizeof(bl_option_desc), "env", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr, nullptr, 0, 0,
     "NAME=VALUE added to the training program's environment"},
    {sizeof(bl_option_desc), "workdir", BL_OPTION_STRING, 0, nullptr, nullptr, 0, 0,
     "Working directory of the training program; unset: the result's scratch directory"},
    {sizeof(bl_option_desc), "steps", BL_OPTION_INT, 0, "30", nullptr, 0, kMaxSteps,
     "Training steps the command runs; a trial that reaches fewer fails. 0: do not check"},
    {sizeof(bl_option_desc), "warmup_steps", BL_OPTION_INT, 0, "3", nullptr, 0, kMaxSteps,
     "First steps left out of seconds_per_step (compilation, caching, allocator warm-up)"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds_per_step", "s", BL_LOWER_IS_BETTER,
     "mean seconds per training step after warmup_steps, from tqdm's rate at each step", 0},
    {sizeof(bl_metric_desc), "steps", "steps", BL_HIGHER_IS_BETTER,
     "training steps the run reached", 0},
    {sizeof(bl_metric_desc), "train_runtime", "s", BL_LOWER_IS_BETTER,
     "the Trainer's train_runtime: the whole training loop, warm-up steps included",
     BL_METRIC_OPTIONAL},
    {sizeof(bl_metric_desc), "samples_per_second", "samples/s", BL_HIGHER_IS_BETTER,
     "the Trainer's train_samples_per_second", BL_METRIC_OPTIONAL},
    {sizeof(bl_metric_desc), "final_loss", "loss", BL_LOWER_IS_BETTER,
     "the training loss of the last Trainer log line", BL_METRIC_OPTIONAL},
};

struct Settings {
  std::vector<std::string> argv, env;
  std::string workdir;  // "" for the scratch directory
  std::uint64_t steps = 0, warmup_steps = 0;
};

Settings read_settings(const bl_host* host) {
  Settings s;
  s.argv = sdk::option_values(host, "arg");
  if (s.argv.empty() || s.argv.front().empty())
    throw sdk::invalid_option(
        "option arg is missing: give the training command one argument each, e.g. -o "
        "arg=python3 -o arg=train.py");
  s.env = sdk::option_values(host, "env");
  for (const std::string& entry : s.env)
    if (entry.find('=') == std::string::npos || entry.front() == '=')
      throw sdk::invalid_option("option env is '" + entry + "': give NAME=VALUE");
  // Python buffers stdout into a pipe in blocks, so the Trainer's lines would reach the
  // merged stream cut up among tqdm's unbuffered redraws on stderr; unbuffered, each line
  // arrives whole and in order. The operator's own setting wins.
  bool unbuffered_set = false;
  for (const std::string& entry : s.env) unbuffered_set |= entry.rfind("PYTHONUNBUFFERED=", 0) == 0;
  if (!unbuffered_set) s.env.emplace_back("PYTHONUNBUFFERED=1");
  s.workdir = sdk::option_string(host, "workdir");
  s.steps = static_cast<std::uint64_t>(sdk::option_int(host, "steps", 0, kMaxSteps));
  s.warmup_steps = static_cast<std::uint64_t>(sdk::option_int(host, "warmup_steps", 0, kMaxSteps));
  return s;
}

bool is_program(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Whether `program` would start: a path (relative ones from `cwd`) or a name on PATH.
bool program_found(const std::string& program, const std::string& cwd) {
  if (program.find('/') != std::string::npos)
    return is_program(program.front() == '/' || cwd.empty() ? program : cwd + "/" + program);
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const std::size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (is_program((dir.empty() ? std::string(".") : dir) + "/" + program)) return true;
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

std::string working_directory(const bl_host* host, const Settings& s) {
  if (!s.workdir.empty()) return s.workdir;
  return host->scratch_dir != nullptr ? host->scratch_dir : "";
}

// Checks the options, the working directory and that the training program is there.
int32_t setup(const bl_host* host) {
  const Settings s = read_settings(host);
  const std::string cwd = working_directory(host, s);
  struct stat st {};
  if (!s.workdir.empty() && (stat(s.workdir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
    throw sdk::invalid_option("option workdir is '" + s.workdir + "', which is not a directory");
  if (!program_found(s.argv.front(), cwd))
    throw sdk::cannot_run("the training program '" + s.argv.front() +
                          (s.argv.front().find('/') != std::string::npos
                               ? "' does not exist or is not executable ("
                               : "' is not on PATH (") +
                          kInstallHint + ")");
  if (s.steps != 0 && s.warmup_steps >= s.steps)
    throw sdk::invalid_option("warmup_steps=" + std::to_string(s.warmup_steps) +
                              " leaves none of steps=" + std::to_string(s.steps) +
                              " to measure: give fewer warmup_steps");
  return BL_OK;
}

// One trial: the training command, its stdout and stderr merged in the order written
// (tqdm draws on stderr, the Trainer prints on stdout) as the trial's output.
int32_t run(const bl_host* host) {
  const Settings s = read_settings(host);
  host->progress(host, -1, ("training: " + sdk::command_text(s.argv)).c_str());
  sdk::spawn_texts texts;
  texts.not_started = "cannot start '{program}' ({hint})";
  texts.hint = kInstallHint;
  const sdk::spawn_result done =
      sdk::spawn_checked(host,
                         {.argv = s.argv,
                          .env = s.env,
                          .cwd = s.workdir,
                          .flags = BL_SPAWN_STDOUT_TO_OUTPUT | BL_SPAWN_MERGE_STDERR},
                         texts);
  sdk::require_success(done, "the training command " + sdk::command_text(s.argv), {}, kErrorLines,
                       &finetune::closing_lines);
  if (done.truncated)
    host->log(host, BL_LOG_WARN,
              "the training command printed more than the host captures; its log was cut");
  return BL_OK;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// The log to figures: fails the trial without steps, with fewer steps than `steps`, or
// with every step inside the warm-up.
int32_t parse(const bl_host* host, std::string_view log) {
  const Settings s = read_settings(host);
  const finetune::TrainingLog read = finetune::read_training_log(log);
  const finetune::FiguresOrReason result =
      finetune::training_figures(read, s.steps, s.warmup_steps);
  if (!result.figures) {
    const std::string tail = finetune::closing_lines(log, kErrorLines);
    throw failure(BL_ERROR, result.reason + (tail.empty() ? "; it printed nothing"
                                                          : "; its last lines:\n" + tail));
  }
  const finetune::TrainingFigures& f = *result.figures;
  if (s.steps != 0 && f.steps < s.steps)
    throw failure(BL_ERROR, "the run stopped at step " + std::to_string(f.steps) + " of " +
                                std::to_string(s.steps) +
                                " (option steps): did it fail, or does the script train fewer "
                                "steps (max_steps)?; its last lines:\n" +
                                finetune::closing_lines(log, kErrorLines));
  if (s.steps != 0 && f.total != 0 && f.total != s.steps)
    host->log(host, BL_LOG_WARN,
              ("the training bar counts " + std::to_string(f.total) + " steps, option steps is " +
               std::to_string(s.steps) + ": is max_steps in the script the same?")
                  .c_str());

  if (f.source == finetune::StepTimeSource::tqdm_rate) {
    if (const bl_host_values_ext* values = values_extension(host))
      if (values->report_values(host, "seconds_per_step", f.step_seconds.data(),
                                static_cast<std::uint32_t>(f.step_seconds.size())) != BL_OK)
        throw failure(BL_ERROR, "the host refused the per-step values of seconds_per_step");
    host->log(host, BL_LOG_INFO,
              ("seconds_per_step " + fixed(f.seconds_per_step, 4) + ": mean of tqdm's rate at " +
               std::to_string(f.step_seconds.size()) + " steps from step " +
               std::to_string(f.first_measured_step) + " of " + std::to_string(f.steps))
                  .c_str());
  } else {
    host->log(host, BL_LOG_WARN,
              ("no tqdm rate in the log: seconds_per_step " + fixed(f.seconds_per_step, 4) +
               " is train_runtime / steps, warm-up steps included")
                  .c_str());
  }
  sdk::report_metric(host, "seconds_per_step", f.seconds_per_step);
  sdk::report_metric(host, "steps", static_cast<double>(f.steps));
  if (f.train_runtime) sdk::report_metric(host, "train_runtime", *f.train_runtime);
  if (f.samples_per_second) sdk::report_metric(host, "samples_per_second", *f.samples_per_second);
  if (f.final_loss) sdk::report_metric(host, "final_loss", *f.final_loss);
  return BL_OK;
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the finetune plugin",
    .unknown = "unknown exception in the finetune plugin",
};
using Entry = sdk::entry_points<sdk::host_instance, kGuard>;

int32_t parse_log(sdk::host_instance& self, std::string_view log) { return parse(self.host, log); }

const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    0,
    nullptr,
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    Entry::parse<parse_log>,
    nullptr,
    nullptr,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "finetune", "1.0.0",
    "Runs a training command (Unsloth, Hugging Face Trainer) and reads seconds per step from its "
    "log",
    "benchlab", kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
