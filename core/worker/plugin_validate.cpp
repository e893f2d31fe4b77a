// SPDX-License-Identifier: MIT
#include "plugin_validate.h"

#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frame_channel.h"
#include "plan.h"
#include "plugin_info.h"
#include "plugin_loader.h"
#include "plugin_naming.h"
#include "plugin_record.h"
#include "plugin_status.h"
#include "plugin_trust.h"
#include "probe_host.h"
#include "requirement_rules.h"
#include "subprocess.h"
#include "worker_host.h"

namespace benchlab::worker {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// The sizes of ABI 1.0's structs: a plugin may not declare less (plugin.h's minor
// versions say which fields came later).
constexpr std::size_t kPlugin10 = sizeof(bl_plugin);
constexpr std::size_t kWorkload10 = offsetof(bl_workload, parse_streams);
constexpr std::size_t kProbe10 = offsetof(bl_probe, option_count);
constexpr std::size_t kOption10 = sizeof(bl_option_desc);
constexpr std::size_t kMetric10 = offsetof(bl_metric_desc, flags);
constexpr std::size_t kRequirement10 = sizeof(bl_requirement);
constexpr std::size_t kChannel10 = offsetof(bl_channel_desc, limit);
// No struct of this ABI comes near it: a larger struct_size is not a size at all.
constexpr std::uint32_t kMaxStructSize = 64 * 1024;
constexpr std::uint32_t kMaxArray = 4096;     // options, metrics, requirements
constexpr std::uint32_t kMaxChannels = 1024;  // what the sampler takes
constexpr std::uint32_t kMaxAllowed = 1024;   // values of one enum option
constexpr std::size_t kMaxMetricName = 128;   // as declare_metric() accepts

// A plugin's string as it can be shown: clipped, control characters as '?'.
std::string shown(const char* s, std::size_t max = 80) {
  if (!s) return "NULL";
  std::string out;
  for (std::size_t i = 0; s[i]; ++i) {
    if (i == max) return out + "...";
    const auto c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  }
  return out;
}

// "returned BL_ERROR (why)": the finding's field names the call already.
std::string returned_status(int32_t status, const std::string& why) {
  return std::string("returned ") + status_name(status) + (why.empty() ? "" : " (" + why + ")");
}

std::string str(const char* s) { return s ? std::string(s) : std::string(); }
bool empty(const char* s) { return !s || !*s; }

template <class T>
T read_sized(const void* p, std::uint32_t size) {
  T out;
  std::memset(&out, 0, sizeof out);
  std::memcpy(&out, p, std::min<std::size_t>(size, sizeof out));
  return out;
}

// The findings, written as they come, so that what was found before a crash survives it.
class Report {
 public:
  explicit Report(int fd) : fd_(fd) {}
  void step(const char* name) { line({{"step", name}}); }
  void plugin(const bl_plugin& d) {
    line({{"plugin",
           {{"id", shown(d.id, 64)},
            {"version", shown(d.version, 64)},
            {"kind", d.kind},
            {"abi_major", d.abi_major},
            {"abi_minor", d.abi_minor}}}});
  }
  void error(const std::string& field, const std::string& message) {
    ++errors_;
    finding("error", field, message);
  }
  void warning(const std::string& field, const std::string& message) {
    finding("warning", field, message);
  }
  void note(const std::string& field, const std::string& message) {
    finding("note", field, message);
  }
  int errors() const { return errors_; }
  [[noreturn]] void end() {
    line({{"end", true}});
    _exit(0);  // no plugin destructors
  }

