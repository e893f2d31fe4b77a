// SPDX-License-Identifier: MIT
// Building the comparison of systems from stores: which result stands for a system, the
// rows, the ratios and their intervals, the geometric means. Choices: docs/compare.md.
#include "comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <ranges>
#include <set>

#include "plan.h"
#include "result_view.h"
#include "store.h"

namespace benchlab {

namespace json = boost::json;

namespace {

// The latest stored result of one system for one test and options, with its lines.
struct Candidate {
  std::string started_at;  // of its run: ISO 8601 UTC, so text order is time order
  std::size_t store = 0;
  std::int64_t run_id = 0, result_id = 0;
  bool imported = false;
  std::string category, status, reason, plugin, plugin_version;
  std::vector<std::string> metrics;  // declared, workload metrics only, in order
  std::vector<ResultLine> lines;
  std::vector<ProgramRecord> programs;

  bool newer_than(const Candidate& o) const {
    return std::tie(started_at, store, run_id) > std::tie(o.started_at, o.store, o.run_id);
  }
  const ResultLine* line(const std::string& metric) const {
    for (const auto& l : lines)
      if (l.metric == metric) return &l;
    return nullptr;
  }
};

struct SystemRun {  // a system's newest run, for what the system is
  std::string started_at;
  std::size_t store = 0;
  json::object inventory;
  std::optional<double> idle_power_w;
};

using TestKey = std::pair<std::string, std::string>;  // test, options text

struct Gathered {
  std::map<std::string, std::map<TestKey, Candidate>> results;  // system -> key -> latest
  std::map<std::string, SystemRun> latest_run;
  std::map<std::string, std::optional<double>> idle;  // newest run with an idle baseline
  std::string newest_system, newest_started;
};

void gather_store(const std::filesystem::path& path, std::size_t index, Gathered& g) {
  Store store(path, StoreOptions{.read_only = true});
  for (const auto& run : store.runs()) {
    if (run.started_at >= g.newest_started) {
      g.newest_started = run.started_at;
      g.newest_system = run.system;
    }
    const auto idle = store.idle_baseline(run.id);
    std::optional<double> idle_w;
    if (!idle.empty() && idle.front().channel == "total") idle_w = idle.front().mean;
    auto& sys = g.latest_run[run.system];
    const bool newest = sys.started_at.empty() || run.started_at >= sys.started_at;
    if (newest) {
      json::value inv = parse_stored_json(run.inventory_json);
      sys = SystemRun{run.started_at, index, inv.is_object() ? inv.as_object() : json::object{},
                      idle_w ? idle_w : sys.idle_power_w};
    } else if (!sys.idle_power_w) {
      sys.idle_power_w = idle_w;
    }
    std::map<std::int64_t, Candidate> by_result;
    for (const auto& r : store.results(run.id)) {
      if (r.status == "pending") continue;
      Candidate c;
      c.started_at = run.started_at;
      c.store = index;
      c.run_id = run.id;
      c.result_id = r.id;
      c.imported = !run.source.empty();
      c.category = r.category;
      c.status = r.status;
      c.reason = r.reason;
      c.plugin = r.plugin;
      c.plugin_version = r.plugin_version;
      for (const auto& m : r.metrics)
        if (!is_derived_metric(m.name)) c.metrics.push_back(m.name);
      c.programs = store.result_programs(r.id);
      by_result.emplace(r.id, std::move(c));
    }
    for (auto& line : result_lines(store, run.id))
      if (auto it = by_result.find(line.result_id); it != by_result.end())
        it->second.lines.push_back(std::move(line));
    for (auto& [id, c] : by_result) {
      if (c.lines.empty()) continue;
      TestKey key{c.lines.front().test, c.lines.front().options_text};
      auto& slot = g.results[run.system];
      auto it = slot.find(key);
      if (it == slot.end() || c.newer_than(it->second)) slot[key] = std::move(c);
    }
  }
}

// The baseline against itself: exactly 1, whatever its spread.
constexpr Ratio kIdentity{1, 1, 1, true, true};

// Both sides of a ratio that is > 1 when `cell` did better than `base`.
RatioTerms terms(const Summary& cell, const Summary& base, int direction) {
  return direction < 0 ? RatioTerms{base, cell} : RatioTerms{cell, base};
}

bool has_values(const CompareCell& c) { return c.summary.n > 0 && c.summary.mean > 0; }

bool is_power_metric(const std::string& m) {
  return (m.starts_with("power.") && m.ends_with(".mean")) || m == "energy.total" ||
         m == "energy.total.net" || m.ends_with(".per_joule");
}

bool is_wall_power(const std::string& m) {
  return m.rfind("power.wall.", 0) == 0 && m.size() > 5 && m.compare(m.size() - 5, 5, ".mean") == 0;
}

std::vector<std::string> system_order(const Gathered& g, const std::string& baseline) {
  std::vector<std::string> names{baseline};
  for (const auto& [name, run] : g.latest_run)
    if (name != baseline) names.push_back(name);
  return names;
}

CompareCell make_cell(const Candidate* c, const std::string& metric,
                      const std::vector<std::filesystem::path>& stores) {
  CompareCell cell;
  if (!c) {
    cell.status = "missing";
    return cell;
  }
  cell.status = c->status;
  cell.reason = c->reason;
  cell.run_id = c->run_id;
  cell.store = stores[c->store].string();
  cell.imported = c->imported;
  if (const ResultLine* l = c->line(metric)) {
    cell.summary = l->summary;
    cell.throttled = l->throttled;
  }
  cell.trials = static_cast<unsigned>(cell.summary.n);
  return cell;
}

void add_rows(const Gathered& g, const std::vector<std::string>& systems,
              const std::vector<std::filesystem::path>& stores, Comparison& out) {
  std::set<TestKey> keys;
  for (const auto& [system, results] : g.results)
    for (const auto& [key, c] : results) keys.insert(key);
  for (const auto& key : keys) {
    std::vector<const Candidate*> cands;
    for (const auto& s : systems) {
      auto sys = g.results.find(s);
      const Candidate* c = nullptr;
      if (sys != g.results.end())
        if (auto it = sys->second.find(key); it != sys->second.end()) c = &it->second;
      cands.push_back(c);
    }
    // Metrics in the baseline's declaration order, then those only others have.
    std::vector<std::string> metrics;
    std::string category;
    for (const Candidate* c : cands) {
      if (!c) continue;
      if (category.empty()) category = c->category;
      for (const auto& m : c->metrics)
        if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
    }
    if (metrics.empty()) metrics.push_back("");
    for (std::size_t mi = 0; mi < metrics.size(); ++mi) {
      CompareRow row;
      row.category = category.empty() ? "other" : category;
      row.test = key.first;
      row.options_text = key.second;
      row.metric = metrics[mi];
      row.primary = mi == 0 && !row.metric.empty();
      for (const Candidate* c : cands)
        if (const ResultLine* l = c ? c->line(row.metric) : nullptr) {
          if (row.unit.empty()) row.unit = l->unit;
          if (row.description.empty()) row.description = l->description;
          if (l->direction) row.direction = l->direction;
        }
      for (const Candidate* c : cands) row.cells.push_back(make_cell(c, row.metric, stores));
      const CompareCell& base = row.cells.front();
      if (has_values(base)) row.cells.front().ratio = kIdentity;
      for (auto& cell : row.cells | std::views::drop(1))
        if (has_values(cell) && has_values(base)) {
          const auto [num, den] = terms(cell.summary, base.summary, row.direction);
          cell.ratio = fieller_ratio(num, den);
        }
      out.rows.push_back(std::move(row));
    }
  }
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const CompareRow& a, const CompareRow& b) {
    return a.category < b.category;
  });
}

