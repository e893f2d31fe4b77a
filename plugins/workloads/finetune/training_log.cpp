// SPDX-License-Identifier: MIT
// Reads a fine-tuning run's log (training_log.hpp). Hand-written scanners rather than
// regular expressions: the log is outside input of any length, and std::regex recurses
// per character, which a long line turns into a stack overflow.
#include "training_log.hpp"

#include <algorithm>
#include <benchlab_common/text.hpp>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <map>
#include <tuple>
#include <utility>

namespace finetune {

namespace {

using benchlab::common::trim;

// Bars longer than this are not training runs of this benchmark (and the host keeps at
// most about a million values per trial): the bound keeps a hostile log's cost linear.
constexpr std::uint64_t kMaxSteps = 1000000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Position of `key` in `text` ignoring ASCII case, or npos.
std::size_t find_nocase(std::string_view text, std::string_view key) {
  if (key.size() > text.size()) return std::string_view::npos;
  for (std::size_t i = 0; i + key.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < key.size() && lower(text[i + k]) == lower(key[k])) ++k;
    if (k == key.size()) return i;
  }
  return std::string_view::npos;
}

// A whole number at the start of `text`, digits with optional thousands commas
// ("20,918,738,496"); advances `text` past it. nullopt when none or too large.
std::optional<std::uint64_t> take_count(std::string_view& text) {
  std::uint64_t value = 0;
  std::size_t i = 0, digits = 0;
  while (i < text.size() && (is_digit(text[i]) || (text[i] == ',' && digits > 0 &&
                                                   i + 1 < text.size() && is_digit(text[i + 1])))) {
    if (text[i] != ',') {
      if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
      value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
      ++digits;
    }
    ++i;
  }
  if (digits == 0) return std::nullopt;
  text.remove_prefix(i);
  return value;
}

// A finite decimal number filling all of `text`.
std::optional<double> whole_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

// "00:31", "1:02:03": tqdm's format_interval, [H:]MM:SS.
std::optional<double> interval_seconds(std::string_view text) {
  double seconds = 0;
  int fields = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    std::uint64_t field = 0;
    while (i < text.size() && is_digit(text[i]) && i < 9)
      field = field * 10 + static_cast<std::uint64_t>(text[i++] - '0');
    if (i == 0 || ++fields > 3) return std::nullopt;
    seconds = seconds * 60 + static_cast<double>(field);
    text.remove_prefix(i);
    if (text.empty()) break;
    if (text.front() != ':') return std::nullopt;
    text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
  }
  if (fields == 0) return std::nullopt;
  return seconds;
}

// tqdm's SI prefixes of format_sizeof (unit_scale=True): "1.23kit/s".
double si_factor(char c) {
  switch (c) {
    case 'k':
      return 1e3;
    case 'M':
      return 1e6;
    case 'G':
      return 1e9;
    case 'T':
      return 1e12;
    default:
      return 0;
  }
}

// The rate of a bar counted in steps, "2.58s/it", " 2.31it/s", "?it/s", at the start of
// `text`. Outer nullopt: not a rate in "it" (another unit, or no rate); inner nullopt: "?".
std::optional<std::optional<double>> step_rate(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '?') {
    if (text.substr(1, 4) == "it/s" || text.substr(1, 4) == "s/it")
      return std::optional<std::optional<double>>(std::optional<double>());
    return std::nullopt;
  }
  std::size_t i = 0;
  while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) ++i;
  const std::optional<double> number = whole_number(text.substr(0, i));
  if (!number) return std::nullopt;
  double factor = 1;
  if (i < text.size() && si_factor(text[i]) != 0) factor = si_factor(text[i++]);
  const std::string_view unit = text.substr(i, 4);
  const double value = *number * factor;
  if (!(value > 0) || !std::isfinite(value)) return std::nullopt;
  if (unit == "s/it") return std::optional<double>(value);
  if (unit == "it/s") return std::optional<double>(1.0 / value);
  return std::nullopt;
}

