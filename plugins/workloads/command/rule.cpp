// SPDX-License-Identifier: MIT
#include "rule.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <benchlab_common/text.hpp>
#include <cmath>
#include <optional>

#include "printed_number.hpp"
#include "text_tail.hpp"

namespace benchlab::command {
namespace {

constexpr std::string_view kGrammar =
    "name=NAME unit=UNIT direction=lower|higher [scale=FACTOR] "
    "[source=stdout|stderr|wall] [match=first|last|all-sum|all-mean] regex=REGEX";

constexpr std::array<std::string_view, 7> kKeys = {"name",   "unit",  "direction", "scale",
                                                   "source", "match", "regex"};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// RE2 over bytes (Latin-1), as the output is: a program may print any bytes, and a
// pattern's literal UTF-8 text still matches the same bytes. Its errors are returned, not
// logged. The memory budget is RE2's default (8 MiB), which refuses patterns whose
// automaton would not fit (\w{1000} two hundred times) when they are compiled, not when they run.
RE2::Options regex_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  return options;
}

// key=value pairs of a rule, with regex= holding the rest of the text.
struct Fields {
  std::array<std::optional<std::string_view>, kKeys.size()> values;
  std::optional<std::string_view> get(std::string_view key) const {
    for (std::size_t i = 0; i < kKeys.size(); ++i)
      if (kKeys[i] == key) return values[i];
    return std::nullopt;
  }
};

Outcome<Fields> split_fields(std::string_view text) {
  Fields fields;
  std::size_t pos = 0;
  while (true) {
    while (pos < text.size() && benchlab::common::is_space(text[pos])) ++pos;
    if (pos >= text.size()) break;
    const std::size_t eq = text.find('=', pos);
    std::size_t end = pos;
    while (end < text.size() && !benchlab::common::is_space(text[end])) ++end;
    if (eq == std::string_view::npos || eq >= end || eq == pos)
      return fail(quoted(text.substr(pos, end - pos)) + " is not KEY=VALUE (a rule is " +
                  std::string(kGrammar) + ")");
    const std::string_view key = text.substr(pos, eq - pos);
    std::size_t index = kKeys.size();
    for (std::size_t i = 0; i < kKeys.size(); ++i)
      if (kKeys[i] == key) index = i;
    if (index == kKeys.size())
      return fail("unknown key " + quoted(key) +
                  " (expected name, unit, direction, scale, source, match, regex)");
    if (fields.values[index]) return fail("key " + quoted(key) + " is given twice");
    if (key == "regex") {  // the rest of the text, verbatim
      fields.values[index] = text.substr(eq + 1);
      break;
    }
    fields.values[index] = text.substr(eq + 1, end - eq - 1);
    pos = end;
  }
  for (std::size_t i = 0; i < kKeys.size(); ++i)
    if (fields.values[i] && fields.values[i]->empty())
      return fail(std::string(kKeys[i]) + "= has no value");
  return fields;
}

// "missing name=", with a pointer at regex= when the key was swallowed by it.
Failure missing(std::string_view key, const Fields& fields) {
  std::string msg = "missing " + std::string(key) + "= (a rule is " + std::string(kGrammar) + ")";
  const auto regex = fields.get("regex");
  if (regex && regex->find(std::string(key) + "=") != std::string_view::npos)
    msg = "missing " + std::string(key) + "=: it appears inside regex=, which takes the rest " +
          "of the rule; put regex= last";
  return fail(std::move(msg));
}

Outcome<Rule> build_rule(const Fields& f) {
  Rule rule;
  for (std::string_view key : {"name", "unit", "direction"})
    if (!f.get(key)) return missing(key, f);

  rule.name = std::string(*f.get("name"));
  if (rule.name.size() > kMaxNameBytes)
    return fail("name " + quoted(rule.name) + " is longer than " + std::to_string(kMaxNameBytes) +
                " characters");
  for (char c : rule.name)
    if (!is_name_char(c))
      return fail("name " + quoted(rule.name) + " may hold only letters, digits, '_', '.' and '-'");
  rule.unit = std::string(*f.get("unit"));

  const std::string_view direction = *f.get("direction");
  if (direction == "lower")
    rule.direction = Direction::lower;
  else if (direction == "higher")
    rule.direction = Direction::higher;
  else
    return fail("direction " + quoted(direction) + " must be lower or higher");

  if (auto scale = f.get("scale")) {
    const auto value = parse_printed_number(*scale);
    if (!value) return fail("scale " + quoted(*scale) + " is not a number");
    if (*value == 0) return fail("scale must not be 0");
    rule.scale = *value;
  }

  if (auto source = f.get("source")) {
    if (*source == "stdout")
      rule.source = Source::stdout_text;
    else if (*source == "stderr")
      rule.source = Source::stderr_text;
    else if (*source == "wall")
      rule.source = Source::wall;
    else
      return fail("source " + quoted(*source) + " must be stdout, stderr or wall");
  }

  if (auto match = f.get("match")) {
    if (rule.source == Source::wall)
      return fail("match= does not apply to source=wall (a program has one wall time)");
    if (*match == "first")
      rule.match = Match::first;
    else if (*match == "last")
      rule.match = Match::last;
    else if (*match == "all-sum")
      rule.match = Match::all_sum;
    else if (*match == "all-mean")
      rule.match = Match::all_mean;
    else
      return fail("match " + quoted(*match) + " must be first, last, all-sum or all-mean");
  }

  const auto pattern = f.get("regex");
  if (rule.source == Source::wall) {
    if (pattern)
      return fail(
          "source=wall takes no regex= (the value is the program's wall time in "
          "seconds)");
    return rule;
  }
  if (!pattern) return missing("regex", f);
  if (pattern->find_first_of("\r\n") != std::string_view::npos)
    return fail(
        "regex holds a line break; output is matched one line at a time, so write the "
        "rule on one line");
  rule.pattern = std::string(*pattern);
  auto regex = std::make_shared<const RE2>(rule.pattern, regex_options());
  if (!regex->ok())
    return fail("regex " + quoted(rule.pattern) + " does not compile: " + regex->error() +
                " (RE2 syntax: no back-references or look-arounds)");
  if (regex->NumberOfCapturingGroups() != 1)
    return fail("regex " + quoted(rule.pattern) + " has " +
                std::to_string(regex->NumberOfCapturingGroups()) +
                " capture groups; it needs exactly one, around the number (write (?:...) for "
                "other groups)");
  rule.regex = std::move(regex);
  return rule;
}

// One line of `text` at a time, without its '\n' (and '\r').
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ > text_.size() || (pos_ == text_.size() && (pos_ == 0 || text_.back() == '\n')))
      return false;
    std::size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) nl = text_.size();
    line = text_.substr(pos_, nl - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = nl + 1;
    ++number_;
    return true;
  }
  std::size_t number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

}  // namespace