void add_means(Comparison& out) {
  std::vector<std::string> categories;
  for (const auto& r : out.rows)
    if (std::find(categories.begin(), categories.end(), r.category) == categories.end())
      categories.push_back(r.category);
  categories.push_back("overall");
  for (const auto& cat : categories) {
    CategoryMean mean;
    mean.category = cat;
    for (std::size_t s = 0; s < out.systems.size(); ++s) {
      std::vector<RatioTerms> t;
      for (const auto& r : out.rows) {
        if (!r.primary || (cat != "overall" && r.category != cat)) continue;
        if (has_values(r.cells[s]) && has_values(r.cells.front()))
          t.push_back(terms(r.cells[s].summary, r.cells.front().summary, r.direction));
      }
      mean.per_system.push_back(s == 0 && !t.empty() ? kIdentity : geometric_mean_ratio(t));
      mean.count.push_back(static_cast<unsigned>(t.size()));
    }
    out.categories.push_back(std::move(mean));
  }
}

void add_system_details(const Gathered& g, const std::vector<std::filesystem::path>& stores,
                        Comparison& out) {
  for (auto& sys : out.systems) {
    const SystemRun& run = g.latest_run.at(sys.name);
    sys.inventory = run.inventory;
    sys.idle_power_w = run.idle_power_w;
    std::set<std::int64_t> runs;
    std::set<std::string> files;
    bool all_imported = true;
    double wall_sum = 0;
    unsigned wall_n = 0;
    std::set<std::pair<std::string, std::string>> plugins, programs;
    auto it = g.results.find(sys.name);
    if (it != g.results.end()) {
      for (const auto& [key, c] : it->second) {
        runs.insert(c.run_id);
        files.insert(stores[c.store].string());
        all_imported = all_imported && c.imported;
        if (plugins.emplace(c.plugin, c.plugin_version).second)
          out.versions.push_back({sys.name, "plugin", c.plugin, c.plugin_version});
        for (const auto& p : c.programs)
          if (programs.emplace(p.name, p.version).second)
            out.versions.push_back({sys.name, "program", p.name, p.version});
        for (const auto& l : c.lines) {
          if (!l.derived || l.summary.n == 0 || !is_power_metric(l.metric)) continue;
          out.power.push_back({key.first, key.second, sys.name, l.metric, l.unit, l.summary});
          if (is_wall_power(l.metric)) {
            wall_sum += l.summary.mean;
            ++wall_n;
          }
        }
      }
    }
    sys.runs.assign(runs.begin(), runs.end());
    sys.stores.assign(files.begin(), files.end());
    sys.imported = !runs.empty() && all_imported;
    if (wall_n) sys.wall_power_w = wall_sum / wall_n;
  }
}