 private:
  void finding(const char* severity, const std::string& field, const std::string& message) {
    line({{"finding", {{"severity", severity}, {"field", field}, {"message", message}}}});
  }
  void line(const json::object& o) {
    if (!write_all(fd_, json::serialize(o) + "\n")) _exit(3);
  }
  int fd_;
  int errors_ = 0;
};

// Checks a struct_size against ABI 1.0's size of the struct and this host's. Smaller than
// 1.0's is a warning: the host reads the missing fields as zero (an older plugin.h), as
// long as it covers `readable`, what the host needs to read anything at all. False when
// the struct, or an array of it, cannot be read.
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
         oi.name = str(o.name);
         oi.type = o.type;
         oi.flags = o.flags;
         oi.has_default = o.default_value != nullptr;
         oi.default_value = str(o.default_value);
         oi.min_value = o.min_value;
         oi.max_value = o.max_value;
         const std::string what = "option '" + shown(o.name, 64) + "'";
         if (empty(o.name))
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
         if (empty(o.description))
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
         if (empty(m.name))
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
         if (empty(m.unit))
           r.warning(at + ".unit", what +
                                       " has no unit: tables and reports show it beside "
                                       "every value; give one, e.g. \"s\", \"MB/s\", "
                                       "\"tok/s\"");
         if (m.flags & ~BL_METRIC_OPTIONAL)
           r.warning(at + ".flags", fmt::format("{}: bits {:#x} are no BL_METRIC_* flag this "
                                                "benchlab knows; they are ignored",
                                                what, m.flags & ~BL_METRIC_OPTIONAL));
         if (empty(m.description))
           r.note(at + ".description", what +
                                           " has no description: reports show one line "
                                           "for it");
       });
  (void)workload_size;
}

void check_requirements(Report& r, const bl_workload& w, std::uint32_t minor) {
  walk(r, "workload.requirements", w.requirements, w.requirement_count, kMaxArray, kRequirement10,
       "bl_requirement", minor, [&](const bl_requirement& q, std::uint32_t, const std::string& at) {
         if (const std::string why = invalid_requirement(q.kind, str(q.name), q.amount);
             !why.empty())
           r.error(at, why + ": see BL_REQ_* in plugin.h");
       });
}

// The workload table; the options, for the dry run.
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

// What dlerror() said, with what usually fixes it.
std::string load_hint(const std::string& why) {
  if (why.find("undefined symbol") != std::string::npos)
    return "the plugin uses a symbol that neither it nor a library it links provides: link the "
           "library that defines it, and link with -Wl,--no-undefined to catch this when "
           "building";
  if (why.find("cannot open shared object file") != std::string::npos)
    return "a library the plugin needs is not found: install it, or give the plugin a RUNPATH "
           "(e.g. $ORIGIN) where it lives";
  return "check the file with `ldd` and `readelf -d`";
}

// ---- The dry run, in a forked process ----

struct DryRun {
  const bl_plugin* desc = nullptr;
  const PluginInfo* info = nullptr;
  std::vector<OptionInfo> options;
  std::string scratch;
  std::uint32_t minor = 0;
};

class Steps {
 public:
  explicit Steps(int fd) : fd_(fd) {}
  void operator()(const char* call) { write_all(fd_, std::string(call) + "\n"); }

 private:
  int fd_;
};

std::multimap<std::string, std::string> defaults(const std::vector<OptionInfo>& options) {
  std::multimap<std::string, std::string> out;
  for (const auto& o : options)
    if (o.has_default && !(o.flags & BL_OPTION_REQUIRED)) out.emplace(o.name, o.default_value);
  return out;
}

std::string required_unset(const std::vector<OptionInfo>& options) {
  std::string names;
  for (const auto& o : options)
    if (o.flags & BL_OPTION_REQUIRED) names += (names.empty() ? "" : ", ") + o.name;
  return names;
}

std::uint32_t cpu_count() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<std::uint32_t>(n) : 1;
}

