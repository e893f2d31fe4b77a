// SPDX-License-Identifier: MIT
#include "descriptor_checks.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "plan.h"
#include "plugin_naming.h"
#include "requirement_rules.h"

namespace benchlab::worker {
namespace {

constexpr std::size_t kWorkload10 = offsetof(bl_workload, parse_streams);
constexpr std::size_t kProbe10 = offsetof(bl_probe, option_count);
constexpr std::size_t kOption10 = sizeof(bl_option_desc);
constexpr std::size_t kMetric10 = offsetof(bl_metric_desc, flags);
constexpr std::size_t kRequirement10 = sizeof(bl_requirement);
constexpr std::size_t kChannel10 = offsetof(bl_channel_desc, limit);
// No struct of this ABI comes near it: a larger struct_size is not a size at all.
constexpr std::uint32_t kMaxStructSize = 64 * 1024;
constexpr std::uint32_t kMaxArray = 4096;    // options, metrics, requirements
constexpr std::uint32_t kMaxAllowed = 1024;  // values of one enum option
constexpr std::size_t kMaxMetricName = 128;  // as declare_metric() accepts

}  // namespace

bool check_size(Report& r, const std::string& field, std::uint32_t size, std::size_t readable,
                std::size_t v10, std::size_t here, const char* type, std::uint32_t plugin_minor) {
  if (size > kMaxStructSize) {
    r.error(field, fmt::format("is {}, which is no size of {} ({} bytes in this benchlab): set it "
                               "to sizeof({})",
                               size, type, here, type));
    return false;
  }
  if (size < readable) {
    r.error(field, fmt::format("is {}, too small for benchlab to read {} ({} bytes in ABI 1.0): "
                               "set it to sizeof({})",
                               size, type, v10, type));
    return false;
  }
  if (size < v10)
    r.warning(field, fmt::format("is {}, smaller than {} of plugin ABI 1.0 ({} bytes): benchlab "
                                 "reads the fields past it as zero; rebuild against this "
                                 "benchlab's plugin.h",
                                 size, type, v10));
  else if (size > here && plugin_minor <= BL_ABI_MINOR)
    r.warning(field, fmt::format("is {}, but {} of plugin ABI 1.{} is at most {} bytes: set it to "
                                 "sizeof({})",
                                 size, type, plugin_minor, here, type));
  return true;
}

namespace {

// Walks an array of size-prefixed structs with the stride of its first element, as the
// host does, calling f(element read with min(struct_size, sizeof), index, field prefix).
template <class T, class F>
void walk(Report& r, const std::string& field, const T* arr, std::uint32_t count, std::uint32_t max,
          std::size_t v10, const char* type, std::uint32_t minor, F&& f) {
  if (count == 0) return;
  if (!arr) {
    r.error(field, fmt::format("is NULL, but its count is {}: point it at the array, or make the "
                               "count 0",
                               count));
    return;
  }
  if (count > max) {
    r.error(field, fmt::format("has a count of {}, more than the {} benchlab takes: is the count "
                               "right?",
                               count, max));
    return;
  }
  std::uint32_t stride;
  std::memcpy(&stride, arr, sizeof stride);
  // The host walks an array whose elements hold at least struct_size and one pointer.
  if (!check_size(r, field + "[0].struct_size", stride, sizeof(std::uint32_t) + sizeof(void*), v10,
                  sizeof(T), type, minor))
    return;
  const auto* bytes = reinterpret_cast<const unsigned char*>(arr);
  for (std::uint32_t i = 0; i < count; ++i) {
    const unsigned char* p = bytes + std::size_t(i) * stride;
    std::uint32_t size;
    std::memcpy(&size, p, sizeof size);
    const std::string at = fmt::format("{}[{}]", field, i);
    if (size != stride) {
      r.error(at + ".struct_size",
              fmt::format("is {}, the first element's is {}: the host walks the array with the "
                          "first element's size, so every element must say sizeof({})",
                          size, stride, type));
      return;
    }
    f(read_sized<T>(p, size), i, at);
  }
}

const char* option_type_name(int32_t t) {
  switch (t) {
    case BL_OPTION_STRING:
      return "BL_OPTION_STRING";
    case BL_OPTION_INT:
      return "BL_OPTION_INT";
    case BL_OPTION_FLOAT:
      return "BL_OPTION_FLOAT";
    case BL_OPTION_BOOL:
      return "BL_OPTION_BOOL";
    case BL_OPTION_ENUM:
      return "BL_OPTION_ENUM";
    default:
      return "an unknown type";
  }
}

// The options of a workload or a probe; their OptionInfo (for the dry run's defaults).
std::vector<OptionInfo> check_options(Report& r, const std::string& field,
                                      const bl_option_desc* arr, std::uint32_t count,
                                      std::uint32_t minor) {
  std::vector<OptionInfo> out;
  std::map<std::string, std::string> seen;  // name -> where
  walk(r, field, arr, count, kMaxArray, kOption10, "bl_option_desc", minor,
       [&](const bl_option_desc& o, std::uint32_t, const std::string& at) {
         OptionInfo oi;
         oi.name = text_of(o.name);
         oi.type = o.type;
         oi.flags = o.flags;
         oi.has_default = o.default_value != nullptr;
         oi.default_value = text_of(o.default_value);
         oi.min_value = o.min_value;
         oi.max_value = o.max_value;
         const std::string what = "option '" + shown(o.name, 64) + "'";
         if (unset(o.name))
           r.error(at + ".name", "is empty: give the option a name of [a-z0-9_.-]+");
         else if (!valid_option_name(oi.name))
           r.error(at + ".name", what +
                                     ": a name is made of a-z, 0-9, '_', '.' and '-' only "
                                     "(operators type it as -o NAME=VALUE)");
         else if (auto [it, fresh] = seen.emplace(oi.name, at); !fresh)
           r.error(at + ".name", what + " is declared twice (also " + it->second +
                                     "): give each option a name of its own");
         if (o.type < BL_OPTION_STRING || o.type > BL_OPTION_ENUM)
           r.error(at + ".type", fmt::format("{}: type {} is none of BL_OPTION_STRING, _INT, "
                                             "_FLOAT, _BOOL and _ENUM",
                                             what, o.type));
         if (o.flags & ~(BL_OPTION_REQUIRED | BL_OPTION_REPEATED))
           r.warning(at + ".flags",
                     fmt::format("{}: bits {:#x} are no BL_OPTION_* flag this benchlab knows; "
                                 "they are ignored",
                                 what, o.flags & ~(BL_OPTION_REQUIRED | BL_OPTION_REPEATED)));
         if (o.allowed) {
           std::uint32_t n = 0;
           for (auto a = o.allowed; *a && n <= kMaxAllowed; ++a, ++n) oi.allowed.emplace_back(*a);
           if (n > kMaxAllowed)
             r.error(at + ".allowed", fmt::format("{}: more than {} allowed values: end the list "
                                                  "with NULL",
                                                  what, kMaxAllowed));
           std::set<std::string> values;
           for (const auto& a : oi.allowed)
             if (!values.insert(a).second)
               r.warning(at + ".allowed", what + ": '" + a + "' is listed twice");
         }
         if (o.type == BL_OPTION_ENUM && oi.allowed.empty())
           r.error(at + ".allowed", what +
                                        ": an enum option needs its values in `allowed`, a "
                                        "NULL-terminated list");
         if (o.type != BL_OPTION_ENUM && o.allowed)
           r.warning(at + ".allowed", what + ": `allowed` is ignored for " +
                                          option_type_name(o.type) +
                                          ": set it to NULL, or make the option BL_OPTION_ENUM");
         if (!std::isfinite(o.min_value) || !std::isfinite(o.max_value))
           r.error(at + ".min_value",
                   what + ": min_value and max_value must be finite numbers (0 and 0: no bounds)");
         else if (o.type == BL_OPTION_INT || o.type == BL_OPTION_FLOAT) {
           if (o.min_value > o.max_value)
             r.warning(at + ".min_value",
                       fmt::format("{}: min_value {} is above max_value {}: the bounds are "
                                   "checked only when min < max, so none are",
                                   what, o.min_value, o.max_value));
         } else if ((o.min_value != 0 || o.max_value != 0) && o.type >= BL_OPTION_STRING &&
                    o.type <= BL_OPTION_ENUM) {
           r.warning(at + ".min_value", what + ": bounds are ignored for " +
                                            option_type_name(o.type) +
                                            ": set min_value and max_value to 0");
         }
         const bool required = o.flags & BL_OPTION_REQUIRED;
         if (required && o.default_value)
           r.error(at + ".default_value",
                   what + " is BL_OPTION_REQUIRED but has the default '" + shown(o.default_value) +
                       "', which is never used: drop the flag or make the default NULL");
         else if (o.default_value && o.type >= BL_OPTION_STRING && o.type <= BL_OPTION_ENUM) {
           if (const std::string why = check_option_value(oi, oi.default_value); !why.empty())
             r.error(at + ".default_value", what + ": the default '" + shown(o.default_value) +
                                                "' " + why +
                                                ": make the default a value the option accepts");
         }
         if (unset(o.description))
           r.note(at + ".description",
                  what + " has no description: `benchlab list -v` shows one line for it");
         out.push_back(std::move(oi));
       });
  return out;
}

void check_metrics(Report& r, const bl_workload& w, std::uint32_t minor,
                   std::uint32_t workload_size) {
  std::map<std::string, std::string> seen;
  walk(r, "workload.metrics", w.metrics, w.metric_count, kMaxArray, kMetric10, "bl_metric_desc",
       minor, [&](const bl_metric_desc& m, std::uint32_t, const std::string& at) {
         const std::string what = "metric '" + shown(m.name, 64) + "'";
         if (unset(m.name))
           r.error(at + ".name", "is empty: give the metric a name, e.g. \"seconds\"");
         else if (auto [it, fresh] = seen.emplace(m.name, at); !fresh)
           r.error(at + ".name", what + " is declared twice (also " + it->second +
                                     "): give each metric a name of its own");
         else if (std::strlen(m.name) > kMaxMetricName)
           r.warning(at + ".name",
                     fmt::format("{}: a name longer than {} bytes is hard to show and cannot be "
                                 "declared at run time; shorten it",
                                 what, kMaxMetricName));
         if (m.direction != BL_LOWER_IS_BETTER && m.direction != BL_HIGHER_IS_BETTER)
           r.error(at + ".direction",
                   fmt::format("{}: direction {} is neither BL_LOWER_IS_BETTER (-1) nor "
                               "BL_HIGHER_IS_BETTER (1); comparisons need to know which way is "
                               "better",
                               what, m.direction));
         if (unset(m.unit))
           r.warning(at + ".unit", what +
                                       " has no unit: tables and reports show it beside "
                                       "every value; give one, e.g. \"s\", \"MB/s\", "
                                       "\"tok/s\"");
         if (m.flags & ~BL_METRIC_OPTIONAL)
           r.warning(at + ".flags", fmt::format("{}: bits {:#x} are no BL_METRIC_* flag this "
                                                "benchlab knows; they are ignored",
                                                what, m.flags & ~BL_METRIC_OPTIONAL));
         if (unset(m.description))
           r.note(at + ".description", what +
                                           " has no description: reports show one line "
                                           "for it");
       });
  (void)workload_size;
}

void check_requirements(Report& r, const bl_workload& w, std::uint32_t minor) {
  walk(r, "workload.requirements", w.requirements, w.requirement_count, kMaxArray, kRequirement10,
       "bl_requirement", minor, [&](const bl_requirement& q, std::uint32_t, const std::string& at) {
         if (const std::string why = invalid_requirement(q.kind, text_of(q.name), q.amount);
             !why.empty())
           r.error(at, why + ": see BL_REQ_* in plugin.h");
       });
}

}  // namespace

std::vector<OptionInfo> check_workload(Report& r, const bl_workload* src, std::uint32_t minor) {
  const std::uint32_t size = src->struct_size;
  if (!check_size(r, "workload.struct_size", size, sizeof(std::uint32_t), kWorkload10,
                  sizeof(bl_workload), "bl_workload", minor))
    return {};
  const auto w = read_sized<bl_workload>(src, size);
  if (w.flags & ~BL_WORKLOAD_DYNAMIC_METRICS)
    r.warning("workload.flags", fmt::format("bits {:#x} are no BL_WORKLOAD_* flag this benchlab "
                                            "knows; they are ignored",
                                            w.flags & ~BL_WORKLOAD_DYNAMIC_METRICS));
  if (!w.create) r.error("workload.create", "is NULL: every workload needs create()");
  if (!w.run) r.error("workload.run", "is NULL: every workload needs run(), the measured work");
  if (!w.destroy)
    r.error("workload.destroy",
            "is NULL: every workload needs destroy(), which frees what "
            "create() made (and does nothing for NULL)");
  auto options = check_options(r, "workload.options", w.options, w.option_count, minor);
  check_metrics(r, w, minor, size);
  if (w.metric_count == 0 && !(w.flags & BL_WORKLOAD_DYNAMIC_METRICS))
    r.error("workload.metrics",
            "declares no metrics: declare what run() reports, or set "
            "BL_WORKLOAD_DYNAMIC_METRICS and declare them at run time");
  check_requirements(r, w, minor);
  return options;
}

std::vector<OptionInfo> check_probe(Report& r, const bl_probe* src, std::uint32_t minor) {
  const std::uint32_t size = src->struct_size;
  if (!check_size(r, "probe.struct_size", size, sizeof(std::uint32_t), kProbe10, sizeof(bl_probe),
                  "bl_probe", minor))
    return {};
  const auto p = read_sized<bl_probe>(src, size);
  if (!p.open) r.error("probe.open", "is NULL: every probe needs open()");
  if (!p.close) r.error("probe.close", "is NULL: every probe needs close() (a no-op for NULL)");
  if (!p.channels) r.error("probe.channels", "is NULL: every probe needs channels()");
  if (!p.sample) r.error("probe.sample", "is NULL: every probe needs sample()");
  return check_options(r, "probe.options", p.options, p.option_count, minor);
}

void check_channels(Report& r, const bl_channel_desc* arr, std::uint32_t n, std::uint32_t minor) {
  if (n == 0) {
    r.warning("channels()",
              "gave no channels: a probe with nothing to sample here should "
              "return BL_UNSUPPORTED from open() with the reason");
    return;
  }
  std::map<std::string, std::string> seen;
  std::vector<std::pair<std::string, std::string>> parents;  // (where, parent id)
  walk(r, "channels()", arr, n, kMaxChannels, kChannel10, "bl_channel_desc", minor,
       [&](const bl_channel_desc& c, std::uint32_t, const std::string& at) {
         const std::string what = "channel '" + shown(c.id, 64) + "'";
         if (unset(c.id))
           r.error(at + ".id", "is empty: give the channel an id of [a-z0-9_.-]+");
         else if (!valid_channel_id(c.id))
           r.error(at + ".id", what + ": an id is made of a-z, 0-9, '_', '.' and '-', at most " +
                                   std::to_string(kMaxChannelIdLength) + " characters");
         else if (auto [it, fresh] = seen.emplace(c.id, at); !fresh)
           r.error(at + ".id", what + " is given twice (also " + it->second +
                                   "): give each channel an id of its own");
         if (c.quantity < BL_QUANTITY_POWER || c.quantity > BL_QUANTITY_THROTTLE) {
           const std::string msg = fmt::format(
               "{}: quantity {} is no BL_QUANTITY_* this "
               "benchlab knows",
               what, c.quantity);
           if (minor > BL_ABI_MINOR)
             r.warning(at + ".quantity", msg +
                                             " (the plugin is newer); it is not summed or "
                                             "shown with a unit");
           else
             r.error(at + ".quantity", msg + ": use one of plugin.h's BL_QUANTITY_*");
         }
         if (c.domain < BL_DOMAIN_PACKAGE || c.domain > BL_DOMAIN_OTHER)
           r.warning(at + ".domain", fmt::format("{}: domain {} is no BL_DOMAIN_* this benchlab "
                                                 "knows: use BL_DOMAIN_OTHER when none fits",
                                                 what, c.domain));
         if (c.kind != BL_CHANNEL_INSTANT && c.kind != BL_CHANNEL_COUNTER)
           r.error(at + ".kind", fmt::format("{}: kind {} is neither BL_CHANNEL_INSTANT nor "
                                             "BL_CHANNEL_COUNTER",
                                             what, c.kind));
         if (!std::isfinite(c.counter_range) || c.counter_range < 0)
           r.error(at + ".counter_range", what +
                                              ": counter_range must be a finite number, 0 "
                                              "or more (0: it never wraps)");
         if (!std::isfinite(c.limit))
           r.error(at + ".limit", what + ": limit must be a finite number (0: unknown)");
         if (unset(c.label))
           r.note(at + ".label", what + " has no label: `benchlab list probes -v` shows it");
         if (c.parent) parents.emplace_back(at, text_of(c.parent));
       });
  for (const auto& [at, parent] : parents)
    if (!seen.count(parent))
      r.error(at + ".parent", "names '" + parent +
                                  "', which is no channel of this probe: name "
                                  "a channel id, or NULL");
}

}  // namespace benchlab::worker
