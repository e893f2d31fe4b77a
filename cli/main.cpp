// SPDX-License-Identifier: MIT
// benchlab: the command line. Uses only the C API of benchlab.h, as any lab script would.
//
// Exit status: 0 success; 1 the run finished but some trials failed; 2 bad usage,
// unknown target or bad option; 3 the results store could not be used; 4 any other
// error; 130 interrupted (Ctrl-C; the run can be finished with --resume).
#include <benchlab/benchlab.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "compare_commands.h"
#include "context.h"
#include "plugin_commands.h"
#include "progress.h"
#include "results_table.h"

namespace {

using namespace benchlab_cli;

benchlab_ctx* g_ctx = nullptr;

extern "C" void on_interrupt(int) {
  if (g_ctx) benchlab_cancel(g_ctx);
  // A second Ctrl-C ends benchlab at once.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

const char* option_type(int32_t t) {
  switch (t) {
    case BENCHLAB_OPTION_INT:
      return "int";
    case BENCHLAB_OPTION_FLOAT:
      return "float";
    case BENCHLAB_OPTION_BOOL:
      return "bool";
    case BENCHLAB_OPTION_ENUM:
      return "enum";
    default:
      return "string";
  }
}

// "name=default (type: a b, 1..10, repeated) description": one line per option, as
// declared, for people reading `benchlab list -v`.
std::string option_line(const benchlab_option_info& o) {
  std::string line = o.name;
  if (o.default_value) line += std::string("=") + o.default_value;
  line += std::string(" (") + option_type(o.type);
  if (o.allowed_count) {
    line += ":";
    for (uint32_t i = 0; i < o.allowed_count; ++i) line += std::string(" ") + o.allowed[i];
  }
  if (o.min_value < o.max_value) line += fmt::format(", {}..{}", o.min_value, o.max_value);
  if (o.flags & BENCHLAB_OPTION_REPEATED) line += ", repeated";
  if (o.flags & BENCHLAB_OPTION_REQUIRED) line += ", required";
  line += ")";
  if (o.description && *o.description) line += std::string(" ") + o.description;
  return line;
}

// "name [unit] higher is better, optional: description"
std::string metric_line(const benchlab_metric_info& m) {
  std::string line = fmt::format("{} [{}] {} is better", m.name, m.unit,
                                 m.direction == BENCHLAB_HIGHER_IS_BETTER ? "higher" : "lower");
  if (m.flags & BENCHLAB_METRIC_OPTIONAL) line += ", optional";
  if (m.description && *m.description) line += std::string(": ") + m.description;
  return line;
}

// The options and metrics of plugin `index`, through the structured calls any program
// would use.
void print_plugin_details(benchlab_ctx* ctx, uint32_t index, const benchlab_plugin_info& p,
                          const std::string& indent) {
  fmt::print("{}    file: {}\n", indent, p.path);
  for (uint32_t i = 0; i < p.option_count; ++i) {
    benchlab_option_info o{};
    o.struct_size = sizeof o;
    if (benchlab_plugin_option_at(ctx, index, i, &o) == BENCHLAB_OK)
      fmt::print("{}    option {}\n", indent, option_line(o));
  }
  for (uint32_t i = 0; i < p.metric_count; ++i) {
    benchlab_metric_info m{};
    m.struct_size = sizeof m;
    if (benchlab_plugin_metric_at(ctx, index, i, &m) == BENCHLAB_OK)
      fmt::print("{}    metric {}\n", indent, metric_line(m));
  }
}

const char* quantity_unit(int64_t q) {
  switch (q) {
    case 1:
      return "W";
    case 2:
      return "J";
    case 3:
      return "bytes";
    case 4:
      return "°C";
    case 5:
      return "Hz";
    case 6:
      return "%";
    case 7:
      return "V";
    case 8:
      return "A";
    case 9:
      return "throttle";
    default:
      return "?";
  }
}

// `list probes -v`: each probe opened once, in its own worker: its channels with a
// reading, its devices, or why it is unavailable and what to do.
void print_probe_details(const boost::json::object& p, const std::string& indent) {
  if (!p.at("available").as_bool()) {
    fmt::print("{}    unavailable: {}\n", indent, std::string(p.at("reason").as_string()));
    return;
  }
  for (const auto& d : p.at("devices").as_array()) {
    const auto& o = d.as_object();
    const double gib = double(o.at("memory_bytes").to_number<uint64_t>()) / (1024.0 * 1024 * 1024);
    fmt::print("{}    device {}: {}, {:.1f} GiB {}{}\n", indent,
               std::string(o.at("id").as_string()), std::string(o.at("name").as_string()), gib,
               o.at("unified").as_bool() ? "unified (system) memory" : "dedicated memory",
               o.at("driver").as_string().empty()
                   ? ""
                   : ", driver " + std::string(o.at("driver").as_string()));
  }
  for (const auto& ch : p.at("channels").as_array()) {
    const auto& o = ch.as_object();
    const int64_t q = o.at("quantity").to_number<int64_t>();
    std::string value = "no reading";
    if (!o.at("value").is_null()) {
      const double v = o.at("value").to_number<double>();
      value = q == 3 ? fmt::format("{:.2f} GiB", v / (1024.0 * 1024 * 1024))
                     : format_value(v) + " " + quantity_unit(q);
    }
    std::string extra;
    if (o.at("kind").to_number<int64_t>() == 2) extra += ", counter";
    if (!o.at("parent").as_string().empty())
      extra += ", inside " + std::string(o.at("parent").as_string());
    if (!o.at("limit").is_null() && o.at("limit").to_number<double>() > 0)
      extra +=
          ", limit " + format_value(o.at("limit").to_number<double>()) + " " + quantity_unit(q);
    fmt::print("{}    {:<28} {:<16} {}{}\n", indent, std::string(o.at("id").as_string()), value,
               std::string(o.at("label").as_string()), extra);
  }
}

int cmd_list(const Common& c, const std::string& what, bool verbose,
             const std::vector<std::string>& probe_options) {
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(c, StoreUse::none, rc);
  if (!ctx) return rc;
  boost::json::object probes;  // by id, for -v
  if (verbose && (what.empty() || what == "probes")) {
    std::vector<const char*> opts;
    for (const auto& o : probe_options) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    char* text = nullptr;
    if (int32_t r = benchlab_probes_json(ctx, opts.data(), &text); r != BENCHLAB_OK) {
      benchlab_close(ctx);
      return error(r);
    }
    const boost::json::value doc = boost::json::parse(text);
    benchlab_free(text);
    for (const auto& p : doc.at("probes").as_array()) probes[p.at("id").as_string()] = p;
  }
  bool all = what.empty();
  auto section = [&](const char* title) {
    if (all) fmt::print("{}:\n", title);
  };
  std::string indent = all ? "  " : "";
  if (all || what == "plugins" || what == "probes") {
    for (int kind : {BENCHLAB_PLUGIN_WORKLOAD, BENCHLAB_PLUGIN_PROBE}) {
      if (what == "probes" && kind == BENCHLAB_PLUGIN_WORKLOAD) continue;
      if (what == "plugins" && kind == BENCHLAB_PLUGIN_PROBE) continue;
      section(kind == BENCHLAB_PLUGIN_WORKLOAD ? "Workload plugins" : "Probe plugins");
      bool any = false;
      for (uint32_t i = 0; i < benchlab_plugin_count(ctx); ++i) {
        benchlab_plugin_info p{};
        p.struct_size = sizeof p;
        benchlab_plugin_at(ctx, i, &p);
        if (p.kind != kind) continue;
        any = true;
        fmt::print("{}{:<16} {:<8} {}\n", indent, p.id, p.version, p.description);
        if (verbose && kind == BENCHLAB_PLUGIN_PROBE && probes.contains(p.id))
          print_probe_details(probes.at(p.id).as_object(), indent);
        else if (verbose)
          print_plugin_details(ctx, i, p, indent);
      }
      if (!any) fmt::print("{}(none)\n", indent);
    }
  }
  if (all || what == "profiles" || what == "suites") {
    for (int kind : {BENCHLAB_TARGET_SUITE, BENCHLAB_TARGET_PROFILE}) {
      if ((what == "profiles" && kind == BENCHLAB_TARGET_SUITE) ||
          (what == "suites" && kind == BENCHLAB_TARGET_PROFILE))
        continue;
      section(kind == BENCHLAB_TARGET_SUITE ? "Suites" : "Profiles");
      for (uint32_t i = 0; i < benchlab_profile_count(ctx); ++i) {
        benchlab_profile_info p{};
        p.struct_size = sizeof p;
        benchlab_profile_at(ctx, i, &p);
        if (p.kind != kind) continue;
        fmt::print("{}{:<24} {}\n", indent, p.id, p.title && *p.title ? p.title : "");
        if (verbose) {
          fmt::print("{}    file: {}\n", indent, p.path ? p.path : "");
          if (p.members) fmt::print("{}    tests: {}\n", indent, p.members);
          if (p.plugin) fmt::print("{}    plugin: {}\n", indent, p.plugin);
        }
      }
    }
  }
  benchlab_close(ctx);
  return 0;
}

// The inventory JSON as "key: value" lines for people; nested objects and arrays indent.
void print_json_lines(const boost::json::value& v, const std::string& indent) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.as_object()) {
      bool scalars = x.is_array() && std::none_of(x.as_array().begin(), x.as_array().end(),
                                                  [](const auto& e) { return e.is_structured(); });
      if (scalars && !x.as_array().empty()) {
        std::string line;
        for (const auto& e : x.as_array())
          line += (line.empty() ? "" : ", ") +
                  (e.is_string() ? std::string(e.as_string()) : boost::json::serialize(e));
        fmt::print("{}{}: {}\n", indent, std::string(k), line);
      } else if (x.is_object() || (x.is_array() && !x.as_array().empty())) {
        fmt::print("{}{}:\n", indent, std::string(k));
        print_json_lines(x, indent + "  ");
      } else if (x.is_string()) {
        if (!x.as_string().empty())
          fmt::print("{}{}: {}\n", indent, std::string(k), std::string(x.as_string()));
      } else if (!x.is_array()) {
        fmt::print("{}{}: {}\n", indent, std::string(k), boost::json::serialize(x));
      }
    }
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (const auto& x : v.as_array()) {
      if (x.is_object()) {
        fmt::print("{}- [{}]\n", indent, i++);
        print_json_lines(x, indent + "  ");
      } else {
        fmt::print("{}- {}\n", indent,
                   x.is_string() ? std::string(x.as_string()) : boost::json::serialize(x));
      }
    }
  }
}

