// SPDX-License-Identifier: MIT
// The operator C API (benchlab.h) over the C++ core. Nothing thrown crosses this file, and
// every function returning a status leaves benchlab_errmsg() empty on success.
#include <benchlab/benchlab.h>
#include <benchlab/plugin.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>

#include "catalog.h"
#include "comparison.h"
#include "inventory.h"
#include "plan.h"
#include "plugin_validate.h"
#include "probe_survey.h"
#include "pts_interop.h"
#include "report.h"
#include "result_view.h"
#include "runner.h"
#include "sampling_options.h"
#include "store.h"
#include "tco.h"

// The header's version is the project's (CMake passes BENCHLAB_VERSION), and the plugin
// ABI it promises to host is plugin.h's.
static_assert(std::string_view(BENCHLAB_VERSION) == BENCHLAB_VERSION_STRING,
              "benchlab.h's BENCHLAB_VERSION_* disagree with project(VERSION) in CMakeLists.txt");
static_assert(BENCHLAB_PLUGIN_ABI_MAJOR == BL_ABI_MAJOR &&
                  BENCHLAB_PLUGIN_ABI_MINOR == BL_ABI_MINOR,
              "benchlab.h's BENCHLAB_PLUGIN_ABI_* disagree with plugin.h's BL_ABI_*");
static_assert(BENCHLAB_OPTION_STRING == BL_OPTION_STRING && BENCHLAB_OPTION_INT == BL_OPTION_INT &&
                  BENCHLAB_OPTION_FLOAT == BL_OPTION_FLOAT &&
                  BENCHLAB_OPTION_BOOL == BL_OPTION_BOOL &&
                  BENCHLAB_OPTION_ENUM == BL_OPTION_ENUM &&
                  BENCHLAB_OPTION_REQUIRED == BL_OPTION_REQUIRED &&
                  BENCHLAB_OPTION_REPEATED == BL_OPTION_REPEATED &&
                  BENCHLAB_METRIC_OPTIONAL == BL_METRIC_OPTIONAL &&
                  BENCHLAB_LOWER_IS_BETTER == BL_LOWER_IS_BETTER &&
                  BENCHLAB_HIGHER_IS_BETTER == BL_HIGHER_IS_BETTER,
              "benchlab.h's option and metric constants are plugin.h's values");

using namespace benchlab;

namespace {

constexpr std::uint32_t kKnownConfigFlags =
    BENCHLAB_NO_DEFAULT_DIRS | BENCHLAB_READ_ONLY | BENCHLAB_NO_STORE;

// What discovery found, and the text and arrays behind the info structs. Built in place
// in the context and never moved afterwards: the pointers handed out point into it.
struct Discovered {
  Catalog catalog;
  std::vector<std::string> plugin_options, plugin_metrics;            // text for people
  std::vector<std::vector<std::vector<const char*>>> option_allowed;  // [plugin][option]
  std::vector<std::string> suite_members;
  std::vector<std::string> profile_paths;
};

}  // namespace

struct benchlab_ctx {
  SearchPaths paths;
  // Discovered on first use, so that reading results or the inventory loads no plugin.
  // A context is used by one thread at a time (benchlab.h), so no lock.
  mutable std::optional<Discovered> discovered;
  std::unique_ptr<Store> store;  // null with BENCHLAB_NO_STORE
  bool read_only = false;
  std::string db_path;
  std::filesystem::path sysroot = "/";
  std::atomic<bool> cancel{false};
};

struct benchlab_cursor {
  std::vector<ResultLine> lines;
  std::size_t next = 0;
};

