#include "result_view.h"

#include <boost/json.hpp>
#include <cmath>

namespace benchlab {
namespace json = boost::json;

namespace {

// JSON has no NaN or infinity; absent statistics are null.
json::value num(double x) { return std::isfinite(x) ? json::value(x) : json::value(nullptr); }

json::object summary_json(const Summary& s) {
  return json::object{{"n", s.n},           {"mean", num(s.mean)}, {"median", num(s.median)},
                      {"sd", num(s.sd)},     {"cov", num(s.cov)},   {"ci95", num(s.ci95)},
                      {"min", num(s.min)},   {"max", num(s.max)},   {"outliers", s.outliers}};
}

}  // namespace

std::vector<ResultLine> result_lines(const Store& store, std::int64_t run_id) {
  std::vector<ResultLine> out;
  auto run = store.run(run_id);
  if (!run) return out;
  for (const auto& r : store.results(run_id)) {
    ResultLine base;
    base.run_id = run_id;
    base.result_id = r.id;
    base.system = run->system;
    base.test = r.test;
    base.plugin = r.plugin;
    base.plugin_version = r.plugin_version;
    base.options_text = options_to_text(r.options);
    base.status = r.status;
    base.reason = r.reason;
    auto trials = store.trials(r.id);
    for (const auto& t : trials) base.failed += (!t.warmup && !t.ok) ? 1 : 0;
    bool any = false;
    for (const auto& m : r.metrics) {
      std::vector<double> v;
      for (const auto& t : trials) {
        if (t.warmup || !t.ok) continue;
        for (const auto& [k, x] : t.values)
          if (k == m.name) v.push_back(x);
      }
      if (v.empty() && r.status != "ok" && r.status != "partial") continue;
      ResultLine line = base;
      line.metric = m.name;
      line.unit = m.unit;
      line.direction = m.direction;
      line.summary = summarize(v);
      out.push_back(std::move(line));
      any = true;
    }
    if (!any) out.push_back(std::move(base));
  }
  return out;
}

std::string run_json(const Store& store, std::int64_t run_id) {
  auto run = store.run(run_id);
  if (!run) return "null";
  json::array results;
  for (const auto& r : store.results(run_id)) {
    auto trials = store.trials(r.id);
    json::array opts;
    for (const auto& [k, v] : r.options) opts.push_back(json::array{json::string(k), json::string(v)});
    json::array metrics;
    for (const auto& m : r.metrics) {
      std::vector<double> v;
      for (const auto& t : trials)
        if (!t.warmup && t.ok)
          for (const auto& [k, x] : t.values)
            if (k == m.name) v.push_back(x);
      metrics.push_back(json::object{{"name", m.name},
                                     {"unit", m.unit},
                                     {"direction", m.direction > 0 ? "higher" : "lower"},
                                     {"values", json::value_from(v)},
                                     {"stats", summary_json(summarize(v))}});
    }
    json::array tj;
    for (const auto& t : trials) {
      json::object vals;
      for (const auto& [k, x] : t.values) vals[k] = num(x);
      tj.push_back(json::object{{"index", t.idx},
                                {"warmup", t.warmup},
                                {"status", t.ok ? "ok" : "failed"},
                                {"reason", t.reason.empty() ? json::value(nullptr) : json::value(t.reason)},
                                {"wall_s", double(t.wall_ns) / 1e9},
                                {"user_s", double(t.user_ns) / 1e9},
                                {"sys_s", double(t.sys_ns) / 1e9},
                                {"max_rss_bytes", t.max_rss_bytes},
                                {"values", std::move(vals)}});
    }
    results.push_back(json::object{{"id", r.id},
                                   {"test", r.test},
                                   {"plugin", r.plugin},
                                   {"plugin_version", r.plugin_version},
                                   {"options", std::move(opts)},
                                   {"status", r.status},
                                   {"reason", r.reason.empty() ? json::value(nullptr) : json::value(r.reason)},
                                   {"policy", json::parse(r.policy_json)},
                                   {"metrics", std::move(metrics)},
                                   {"trials", std::move(tj)}});
  }
  json::object doc{{"run", json::object{{"id", run->id},
                                        {"uuid", run->uuid},
                                        {"system", run->system},
                                        {"started_at", run->started_at},
                                        {"finished_at", run->finished_at.empty() ? json::value(nullptr)
                                                                                 : json::value(run->finished_at)},
                                        {"status", run->status},
                                        {"targets", run->targets},
                                        {"benchlab_version", run->version},
                                        {"settings", json::parse(run->settings_json)}}},
                   {"inventory", json::parse(run->inventory_json)},
                   {"results", std::move(results)}};
  return json::serialize(doc);
}

}  // namespace benchlab
