#include "rule.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "printed_number.hpp"
#include "text_tail.hpp"

namespace benchlab::command {
namespace {

constexpr std::string_view kGrammar =
    "name=NAME unit=UNIT direction=lower|higher [scale=FACTOR] "
    "[source=stdout|stderr|wall] [match=first|last|all-sum|all-mean] regex=REGEX";

constexpr std::array<std::string_view, 7> kKeys = {"name",   "unit",  "direction", "scale",
                                                   "source", "match", "regex"};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// libstdc++'s default matcher recurses once per character a repetition consumes, so a
// long line overflows the stack (about 30,000 characters with an 8 MiB stack). Its
// polynomial mode runs a breadth-first automaton whose depth depends on the pattern only,
// with the same ECMAScript results; it refuses back-references, which rules do not need.
constexpr std::regex::flag_type regex_flags() {
#if defined(__GLIBCXX__)
  return std::regex::ECMAScript | std::regex_constants::__polynomial;
#else
  return std::regex::ECMAScript;
#endif
}

// libstdc++ reads a back-reference number (\\N) or a repetition count ({N,M}) by
// multiplying by 10 per digit in a `long` without a check, so a long enough run of digits
// there is signed overflow inside std::regex's constructor. Returns the first such run
// longer than kMaxCountDigits, to refuse the pattern before it reaches the compiler.
constexpr std::size_t kMaxCountDigits = 6;

std::optional<std::string_view> oversized_count(std::string_view p) {
  auto digits_at = [&](std::size_t i) {
    std::size_t n = 0;
    while (i + n < p.size() && p[i + n] >= '0' && p[i + n] <= '9') ++n;
    return n;
  };
  bool in_class = false, in_brace = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) break;
      const std::size_t n = digits_at(i + 1);
      if (n > kMaxCountDigits) return p.substr(i, n + 1);
      i += n > 0 ? n : 1;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '{') {
      in_brace = true;
    } else if (c == '}') {
      in_brace = false;
    } else if (in_brace) {
      const std::size_t n = digits_at(i);
      if (n > kMaxCountDigits) return p.substr(i, n);
      if (n > 0) i += n - 1;
    }
  }
  return std::nullopt;
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
    while (pos < text.size() && is_blank(text[pos])) ++pos;
    if (pos >= text.size()) break;
    const std::size_t eq = text.find('=', pos);
    std::size_t end = pos;
    while (end < text.size() && !is_blank(text[end])) ++end;
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
  if (const auto run = oversized_count(rule.pattern))
    return fail("regex " + quoted(rule.pattern) + ": the number in " + quoted(*run) +
                " is too large for a repetition count or back-reference (at most " +
                std::to_string(kMaxCountDigits) + " digits)");
  try {
    rule.regex.emplace(rule.pattern, regex_flags());
  } catch (const std::regex_error& e) {
    return fail("regex " + quoted(rule.pattern) + " does not compile: " + e.what());
  }
  if (rule.regex->mark_count() != 1)
    return fail("regex " + quoted(rule.pattern) + " has " +
                std::to_string(rule.regex->mark_count()) +
                " capture groups; it needs exactly one, around the number (write (?:...) for "
                "other groups)");
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

  std::size_t matches = 0, long_lines = 0;
  double sum = 0;
  std::string_view chosen;  // first / last: the capture the rule reports
  std::size_t chosen_line = 0;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line) && !(rule.match == Match::first && matches > 0)) {
    if (line.size() > kMaxLineBytes) {
      line = line.substr(0, kMaxLineBytes);
      ++long_lines;
    }
    try {
      for (std::cregex_iterator it(line.data(), line.data() + line.size(), *rule.regex), end;
           it != end; ++it) {
        const auto& group = (*it)[1];
        if (!group.matched)
          return fail(where + "regex matched line " + std::to_string(lines.number()) + " of " +
                      std::string(stream) +
                      " but its capture group took no part; make the group hold the number");
        const std::string_view captured(group.first, static_cast<std::size_t>(group.length()));
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
    } catch (const std::regex_error& e) {
      return fail(where + "regex failed on line " + std::to_string(lines.number()) + " of " +
                  std::string(stream) + ": " + e.what());
    }
  }

  if (matches == 0) {
    std::string msg = where + "no match for " + rule.pattern + " in " + std::string(stream);
    if (long_lines > 0)
      msg += "; " + std::to_string(long_lines) + " lines longer than " +
             std::to_string(kMaxLineBytes) + " bytes were searched in their first " +
             std::to_string(kMaxLineBytes) + " bytes only";
    return fail(msg + describe_tail(stream, text, false));
  }

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