void print_inventory(const char* json_text) { print_json_lines(boost::json::parse(json_text), ""); }

int print_results(benchlab_ctx* ctx, int64_t run_id, bool json, bool verbose = false) {
  if (json) {
    char* text = nullptr;
    int32_t r = benchlab_results_json(ctx, run_id, &text);
    if (r != BENCHLAB_OK) return error(r);
    fmt::print("{}\n", text);
    benchlab_free(text);
    return 0;
  }
  benchlab_cursor* cur = nullptr;
  int32_t r = benchlab_results(ctx, run_id, &cur);
  if (r != BENCHLAB_OK) return error(r);
  auto rows = read_rows(cur);
  benchlab_cursor_free(cur);
  if (rows.empty()) {
    fmt::print("No results in {}.\n", benchlab_db_path(ctx));
    return 0;
  }
  fmt::print("{}", render_table(rows, verbose));
  for (const auto& row : rows)
    if (row.throttled) {
      fmt::print(
          "  Throttling: probes saw it during some trials (Status column); `benchlab results "
          "--json` says when and why for each trial.\n");
      break;
    }
  if (std::string d = render_distributions(rows); !d.empty()) fmt::print("\n{}", d);
  if (verbose) {
    if (std::string m = render_definitions(rows); !m.empty()) fmt::print("\n{}", m);
    fmt::print("\n{}", render_provenance(rows));
  }
  return 0;
}