json::object summary_json(const Summary& s) {
  return json::object{{"n", s.n},
                      {"mean", json_number(s.mean)},
                      {"median", json_number(s.median)},
                      {"sd", json_number(s.sd)},
                      {"ci95", json_number(s.ci95)},
                      {"min", json_number(s.min)},
                      {"max", json_number(s.max)}};
}

json::value ratio_json(const std::optional<Ratio>& r) {
  if (!r) return nullptr;
  return json::object{{"ratio", json_number(r->ratio)},
                      {"lo", r->bounded ? json_number(r->lo) : json::value(nullptr)},
                      {"hi", r->bounded ? json_number(r->hi) : json::value(nullptr)},
                      {"bounded", r->bounded},
                      {"includes_one", r->includes_one}};
}

}  // namespace

Comparison build_comparison(const std::vector<std::filesystem::path>& stores,
                            const std::string& baseline) {
  Gathered g;
  for (std::size_t i = 0; i < stores.size(); ++i) gather_store(stores[i], i, g);
  if (g.latest_run.empty()) throw NotFoundError("there are no runs to compare in the store");
  Comparison out;
  out.baseline = baseline.empty() ? g.newest_system : baseline;
  if (!g.latest_run.contains(out.baseline)) {
    std::string names;
    for (const auto& [name, run] : g.latest_run) names += (names.empty() ? "" : ", ") + name;
    throw NotFoundError(
        fmt::format("there is no system \"{}\" in the store; systems: {}", out.baseline, names));
  }
  const auto systems = system_order(g, out.baseline);
  for (const auto& name : systems) {
    SystemSummary s;
    s.name = name;
    s.baseline = name == out.baseline;
    out.systems.push_back(std::move(s));
  }
  add_rows(g, systems, stores, out);
  add_means(out);
  add_system_details(g, stores, out);
  return out;
}

std::string comparison_to_json(const Comparison& c) {
  json::array systems;
  for (const auto& s : c.systems) {
    json::array runs(s.runs.begin(), s.runs.end());
    json::array stores(s.stores.begin(), s.stores.end());
    systems.push_back(
        json::object{{"name", s.name},
                     {"baseline", s.baseline},
                     {"runs", std::move(runs)},
                     {"stores", std::move(stores)},
                     {"imported", s.imported},
                     {"inventory", s.inventory},
                     {"idle_power_w", s.idle_power_w ? json_number(*s.idle_power_w) : nullptr},
                     {"wall_power_w", s.wall_power_w ? json_number(*s.wall_power_w) : nullptr}});
  }
  json::array rows;
  for (const auto& r : c.rows) {
    json::array cells;
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      const auto& cell = r.cells[i];
      cells.push_back(json::object{{"system", c.systems[i].name},
                                   {"status", cell.status},
                                   {"reason", cell.reason},
                                   {"summary", summary_json(cell.summary)},
                                   {"ratio", ratio_json(cell.ratio)},
                                   {"run", cell.run_id},
                                   {"store", cell.store},
                                   {"imported", cell.imported},
                                   {"trials", cell.trials},
                                   {"throttled", cell.throttled}});
    }
    rows.push_back(json::object{{"category", r.category},
                                {"test", r.test},
                                {"options", r.options_text},
                                {"metric", r.metric},
                                {"unit", r.unit},
                                {"description", r.description},
                                {"direction", r.direction},
                                {"primary", r.primary},
                                {"cells", std::move(cells)}});
  }
  json::array means;
  for (const auto& m : c.categories) {
    json::array per;
    for (std::size_t i = 0; i < m.per_system.size(); ++i) {
      json::value r = m.count[i] ? ratio_json(m.per_system[i]) : json::value(nullptr);
      per.push_back(
          json::object{{"system", c.systems[i].name}, {"ratio", r}, {"count", m.count[i]}});
    }
    means.push_back(json::object{{"category", m.category}, {"systems", std::move(per)}});
  }
  json::array power;
  for (const auto& p : c.power)
    power.push_back(json::object{{"system", p.system},
                                 {"test", p.test},
                                 {"options", p.options_text},
                                 {"metric", p.metric},
                                 {"unit", p.unit},
                                 {"summary", summary_json(p.summary)}});
  json::array versions;
  for (const auto& v : c.versions)
    versions.push_back(json::object{
        {"system", v.system}, {"kind", v.kind}, {"name", v.name}, {"version", v.version}});
  json::array tco;
  for (const auto& t : c.tco) tco.push_back(tco_json(t));
  return json::serialize(json::object{{"format_version", kJsonFormatVersion},
                                      {"baseline", c.baseline},
                                      {"systems", std::move(systems)},
                                      {"rows", std::move(rows)},
                                      {"geometric_means", std::move(means)},
                                      {"power", std::move(power)},
                                      {"versions", std::move(versions)},
                                      {"tco", std::move(tco)}});
}

}  // namespace benchlab
