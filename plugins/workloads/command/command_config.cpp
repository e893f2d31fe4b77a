// SPDX-License-Identifier: MIT
#include "command_config.hpp"

#include <algorithm>
#include <charconv>

#include "printed_number.hpp"

namespace benchlab::command {
namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

Outcome<std::vector<std::string>> expand_all(const std::vector<std::string>& items,
                                             std::string_view option,
                                             const PlaceholderValues& values) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto expanded = expand_placeholders(items[i], values);
    if (!expanded)
      return fail(std::string(option) + " " + std::to_string(i + 1) + " " + quoted(items[i]) +
                  ": " + expanded.error());
    out.push_back(std::move(expanded).value());
  }
  return out;
}

bool is_env_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

bool CommandConfig::reads_output() const {
  return std::any_of(rules.begin(), rules.end(),
                     [](const Rule& r) { return r.source != Source::wall; });
}

Outcome<CommandConfig> make_config(const RawOptions& raw, const PlaceholderValues& values) {
  CommandConfig config;

  if (raw.arg.empty())
    return fail("no arg given: add one <option name=\"arg\"> per argument, the program first");
  auto argv = expand_all(raw.arg, "arg", values);
  if (!argv) return fail(argv.error());
  config.argv = std::move(argv).value();
  if (config.argv.front().empty()) return fail("arg 1 (the program) is empty");

  auto setup = expand_all(raw.setup_arg, "setup_arg", values);
  if (!setup) return fail(setup.error());
  config.setup_argv = std::move(setup).value();
  if (!config.setup_argv.empty() && config.setup_argv.front().empty())
    return fail("setup_arg 1 (the program) is empty");

  auto teardown = expand_all(raw.teardown_arg, "teardown_arg", values);
  if (!teardown) return fail(teardown.error());
  config.teardown_argv = std::move(teardown).value();
  if (!config.teardown_argv.empty() && config.teardown_argv.front().empty())
    return fail("teardown_arg 1 (the program) is empty");

  auto env = expand_all(raw.env, "env", values);
  if (!env) return fail(env.error());
  config.env = std::move(env).value();
  for (std::size_t i = 0; i < config.env.size(); ++i) {
    const std::string& entry = config.env[i];
    const std::size_t eq = entry.find('=');
    if (eq == std::string::npos || !is_env_name(std::string_view(entry).substr(0, eq)))
      return fail("env " + std::to_string(i + 1) + " " + quoted(raw.env[i]) +
                  ": expected NAME=VALUE with NAME made of letters, digits and '_'");
  }

  if (raw.rule.empty())
    return fail(
        "no rule given: add <option name=\"rule\">name=NAME unit=UNIT "
        "direction=lower|higher regex=REGEX</option>, one per metric");
  auto rules = parse_rules(raw.rule);
  if (!rules) return fail(rules.error());
  config.rules = std::move(rules).value();

  if (raw.timeout) {
    const auto t = parse_printed_number(*raw.timeout);
    if (!t || *t < 0)
      return fail("timeout " + quoted(*raw.timeout) +
                  " must be a number of seconds, 0 or more (0: no timeout)");
    config.timeout_s = *t;
  }

  if (raw.expect_exit) {
    const std::string& text = *raw.expect_exit;
    int code = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec != std::errc() || end != text.data() + text.size() || code < 0 || code > 255)
      return fail("expect_exit " + quoted(text) +
                  " must be an exit status, a whole number from 0 to 255");
    config.expect_exit = code;
  }

  const std::string cwd = raw.cwd.value_or("{scratch}");
  auto expanded_cwd = expand_placeholders(cwd, values);
  if (!expanded_cwd) return fail("cwd " + quoted(cwd) + ": " + expanded_cwd.error());
  config.cwd = std::move(expanded_cwd).value();
  if (config.cwd.empty()) return fail("cwd is empty; leave it out to run in the scratch directory");

  if (raw.stdin_path && !raw.stdin_path->empty()) {
    auto expanded = expand_placeholders(*raw.stdin_path, values);
    if (!expanded) return fail("stdin " + quoted(*raw.stdin_path) + ": " + expanded.error());
    config.stdin_path = std::move(expanded).value();
  }

  config.hint = raw.hint.value_or("");
  return config;
}

std::string describe_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace benchlab::command