std::string_view source_name(Source source) {
  switch (source) {
    case Source::stdout_text:
      return "stdout";
    case Source::stderr_text:
      return "stderr";
    case Source::wall:
      return "wall";
  }
  return "?";
}

Outcome<Rule> parse_rule(std::string_view text) {
  auto fields = split_fields(text);
  if (!fields) return fail(fields.error());
  if (std::all_of(fields.value().values.begin(), fields.value().values.end(),
                  [](const auto& v) { return !v.has_value(); }))
    return fail("the rule is empty (a rule is " + std::string(kGrammar) + ")");
  return build_rule(fields.value());
}

Outcome<std::vector<Rule>> parse_rules(const std::vector<std::string>& texts) {
  std::vector<Rule> rules;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string where = "rule " + std::to_string(i + 1) + ": ";
    auto rule = parse_rule(texts[i]);
    if (!rule) return fail(where + rule.error());
    for (std::size_t j = 0; j < rules.size(); ++j)
      if (rules[j].name == rule.value().name)
        return fail(where + "name " + quoted(rules[j].name) + " is already used by rule " +
                    std::to_string(j + 1));
    rules.push_back(std::move(rule).value());
  }
  return rules;
}

Outcome<double> apply_rule(const Rule& rule, std::string_view text) {
  const std::string where = "rule " + rule.name + ": ";
  const std::string_view stream = source_name(rule.source);
  if (!rule.regex) return fail(where + "reads the wall time, not output");
  if (text.size() > kMaxRuleInputBytes)
    return fail(where + std::string(stream) + " holds " + std::to_string(text.size()) +
                " bytes, more than the " + std::to_string(kMaxRuleInputBytes) +
                " a rule searches; make the program print less");

  const auto number_at = [&](std::string_view captured, std::size_t line) -> Outcome<double> {
    if (auto value = parse_printed_number(captured)) return *value;
    return fail(where + quoted(captured) + " captured on line " + std::to_string(line) + " of " +
                std::string(stream) + " is not a number (" + std::string(kPrintedNumberForms) +
                ")");
  };

  std::size_t matches = 0;
  double sum = 0;
  std::string_view chosen;  // first / last: the capture the rule reports
  std::size_t chosen_line = 0;
  Lines lines(text);
  std::string_view line;
  // Every match of a line, left to right, not overlapping; after an empty match the next
  // search starts one byte on, so it cannot repeat.
  std::array<re2::StringPiece, 2> found;
  while (lines.next(line) && !(rule.match == Match::first && matches > 0)) {
    for (std::size_t at = 0; at <= line.size();) {
      if (!rule.regex->Match(re2::StringPiece(line.data(), line.size()), at, line.size(),
                             RE2::UNANCHORED, found.data(), static_cast<int>(found.size())))
        break;
      const std::size_t end =
          static_cast<std::size_t>(found[0].data() - line.data()) + found[0].size();
      at = found[0].empty() ? end + 1 : end;
      if (found[1].data() == nullptr)
        return fail(where + "regex matched line " + std::to_string(lines.number()) + " of " +
                    std::string(stream) +
                    " but its capture group took no part; make the group hold the number");
      const std::string_view captured(found[1].data(), found[1].size());
      ++matches;
      if (rule.match == Match::first || rule.match == Match::last) {
        chosen = captured;
        chosen_line = lines.number();
        if (rule.match == Match::first) break;
        continue;
      }
      auto value = number_at(captured, lines.number());
      if (!value) return value;
      sum += value.value();
    }
  }

  if (matches == 0)
    return fail(where + "no match for " + rule.pattern + " in " + std::string(stream) +
                describe_tail(stream, text, false));

  double value = 0;
  switch (rule.match) {
    case Match::first:
    case Match::last: {
      auto number = number_at(chosen, chosen_line);
      if (!number) return number;
      value = number.value();
      break;
    }
    case Match::all_sum:
      value = sum;
      break;
    case Match::all_mean:
      value = sum / static_cast<double>(matches);
      break;
  }
  value *= rule.scale;
  if (!std::isfinite(value))
    return fail(where + "the value overflows (" + std::to_string(matches) + " matches, scale " +
                std::to_string(rule.scale) + ")");
  return value;
}

double wall_value(const Rule& rule, std::uint64_t wall_ns) {
  return static_cast<double>(wall_ns) / 1e9 * rule.scale;
}

}  // namespace benchlab::command
