// SPDX-License-Identifier: MIT
#include "plugin_record.h"

#include <boost/json.hpp>
#include <stdexcept>

#include "plugin_naming.h"

namespace benchlab {
namespace json = boost::json;

namespace {

const json::value& field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) throw std::runtime_error("no field '" + std::string(key) + "'");
  return *v;
}

std::string text(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_string()) throw std::runtime_error("field '" + std::string(key) + "' is not a string");
  return std::string(v.get_string());
}

template <class T>
T number(const json::object& o, std::string_view key) {
  try {
    return json::value_to<T>(field(o, key));
  } catch (const std::exception&) {
    throw std::runtime_error("field '" + std::string(key) + "' is not a number of the right kind");
  }
}

const json::array& array(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_array()) throw std::runtime_error("field '" + std::string(key) + "' is not an array");
  return v.get_array();
}

const json::object& object(const json::value& v, std::string_view what) {
  if (!v.is_object()) throw std::runtime_error(std::string(what) + " is not a JSON object");
  return v.get_object();
}

}  // namespace

json::object plugin_info_to_json(const PluginInfo& p) {
  json::array options, metrics, requirements;
  for (const auto& o : p.options) {
    json::array allowed;
    for (const auto& a : o.allowed) allowed.emplace_back(a);
    options.push_back(json::object{{"name", o.name},
                                   {"type", o.type},
                                   {"flags", o.flags},
                                   {"has_default", o.has_default},
                                   {"default", o.default_value},
                                   {"allowed", std::move(allowed)},
                                   {"min", o.min_value},
                                   {"max", o.max_value},
                                   {"description", o.description}});
  }
  for (const auto& m : p.metrics)
    metrics.push_back(json::object{{"name", m.name},
                                   {"unit", m.unit},
                                   {"direction", m.direction},
                                   {"description", m.description},
                                   {"optional", m.optional}});
  for (const auto& r : p.requirements)
    requirements.push_back(
        json::object{{"kind", r.kind}, {"name", r.name}, {"amount", r.amount}, {"hint", r.hint}});
  return json::object{{"path", p.path.string()},
                      {"sha256", p.sha256},
                      {"id", p.id},
                      {"version", p.version},
                      {"description", p.description},
                      {"vendor", p.vendor},
                      {"kind", p.kind},
                      {"abi_major", p.abi_major},
                      {"abi_minor", p.abi_minor},
                      {"workload_flags", p.workload_flags},
                      {"options", std::move(options)},
                      {"metrics", std::move(metrics)},
                      {"requirements", std::move(requirements)}};
}

PluginInfo plugin_info_from_json(const json::value& v) {
  const json::object& o = object(v, "the plugin");
  PluginInfo p;
  p.path = text(o, "path");
  p.sha256 = text(o, "sha256");
  p.id = text(o, "id");
  p.version = text(o, "version");
  p.description = text(o, "description");
  p.vendor = text(o, "vendor");
  p.kind = number<int32_t>(o, "kind");
  p.abi_major = number<std::uint32_t>(o, "abi_major");
  p.abi_minor = number<std::uint32_t>(o, "abi_minor");
  p.workload_flags = number<std::uint32_t>(o, "workload_flags");
  if (p.sha256.size() != 64 || p.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw std::runtime_error("field 'sha256' is not 64 lowercase hex digits");
  if (!valid_plugin_id(p.id)) throw std::runtime_error("invalid plugin id '" + p.id + "'");
  if (!valid_plugin_version(p.version))
    throw std::runtime_error("plugin '" + p.id + "': invalid version '" + p.version + "'");
  if (p.kind != BL_KIND_WORKLOAD && p.kind != BL_KIND_PROBE)
    throw std::runtime_error("plugin '" + p.id + "': unknown kind " + std::to_string(p.kind));
  for (const auto& e : array(o, "options")) {
    const json::object& x = object(e, "an option");
    OptionInfo oi;
    oi.name = text(x, "name");
    oi.type = number<int32_t>(x, "type");
    oi.flags = number<std::uint32_t>(x, "flags");
    oi.has_default = field(x, "has_default").is_bool() && field(x, "has_default").get_bool();
    oi.default_value = text(x, "default");
    for (const auto& a : array(x, "allowed")) {
      if (!a.is_string())
        throw std::runtime_error("option '" + oi.name + "': allowed values must be strings");
      oi.allowed.emplace_back(a.get_string());
    }
    oi.min_value = number<double>(x, "min");
    oi.max_value = number<double>(x, "max");
    oi.description = text(x, "description");
    if (oi.name.empty() || p.option(oi.name))
      throw std::runtime_error("option '" + oi.name + "' is unnamed or declared twice");
    if (oi.type < BL_OPTION_STRING || oi.type > BL_OPTION_ENUM)
      throw std::runtime_error("option '" + oi.name + "': unknown type " + std::to_string(oi.type));
    p.options.push_back(std::move(oi));
  }
  for (const auto& e : array(o, "metrics")) {
    const json::object& x = object(e, "a metric");
    MetricInfo mi;
    mi.name = text(x, "name");
    mi.unit = text(x, "unit");
    mi.direction = number<int32_t>(x, "direction");
    mi.description = text(x, "description");
    mi.optional = field(x, "optional").is_bool() && field(x, "optional").get_bool();
    if (mi.name.empty() || p.metric(mi.name))
      throw std::runtime_error("metric '" + mi.name + "' is unnamed or declared twice");
    if (mi.direction != BL_LOWER_IS_BETTER && mi.direction != BL_HIGHER_IS_BETTER)
      throw std::runtime_error("metric '" + mi.name + "': direction must be -1 or 1");
    p.metrics.push_back(std::move(mi));
  }
  for (const auto& e : array(o, "requirements")) {
    const json::object& x = object(e, "a requirement");
    p.requirements.push_back({number<int32_t>(x, "kind"), text(x, "name"),
                              number<std::uint64_t>(x, "amount"), text(x, "hint")});
  }
  return p;
}

std::string encode_plugin_record(const PluginRecord& r) {
  json::object o{{"file", r.file}};
  if (r.plugin)
    o["plugin"] = plugin_info_to_json(*r.plugin);
  else
    o["refused"] = r.refused;
  return json::serialize(o);
}

PluginRecord decode_plugin_record(std::string_view line) {
  json::parse_options opts;
  opts.allow_invalid_utf8 = true;  // a plugin's strings are bytes; they are shown, not parsed
  json::error_code ec;
  json::value v = json::parse(line, ec, {}, opts);
  if (ec) throw std::runtime_error("not a JSON record: " + ec.message());
  const json::object& o = object(v, "the record");
  PluginRecord r;
  r.file = text(o, "file");
  if (o.contains("plugin")) {
    r.plugin = plugin_info_from_json(o.at("plugin"));
  } else {
    r.refused = text(o, "refused");
    if (r.refused.empty()) throw std::runtime_error("a refusal without a reason");
  }
  return r;
}

}  // namespace benchlab