// The bar's description: the text before "NN%|", trimmed, without a trailing ':'.
std::string bar_description(std::string_view before_counts) {
  const std::size_t mark = before_counts.rfind("%|");
  if (mark == std::string_view::npos) return {};
  std::size_t start = mark;
  while (start > 0 && is_digit(before_counts[start - 1])) --start;
  std::string_view description = trim(before_counts.substr(0, start));
  if (!description.empty() && description.back() == ':') description.remove_suffix(1);
  return std::string(trim(description));
}

struct Redraw {
  std::string description;
  ProgressUpdate update;
};

// A tqdm redraw with a known total counted in steps: "N/T [ELAPSED<REMAINING, RATE...]".
std::optional<Redraw> read_redraw(std::string_view line) {
  for (std::size_t at = line.find(" ["); at != std::string_view::npos;
       at = line.find(" [", at + 1)) {
    std::size_t slash = at;
    while (slash > 0 && is_digit(line[slash - 1])) --slash;
    if (slash == at || slash == 0 || line[slash - 1] != '/') continue;
    std::size_t begin = slash - 1;
    while (begin > 0 && is_digit(line[begin - 1])) --begin;
    if (begin == slash - 1) continue;
    std::string_view step_text = line.substr(begin, slash - 1 - begin);
    std::string_view total_text = line.substr(slash, at - slash);
    const auto step = take_count(step_text), total = take_count(total_text);
    if (!step || !total || *total == 0 || *total > kMaxSteps || *step > *total) continue;

    const std::string_view inside = line.substr(at + 2);
    const std::size_t less = inside.find('<');
    const std::size_t comma = inside.find(',');
    if (less == std::string_view::npos || comma == std::string_view::npos || less > comma) continue;
    const auto elapsed = interval_seconds(inside.substr(0, less));
    if (!elapsed) continue;
    const auto rate = step_rate(inside.substr(comma + 1));
    if (!rate) continue;
    Redraw redraw;
    redraw.description = bar_description(line.substr(0, begin));
    redraw.update = {*step, *total, *rate, *elapsed};
    return redraw;
  }
  return std::nullopt;
}