[[noreturn]] void dry_run_workload(Report& r, Steps& step, const DryRun& d) {
  const auto w = read_sized<bl_workload>(d.desc->workload, d.desc->workload->struct_size);
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);  // the frames a run would send
  WorkerPhase phase;
  phase.phase = BL_PHASE_SETUP;
  phase.scratch_dir = d.scratch + "/scratch";
  phase.cache_dir = d.scratch + "/cache";
  phase.options = defaults(d.options);
  phase.cpu_count = cpu_count();
  std::atomic<bool> cancel{false};
  WorkerHost host(devnull, *d.info, phase, cancel);

  step("create()");
  void* inst = nullptr;
  const int32_t st = w.create(host.table(), &inst);
  if (st == BL_CANNOT_RUN) {
    r.note("create()",
           "says it cannot run here: " +
               (host.error().empty() ? std::string("(no reason given)") : host.error()) +
               "; benchlab stores that as \"cannot run\"");
  } else if (st != BL_OK) {
    const std::string what = returned_status(st, host.error());
    if (const std::string req = required_unset(d.options); !req.empty())
      r.warning("create()", what +
                                " with the default options, which leave the required "
                                "options " +
                                req +
                                " unset; fine if it needs them, but create() usually "
                                "only allocates and setup() checks");
    else
      r.error("create()", what +
                              " with the default options: every run with its defaults "
                              "would fail; create() should allocate, and checks that can "
                              "fail belong in setup()");
    if (inst)
      r.warning("create()",
                "set *out_instance although it failed: leave it NULL on failure "
                "(the host does not destroy it)");
  }
  if (st == BL_OK) {
    step("destroy()");
    w.destroy(inst);
  }
  step("destroy(NULL)");
  w.destroy(nullptr);
  if (st == BL_OK)
    r.note("dry run", "create() with the default options and destroy() returned normally");
  step("done");
  _exit(0);
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
         if (empty(c.id))
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
         if (empty(c.label))
           r.note(at + ".label", what + " has no label: `benchlab list probes -v` shows it");
         if (c.parent) parents.emplace_back(at, str(c.parent));
       });
  for (const auto& [at, parent] : parents)
    if (!seen.count(parent))
      r.error(at + ".parent", "names '" + parent +
                                  "', which is no channel of this probe: name "
                                  "a channel id, or NULL");
}

[[noreturn]] void dry_run_probe(Report& r, Steps& step, const DryRun& d) {
  const auto p = read_sized<bl_probe>(d.desc->probe, d.desc->probe->struct_size);
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  FrameChannel channel(devnull);
  ProbeHost host(channel, "/", defaults(d.options), cpu_count());

  step("open()");
  void* inst = nullptr;
  const int32_t st = p.open(host.table(), &inst);
  if (st == BL_UNSUPPORTED) {
    const std::string why = host.take_error();
    if (why.empty())
      r.warning("open()",
                "returned BL_UNSUPPORTED without a reason: call host->set_error() "
                "with what is missing and what to do");
    else
      r.note("open()", "says the probe is unavailable here: " + why +
                           "; channels() and sample() were not called");
  } else if (st != BL_OK) {
    r.warning("open()", returned_status(st, host.take_error()) +
                            ": a probe that cannot open here returns BL_UNSUPPORTED with the "
                            "reason");
  } else {
    step("channels()");
    const bl_channel_desc* arr = nullptr;
    std::uint32_t n = 0;
    const int32_t cs = p.channels(inst, &arr, &n);
    if (cs != BL_OK) {
      r.error("channels()",
              returned_status(cs, host.take_error()) + ": an open probe must list its channels");
    } else {
      check_channels(r, arr, n, d.minor);
      if (n > 0 && n <= kMaxChannels) {
        step("sample()");
        std::vector<double> values(n, std::numeric_limits<double>::quiet_NaN());
        const int32_t ss = p.sample(inst, values.data(), n);
        if (ss != BL_OK)
          r.warning("sample()", returned_status(ss, host.take_error()) +
                                    ": the first sample after open() failed");
        else if (std::any_of(values.begin(), values.end(), [](double v) { return std::isinf(v); }))
          r.warning("sample()",
                    "gave an infinite value: give NaN for a channel without a "
                    "reading");
        else
          r.note("dry run", "open(), channels(), one sample() and close() returned normally");
      }
    }
    step("close()");
    p.close(inst);
  }
  step("close(NULL)");
  p.close(nullptr);
  step("done");
  _exit(0);
}

