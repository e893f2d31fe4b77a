// SPDX-License-Identifier: MIT
#include "sampling_options.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

namespace benchlab {
namespace json = boost::json;

std::vector<std::string> SamplingOptions::named() const {
  std::vector<std::string> out;
  if (probes == "auto" || probes == "none") return out;
  std::size_t start = 0;
  while (start <= probes.size()) {
    std::size_t comma = probes.find(',', start);
    if (comma == std::string::npos) comma = probes.size();
    std::string id = probes.substr(start, comma - start);
    if (!id.empty()) out.push_back(id);
    start = comma + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SamplingOptions::options_of(
    const std::string& probe) const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string prefix = probe + ".";
  for (const auto& [k, v] : probe_options)
    if (k.compare(0, prefix.size(), prefix) == 0) out.emplace_back(k.substr(prefix.size()), v);
  return out;
}

std::string SamplingOptions::invalid() const {
  if (probes.empty())
    return "the probe list is empty: give auto, none, or probe ids separated by commas";
  if (probes != "auto" && probes != "none" && named().empty())
    return fmt::format("'{}' names no probe: give auto, none, or probe ids separated by commas",
                       probes);
  if (interval_ms < kMinProbeIntervalMs)
    return fmt::format("probe interval {} ms is below the {} ms minimum", interval_ms,
                       kMinProbeIntervalMs);
  for (const auto& [k, v] : probe_options) {
    const auto dot = k.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == k.size())
      return fmt::format("probe option '{}={}' is not PROBE.KEY=VALUE", k, v);
  }
  if (!std::isfinite(idle_baseline_s) || idle_baseline_s < 0)
    return fmt::format("idle baseline {} s is not a number of seconds >= 0", idle_baseline_s);
  if (!std::isfinite(cooldown_max_s) || cooldown_max_s < 0)
    return fmt::format("cool-down limit {} s is not a number of seconds >= 0", cooldown_max_s);
  if (!enabled() && (idle_baseline_s > 0 || cooldown_max_s > 0))
    return "an idle baseline and a cool-down need probes to measure them (not --probes none)";
  return {};
}

std::string sampling_to_json(const SamplingOptions& o) {
  json::array opts;
  for (const auto& [k, v] : o.probe_options)
    opts.push_back(json::object{{"name", k}, {"value", v}});
  return json::serialize(json::object{{"probes", o.probes},
                                      {"interval_ms", o.interval_ms},
                                      {"probe_options", std::move(opts)},
                                      {"idle_baseline_s", o.idle_baseline_s},
                                      {"cooldown_max_s", o.cooldown_max_s}});
}

SamplingOptions sampling_from_json(const std::string& text) {
  SamplingOptions o;
  if (text.empty()) return o;
  const json::value doc = json::parse(text);
  if (!doc.is_object()) return o;
  const auto& obj = doc.as_object();
  if (auto* p = obj.if_contains("probes"); p && p->is_string()) o.probes = p->as_string().c_str();
  if (auto* p = obj.if_contains("interval_ms"); p && p->is_number())
    o.interval_ms = p->to_number<std::uint32_t>();
  if (auto* p = obj.if_contains("probe_options"); p && p->is_array())
    for (const auto& e : p->as_array())
      o.probe_options.emplace_back(json::value_to<std::string>(e.at("name")),
                                   json::value_to<std::string>(e.at("value")));
  if (auto* p = obj.if_contains("idle_baseline_s"); p && p->is_number())
    o.idle_baseline_s = p->to_number<double>();
  if (auto* p = obj.if_contains("cooldown_max_s"); p && p->is_number())
    o.cooldown_max_s = p->to_number<double>();
  return o;
}

}  // namespace benchlab
