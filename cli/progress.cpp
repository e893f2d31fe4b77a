// SPDX-License-Identifier: MIT
#include "progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "results_table.h"

namespace benchlab_cli {

std::string format_duration(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  auto total = static_cast<long>(s + 0.5);
  if (total < 3600) return fmt::format("{}m {:02}s", total / 60, total % 60);
  return fmt::format("{}h {:02}m", total / 3600, (total % 3600) / 60);
}

Progress::Progress(std::FILE* out, bool tty, bool quiet) : out_(out), tty_(tty), quiet_(quiet) {
  if (!tty_ || quiet_) return;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_; }))
      if (in_trial_) redraw(now_elapsed_ns());
  });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::uint64_t Progress::now_elapsed_ns() const {
  auto since = std::chrono::steady_clock::now() - last_event_at_;
  return last_event_ns_ + static_cast<std::uint64_t>(
                              std::chrono::duration_cast<std::chrono::nanoseconds>(since).count());
}

void Progress::redraw(std::uint64_t now_ns) {
  if (!tty_ || quiet_) return;
  double elapsed = double(now_ns - result_start_ns_) / 1e9;
  std::string eta;
  if (trials_done_ > 0 && planned_ > trials_done_) {
    double per = double(trials_ns_) / 1e9 / trials_done_;
    double left = per * (planned_ - trials_done_) - double(now_ns - trial_start_ns_) / 1e9;
    eta = "  ETA " + format_duration(std::max(left, 0.0));
  }
  std::string frac = fraction_ >= 0 ? fmt::format(" {:3.0f}%", fraction_ * 100) : "";
  std::string line = fmt::format("[{}/{}] {}  trial {}/{}{}{}  {}{}{}", index_, total_, test_,
                                 trial_, planned_, warmup_ ? " (warm-up)" : "", frac,
                                 format_duration(elapsed), eta, note_.empty() ? "" : "  " + note_);
  if (line.size() > 118) line = line.substr(0, 117) + "…";
  fmt::print(out_, "\r\033[K{}", line);
  std::fflush(out_);
  line_drawn_ = true;
}

void Progress::clear_line() {
  if (line_drawn_) fmt::print(out_, "\r\033[K");
  line_drawn_ = false;
  std::fflush(out_);
}

void Progress::finish() {
  std::lock_guard lock(mu_);
  in_trial_ = false;
  clear_line();
}

void Progress::on_event(const benchlab_event& ev) {
  std::lock_guard lock(mu_);
  last_event_ns_ = ev.elapsed_ns;
  last_event_at_ = std::chrono::steady_clock::now();
  switch (ev.type) {
    case BENCHLAB_EV_PLAN:
      if (!quiet_)
        fmt::print(out_, "Run {}: {} test{} to run\n", ev.run_id, ev.total,
                   ev.total == 1 ? "" : "s");
      break;
    case BENCHLAB_EV_RESULT_BEGIN:
      result_start_ns_ = ev.elapsed_ns;
      trials_ns_ = 0;
      trials_done_ = 0;
      if (!tty_ && !quiet_)
        fmt::print(out_, "[{}/{}] {} ({})\n", ev.index, ev.total, ev.test,
                   ev.options && *ev.options ? ev.options : "defaults");
      break;
    case BENCHLAB_EV_TRIAL_BEGIN:
      trial_start_ns_ = ev.elapsed_ns;
      fraction_ = -1;
      note_.clear();
      test_ = ev.test ? ev.test : "";
      index_ = ev.index;
      total_ = ev.total;
      trial_ = ev.trial;
      planned_ = ev.trials_planned;
      warmup_ = ev.warmup;
      in_trial_ = true;
      redraw(ev.elapsed_ns);
      break;
    case BENCHLAB_EV_PROGRESS:
      fraction_ = ev.value;
      if (ev.message && *ev.message) note_ = ev.message;  // a bare fraction keeps the note
      redraw(ev.elapsed_ns);
      break;
    case BENCHLAB_EV_TRIAL_END:
      in_trial_ = false;
      trials_ns_ += ev.elapsed_ns - trial_start_ns_;
      ++trials_done_;
      if (!tty_ && !quiet_) {
        fmt::print(out_, "  trial {}/{}{}: {} in {}\n", ev.trial, ev.trials_planned,
                   ev.warmup ? " (warm-up)" : "",
                   ev.status == BENCHLAB_STATUS_OK
                       ? format_value(ev.value)
                       : std::string("failed: ") + (ev.message ? ev.message : ""),
                   format_duration(double(ev.elapsed_ns - trial_start_ns_) / 1e9));
      } else if (ev.status != BENCHLAB_STATUS_OK && !quiet_) {
        clear_line();
        fmt::print(out_, "  trial {} failed: {}\n", ev.trial, ev.message ? ev.message : "");
      }
      break;
    case BENCHLAB_EV_RESULT_END: {
      clear_line();
      if (quiet_) break;
      const char* what = ev.status == BENCHLAB_STATUS_OK           ? "done"
                         : ev.status == BENCHLAB_STATUS_CANNOT_RUN ? "cannot run"
                         : ev.status == BENCHLAB_STATUS_PARTIAL    ? "partly failed"
                                                                   : "FAILED";
      std::string reason = ev.message && *ev.message ? ": " + std::string(ev.message) : "";
      fmt::print(out_, "[{}/{}] {} {} in {}{}\n", ev.index, ev.total, ev.test, what,
                 format_duration(double(ev.elapsed_ns - result_start_ns_) / 1e9), reason);
      break;
    }
    case BENCHLAB_EV_LOG:
      if (!quiet_ && ev.message) {
        clear_line();
        fmt::print(out_, "  {}: {}\n", ev.test && *ev.test ? ev.test : "benchlab", ev.message);
      }
      break;
  }
}

}  // namespace benchlab_cli
