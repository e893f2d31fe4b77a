// SPDX-License-Identifier: MIT
#include "plan.h"

#include <benchlab/plugin.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <set>

namespace benchlab {
namespace json = boost::json;

namespace {

const char* type_name(int32_t t) {
  switch (t) {
    case BL_OPTION_INT:
      return "integer";
    case BL_OPTION_FLOAT:
      return "number";
    case BL_OPTION_BOOL:
      return "true or false";
    case BL_OPTION_ENUM:
      return "one of the allowed values";
    default:
      return "string";
  }
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string valid_options(const PluginInfo& p) {
  std::vector<std::string> names;
  for (const auto& o : p.options) names.push_back(o.name);
  return names.empty() ? "it takes no options" : "valid options: " + join(names, ", ");
}

}  // namespace

std::string check_option_value(const OptionInfo& o, const std::string& v) {
  auto range = [&](double x) -> std::string {
    if (o.min_value < o.max_value && (x < o.min_value || x > o.max_value))
      return fmt::format("must be between {} and {}", o.min_value, o.max_value);
    return {};
  };
  switch (o.type) {
    case BL_OPTION_INT: {
      long long x;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      if (ec != std::errc() || p != v.data() + v.size()) return "is not an integer";
      return range(static_cast<double>(x));
    }
    case BL_OPTION_FLOAT: {
      double x;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(x))
        return "is not a number";
      return range(x);
    }
    case BL_OPTION_BOOL:
      return v == "true" || v == "false" ? "" : "must be true or false";
    case BL_OPTION_ENUM:
      if (std::find(o.allowed.begin(), o.allowed.end(), v) == o.allowed.end())
        return "is not allowed; allowed values: " + join(o.allowed, ", ");
      return {};
    default:
      return {};
  }
}

OptionList resolve_options(const PluginInfo& plugin, const OptionList& given,
                           const OptionList& overrides, const std::string& test) {
  std::set<std::string> overridden;
  for (const auto& [k, v] : overrides)
    if (plugin.option(k)) overridden.insert(k);
  OptionList merged;
  for (const auto& kv : given)
    if (!overridden.count(kv.first)) merged.push_back(kv);
  for (const auto& kv : overrides)
    if (overridden.count(kv.first)) merged.push_back(kv);

  for (const auto& [k, v] : merged) {
    const OptionInfo* o = plugin.option(k);
    if (!o)
      throw PlanError(fmt::format("{}: plugin '{}' has no option '{}'; {}", test, plugin.id, k,
                                  valid_options(plugin)));
    if (auto why = check_option_value(*o, v); !why.empty())
      throw PlanError(
          fmt::format("{}: option {}='{}' {} ({} expected)", test, k, v, why, type_name(o->type)));
  }
  OptionList out;
  for (const auto& o : plugin.options) {
    std::size_t n = 0;
    for (const auto& kv : merged)
      if (kv.first == o.name) {
        out.push_back(kv);
        ++n;
      }
    if (n > 1 && !(o.flags & BL_OPTION_REPEATED))
      throw PlanError(
          fmt::format("{}: option '{}' given {} times but takes one value", test, o.name, n));
    if (n == 0) {
      if (o.has_default && !(o.flags & BL_OPTION_REPEATED)) {
        out.emplace_back(o.name, o.default_value);
      } else if (o.flags & BL_OPTION_REQUIRED) {
        throw PlanError(fmt::format("{}: plugin '{}' needs option '{}' ({}){}", test, plugin.id,
                                    o.name, type_name(o.type),
                                    o.description.empty() ? "" : ": " + o.description));
      }
    }
  }
  return out;
}

namespace {

void apply(Policy& p, const TrialPolicy& t) {
  if (t.trials) {
    p.min_trials = p.max_trials = *t.trials;
    p.target_ci = 0;
  }
  if (t.min_trials) p.min_trials = *t.min_trials;
  if (t.max_trials) p.max_trials = *t.max_trials;
  if (t.target_ci) {
    p.target_ci = *t.target_ci;
    // A target without an upper bound of its own leaves room to reach it.
    if (!t.max_trials && p.max_trials == p.min_trials) p.max_trials = std::max(p.min_trials, 10u);
  }
  if (t.warmup) p.warmup = *t.warmup;
  if (t.timeout_s) p.timeout_s = *t.timeout_s;
  if (p.min_trials > p.max_trials) p.max_trials = p.min_trials;
}

// "TEST:KEY" or "PLUGIN:KEY" overrides KEY for that test (or every test of that plugin)
// only, so `-o lulesh:source=DIR` leaves the `source` of `compile` alone.
std::pair<std::string, std::string> split_scope(const std::string& key) {
  auto c = key.find(':');
  if (c == std::string::npos) return {"", key};
  return {key.substr(0, c), key.substr(c + 1)};
}

OptionList overrides_for(const OptionList& overrides, const std::string& test,
                         const std::string& plugin) {
  OptionList out;
  for (const auto& [k, v] : overrides) {
    auto [scope, key] = split_scope(k);
    if (scope.empty() || scope == test || scope == plugin) out.emplace_back(key, v);
  }
  return out;
}

struct Expander {
  const Catalog& catalog;
  const PlanRequest& req;
  std::vector<PlanItem> items;
  std::vector<std::string> stack;  // suites being expanded, for cycles

