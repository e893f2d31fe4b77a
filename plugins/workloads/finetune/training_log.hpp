// SPDX-License-Identifier: MIT
// What a fine-tuning run prints about itself: tqdm's progress bar (the Hugging Face
// Trainer's and Unsloth's), the Trainer's per-step log dicts and its closing summary, and
// Unsloth's banner. Plain C++ without plugin.h, so the unit tests and the fuzz target read
// captured logs exactly as the plugin does. The log is stdout and stderr as the program
// wrote them: tqdm redraws its bar with '\r', so both '\r' and '\n' end a line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finetune {

// One redraw of a tqdm bar: "  40%|████      | 12/30 [00:31<00:46,  2.58s/it]".
struct ProgressUpdate {
  std::uint64_t step = 0, total = 0;  // "12/30"
  // tqdm's rate as seconds per step: "2.58s/it" is 2.58, "2.31it/s" is 1/2.31; nullopt
  // for "?it/s" (the first redraw, before any step has finished).
  std::optional<double> seconds_per_step;
  double elapsed_s = 0;  // "[00:31<": whole seconds since the bar started
};

// One progress bar: every redraw with the same description and total, until its step
// count goes back (a new bar of the same kind, e.g. the next evaluation).
struct ProgressBar {
  std::string description;  // "Loading checkpoint shards"; "" for the Trainer's bars
  std::uint64_t total = 0;
  std::vector<ProgressUpdate> updates;  // in the order printed; steps never decrease
};

// Unsloth's banner, printed when training starts; fields it did not print stay nullopt.
struct UnslothBanner {
  std::optional<std::uint64_t> examples, epochs, total_steps, batch_size_per_device,
      gradient_accumulation_steps, total_batch_size, trainable_parameters, parameters;
};

// Everything the log says, in the order it said it.
struct TrainingLog {
  std::vector<ProgressBar> bars;  // only bars counted in steps ("it"), not "examples/s"
  UnslothBanner banner;
  bool saw_banner = false;
  std::vector<double> losses;  // 'loss' of every Trainer log dict, in order
  // The Trainer's closing dict: {'train_runtime': 78.12, 'train_samples_per_second': ...}.
  std::optional<double> train_runtime, train_samples_per_second, train_steps_per_second, train_loss;
};

// Reads a whole log. Never throws on any input but std::bad_alloc.
TrainingLog read_training_log(std::string_view log);

// The training bar: the last bar whose total is Unsloth's "Total steps" (when the banner
// gave it) or else `expected_steps` (when not 0); failing that, the bar without a
// description that went furthest: the Trainer names its bars with nothing, while the bars
// of loading ("Loading checkpoint shards") are named and are never taken for training
// unless their total is the one wanted. nullptr: no such bar.
const ProgressBar* training_bar(const TrainingLog& log, std::uint64_t expected_steps);

// Where seconds_per_step came from.
enum class StepTimeSource {
  tqdm_rate,      // tqdm's rate at each step, steps after the warm-up (the preferred one)
  train_runtime,  // the Trainer's train_runtime / steps: no bar, warm-up included
};

// The figures of one training run.
struct TrainingFigures {
  std::uint64_t steps = 0;  // steps the run reached (last step of the training bar)
  std::uint64_t total = 0;  // steps it meant to run (the bar's total), 0 when unknown
  double seconds_per_step = 0;
  StepTimeSource source = StepTimeSource::tqdm_rate;
  // Seconds of every step after the warm-up that has a tqdm rate, in step order (empty
  // with StepTimeSource::train_runtime); seconds_per_step is their mean.
  std::vector<double> step_seconds;
  std::uint64_t first_measured_step = 0;  // the step of step_seconds[0]
  std::optional<double> train_runtime, samples_per_second, final_loss;
};

// The figures, or the reason there are none (a text for a failed trial): no step lines at
// all, or every step within the warm-up. `warmup_steps` steps are left out of
// seconds_per_step: the first steps include compilation and caching. Each step between two
// redraws takes the rate of the later redraw (tqdm skips redraws of fast steps), so every
// step after the warm-up has one value.
struct FiguresOrReason {
  std::optional<TrainingFigures> figures;
  std::string reason;
};
FiguresOrReason training_figures(const TrainingLog& log, std::uint64_t expected_steps,
                                 std::uint64_t warmup_steps);

// The last `count` non-empty lines of `log`, each '\r'-redrawn line reduced to what was
// drawn last: what to quote when a run fails.
std::string closing_lines(std::string_view log, std::size_t count);

}  // namespace finetune