// The forked process's calls, one step line before each, so that the worker can name
// the call that crashed, hung or exited.
void dry_run(Report& r, const DryRun& d, double timeout_s) {
  std::error_code ec;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/benchlab-validate-XXXXXX";
  const char* made = mkdtemp(pattern.data());
  if (!made) {
    r.warning("dry run", std::string("not made: no temporary directory: ") + std::strerror(errno));
    return;
  }
  DryRun run = d;
  run.scratch = made;
  fs::create_directories(run.scratch + "/scratch", ec);
  fs::create_directories(run.scratch + "/cache", ec);

  Pipe steps = Pipe::make();
  const pid_t pid = fork();
  if (pid < 0) {
    r.warning("dry run", std::string("not made: fork failed: ") + std::strerror(errno));
    fs::remove_all(run.scratch, ec);
    return;
  }
  if (pid == 0) {
    steps.read.reset();
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (chdir((run.scratch + "/scratch").c_str()) != 0) _exit(4);
    Steps step(steps.write.get());
    if (d.desc->kind == BL_KIND_WORKLOAD) dry_run_workload(r, step, run);
    dry_run_probe(r, step, run);
  }
  setpgid(pid, pid);
  steps.write.reset();
  fcntl(steps.read.get(), F_SETFL, O_NONBLOCK);

  using Clock = std::chrono::steady_clock;
  const auto limit = std::chrono::duration<double>(timeout_s);
  std::string call = "the dry run", pending;
  auto since = Clock::now();
  bool eof = false, timed_out = false;
  int status = 0;
  auto read_steps = [&] {
    char chunk[256];
    for (;;) {
      const ssize_t n = read(steps.read.get(), chunk, sizeof chunk);
      if (n == 0) eof = true;
      if (n <= 0) return;
      pending.append(chunk, static_cast<std::size_t>(n));
      for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
        call = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        since = Clock::now();
      }
    }
  };
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (Clock::now() - since > limit) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    if (eof) {
      usleep(10'000);
      continue;
    }
    pollfd pfd{steps.read.get(), POLLIN, 0};
    poll(&pfd, 1, 20);
    read_steps();
  }
  read_steps();
  kill(-pid, SIGKILL);  // whatever the plugin started in the dry run
  fs::remove_all(run.scratch, ec);

  if (timed_out)
    r.error(call, fmt::format("did not return within {:g} s (the dry run's limit; --timeout sets "
                              "it): a call that waits must give up, and long work belongs in "
                              "setup() or run(), which check host->is_cancelled()",
                              timeout_s));
  else if (WIFSIGNALED(status))
    r.error(call, "crashed: " + signal_description(WTERMSIG(status)) +
                      " (in the dry run; run it under gdb or valgrind to find where)");
  else if (call != "done")
    r.error(call, fmt::format("ended the process with exit status {}: a plugin must never call "
                              "exit(); return a status and say why with host->set_error()",
                              WIFEXITED(status) ? WEXITSTATUS(status) : -1));
}

}  // namespace

