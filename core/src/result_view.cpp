// SPDX-License-Identifier: MIT
#include "result_view.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <string_view>
#include <system_error>

#include "idle_baseline.h"

namespace benchlab {
namespace json = boost::json;

namespace {

// JSON has no NaN or infinity; absent statistics are null.

json::object summary_json(const Summary& s) {
  return json::object{{"n", s.n},
                      {"mean", json_number(s.mean)},
                      {"median", json_number(s.median)},
                      {"sd", json_number(s.sd)},
                      {"cov", json_number(s.cov)},
                      {"ci95", json_number(s.ci95)},
                      {"min", json_number(s.min)},
                      {"max", json_number(s.max)},
                      {"outliers", s.outliers}};
}

json::value distribution_json(const Distribution& d) {
  if (d.n == 0) return nullptr;
  return json::object{{"n", d.n},
                      {"mean", json_number(d.mean)},
                      {"min", json_number(d.min)},
                      {"p50", json_number(d.p50)},
                      {"p90", json_number(d.p90)},
                      {"p99", json_number(d.p99)},
                      {"max", json_number(d.max)}};
}

// The pooled distributions of a result's metrics that have one, by metric name.
std::map<std::string, Distribution> distributions(const Store& store, std::int64_t result_id) {
  std::map<std::string, Distribution> out;
  for (const auto& metric : store.distribution_metrics(result_id))
    out[metric] = summarize_distribution(store.distribution(result_id, metric));
  return out;
}

}  // namespace

bool is_derived_metric(const std::string& name) {
  auto starts = [&](std::string_view p) { return name.compare(0, p.size(), p) == 0; };
  auto ends = [&](std::string_view p) {
    return name.size() >= p.size() && name.compare(name.size() - p.size(), p.size(), p) == 0;
  };
  return starts("energy.") || starts("power.") || ends(".per_joule");
}

namespace {

constexpr const char* kNetEnergyMetric = "energy.total.net";

// The run's idle total power (its standard error and degrees of freedom); zero without an
// idle baseline.
IdleRecord idle_total(const Store& store, std::int64_t run_id) {
  for (const auto& r : store.idle_baseline(run_id))
    if (r.channel == "total") return r;
  return {};
}

// What the idle mean's uncertainty adds to the mean net energy: every trial subtracts
// the same idle power, so its error does not average out over trials; it scales with
// the trial's duration (docs/energy.md).
double idle_uncertainty(double idle_sem_w, const std::vector<TrialRow>& trials) {
  double sum = 0;
  unsigned n = 0;
  for (const auto& t : trials)
    if (!t.warmup && t.ok && t.window.complete()) {
      sum += double(t.window.duration_ns()) / 1e9;
      ++n;
    }
  return n ? idle_sem_w * sum / n : 0;
}

}  // namespace

std::string containment_text(const std::vector<TrialRow>& trials) {
  std::string out;
  for (const auto& t : trials) {
    if (t.containment.empty() || out.find(t.containment) != std::string::npos) continue;
    out += (out.empty() ? "" : ", ") + t.containment;
  }
  return out;
}

std::vector<ResultLine> result_lines(const Store& store, std::int64_t run_id) {
  std::vector<ResultLine> out;
  auto run = store.run(run_id);
  if (!run) return out;
  const IdleRecord idle = idle_total(store, run_id);
  for (const auto& r : store.results(run_id)) {
    ResultLine base;
    base.run_id = run_id;
    base.result_id = r.id;
    base.system = run->system;
    base.test = r.test;
    base.plugin = r.plugin;
    base.plugin_version = r.plugin_version;
    base.plugin_path = r.plugin_path;
    base.plugin_sha256 = r.plugin_sha256;
    base.options_text = options_to_text(r.options);
    base.status = r.status;
    base.reason = r.reason;
    auto trials = store.trials(r.id);
    for (const auto& t : trials) {
      base.failed += (!t.warmup && !t.ok) ? 1 : 0;
      base.throttled += (!t.warmup && !t.throttled.empty()) ? 1 : 0;
    }
    base.containment = containment_text(trials);
    const auto dists = distributions(store, r.id);
    std::vector<std::vector<double>> values(r.metrics.size());
    bool has_values = false;
    for (std::size_t i = 0; i < r.metrics.size(); ++i) {
      for (const auto& t : trials) {
        if (t.warmup || !t.ok) continue;
        for (const auto& [k, x] : t.values)
          if (k == r.metrics[i].name) values[i].push_back(x);
      }
      has_values = has_values || !values[i].empty();
    }
    bool any = false;
    for (std::size_t i = 0; i < r.metrics.size(); ++i) {
      const auto& m = r.metrics[i];
      const auto& v = values[i];
      // An optional metric no trial reported (goodput without a latency target) is no
      // row beside those that were; a result with no value at all keeps its rows.
      if (v.empty() && (has_values || (r.status != "ok" && r.status != "partial"))) continue;
      ResultLine line = base;
      line.metric = m.name;
      line.unit = m.unit;
      line.description = m.description;
      line.direction = m.direction;
      if (auto d = dists.find(m.name); d != dists.end()) line.distribution = d->second;
      line.derived = is_derived_metric(m.name);
      line.summary = summarize(v);
      if (m.name == kNetEnergyMetric) {
        line.idle_uncertainty = idle_uncertainty(idle.sem, trials);
        line.summary.ci95 = combined_ci95(line.summary.ci95, line.idle_uncertainty, idle.dof);
      }
      out.push_back(std::move(line));
      any = true;
    }
    if (!any) out.push_back(std::move(base));
  }
  return out;
}

json::value json_number(double x) {
  return std::isfinite(x) ? json::value(x) : json::value(nullptr);
}

json::array options_json(const OptionList& options) {
  json::array a;
  for (const auto& [k, v] : options) a.push_back(json::object{{"name", k}, {"value", v}});
  return a;
}

json::value parse_stored_json(const std::string& text) {
  std::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec) return v;
  // Boost.JSON serializes non-finite doubles as NaN, Infinity and -Infinity: put null in
  // their place, outside strings, and try again.
  std::string fixed;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      fixed += c;
      if (c == '\\' && i + 1 < text.size())
        fixed += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
      if (text.compare(i, token.size(), token) == 0) {
        fixed += "null";
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) fixed += c;
  }
  v = json::parse(fixed, ec);
  if (ec)
    throw StoreError("the store holds malformed JSON (" + ec.message() +
                     "): " + text.substr(0, 200));
  return v;
}