struct RunArgs {
  std::vector<std::string> targets, options;
  std::string probes = "auto";
  unsigned probe_interval_ms = 0;
  std::vector<std::string> probe_options;
  double idle_baseline = 0, cooldown = 0;
  unsigned trials = 0, min_trials = 0, max_trials = 0;
  double target_ci = 0, timeout = 0;
  std::optional<int> warmup;  // unset: the profile's
  std::string system_name;
  int64_t resume = 0;
  bool json = false, quiet = false;
};

int cmd_run(const Common& c, const RunArgs& a) {
  if (a.targets.empty() && !a.resume) {
    fmt::print(
        stderr,
        "benchlab run: name what to run (a suite, profile or plugin; `benchlab list` shows them), "
        "or --resume RUN_ID\n");
    return kExitUsage;
  }
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(c, StoreUse::write, rc, a.json);
  if (!ctx) return rc;
  g_ctx = ctx;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::vector<const char*> targets, options;
  for (const auto& t : a.targets) targets.push_back(t.c_str());
  for (const auto& o : a.options) options.push_back(o.c_str());
  targets.push_back(nullptr);
  options.push_back(nullptr);

  // Progress goes to stderr when --json keeps stdout for the document.
  std::FILE* out = a.json ? stderr : stdout;
  Progress progress(out, isatty(fileno(out)) != 0, a.quiet);
  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.targets = targets.data();
  req.options = options.data();
  req.trials = a.trials;
  req.min_trials = a.min_trials;
  req.max_trials = a.max_trials;
  req.target_ci = a.target_ci;
  if (a.warmup) req.warmup = *a.warmup == 0 ? BENCHLAB_WARMUP_NONE : *a.warmup;
  req.timeout_s = a.timeout;
  req.system_name = a.system_name.empty() ? nullptr : a.system_name.c_str();
  req.resume_run_id = a.resume;
  std::vector<const char*> probe_options;
  for (const auto& o : a.probe_options) probe_options.push_back(o.c_str());
  probe_options.push_back(nullptr);
  req.probes = a.probes.c_str();
  req.probe_interval_ms = a.probe_interval_ms;
  req.probe_options = probe_options.data();
  req.idle_baseline_s = a.idle_baseline;
  req.cooldown_max_s = a.cooldown;
  req.on_event = [](void* user, const benchlab_event* ev) {
    static_cast<Progress*>(user)->on_event(*ev);
  };
  req.user = &progress;

  int64_t run_id = 0;
  int32_t r = benchlab_run(ctx, &req, &run_id);
  progress.finish();
  g_ctx = nullptr;
  int code = exit_code(r);
  if (r != BENCHLAB_OK && r != BENCHLAB_E_TRIALS_FAILED)
    fmt::print(stderr, "benchlab: {}\n", benchlab_errmsg());
  // The results of a run that ran (to its end, with failed trials, or until Ctrl-C); a run
  // that could not start or was cut short by the store has only the error above.
  bool ran = r == BENCHLAB_OK || r == BENCHLAB_E_TRIALS_FAILED || r == BENCHLAB_E_INTERRUPTED;
  if (run_id > 0 && ran) {
    if (!a.json) fmt::print("\n");
    int printed = print_results(ctx, run_id, a.json);
    if (!a.json && printed == 0)
      fmt::print("\nStored as run {} in {}\n", run_id, benchlab_db_path(ctx));
  }
  benchlab_close(ctx);
  return code;
}