  void target(const std::string& id, const std::vector<const Suite*>& suites) {
    if (const Suite* s = catalog.suite(id)) {
      if (std::find(stack.begin(), stack.end(), id) != stack.end())
        throw PlanError(
            fmt::format("suite '{}' includes itself ({} -> {})", id, join(stack, " -> "), id));
      stack.push_back(id);
      auto inner = suites;
      inner.push_back(s);
      for (const auto& m : s->members) target(m, inner);
      stack.pop_back();
      return;
    }
    PlanItem item;
    item.test = id;
    const OptionList* given = nullptr;
    OptionList none;
    if (const Profile* p = catalog.profile(id)) {
      item.profile = p;
      item.plugin = catalog.plugin(p->plugin);
      if (!item.plugin)
        throw NotFoundError(
            fmt::format("{}: profile '{}' needs workload plugin '{}', which is not installed "
                        "(benchlab list plugins shows what is)",
                        p->path.string(), id, p->plugin));
      given = &p->options;
      item.requirements = p->requirements;
    } else if (const PluginInfo* lp = catalog.plugin(id); lp && lp->kind == BL_KIND_WORKLOAD) {
      item.plugin = lp;
      given = &none;
    } else {
      std::string where = stack.empty() ? "" : fmt::format(" (member of suite '{}')", stack.back());
      // A plugin file of that name that discovery refused is the likely explanation.
      for (const auto& d : catalog.diagnostics)
        if (d.find("/" + id + ".so: ") != std::string::npos) where += "; " + d;
      throw NotFoundError(
          fmt::format("unknown target '{}'{}: not a suite, profile or workload plugin; "
                      "`benchlab list` shows what can run",
                      id, where));
    }
    const PluginInfo& info = *item.plugin;
    for (const auto& r : info.requirements)
      item.requirements.push_back({r.kind, r.name, r.amount, r.hint});
    // Most specific last: a suite is the context a reusable profile runs in (`quick`
    // wants fewer trials than the profile's own), and the operator has the final word.
    if (item.profile) apply(item.policy, item.profile->policy);
    for (const Suite* s : suites) apply(item.policy, s->policy);
    apply(item.policy, req.policy);
    if (item.policy.max_trials == 0) throw PlanError(id + ": the trial count must be at least 1");
    const OptionList overrides = overrides_for(req.overrides, id, info.id);
    for (const OptionList& options : sweep_combinations(*given, item.profile, overrides)) {
      PlanItem one = item;
      one.options = resolve_options(info, options, overrides, id);
      items.push_back(std::move(one));
    }
  }

