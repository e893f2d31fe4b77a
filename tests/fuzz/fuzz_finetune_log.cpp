// SPDX-License-Identifier: MIT
// Fuzz target: the finetune workload's training-log reader
// (plugins/workloads/finetune/training_log.hpp), which reads whatever the operator's
// training command prints. The input is the log; its length picks the warm-up. Checked:
// bars never go back and never pass their total, rates are finite and positive, figures
// are finite and count no more steps than the run reached, a log without figures has a
// reason, and '\r' reads as '\n' (tqdm's redraws are lines too).
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "../../plugins/workloads/finetune/training_log.hpp"
#include "fuzz_check.h"

namespace {

void check_figures(const finetune::FiguresOrReason& result, std::uint64_t warmup) {
  if (!result.figures) {
    FUZZ_CHECK(!result.reason.empty());
    return;
  }
  const finetune::TrainingFigures& f = *result.figures;
  FUZZ_CHECK(f.steps > 0);
  FUZZ_CHECK(std::isfinite(f.seconds_per_step) && f.seconds_per_step > 0);
  FUZZ_CHECK(f.step_seconds.size() <= f.steps);
  double sum = 0;
  for (const double s : f.step_seconds) {
    FUZZ_CHECK(std::isfinite(s) && s > 0);
    sum += s;
  }
  if (!f.step_seconds.empty()) {
    FUZZ_CHECK(f.first_measured_step > warmup);
    const double mean = sum / static_cast<double>(f.step_seconds.size());
    FUZZ_CHECK(std::fabs(mean - f.seconds_per_step) <= 1e-9 * mean);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::uint64_t warmup = size % 5;

  const finetune::TrainingLog log = finetune::read_training_log(input);
  for (const finetune::ProgressBar& bar : log.bars) {
    FUZZ_CHECK(!bar.updates.empty());
    std::uint64_t last = 0;
    for (const finetune::ProgressUpdate& u : bar.updates) {
      FUZZ_CHECK(u.total == bar.total && u.step <= u.total && u.step >= last);
      FUZZ_CHECK(std::isfinite(u.elapsed_s) && u.elapsed_s >= 0);
      if (u.seconds_per_step)
        FUZZ_CHECK(std::isfinite(*u.seconds_per_step) && *u.seconds_per_step > 0);
      last = u.step;
    }
  }
  for (const double loss : log.losses) FUZZ_CHECK(std::isfinite(loss));

  const finetune::FiguresOrReason result = finetune::training_figures(log, 30, warmup);
  check_figures(result, warmup);

  std::string lines(input);
  for (char& c : lines)
    if (c == '\r') c = '\n';
  const finetune::FiguresOrReason same =
      finetune::training_figures(finetune::read_training_log(lines), 30, warmup);
  FUZZ_CHECK(same.figures.has_value() == result.figures.has_value());
  if (same.figures) {
    FUZZ_CHECK(same.figures->steps == result.figures->steps);
    FUZZ_CHECK(same.figures->seconds_per_step == result.figures->seconds_per_step);
    FUZZ_CHECK(same.figures->step_seconds == result.figures->step_seconds);
  }

  const std::string closing = finetune::closing_lines(input, 5);
  std::size_t newlines = 0;
  for (const char c : closing) newlines += c == '\n' ? 1 : 0;
  FUZZ_CHECK(newlines <= 4 && closing.find('\r') == std::string::npos);
  return 0;
}