void validate_plugin_file(const ValidateOptions& o) {
  // Findings go to a private copy of stdout; fd 1 becomes stderr, so that what the plugin
  // prints cannot pass for a finding.
  const int fd = private_stdout();
  if (fd < 0) _exit(2);
  Report r(fd);
  const std::string file = o.file;

  if (const std::string why = unsafe_path_reason(file); !why.empty())
    r.error("file", "benchlab refuses to load it: " + why);

  r.step("dlopen");
  // RTLD_LOCAL as the loader does; the handle stays open until the process ends.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = dlerror();
    const std::string why = e ? e : "unknown reason";
    r.error("dlopen", "cannot load the file: " + why + ": " + load_hint(why));
    r.end();
  }
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle, BL_ENTRY_SYMBOL));
  if (!entry) {
    r.error(BL_ENTRY_SYMBOL, "the file exports no symbol " BL_ENTRY_SYMBOL
                             ": define it with BL_EXPORT (and "
                             "extern \"C\" in C++); `nm -D FILE` lists what the file exports");
    r.end();
  }

  r.step("entry");
  const bl_plugin* d = entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  if (!d) {
    r.error(BL_ENTRY_SYMBOL,
            fmt::format("returned NULL when offered plugin ABI {0}..{0}, the ABI of this "
                        "benchlab: rebuild the plugin against this benchlab's plugin.h",
                        BL_ABI_MAJOR));
    r.end();
  }
  const bl_plugin* other = entry(BL_ABI_MAJOR + 1, BL_ABI_MAJOR + 1);

  r.step("descriptor");
  const std::uint32_t size = d->struct_size;
  // The loader needs everything up to `workload` (id, version, kind) to read anything.
  if (!check_size(r, "descriptor.struct_size", size, offsetof(bl_plugin, workload), kPlugin10,
                  sizeof(bl_plugin), "bl_plugin",
                  size >= offsetof(bl_plugin, kind) ? d->abi_minor : 0))
    r.end();
  const auto desc = read_sized<bl_plugin>(d, size);
  r.plugin(desc);
  if (desc.abi_major != BL_ABI_MAJOR) {
    r.error("descriptor.abi_major",
            fmt::format("is {}: the plugin was built for plugin ABI {}.{}, this benchlab speaks "
                        "ABI {}.x and reads nothing else of it: rebuild the plugin against this "
                        "benchlab's plugin.h",
                        desc.abi_major, desc.abi_major, desc.abi_minor, BL_ABI_MAJOR));
    r.end();
  }
  if (other && other == d)
    r.warning(BL_ENTRY_SYMBOL,
              fmt::format("returned its ABI {0} descriptor when offered only ABI {1}: return "
                          "NULL when none of the offered range is spoken",
                          BL_ABI_MAJOR, BL_ABI_MAJOR + 1));
  if (desc.abi_minor > BL_ABI_MINOR)
    r.note("descriptor.abi_minor",
           fmt::format("is {0}: built against plugin ABI 1.{0}, newer than this benchlab's "
                       "1.{1}; fields and extensions of 1.{0} it does not know are ignored",
                       desc.abi_minor, BL_ABI_MINOR));
  if (empty(desc.id))
    r.error("descriptor.id", "is empty: give the plugin an id of [a-z0-9][a-z0-9._-]*");
  else if (!valid_plugin_id(desc.id))
    r.error("descriptor.id", "'" + shown(desc.id) +
                                 "' is not an id benchlab accepts: [a-z0-9][a-z0-9._-]*, at "
                                 "most " +
                                 std::to_string(kMaxPluginIdLength) +
                                 " characters (it names directories)");
  if (empty(desc.version))
    r.error("descriptor.version",
            "is empty: give the plugin's own version, e.g. \"1.0.0\"; it "
            "is stored with every result");
  else if (!valid_plugin_version(desc.version))
    r.error("descriptor.version", "'" + shown(desc.version) +
                                      "' is not a version benchlab accepts: no '/', not '.' or "
                                      "'..', at most " +
                                      std::to_string(kMaxPluginVersionLength) +
                                      " bytes (it names a cache directory)");
  if (empty(desc.description))
    r.warning("descriptor.description",
              "is empty: `benchlab list` shows one line about the "
              "plugin; say what it measures");

  std::vector<OptionInfo> options;
  if (desc.kind == BL_KIND_WORKLOAD) {
    if (desc.probe)
      r.warning("descriptor.probe", "is set, but the plugin is a workload: it must be NULL");
    if (!desc.workload)
      r.error("descriptor.workload",
              "is NULL, but kind is BL_KIND_WORKLOAD: point it at the "
              "plugin's bl_workload");
    else
      options = check_workload(r, desc.workload, desc.abi_minor);
  } else if (desc.kind == BL_KIND_PROBE) {
    if (desc.workload)
      r.warning("descriptor.workload", "is set, but the plugin is a probe: it must be NULL");
    if (!desc.probe)
      r.error("descriptor.probe",
              "is NULL, but kind is BL_KIND_PROBE: point it at the plugin's "
              "bl_probe");
    else
      options = check_probe(r, desc.probe, desc.abi_minor);
  } else {
    r.error("descriptor.kind", fmt::format("is {}: neither BL_KIND_WORKLOAD (1) nor BL_KIND_PROBE "
                                           "(2)",
                                           desc.kind));
  }

  if (r.errors() > 0) {
    if (o.dry_run) r.note("dry run", "skipped because of the errors above");
    r.end();
  }

  // What the host itself makes of the plugin, so that a plugin this file passes is never
  // one benchlab refuses: the loader, and the record discovery reads.
  r.step("load");
  std::unique_ptr<LoadedPlugin> loaded;
  try {
    loaded = LoadedPlugin::load(file);
    PluginInfo described = loaded->info();
    described.sha256.assign(64, '0');  // the file's hash is discovery's business, not checked here
    plugin_info_from_json(plugin_info_to_json(described));
  } catch (const std::exception& e) {
    r.error("descriptor", std::string("benchlab refuses the plugin: ") + e.what());
    r.end();
  }

  if (o.dry_run) {
    r.step("dry run");
    DryRun run;
    run.desc = d;
    run.info = &loaded->info();
    run.options = std::move(options);
    run.minor = desc.abi_minor;
    dry_run(r, run, o.timeout_s);
  }
  r.end();
}

}  // namespace benchlab::worker