namespace {

thread_local std::string g_error;

int32_t fail(int32_t code, std::string msg) {
  g_error = std::move(msg);
  return code;
}

// Every status-returning function starts here: the message describes this call only.
void begin_call() { g_error.clear(); }

std::vector<std::string> strings(const char* const* list) {
  std::vector<std::string> v;
  for (auto p = list; p && *p; ++p) v.emplace_back(*p);
  return v;
}

template <class T>
bool sized(const T* p) {
  return p && p->struct_size >= sizeof(uint32_t);
}

// Copies a filled local into the caller's struct, no more than the caller's size.
template <class T>
void copy_out(T* dst, const T& src) {
  uint32_t n = dst->struct_size;
  std::memcpy(reinterpret_cast<char*>(dst) + sizeof(uint32_t),
              reinterpret_cast<const char*>(&src) + sizeof(uint32_t),
              std::min<std::size_t>(n, sizeof(T)) - sizeof(uint32_t));
}

// The caller's struct, zero past its struct_size (zero is "the default" for every field).
template <class T>
T read_in(const T* src) {
  T v{};
  std::memcpy(&v, src, std::min<std::size_t>(src->struct_size, sizeof(T)));
  v.struct_size = sizeof(T);
  return v;
}

const char* type_name(int32_t t) {
  switch (t) {
    case BL_OPTION_INT:
      return "int";
    case BL_OPTION_FLOAT:
      return "float";
    case BL_OPTION_BOOL:
      return "bool";
    case BL_OPTION_ENUM:
      return "enum";
    default:
      return "string";
  }
}

char* dup_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

int32_t status_code(const std::string& s) {
  if (s == "ok") return BENCHLAB_STATUS_OK;
  if (s == "failed") return BENCHLAB_STATUS_FAILED;
  if (s == "cannot_run") return BENCHLAB_STATUS_CANNOT_RUN;
  if (s == "partial") return BENCHLAB_STATUS_PARTIAL;
  return BENCHLAB_STATUS_PENDING;
}

// Whether an option declares usable bounds (benchlab.h: min < max, both finite).
bool has_bounds(const OptionInfo& o) {
  return (o.type == BL_OPTION_INT || o.type == BL_OPTION_FLOAT) && std::isfinite(o.min_value) &&
         std::isfinite(o.max_value) && o.min_value < o.max_value;
}

// benchlab_plugin_info.options and .metrics: the text of benchlab 0.1, kept as it was for
// programs that show it (new fields go to the structured calls only).
std::string options_text(const PluginInfo& p) {
  std::string s;
  for (const auto& o : p.options) {
    s += o.name + "=" + (o.has_default ? o.default_value : "") + " (" + type_name(o.type);
    if (!o.allowed.empty()) {
      s += ":";
      for (const auto& a : o.allowed) s += " " + a;
    }
    if (o.flags & BL_OPTION_REPEATED) s += ", repeated";
    if (o.flags & BL_OPTION_REQUIRED) s += ", required";
    s += ") " + o.description + "\n";
  }
  return s;
}

std::string metrics_text(const PluginInfo& p) {
  std::string s;
  for (const auto& m : p.metrics)
    s += m.name + " [" + m.unit + "] " + (m.direction > 0 ? "higher" : "lower") + " is better\n";
  return s;
}

// The catalog and its texts, discovered at the first call that needs them.
const Discovered& discovered(const benchlab_ctx* ctx) {
  if (ctx->discovered) return *ctx->discovered;
  Discovered& d = ctx->discovered.emplace();
  d.catalog = discover(ctx->paths);
  for (const PluginInfo& p : d.catalog.plugins) {
    d.plugin_options.push_back(options_text(p));
    d.plugin_metrics.push_back(metrics_text(p));
    auto& per_option = d.option_allowed.emplace_back();
    for (const auto& o : p.options) {
      auto& ptrs = per_option.emplace_back();
      for (const auto& a : o.allowed) ptrs.push_back(a.c_str());
      ptrs.push_back(nullptr);
    }
  }
  for (const auto& p : d.catalog.profiles) d.profile_paths.push_back(p.path.string());
  for (const auto& s : d.catalog.suites) {
    std::string m;
    for (const auto& x : s.members) m += (m.empty() ? "" : " ") + x;
    d.suite_members.push_back(std::move(m));
    d.profile_paths.push_back(s.path.string());
  }
  return d;
}

const Catalog& catalog(const benchlab_ctx* ctx) { return discovered(ctx).catalog; }

// Plugin `index` of the catalog, or null.
// E_NOT_FOUND for a plugin index past the end, saying how many there are.
int32_t plugin_not_found(const Catalog& c, uint32_t index) {
  return fail(BENCHLAB_E_NOT_FOUND,
              fmt::format("plugin index {} out of range (there are {})", index, c.plugins.size()));
}

const PluginInfo* plugin_info(const Catalog& c, uint32_t index) {
  return index < c.plugins.size() ? &c.plugins[index] : nullptr;
}

// The store, or E_STORE when the context has none.
int32_t need_store(const benchlab_ctx* ctx, const char* call) {
  if (ctx->store) return BENCHLAB_OK;
  return fail(BENCHLAB_E_STORE, std::string(call) +
                                    ": this context was opened without a store "
                                    "(BENCHLAB_NO_STORE)");
}

// The first field of a run request that is out of its range, as the message to return;
// empty when all are fine. Non-finite numbers are refused at the door: they would reach
// the stored settings and policy, where JSON cannot hold them.
// The request's probe settings (a NULL or zero field is the default).
SamplingOptions sampling_of(const benchlab_run_request& r) {
  SamplingOptions o;
  if (r.probes) o.probes = r.probes;
  if (r.probe_interval_ms) o.interval_ms = r.probe_interval_ms;
  for (const auto& kv : strings(r.probe_options)) {
    auto eq = kv.find('=');
    o.probe_options.emplace_back(kv.substr(0, eq),
                                 eq == std::string::npos ? "" : kv.substr(eq + 1));
  }
  o.idle_baseline_s = r.idle_baseline_s;
  o.cooldown_max_s = r.cooldown_max_s;
  return o;
}

std::string invalid_request(const benchlab_run_request& r) {
  if (!std::isfinite(r.target_ci))
    return fmt::format("target_ci is {}, not a finite number", r.target_ci);
  if (r.target_ci < 0 || r.target_ci >= 1)
    return fmt::format(
        "target_ci must be a fraction between 0 and 1 (0.02 = 2%; 0: the "
        "profile's), not {}",
        r.target_ci);
  if (!std::isfinite(r.timeout_s))
    return fmt::format("timeout_s is {}, not a finite number", r.timeout_s);
  if (r.timeout_s < 0)
    return fmt::format("timeout_s must be a number of seconds above 0 (0: the profile's), not {}",
                       r.timeout_s);
  if (r.warmup < BENCHLAB_WARMUP_NONE)
    return fmt::format(
        "warmup must be a number of trials, 0 for the profile's or "
        "BENCHLAB_WARMUP_NONE, not {}",
        r.warmup);
  if (r.min_trials && r.max_trials && r.min_trials > r.max_trials)
    return fmt::format("min_trials ({}) is above max_trials ({})", r.min_trials, r.max_trials);
  if (r.resume_run_id < 0)
    return fmt::format("resume_run_id must be a run id (above 0) or 0, not {}", r.resume_run_id);
  for (const auto& kv : strings(r.probe_options))
    if (kv.find('=') == std::string::npos)
      return fmt::format("probe option '{}' is not PROBE.KEY=VALUE", kv);
  return sampling_of(r).invalid();
}

// The operator's settings of a run as stored with it: only what the request overrides,
// null for "the profile's" (docs/json-format.md, run.settings).
std::string settings_json(const benchlab_run_request& req, const OptionList& overrides) {
  auto count = [](uint32_t n) { return n ? boost::json::value(n) : boost::json::value(nullptr); };
  auto number = [](double x) {
    return x > 0 ? boost::json::value(x) : boost::json::value(nullptr);
  };
  boost::json::value warmup = nullptr;
  if (req.warmup == BENCHLAB_WARMUP_NONE) warmup = 0;
  if (req.warmup > 0) warmup = req.warmup;
  boost::json::object settings{
      {"options", options_json(overrides)},
      {"trials", count(req.trials)},
      {"min_trials", count(req.min_trials)},
      {"max_trials", count(req.max_trials)},
      {"target_ci", number(req.target_ci)},
      {"warmup", warmup},
      {"timeout_s", number(req.timeout_s)},
      {"sampling", boost::json::parse(sampling_to_json(sampling_of(req)))}};
  return boost::json::serialize(settings);
}

}  // namespace

