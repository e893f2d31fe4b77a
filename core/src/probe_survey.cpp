// SPDX-License-Identifier: MIT
#include "probe_survey.h"

#include <benchlab/ext/probe_devices.h>

#include <boost/json.hpp>
#include <cmath>
#include <future>

#include "result_view.h"

namespace benchlab {
namespace json = boost::json;

std::vector<ProbeStatus> survey_probes(
    const Catalog& catalog, const std::string& worker, const std::string& sysroot,
    const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<std::future<ProbeStatus>> pending;
  for (const auto& p : catalog.plugins) {
    if (p.kind != BL_KIND_PROBE) continue;
    ProbeSettings s;
    s.sysroot = sysroot;
    const std::string prefix = p.id + ".";
    for (const auto& [k, v] : options)
      if (k.compare(0, prefix.size(), prefix) == 0)
        s.options.emplace_back(k.substr(prefix.size()), v);
    pending.push_back(
        std::async(std::launch::async, [&worker, &p, s] { return inspect_probe(worker, p, s); }));
  }
  std::vector<ProbeStatus> out;
  for (auto& f : pending) out.push_back(f.get());
  return out;
}

std::vector<Inventory::Gpu> gpus_of(const std::vector<DeviceInfo>& devices) {
  std::vector<Inventory::Gpu> out;
  for (const auto& d : devices)
    if (d.kind == BL_DEVICE_GPU)
      out.push_back({d.id, d.probe, d.name, d.driver, d.memory_total_bytes, d.unified});
  return out;
}

namespace {}  // namespace

std::string probes_to_json(const std::vector<ProbeStatus>& probes) {
  json::array arr;
  for (const auto& p : probes) {
    json::array channels;
    for (std::size_t i = 0; i < p.channels.size(); ++i) {
      const auto& c = p.channels[i];
      const double v = i < p.sample.values.size() ? p.sample.values[i] : NAN;
      channels.push_back(json::object{{"id", c.id},
                                      {"label", c.label},
                                      {"quantity", c.quantity},
                                      {"domain", c.domain},
                                      {"kind", c.kind},
                                      {"counter_range", json_number(c.counter_range)},
                                      {"parent", c.parent},
                                      {"device", c.device},
                                      {"limit", json_number(c.limit)},
                                      {"value", json_number(v)}});
    }
    json::array devices;
    for (const auto& d : p.devices)
      devices.push_back(json::object{{"id", d.id},
                                     {"kind", d.kind},
                                     {"name", d.name},
                                     {"driver", d.driver},
                                     {"memory_bytes", d.memory_total_bytes},
                                     {"unified", d.unified}});
    arr.push_back(json::object{{"id", p.probe},
                               {"path", p.path},
                               {"available", p.available},
                               {"reason", p.reason},
                               {"channels", std::move(channels)},
                               {"devices", std::move(devices)}});
  }
  return json::serialize(json::object{{"format_version", 1}, {"probes", std::move(arr)}});
}

}  // namespace benchlab