namespace {

// The run's settings with its options as [{name, value}]: benchlab 0.1 stored them as a
// string holding [[key, value], ...].
json::value settings_json(const std::string& text) {
  json::value v = parse_stored_json(text);
  if (!v.is_object()) return v;
  auto& o = v.as_object();
  if (auto* opts = o.if_contains("options")) {
    json::value pairs = *opts;
    if (pairs.is_string()) pairs = parse_stored_json(std::string(pairs.as_string()));
    if (pairs.is_array() && !pairs.as_array().empty() && pairs.as_array()[0].is_array()) {
      OptionList list;
      for (const auto& e : pairs.as_array()) {
        const auto& p = e.as_array();
        if (p.size() == 2 && p[0].is_string() && p[1].is_string())
          list.emplace_back(std::string(p[0].as_string()), std::string(p[1].as_string()));
      }
      pairs = options_json(list);
    }
    *opts = std::move(pairs);
  }
  return v;
}

json::value containment_of(const std::vector<TrialRow>& trials) {
  std::string c = containment_text(trials);
  return c.empty() ? json::value(nullptr) : json::value(c);
}

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The run's probes and its idle baseline (docs/json-format.md).
json::array probes_json(const Store& store, std::int64_t run_id) {
  json::array out;
  for (const auto& p : store.probes(run_id))
    out.push_back(json::object{{"id", p.probe},
                               {"version", p.plugin_version},
                               {"path", p.plugin_path},
                               {"sha256", text_or_null(p.plugin_sha256)},
                               {"status", p.status},
                               {"reason", text_or_null(p.reason)},
                               {"interval_s", double(p.interval_ns) / 1e9},
                               {"samples", p.samples},
                               {"skipped", p.skipped},
                               {"cpu_s", double(p.cpu_ns) / 1e9}});
  return out;
}

json::value idle_json(const Store& store, std::int64_t run_id) {
  const auto rows = store.idle_baseline(run_id);
  if (rows.empty()) return nullptr;
  json::object channels;
  for (const auto& r : rows)
    channels[r.channel] = json::object{
        {"mean", json_number(r.mean)}, {"sem", json_number(r.sem)}, {"dof", json_number(r.dof)}};
  return json::object{{"seconds", double(rows[0].end_ns - rows[0].begin_ns) / 1e9},
                      {"samples", rows[0].samples},
                      {"channels", std::move(channels)}};
}

json::object run_document(const Store& store, const RunRow& run) {
  json::array results;
  const IdleRecord idle = idle_total(store, run.id);
  for (const auto& r : store.results(run.id)) {
    auto trials = store.trials(r.id);
    unsigned throttled = 0;
    for (const auto& t : trials) throttled += (!t.warmup && !t.throttled.empty()) ? 1 : 0;
    const auto dists = distributions(store, r.id);
    json::array metrics;
    for (const auto& m : r.metrics) {
      std::vector<double> v;
      for (const auto& t : trials)
        if (!t.warmup && t.ok)
          for (const auto& [k, x] : t.values)
            if (k == m.name) v.push_back(x);
      json::array values;
      for (double x : v) values.push_back(json_number(x));
      Summary stats = summarize(v);
      json::object metric{{"name", m.name},
                          {"unit", m.unit},
                          {"direction", m.direction > 0 ? "higher" : "lower"},
                          {"description", text_or_null(m.description)},
                          {"derived", is_derived_metric(m.name)},
                          {"values", std::move(values)}};
      const auto d = dists.find(m.name);
      metric["distribution"] = distribution_json(d == dists.end() ? Distribution{} : d->second);
      if (m.name == kNetEnergyMetric) {
        const double u = idle_uncertainty(idle.sem, trials);
        stats.ci95 = combined_ci95(stats.ci95, u, idle.dof);
        metric["idle_uncertainty"] = json_number(u);
      }
      metric["stats"] = summary_json(stats);
      metrics.push_back(std::move(metric));
    }
    json::array tj;
    for (const auto& t : trials) {
      json::object vals;
      for (const auto& [k, x] : t.values) vals[k] = json_number(x);
      json::value window = nullptr;
      if (t.window.complete())
        window = json::object{{"begin_ns", t.window.begin_ns}, {"end_ns", t.window.end_ns}};
      json::array marks;
      for (const auto& mk : store.marks(t.id))
        marks.push_back(json::object{{"name", mk.name}, {"t_ns", mk.t_ns}});
      tj.push_back(
          json::object{{"index", t.idx},
                       {"warmup", t.warmup},
                       {"status", t.ok ? "ok" : "failed"},
                       {"reason", t.reason.empty() ? json::value(nullptr) : json::value(t.reason)},
                       {"window", std::move(window)},
                       {"wall_s", double(t.wall_ns) / 1e9},
                       {"user_s", double(t.user_ns) / 1e9},
                       {"sys_s", double(t.sys_ns) / 1e9},
                       {"max_rss_bytes", t.max_rss_bytes},
                       {"memory_peak_bytes", t.memory_peak_bytes ? json::value(t.memory_peak_bytes)
                                                                 : json::value(nullptr)},
                       {"containment",
                        t.containment.empty() ? json::value(nullptr) : json::value(t.containment)},
                       {"cooldown_s", double(t.cooldown_ns) / 1e9},
                       {"throttled", text_or_null(t.throttled)},
                       {"marks", std::move(marks)},
                       {"values", std::move(vals)}});
    }
    json::array programs;  // what the workload wrapped (benchlab/ext/programs.h)
    for (const auto& p : store.result_programs(r.id))
      programs.push_back(
          json::object{{"name", p.name}, {"version", p.version}, {"path", text_or_null(p.path)}});
    results.push_back(
        json::object{{"id", r.id},
                     {"test", r.test},
                     {"category", text_or_null(r.category)},
                     {"plugin", r.plugin},
                     {"plugin_version", r.plugin_version},
                     {"plugin_file", r.plugin_path},
                     {"plugin_sha256", r.plugin_sha256.empty() ? json::value(nullptr)
                                                               : json::value(r.plugin_sha256)},
                     {"containment", containment_of(trials)},
                     {"throttled_trials", throttled},
                     {"options", options_json(r.options)},
                     {"status", r.status},
                     {"reason", r.reason.empty() ? json::value(nullptr) : json::value(r.reason)},
                     {"policy", parse_stored_json(r.policy_json)},
                     {"programs", std::move(programs)},
                     {"metrics", std::move(metrics)},
                     {"trials", std::move(tj)}});
  }
  return json::object{
      {"run", json::object{{"id", run.id},
                           {"uuid", run.uuid},
                           {"system", run.system},
                           {"started_at", run.started_at},
                           {"finished_at", run.finished_at.empty() ? json::value(nullptr)
                                                                   : json::value(run.finished_at)},
                           {"status", run.status},
                           {"targets", run.targets},
                           {"benchlab_version", run.version},
                           {"source", text_or_null(run.source)},
                           {"settings", settings_json(run.settings_json)}}},
      {"inventory", parse_stored_json(run.inventory_json)},
      {"probes", probes_json(store, run.id)},
      {"idle_baseline", idle_json(store, run.id)},
      {"results", std::move(results)}};
}

}  // namespace

std::string run_json(const Store& store, std::int64_t run_id) {
  auto run = store.run(run_id);
  if (!run) return "null";
  json::object doc{{"format_version", kJsonFormatVersion}};
  for (auto& [k, v] : run_document(store, *run)) doc.emplace(k, std::move(v));
  return json::serialize(doc);
}

std::string runs_json(const Store& store) {
  json::array runs;
  for (const auto& run : store.runs()) runs.push_back(run_document(store, run));
  return json::serialize(
      json::object{{"format_version", kJsonFormatVersion}, {"runs", std::move(runs)}});
}

}  // namespace benchlab