namespace {

// "SYSTEM=USD" (the last '=' splits, so a system name may contain one).
std::pair<std::string, double> parse_price(const std::string& kv) {
  const auto eq = kv.rfind('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("price '" + kv + "' is not SYSTEM=USD");
  const std::string amount = kv.substr(eq + 1);
  char* end = nullptr;
  const double v = std::strtod(amount.c_str(), &end);
  if (amount.empty() || *end != '\0' || !std::isfinite(v) || v <= 0)
    throw std::invalid_argument("price '" + kv + "': '" + amount +
                                "' is not a positive amount in USD");
  return {kv.substr(0, eq), v};
}

// The TCO of every system with a price, electricity at its measured wall power.
std::vector<Tco> comparison_tco(const Comparison& c, const benchlab_compare_request& r) {
  std::vector<Tco> out;
  for (const auto& kv : strings(r.prices)) {
    auto [system, price] = parse_price(kv);
    auto sys = std::find_if(c.systems.begin(), c.systems.end(),
                            [&](const SystemSummary& s) { return s.name == system; });
    if (sys == c.systems.end())
      throw NotFoundError(
          fmt::format("price '{}': there is no system \"{}\" to compare", kv, system));
    if (!(r.cloud_rate_usd_h > 0))
      throw std::invalid_argument("a price needs the cloud rate (USD per hour) to compare with");
    TcoInput in;
    in.system = system;
    in.price_usd = price;
    in.cloud_rate_usd_h = r.cloud_rate_usd_h;
    if (r.hours_per_day != 0) in.hours_per_day = r.hours_per_day;
    if (r.electricity_usd_kwh > 0 && sys->wall_power_w) {
      in.electricity_usd_kwh = r.electricity_usd_kwh;
      in.power_w = *sys->wall_power_w;
      in.power_source = "measured wall power (mean over its results)";
    }
    out.push_back(compute_tco(in));
  }
  return out;
}

std::string now_utc_text() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string render(const Comparison& c, const benchlab_compare_request& r,
                   const std::vector<std::string>& stores) {
  ReportMeta meta;
  if (r.title && *r.title) meta.title = r.title;
  meta.generated_at = now_utc_text();
  meta.benchlab_version = BENCHLAB_VERSION_STRING;
  meta.stores = stores;
  switch (r.format) {
    case BENCHLAB_FORMAT_TABLE:
      return format_comparison(c, CompareFormat::table);
    case BENCHLAB_FORMAT_MARKDOWN:
      return format_comparison(c, CompareFormat::markdown);
    case BENCHLAB_FORMAT_CSV:
      return format_comparison(c, CompareFormat::csv);
    case BENCHLAB_FORMAT_JSON:
      return comparison_to_json(c);
    case BENCHLAB_FORMAT_HTML:
      return render_html(c, meta);
    default:
      return render_markdown(c, meta);
  }
}

int32_t store_error_code(const std::exception& e) {
  if (dynamic_cast<const NotFoundError*>(&e)) return BENCHLAB_E_NOT_FOUND;
  if (dynamic_cast<const std::invalid_argument*>(&e)) return BENCHLAB_E_INVALID;
  if (dynamic_cast<const StoreError*>(&e)) return BENCHLAB_E_STORE;
  return BENCHLAB_ERROR;
}

}  // namespace

extern "C" {

BENCHLAB_API int32_t benchlab_library_version(benchlab_version_info* out) {
  begin_call();
  if (!sized(out))
    return fail(BENCHLAB_E_INVALID,
                "benchlab_library_version: out is NULL or its struct_size unset");
  benchlab_version_info v{};
  v.major = BENCHLAB_VERSION_MAJOR;
  v.minor = BENCHLAB_VERSION_MINOR;
  v.patch = BENCHLAB_VERSION_PATCH;
  v.plugin_abi_major = BENCHLAB_PLUGIN_ABI_MAJOR;
  v.plugin_abi_minor = BENCHLAB_PLUGIN_ABI_MINOR;
  v.string = BENCHLAB_VERSION_STRING;
  copy_out(out, v);
  return BENCHLAB_OK;
}

BENCHLAB_API const char* benchlab_version(void) { return BENCHLAB_VERSION_STRING; }
BENCHLAB_API const char* benchlab_errmsg(void) { return g_error.c_str(); }
BENCHLAB_API void benchlab_free(void* p) { std::free(p); }

BENCHLAB_API int32_t benchlab_open(const benchlab_config* cfg_in, benchlab_ctx** out) {
  begin_call();
  if (!out) return fail(BENCHLAB_E_INVALID, "benchlab_open: out is NULL");
  *out = nullptr;
  try {
    benchlab_config cfg{};
    if (cfg_in) {
      if (!sized(cfg_in))
        return fail(BENCHLAB_E_INVALID, "benchlab_open: cfg->struct_size is not set");
      cfg = read_in(cfg_in);
    }
    if (cfg.flags & ~kKnownConfigFlags)
      return fail(BENCHLAB_E_INVALID,
                  fmt::format("benchlab_open: cfg->flags has bits {:#x} that benchlab {} does not "
                              "know",
                              cfg.flags & ~kKnownConfigFlags, BENCHLAB_VERSION_STRING));
    const bool no_store = cfg.flags & BENCHLAB_NO_STORE;
    if (!no_store && cfg.db_path && !*cfg.db_path)
      return fail(BENCHLAB_E_INVALID,
                  "the results store path is empty: name a file, or pass NULL (no --db) for the "
                  "default store");
    auto ctx = std::make_unique<benchlab_ctx>();
    ctx->paths = make_search_paths(strings(cfg.plugin_dirs), strings(cfg.profile_dirs),
                                   cfg.worker_path ? cfg.worker_path : "",
                                   !(cfg.flags & BENCHLAB_NO_DEFAULT_DIRS));
    if (cfg.sysroot) ctx->sysroot = cfg.sysroot;
    if (!no_store) {
      StoreOptions so;
      so.read_only = cfg.flags & BENCHLAB_READ_ONLY;
      so.create_directory = cfg.db_path == nullptr;  // only the default store's directory
      std::filesystem::path db =
          cfg.db_path ? std::filesystem::path(cfg.db_path) : default_store_path();
      ctx->store = std::make_unique<Store>(db, so);
      ctx->read_only = so.read_only;
      ctx->db_path = db.string();
    }
    *out = ctx.release();
    return BENCHLAB_OK;
  } catch (const StoreError& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API void benchlab_close(benchlab_ctx* ctx) { delete ctx; }

BENCHLAB_API const char* benchlab_db_path(const benchlab_ctx* ctx) {
  return ctx ? ctx->db_path.c_str() : "";
}

BENCHLAB_API uint32_t benchlab_plugin_count(const benchlab_ctx* ctx) {
  try {
    return ctx ? static_cast<uint32_t>(catalog(ctx).plugins.size()) : 0;
  } catch (const std::exception& e) {
    g_error = e.what();
    return 0;
  }
}

BENCHLAB_API int32_t benchlab_plugin_at(const benchlab_ctx* ctx, uint32_t index,
                                        benchlab_plugin_info* out) {
  begin_call();
  if (!ctx || !sized(out))
    return fail(BENCHLAB_E_INVALID, "benchlab_plugin_at: NULL argument or struct_size unset");
  try {
    const Discovered& d = discovered(ctx);
    const PluginInfo* p = plugin_info(d.catalog, index);
    if (!p) return plugin_not_found(d.catalog, index);
    benchlab_plugin_info v{};
    v.id = p->id.c_str();
    v.version = p->version.c_str();
    v.description = p->description.c_str();
    v.path = p->path.c_str();
    v.kind = p->kind == BL_KIND_PROBE ? BENCHLAB_PLUGIN_PROBE : BENCHLAB_PLUGIN_WORKLOAD;
    v.options = d.plugin_options[index].c_str();
    v.metrics = d.plugin_metrics[index].c_str();
    v.option_count = static_cast<uint32_t>(p->options.size());
    v.metric_count = static_cast<uint32_t>(p->metrics.size());
    copy_out(out, v);
    return BENCHLAB_OK;
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_plugin_option_at(const benchlab_ctx* ctx, uint32_t plugin,
                                               uint32_t index, benchlab_option_info* out) {
  begin_call();
  if (!ctx || !sized(out))
    return fail(BENCHLAB_E_INVALID,
                "benchlab_plugin_option_at: NULL argument or struct_size unset");
  try {
    const Discovered& d = discovered(ctx);
    const PluginInfo* p = plugin_info(d.catalog, plugin);
    if (!p) return plugin_not_found(d.catalog, plugin);
    if (index >= p->options.size())
      return fail(BENCHLAB_E_NOT_FOUND,
                  fmt::format("option index {} out of range: plugin {} declares {}", index, p->id,
                              p->options.size()));
    const OptionInfo& o = p->options[index];
    benchlab_option_info v{};
    v.name = o.name.c_str();
    v.type = o.type;
    v.flags = o.flags & (BENCHLAB_OPTION_REQUIRED | BENCHLAB_OPTION_REPEATED);
    v.default_value = o.has_default ? o.default_value.c_str() : nullptr;
    if (o.type == BL_OPTION_ENUM) {
      v.allowed_count = static_cast<uint32_t>(o.allowed.size());
      v.allowed = d.option_allowed[plugin][index].data();
    }
    if (has_bounds(o)) {
      v.min_value = o.min_value;
      v.max_value = o.max_value;
    }
    v.description = o.description.c_str();
    copy_out(out, v);
    return BENCHLAB_OK;
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_plugin_metric_at(const benchlab_ctx* ctx, uint32_t plugin,
                                               uint32_t index, benchlab_metric_info* out) {
  begin_call();
  if (!ctx || !sized(out))
    return fail(BENCHLAB_E_INVALID,
                "benchlab_plugin_metric_at: NULL argument or struct_size unset");
  try {
    const Discovered& d = discovered(ctx);
    const PluginInfo* p = plugin_info(d.catalog, plugin);
    if (!p) return plugin_not_found(d.catalog, plugin);
    if (index >= p->metrics.size())
      return fail(BENCHLAB_E_NOT_FOUND,
                  fmt::format("metric index {} out of range: plugin {} declares {}", index, p->id,
                              p->metrics.size()));
    const MetricInfo& m = p->metrics[index];
    benchlab_metric_info v{};
    v.name = m.name.c_str();
    v.unit = m.unit.c_str();
    v.direction = m.direction > 0 ? BENCHLAB_HIGHER_IS_BETTER : BENCHLAB_LOWER_IS_BETTER;
    v.flags = m.optional ? BENCHLAB_METRIC_OPTIONAL : 0u;
    v.description = m.description.c_str();
    copy_out(out, v);
    return BENCHLAB_OK;
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API uint32_t benchlab_diagnostic_count(const benchlab_ctx* ctx) {
  try {
    return ctx ? static_cast<uint32_t>(catalog(ctx).diagnostics.size()) : 0;
  } catch (const std::exception& e) {
    g_error = e.what();
    return 0;
  }
}

BENCHLAB_API const char* benchlab_diagnostic_at(const benchlab_ctx* ctx, uint32_t index) {
  try {
    if (!ctx || index >= catalog(ctx).diagnostics.size()) return nullptr;
    return catalog(ctx).diagnostics[index].c_str();
  } catch (const std::exception& e) {
    g_error = e.what();
    return nullptr;
  }
}

BENCHLAB_API uint32_t benchlab_profile_count(const benchlab_ctx* ctx) {
  try {
    return ctx ? static_cast<uint32_t>(catalog(ctx).profiles.size() + catalog(ctx).suites.size())
               : 0;
  } catch (const std::exception& e) {
    g_error = e.what();
    return 0;
  }
}

BENCHLAB_API int32_t benchlab_profile_at(const benchlab_ctx* ctx, uint32_t index,
                                         benchlab_profile_info* out) {
  begin_call();
  if (!ctx || !sized(out))
    return fail(BENCHLAB_E_INVALID, "benchlab_profile_at: NULL argument or struct_size unset");
  try {
    const Discovered& d = discovered(ctx);
    const Catalog& c = d.catalog;
    benchlab_profile_info v{};
    v.path = index < d.profile_paths.size() ? d.profile_paths[index].c_str() : nullptr;
    if (index < c.profiles.size()) {
      const Profile& p = c.profiles[index];
      v.id = p.id.c_str();
      v.title = p.title.c_str();
      v.kind = BENCHLAB_TARGET_PROFILE;
      v.plugin = p.plugin.c_str();
    } else if (index < c.profiles.size() + c.suites.size()) {
      std::size_t i = index - c.profiles.size();
      const Suite& s = c.suites[i];
      v.id = s.id.c_str();
      v.title = s.title.c_str();
      v.kind = BENCHLAB_TARGET_SUITE;
      v.members = d.suite_members[i].c_str();
    } else {
      return fail(BENCHLAB_E_NOT_FOUND, fmt::format("profile index {} out of range (there are {})",
                                                    index, c.profiles.size() + c.suites.size()));
    }
    copy_out(out, v);
    return BENCHLAB_OK;
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_run(benchlab_ctx* ctx, const benchlab_run_request* req_in,
                                  int64_t* out_run_id) {
  begin_call();
  if (out_run_id) *out_run_id = 0;
  if (!ctx || !sized(req_in))
    return fail(BENCHLAB_E_INVALID, "benchlab_run: NULL argument or struct_size unset");
  if (int32_t rc = need_store(ctx, "benchlab_run")) return rc;
  if (ctx->read_only)
    return fail(BENCHLAB_E_STORE, "benchlab_run: the store " + ctx->db_path +
                                      " was opened read-only (BENCHLAB_READ_ONLY)");
  std::int64_t run_id = 0;
  try {
    benchlab_run_request req = read_in(req_in);
    if (std::string bad = invalid_request(req); !bad.empty())
      return fail(BENCHLAB_E_INVALID, "benchlab_run: " + bad);
    ctx->cancel.store(false);
    RunnerOptions ro;
    ro.worker = ctx->paths.worker.string();
    ro.system_name = req.system_name ? req.system_name : "";
    ro.sysroot = ctx->sysroot;
    ro.cancel = &ctx->cancel;
    if (req.on_event) {
      ro.on_event = [&](const RunEvent& e) {
        benchlab_event ev{};
        ev.struct_size = sizeof ev;
        ev.type = e.type;
        ev.run_id = e.run_id;
        ev.index = e.index;
        ev.total = e.total;
        ev.test = e.test.c_str();
        ev.options = e.options.c_str();
        ev.trial = e.trial;
        ev.trials_planned = e.trials_planned;
        ev.warmup = e.warmup;
        ev.status = static_cast<int32_t>(e.status);
        ev.message = e.message.empty() ? nullptr : e.message.c_str();
        ev.value = e.value;
        ev.elapsed_ns = e.elapsed_ns;
        req.on_event(req.user, &ev);
      };
    }
    if (access(ro.worker.c_str(), X_OK) != 0)
      return fail(BENCHLAB_ERROR, "the worker " + ro.worker +
                                      " is missing or not executable (set BENCHLAB_WORKER)");
    RunOutcome outcome;
    if (req.resume_run_id) {
      if (!ctx->store->run(req.resume_run_id))
        return fail(BENCHLAB_E_NOT_FOUND, fmt::format("there is no run {} to resume in {}",
                                                      req.resume_run_id, ctx->db_path));
      run_id = req.resume_run_id;
      if (out_run_id) *out_run_id = run_id;
      Runner runner(*ctx->store, catalog(ctx), ro);
      outcome = runner.resume(run_id);
    } else {
      PlanRequest pr;
      pr.targets = strings(req.targets);
      for (const auto& kv : strings(req.options)) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
          return fail(BENCHLAB_E_INVALID, "option '" + kv + "' is not KEY=VALUE");
        pr.overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      }
      if (req.trials) pr.policy.trials = req.trials;
      if (req.min_trials) pr.policy.min_trials = req.min_trials;
      if (req.max_trials) pr.policy.max_trials = req.max_trials;
      if (req.target_ci > 0) pr.policy.target_ci = req.target_ci;
      if (req.warmup == BENCHLAB_WARMUP_NONE) pr.policy.warmup = 0u;
      if (req.warmup > 0) pr.policy.warmup = static_cast<unsigned>(req.warmup);
      if (req.timeout_s > 0) pr.policy.timeout_s = req.timeout_s;
      Runner runner(*ctx->store, catalog(ctx), ro);
      auto plan = make_plan(catalog(ctx), pr);
      std::string targets;
      for (const auto& t : pr.targets) targets += (targets.empty() ? "" : " ") + t;
      outcome = runner.run(plan, targets, settings_json(req, pr.overrides), run_id);
      if (out_run_id) *out_run_id = run_id;
    }
    switch (outcome) {
      case RunOutcome::ok:
        return BENCHLAB_OK;
      case RunOutcome::trials_failed:
        return fail(BENCHLAB_E_TRIALS_FAILED, "some trials failed; see `benchlab results`");
      case RunOutcome::interrupted:
        return fail(BENCHLAB_E_INTERRUPTED, "interrupted; finish it with `benchlab run --resume " +
                                                std::to_string(run_id) + "`");
    }
    return BENCHLAB_OK;
  } catch (const NotFoundError& e) {
    if (out_run_id) *out_run_id = run_id;
    return fail(BENCHLAB_E_NOT_FOUND, e.what());
  } catch (const PlanError& e) {
    if (out_run_id) *out_run_id = run_id;
    return fail(BENCHLAB_E_INVALID, e.what());
  } catch (const StoreError& e) {
    if (out_run_id) *out_run_id = run_id;
    // A full disk or a failing file system: say which file, and that nothing stored is lost.
    std::string msg = "cannot write the results store " + ctx->db_path + ": " + e.what();
    if (run_id > 0)
      msg +=
          "; the trials stored so far are kept: make room (or fix the file system), then finish "
          "the run with `benchlab run --resume " +
          std::to_string(run_id) + "`";
    return fail(BENCHLAB_E_STORE, msg);
  } catch (const std::exception& e) {
    if (out_run_id) *out_run_id = run_id;
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API void benchlab_cancel(benchlab_ctx* ctx) {
  if (ctx) ctx->cancel.store(true);
}

BENCHLAB_API int32_t benchlab_results(benchlab_ctx* ctx, int64_t run_id, benchlab_cursor** out) {
  begin_call();
  if (!ctx || !out) return fail(BENCHLAB_E_INVALID, "benchlab_results: NULL argument");
  *out = nullptr;
  if (int32_t rc = need_store(ctx, "benchlab_results")) return rc;
  if (run_id < -1)
    return fail(BENCHLAB_E_INVALID,
                fmt::format("benchlab_results: run_id {} is none of a run id, 0 or -1", run_id));
  try {
    auto cur = std::make_unique<benchlab_cursor>();
    std::vector<std::int64_t> ids;
    if (run_id > 0) {
      if (!ctx->store->run(run_id))
        return fail(BENCHLAB_E_NOT_FOUND,
                    fmt::format("there is no run {} in {}", run_id, ctx->db_path));
      ids.push_back(run_id);
    } else if (run_id == 0) {
      if (auto id = ctx->store->latest_run_id()) ids.push_back(id);
    } else {
      for (const auto& r : ctx->store->runs()) ids.push_back(r.id);
    }
    for (auto id : ids) {
      auto lines = result_lines(*ctx->store, id);
      cur->lines.insert(cur->lines.end(), lines.begin(), lines.end());
    }
    *out = cur.release();
    return BENCHLAB_OK;
  } catch (const std::exception& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  }
}

BENCHLAB_API int32_t benchlab_cursor_next(benchlab_cursor* cur, benchlab_result* out) {
  begin_call();
  if (!cur || !sized(out))
    return fail(BENCHLAB_E_INVALID, "benchlab_cursor_next: NULL argument or struct_size unset");
  if (cur->next >= cur->lines.size()) return fail(BENCHLAB_E_NOT_FOUND, "no more results");
  const ResultLine& l = cur->lines[cur->next++];
  benchlab_result r{};
  r.run_id = l.run_id;
  r.result_id = l.result_id;
  r.system = l.system.c_str();
  r.test = l.test.c_str();
  r.plugin = l.plugin.c_str();
  r.plugin_version = l.plugin_version.c_str();
  r.options = l.options_text.c_str();
  r.metric = l.metric.empty() ? nullptr : l.metric.c_str();
  r.unit = l.unit.c_str();
  r.direction = l.direction;
  r.status = status_code(l.status);
  r.reason = l.reason.empty() ? nullptr : l.reason.c_str();
  r.n = static_cast<uint32_t>(l.summary.n);
  r.failed = l.failed;
  r.mean = l.summary.mean;
  r.median = l.summary.median;
  r.sd = l.summary.sd;
  r.cov = l.summary.cov;
  r.ci95 = l.summary.ci95;
  r.min = l.summary.min;
  r.max = l.summary.max;
  r.outliers = static_cast<uint32_t>(l.summary.outliers);
  r.plugin_path = l.plugin_path.c_str();
  r.plugin_sha256 = l.plugin_sha256.c_str();
  r.containment = l.containment.c_str();
  r.throttled = l.throttled;
  r.derived = l.derived ? 1 : 0;
  r.description = l.description.c_str();
  r.dist_n = l.distribution.n;
  r.dist_mean = l.distribution.mean;
  r.dist_p50 = l.distribution.p50;
  r.dist_p90 = l.distribution.p90;
  r.dist_p99 = l.distribution.p99;
  copy_out(out, r);
  return BENCHLAB_OK;
}

BENCHLAB_API void benchlab_cursor_free(benchlab_cursor* cur) { delete cur; }

BENCHLAB_API int32_t benchlab_results_json(benchlab_ctx* ctx, int64_t run_id, char** out_json) {
  begin_call();
  if (!ctx || !out_json) return fail(BENCHLAB_E_INVALID, "benchlab_results_json: NULL argument");
  *out_json = nullptr;
  if (int32_t rc = need_store(ctx, "benchlab_results_json")) return rc;
  if (run_id < -1)
    return fail(
        BENCHLAB_E_INVALID,
        fmt::format("benchlab_results_json: run_id {} is none of a run id, 0 or -1", run_id));
  try {
    std::string text;
    if (run_id == -1) {
      text = runs_json(*ctx->store);
    } else {
      std::int64_t id = run_id > 0 ? run_id : ctx->store->latest_run_id();
      if (id == 0) return fail(BENCHLAB_E_NOT_FOUND, "there are no runs in " + ctx->db_path);
      if (!ctx->store->run(id))
        return fail(BENCHLAB_E_NOT_FOUND,
                    fmt::format("there is no run {} in {}", id, ctx->db_path));
      text = run_json(*ctx->store, id);
    }
    *out_json = dup_string(text);
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  }
}

BENCHLAB_API int32_t benchlab_probes_json(benchlab_ctx* ctx, const char* const* probe_options,
                                          char** out_json) {
  begin_call();
  if (!ctx || !out_json) return fail(BENCHLAB_E_INVALID, "benchlab_probes_json: NULL argument");
  *out_json = nullptr;
  try {
    std::vector<std::pair<std::string, std::string>> options;
    for (const auto& kv : strings(probe_options)) {
      auto eq = kv.find('=');
      auto dot = kv.find('.');
      if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot > eq)
        return fail(BENCHLAB_E_INVALID, "probe option '" + kv + "' is not PROBE.KEY=VALUE");
      options.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    *out_json = dup_string(probes_to_json(
        survey_probes(catalog(ctx), ctx->paths.worker.string(), ctx->sysroot.string(), options)));
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_inventory_json(benchlab_ctx* ctx, char** out_json) {
  begin_call();
  if (!ctx || !out_json) return fail(BENCHLAB_E_INVALID, "benchlab_inventory_json: NULL argument");
  *out_json = nullptr;
  try {
    // No probe is asked here: reading the inventory runs no plugin code. The GPUs are
    // in benchlab_probes_json() and in the inventory a run stores when it needs them.
    *out_json = dup_string(inventory_to_json(collect_inventory(ctx->sysroot)));
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_compare(benchlab_ctx* ctx, const benchlab_compare_request* req_in,
                                      char** out_text) {
  begin_call();
  if (!ctx || !out_text || !sized(req_in))
    return fail(BENCHLAB_E_INVALID, "benchlab_compare: NULL argument or struct_size 0");
  *out_text = nullptr;
  const auto req = read_in(req_in);
  if (req.format < BENCHLAB_FORMAT_TABLE || req.format > BENCHLAB_FORMAT_REPORT_MARKDOWN)
    return fail(BENCHLAB_E_INVALID, fmt::format("benchlab_compare: format {} is none of "
                                                "BENCHLAB_FORMAT_*",
                                                req.format));
  if (!std::isfinite(req.cloud_rate_usd_h) || req.cloud_rate_usd_h < 0 ||
      !std::isfinite(req.electricity_usd_kwh) || req.electricity_usd_kwh < 0 ||
      !std::isfinite(req.hours_per_day))
    return fail(BENCHLAB_E_INVALID,
                "benchlab_compare: cloud_rate_usd_h, hours_per_day and electricity_usd_kwh must "
                "be finite and not negative");
  std::vector<std::string> stores = strings(req.db_paths);
  if (stores.empty()) {
    if (int32_t rc = need_store(ctx, "benchlab_compare")) return rc;
    stores.push_back(ctx->db_path);
  }
  try {
    std::vector<std::filesystem::path> paths(stores.begin(), stores.end());
    Comparison c = build_comparison(paths, req.baseline ? req.baseline : "");
    c.tco = comparison_tco(c, req);
    *out_text = dup_string(render(c, req, stores));
    return *out_text ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(store_error_code(e), e.what());
  }
}

BENCHLAB_API int32_t benchlab_tco_json(benchlab_ctx* ctx, const benchlab_tco_request* req_in,
                                       char** out_json) {
  begin_call();
  if (!ctx || !out_json || !sized(req_in))
    return fail(BENCHLAB_E_INVALID, "benchlab_tco_json: NULL argument or struct_size 0");
  *out_json = nullptr;
  const auto req = read_in(req_in);
  try {
    TcoInput in;
    in.system = req.system ? req.system : "";
    in.price_usd = req.price_usd;
    in.cloud_rate_usd_h = req.cloud_rate_usd_h;
    if (req.hours_per_day != 0) in.hours_per_day = req.hours_per_day;
    if (req.electricity_usd_kwh != 0) {
      in.electricity_usd_kwh = req.electricity_usd_kwh;
      if (req.power_w != 0) {
        in.power_w = req.power_w;
        in.power_source = "given";
      } else {
        if (int32_t rc = need_store(ctx, "benchlab_tco_json: electricity without power_w"))
          return rc;
        const Comparison c = build_comparison({ctx->db_path}, in.system);
        const SystemSummary& sys = c.systems.front();
        if (!sys.wall_power_w)
          return fail(BENCHLAB_E_NOT_FOUND,
                      fmt::format("no measured wall power for \"{}\" in {}: give the machine's "
                                  "power, or run with the wall probe",
                                  sys.name, ctx->db_path));
        in.system = sys.name;
        in.power_w = *sys.wall_power_w;
        in.power_source =
            fmt::format("measured wall power of {} (mean over its results)", sys.name);
      }
    }
    *out_json = dup_string(boost::json::serialize(tco_json(compute_tco(in))));
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(store_error_code(e), e.what());
  }
}

BENCHLAB_API int32_t benchlab_export_pts(benchlab_ctx* ctx, const int64_t* run_ids, uint32_t count,
                                         const char* dir, char** out_path) {
  begin_call();
  if (!ctx || !dir || !*dir || (count && !run_ids))
    return fail(BENCHLAB_E_INVALID, "benchlab_export_pts: NULL argument or empty directory");
  if (out_path) *out_path = nullptr;
  if (int32_t rc = need_store(ctx, "benchlab_export_pts")) return rc;
  try {
    const auto path =
        export_pts(*ctx->store, std::vector<std::int64_t>(run_ids, run_ids + count), dir);
    if (out_path && !(*out_path = dup_string(path.string())))
      return fail(BENCHLAB_ERROR, "out of memory");
    return BENCHLAB_OK;
  } catch (const PtsError& e) {
    return fail(BENCHLAB_E_INVALID, e.what());
  } catch (const StoreError& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_import_pts(benchlab_ctx* ctx, const char* file, char** out_json) {
  begin_call();
  if (!ctx || !file || !*file)
    return fail(BENCHLAB_E_INVALID, "benchlab_import_pts: NULL argument");
  if (out_json) *out_json = nullptr;
  if (int32_t rc = need_store(ctx, "benchlab_import_pts")) return rc;
  if (ctx->read_only)
    return fail(BENCHLAB_E_STORE, "benchlab_import_pts: the store was opened read-only");
  try {
    const ImportSummary s = import_pts(*ctx->store, file);
    boost::json::array runs(s.run_ids.begin(), s.run_ids.end());
    boost::json::array skipped(s.skipped.begin(), s.skipped.end());
    const std::string text =
        boost::json::serialize(boost::json::object{{"source", s.source},
                                                   {"systems", s.systems},
                                                   {"runs", std::move(runs)},
                                                   {"results", s.results},
                                                   {"trials", s.trials},
                                                   {"skipped", std::move(skipped)}});
    if (out_json && !(*out_json = dup_string(text))) return fail(BENCHLAB_ERROR, "out of memory");
    return BENCHLAB_OK;
  } catch (const PtsError& e) {
    return fail(BENCHLAB_E_INVALID, e.what());
  } catch (const StoreError& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API int32_t benchlab_validate_plugin(benchlab_ctx* ctx, const char* path, double timeout_s,
                                              uint32_t flags, char** out_json) {
  begin_call();
  if (!ctx || !path || !out_json)
    return fail(BENCHLAB_E_INVALID, "benchlab_validate_plugin: NULL argument");
  *out_json = nullptr;
  if (flags & ~BENCHLAB_VALIDATE_NO_DRY_RUN)
    return fail(BENCHLAB_E_INVALID,
                fmt::format("benchlab_validate_plugin: flags has bits {:#x} that benchlab {} "
                            "does not know",
                            flags & ~BENCHLAB_VALIDATE_NO_DRY_RUN, BENCHLAB_VERSION_STRING));
  if (!std::isfinite(timeout_s) || timeout_s < 0)
    return fail(BENCHLAB_E_INVALID,
                "benchlab_validate_plugin: the timeout must be a number of seconds, 0 or more");
  try {
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(st))
      return fail(BENCHLAB_E_NOT_FOUND, std::string(path) + ": no such file");
    if (std::filesystem::is_directory(st))
      return fail(BENCHLAB_E_INVALID,
                  std::string(path) + ": is a directory; name a plugin file (.so) in it");
    ValidationLimits limits;
    if (timeout_s > 0) limits.timeout_s = timeout_s;
    limits.dry_run = !(flags & BENCHLAB_VALIDATE_NO_DRY_RUN);
    PluginValidation v =
        validate_plugin_file(ctx->paths.worker, std::filesystem::absolute(path), limits);
    v.file = path;  // as the caller named it
    *out_json = dup_string(validation_to_json(v));
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

}  // extern "C"