// Numeric command-line values: checked as text before CLI11 converts them, so that "nan",
// "inf", "-1" for a count and "1e999" get a sentence rather than a range of 300 digits.
std::optional<long long> whole_number(const std::string& s) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

CLI::Validator whole_number_from(long long min, long long max) {
  return CLI::Validator(
      [min, max](std::string& s) -> std::string {
        auto v = whole_number(s);
        if (!v) return fmt::format("'{}' is not a whole number", s);
        if (*v < min) return fmt::format("must be at least {}, not {}", min, *v);
        if (*v > max) return fmt::format("must be at most {}, not {}", max, *v);
        return {};
      },
      min == 0 ? "N >= 0" : fmt::format("N >= {}", min));
}

// A finite number above 0 and below `below` (0: no upper limit); `what` names the unit.
CLI::Validator finite_number(double below, const std::string& what) {
  return CLI::Validator(
      [below, what](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return fmt::format("'{}' is not a number", s);
        if (!std::isfinite(v) || errno == ERANGE)
          return fmt::format("'{}' is not a finite number", s);
        if (v <= 0 || (below > 0 && v >= below))
          return below > 0 ? fmt::format("must be {} above 0 and below {}, not {}", what, below, s)
                           : fmt::format("must be {} above 0, not {}", what, s);
        return {};
      },
      "X > 0");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"benchlab: run benchmark suites, store every trial, compare machines.\n"};
  app.set_version_flag("--version", std::string("benchlab ") + benchlab_version());
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 ok, 1 some trials failed, 2 bad usage or target, 3 store error, 4 other "
      "error, "
      "130 interrupted.\nResults go to $XDG_DATA_HOME/benchlab/results.db unless --db says "
      "otherwise.");

  Common common;
  auto add_dirs = [&](CLI::App* sub) {
    sub->add_option("--plugin-dir", common.plugin_dirs, "Also load plugins from DIR (repeatable)")
        ->type_name("DIR");
    sub->add_option("--profile-dir", common.profile_dirs,
                    "Also load profiles and suites from DIR (repeatable)")
        ->type_name("DIR");
  };
  auto add_db = [&](CLI::App* sub, const char* what) {
    sub->add_option("--db", common.db, what)->type_name("FILE");
  };
  constexpr long long kMaxCount = std::numeric_limits<uint32_t>::max();

  std::string list_what;
  bool verbose = false;
  auto* list = app.add_subcommand("list", "List plugins, profiles and suites");
  list->add_option("what", list_what, "plugins, probes, profiles or suites (default: all)")
      ->check(CLI::IsMember({"plugins", "probes", "profiles", "suites"}));
  list->add_flag("-v,--verbose", verbose,
                 "Show files, options and metrics; for probes, open each and show its channels "
                 "with a reading, or why it is unavailable");
  std::vector<std::string> list_probe_options;
  list->add_option("--probe-option", list_probe_options,
                   "Set an option of one probe, as for run (repeatable)")
      ->type_name("PROBE.KEY=VALUE");
  add_dirs(list);

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run suites, profiles or plugins and store every trial");
  run->add_option("targets", ra.targets, "Suite, profile or workload plugin ids (e.g. quick)");
  run->add_option("-o,--option", ra.options,
                  "Set an option of every test that has it; TEST:KEY=VALUE for one test or plugin "
                  "only (repeatable)")
      ->type_name("KEY=VALUE");
  auto* trials = run->add_option("-n,--trials", ra.trials, "Fixed number of trials per test")
                     ->check(whole_number_from(1, kMaxCount));
  auto* mn = run->add_option("--min-trials", ra.min_trials, "Dynamic count: at least N trials")
                 ->check(whole_number_from(1, kMaxCount));
  auto* mx = run->add_option("--max-trials", ra.max_trials, "Dynamic count: at most N trials")
                 ->check(whole_number_from(1, kMaxCount));
  auto* ci =
      run->add_option(
             "--target-ci", ra.target_ci,
             "Dynamic count: stop when the 95% CI half-width is below this fraction of the mean "
             "(0.02 = 2%)")
          ->check(finite_number(1.0, "a fraction"));
  trials->excludes(mn)->excludes(mx)->excludes(ci);
  run->add_option("--warmup", ra.warmup, "Warm-up trials per test, not counted (0: none)")
      ->check(whole_number_from(0, std::numeric_limits<int32_t>::max()));
  run->add_option("--timeout", ra.timeout,
                  "Seconds per setup, trial or teardown before it is killed")
      ->check(finite_number(0, "a number of seconds"));
  run->add_option("--system-name", ra.system_name,
                  "Name of this machine in the results (default: hostname)");
  run->add_option("--resume", ra.resume, "Finish the interrupted run RUN_ID")
      ->type_name("RUN_ID")
      ->check(whole_number_from(1, std::numeric_limits<int64_t>::max()));
  run->add_option("--probes", ra.probes,
                  "Probes sampled during trials: auto (every probe that opens), none, or probe "
                  "ids separated by commas, each of which must open")
      ->type_name("auto|none|ID,...")
      ->capture_default_str();
  run->add_option("--probe-interval", ra.probe_interval_ms,
                  "Sampling interval in milliseconds (default 100, at least 10)")
      ->type_name("MS")
      ->check(whole_number_from(10, 3'600'000));
  run->add_option("--probe-option", ra.probe_options,
                  "Set an option of one probe, e.g. wall.file=/run/meter (repeatable)")
      ->type_name("PROBE.KEY=VALUE");
  run->add_option("--idle-baseline", ra.idle_baseline,
                  "Measure idle power this many seconds before the first test; results then "
                  "show idle-net energy (energy.total.net)")
      ->type_name("SECONDS")
      ->check(finite_number(0, "a number of seconds"));
  run->add_option("--cooldown", ra.cooldown,
                  "Before each trial wait until temperatures and power are back near idle, up to "
                  "120 s (--cooldown=SECONDS for another limit); measures a 10 s idle baseline "
                  "when --idle-baseline is not given. The wait is stored with the trial")
      ->type_name("[=MAX_SECONDS]")
      ->expected(0, 1)
      ->default_str("120")
      ->check(finite_number(0, "a number of seconds"));
  run->add_flag("--json", ra.json, "Print the run's results as JSON on stdout");
  run->add_flag("-q,--quiet", ra.quiet, "No progress output");
  add_db(run, "SQLite results file, created if new (default: $XDG_DATA_HOME/benchlab/results.db)");
  add_dirs(run);

  int64_t results_run = 0;
  bool results_all = false, results_json = false, results_verbose = false;
  auto* results = app.add_subcommand("results", "Show stored results (the latest run by default)");
  auto* results_id = results->add_option("run", results_run, "Run id")
                         ->type_name("RUN_ID")
                         ->check(whole_number_from(1, std::numeric_limits<int64_t>::max()));
  results->add_flag("--all", results_all, "Every run in the store")->excludes(results_id);
  results->add_flag("-v,--verbose", results_verbose,
                    "Also say which plugin file (and its SHA-256) produced each result and what "
                    "held its processes");
  results->add_flag(
      "--json", results_json,
      "JSON document of the run (with --all: of every run), with trials and inventory");
  add_db(
      results,
      "SQLite results file to read; it must exist (default: $XDG_DATA_HOME/benchlab/results.db)");

  bool inv_json = false;
  auto* inventory =
      app.add_subcommand("inventory", "Describe this machine (CPU clusters, memory, OS, firmware)");
  inventory->add_flag("--json", inv_json, "As JSON");

  CompareCommands compare_cmds;
  add_compare_commands(app, compare_cmds, common);
  PluginCommands plugin_cmds;
  add_plugin_commands(app, plugin_cmds);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int r = app.exit(e);
    return r == 0 ? 0 : kExitUsage;
  }

  if (*list) return cmd_list(common, list_what, verbose, list_probe_options);
  if (*run) return cmd_run(common, ra);
  if (int r = run_compare_commands(compare_cmds, common); r >= 0) return r;
  if (int r = run_plugin_commands(plugin_cmds, common); r >= 0) return r;
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(common, *results ? StoreUse::read : StoreUse::none, rc, true);
  if (!ctx) return rc;
  if (*results) {
    rc = print_results(ctx, results_all ? -1 : results_run, results_json, results_verbose);
  } else if (*inventory) {
    char* text = nullptr;
    int32_t r = benchlab_inventory_json(ctx, &text);
    if (r != BENCHLAB_OK) {
      rc = error(r);
    } else if (inv_json) {
      fmt::print("{}\n", text);
    } else {
      print_inventory(text);
    }
    benchlab_free(text);
  }
  benchlab_close(ctx);
  return rc;
}