// The items of a Python dict repr or a JSON object on one line, "{'loss': 1.2, ...}", as
// key and number; items whose value is no number are left out. nullopt: not a dict.
std::optional<std::vector<std::pair<std::string, double>>> read_dict(std::string_view line) {
  line = trim(line);
  if (line.size() < 2 || line.front() != '{' || line.back() != '}') return std::nullopt;
  line = line.substr(1, line.size() - 2);
  std::vector<std::pair<std::string, double>> items;
  while (!trim(line).empty()) {
    // One item: up to the next ',' outside quotes and brackets.
    std::size_t end = 0;
    char quote = 0;
    int depth = 0;
    for (; end < line.size(); ++end) {
      const char c = line[end];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        ++depth;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    const std::string_view item = trim(line.substr(0, end));
    line.remove_prefix(std::min(end + 1, line.size()));

    if (item.size() < 2 || (item.front() != '\'' && item.front() != '"')) return std::nullopt;
    const std::size_t key_end = item.find(item.front(), 1);
    if (key_end == std::string_view::npos) return std::nullopt;
    std::string_view rest = trim(item.substr(key_end + 1));
    if (rest.empty() || rest.front() != ':') return std::nullopt;
    std::string_view value = trim(rest.substr(1));
    // '1.23' (a formatted string), np.float64(1.23) or tensor(1.23): the number inside.
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (const std::size_t open = value.find('(');
        open != std::string_view::npos && !value.empty() && value.back() == ')') {
      value = value.substr(open + 1, value.size() - open - 2);
      value = value.substr(0, value.find(','));  // tensor(1.2, device='cuda:0')
    }
    if (const auto number = whole_number(trim(value)))
      items.emplace_back(std::string(item.substr(1, key_end - 1)), *number);
  }
  return items;
}

// "KEY = 1,000" (Unsloth's banner): the count after the first '=' that follows KEY before
// the next '|'.
std::optional<std::uint64_t> banner_count(std::string_view line, std::string_view key,
                                          std::string_view* after = nullptr) {
  const std::size_t at = find_nocase(line, key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + key.size());
  const std::size_t equals = rest.find('=');
  if (equals == std::string_view::npos ||
      rest.substr(0, equals).find('|') != std::string_view::npos)
    return std::nullopt;
  rest = rest.substr(equals + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const auto count = take_count(rest);
  if (count && after != nullptr) *after = rest;
  return count;
}

void read_banner_line(std::string_view line, TrainingLog& log) {
  if (line.find('=') == std::string_view::npos) return;
  UnslothBanner& b = log.banner;
  bool found = false;
  const auto keep = [&](std::optional<std::uint64_t>& field, std::optional<std::uint64_t> value) {
    if (!value) return;
    field = value;
    found = true;
  };
  keep(b.examples, banner_count(line, "Num examples"));
  keep(b.epochs, banner_count(line, "Num Epochs"));
  keep(b.total_steps, banner_count(line, "Total steps"));
  keep(b.batch_size_per_device, banner_count(line, "Batch size per device"));
  keep(b.gradient_accumulation_steps, banner_count(line, "Gradient accumulation steps"));
  keep(b.total_batch_size, banner_count(line, "Total batch size"));
  keep(b.trainable_parameters, banner_count(line, "Number of trainable parameters"));
  std::string_view after;
  if (const auto trainable = banner_count(line, "Trainable parameters", &after);
      trainable && find_nocase(line, "Number of trainable") == std::string_view::npos) {
    keep(b.trainable_parameters, trainable);
    if (after.substr(0, 4) == " of ") {
      after.remove_prefix(4);
      keep(b.parameters, take_count(after));
    }
  }
  if (found) log.saw_banner = true;
}

void read_dict_line(const std::vector<std::pair<std::string, double>>& items, TrainingLog& log) {
  for (const auto& [key, value] : items) {
    if (key == "loss") log.losses.push_back(value);
    if (key == "train_runtime") log.train_runtime = value;
    if (key == "train_samples_per_second") log.train_samples_per_second = value;
    if (key == "train_steps_per_second") log.train_steps_per_second = value;
    if (key == "train_loss") log.train_loss = value;
  }
}

}  // namespace

TrainingLog read_training_log(std::string_view text) {
  TrainingLog log;
  // The bar each (description, total) is drawing now: redraws of other bars (an
  // evaluation inside training) may come between two of its redraws.
  std::map<std::pair<std::string, std::uint64_t>, std::size_t> open;
  while (!text.empty()) {
    const std::size_t end = text.find_first_of("\r\n");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (trim(line).empty()) continue;

    if (auto redraw = read_redraw(line)) {
      const auto key = std::make_pair(redraw->description, redraw->update.total);
      const auto found = open.find(key);
      if (found == open.end() ||
          log.bars[found->second].updates.back().step > redraw->update.step) {
        log.bars.push_back({redraw->description, redraw->update.total, {}});
        open[key] = log.bars.size() - 1;
      }
      log.bars[open[key]].updates.push_back(redraw->update);
      continue;
    }
    if (const auto items = read_dict(line)) {
      read_dict_line(*items, log);
      continue;
    }
    read_banner_line(line, log);
  }
  return log;
}

const ProgressBar* training_bar(const TrainingLog& log, std::uint64_t expected_steps) {
  const std::uint64_t wanted = log.banner.total_steps.value_or(expected_steps);
  const ProgressBar* chosen = nullptr;
  if (wanted != 0)
    for (const ProgressBar& bar : log.bars)
      if (bar.total == wanted) chosen = &bar;
  if (chosen != nullptr) return chosen;
  for (const ProgressBar& bar : log.bars)
    if (bar.description.empty() &&
        (chosen == nullptr || bar.updates.back().step >= chosen->updates.back().step))
      chosen = &bar;
  return chosen;
}

FiguresOrReason training_figures(const TrainingLog& log, std::uint64_t expected_steps,
                                 std::uint64_t warmup_steps) {
  FiguresOrReason out;
  TrainingFigures f;
  f.train_runtime = log.train_runtime;
  f.samples_per_second = log.train_samples_per_second;
  if (!log.losses.empty()) f.final_loss = log.losses.back();

  const ProgressBar* bar = training_bar(log, expected_steps);
  if (bar != nullptr && bar->updates.back().step > 0) {
    f.total = bar->total;
    f.steps = bar->updates.back().step;
    // Step s (1-based) takes the rate of the first redraw that reached it.
    std::uint64_t reached = 0;
    for (const ProgressUpdate& u : bar->updates) {
      if (u.step <= reached) continue;
      if (u.seconds_per_step)
        for (std::uint64_t s = std::max(reached, warmup_steps) + 1; s <= u.step; ++s) {
          if (f.step_seconds.empty()) f.first_measured_step = s;
          f.step_seconds.push_back(*u.seconds_per_step);
        }
      reached = u.step;
    }
    if (!f.step_seconds.empty()) {
      double sum = 0;
      for (const double s : f.step_seconds) sum += s;
      f.seconds_per_step = sum / static_cast<double>(f.step_seconds.size());
      f.source = StepTimeSource::tqdm_rate;
      out.figures = std::move(f);
      return out;
    }
    if (f.steps <= warmup_steps) {
      out.reason = "the run reached step " + std::to_string(f.steps) + " of " +
                   std::to_string(f.total) +
                   ", all within warmup_steps=" + std::to_string(warmup_steps) +
                   ": run more steps or lower warmup_steps";
      return out;
    }
    // A bar that never printed a rate: fall back on the Trainer's summary below.
  }
  if (log.train_runtime && log.train_steps_per_second && *log.train_runtime > 0) {
    const double steps = std::round(*log.train_runtime * *log.train_steps_per_second);
    if (steps >= 1 && steps <= static_cast<double>(kMaxSteps)) {
      if (f.steps == 0) f.steps = static_cast<std::uint64_t>(steps);
      f.step_seconds.clear();
      f.seconds_per_step = *log.train_runtime / steps;
      f.source = StepTimeSource::train_runtime;
      out.figures = std::move(f);
      return out;
    }
  }
  if (!log.losses.empty())
    out.reason = "the log has " + std::to_string(log.losses.size()) +
                 " Trainer loss lines but no step times: neither tqdm's progress bar (keep "
                 "disable_tqdm=False) nor the closing train_runtime line";
  else
    out.reason =
        "the log has no training steps (tqdm progress or Trainer log lines); is the command a "
        "training run?";
  return out;
}

std::string closing_lines(std::string_view log, std::size_t count) {
  std::vector<std::string_view> lines;
  while (!log.empty()) {
    const std::size_t end = log.find('\n');
    std::string_view line = log.substr(0, end);
    log.remove_prefix(end == std::string_view::npos ? log.size() : end + 1);
    // What a terminal shows of a redrawn line: its last non-empty redraw.
    std::string_view shown;
    while (!line.empty()) {
      const std::size_t cr = line.find('\r');
      const std::string_view part = line.substr(0, cr);
      if (!trim(part).empty()) shown = part;
      line.remove_prefix(cr == std::string_view::npos ? line.size() : cr + 1);
    }
    if (!shown.empty()) lines.push_back(shown);
  }
  const std::size_t first = lines.size() > count ? lines.size() - count : 0;
  std::string text;
  for (std::size_t i = first; i < lines.size(); ++i) {
    if (!text.empty()) text += '\n';
    text.append(lines[i]);
  }
  return text;
}

}  // namespace finetune