  // The profile's options once per combination of its swept values (the first sweep
  // outermost), each swept option placed where its <sweep> was; just `given` without
  // sweeps. An option the operator set (-o users=4) is not swept: the operator has the
  // final word, and one value makes one result.
  static std::vector<OptionList> sweep_combinations(const OptionList& given, const Profile* profile,
                                                    const OptionList& overrides) {
    std::vector<OptionList> out{given};
    if (!profile) return out;
    for (const auto& [name, values] : profile->sweeps) {
      const bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                          [&](const auto& kv) { return kv.first == name; });
      if (overridden) continue;
      std::vector<OptionList> next;
      for (const OptionList& base : out)
        for (const std::string& v : values) {
          next.push_back(base);
          next.back().emplace_back(name, v);
        }
      out = std::move(next);
    }
    return out;
  }
};

}  // namespace

std::vector<PlanItem> make_plan(const Catalog& catalog, const PlanRequest& req) {
  if (req.targets.empty()) throw PlanError("nothing to run: name a suite, profile or plugin");
  // An override no test declares is a typo, not a no-op.
  Expander ex{catalog, req, {}, {}};
  for (const auto& t : req.targets) ex.target(t, {});
  for (const auto& kv : req.overrides) {
    const std::string& k = kv.first;
    const auto scoped = split_scope(k);  // not a structured binding: clang 14 cannot capture one
    const std::string &scope = scoped.first, &key = scoped.second;
    bool used = std::any_of(ex.items.begin(), ex.items.end(), [&](const PlanItem& i) {
      return (scope.empty() || scope == i.test || scope == i.plugin->id) && i.plugin->option(key);
    });
    if (!used) {
      std::set<std::string> names;
      for (const auto& i : ex.items)
        for (const auto& o : i.plugin->options) names.insert(o.name);
      throw PlanError(fmt::format(
          "--option {}: no test{} in this run has an option '{}'; options of these tests: {}", k,
          scope.empty() ? "" : " or plugin '" + scope + "'", key,
          join(std::vector<std::string>(names.begin(), names.end()), ", ")));
    }
  }
  return std::move(ex.items);
}

std::string policy_to_json(const Policy& p, const std::vector<Requirement>& reqs,
                           const std::string& data_dir) {
  json::array r;
  for (const auto& q : reqs)
    r.push_back(
        json::object{{"kind", q.kind}, {"name", q.name}, {"amount", q.amount}, {"hint", q.hint}});
  json::object o{{"warmup", p.warmup},         {"min_trials", p.min_trials},
                 {"max_trials", p.max_trials}, {"target_ci", p.target_ci},
                 {"timeout_s", p.timeout_s},   {"requires", std::move(r)},
                 {"data_dir", data_dir}};
  return json::serialize(o);
}

Policy policy_from_json(const std::string& text, std::vector<Requirement>& reqs,
                        std::string& data_dir) {
  const json::value v = json::parse(text);
  const auto& o = v.as_object();
  Policy p;
  p.warmup = json::value_to<unsigned>(o.at("warmup"));
  p.min_trials = json::value_to<unsigned>(o.at("min_trials"));
  p.max_trials = json::value_to<unsigned>(o.at("max_trials"));
  p.target_ci = o.at("target_ci").to_number<double>();
  p.timeout_s = o.at("timeout_s").to_number<double>();
  for (const auto& e : o.at("requires").as_array()) {
    const auto& q = e.as_object();
    reqs.push_back({json::value_to<int32_t>(q.at("kind")), std::string(q.at("name").as_string()),
                    json::value_to<std::uint64_t>(q.at("amount")),
                    std::string(q.at("hint").as_string())});
  }
  data_dir = std::string(o.at("data_dir").as_string());
  return p;
}

}  // namespace benchlab
