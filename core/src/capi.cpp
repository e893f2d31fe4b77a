// The operator C API (benchlab.h) over the C++ core. Nothing thrown crosses this file.
#include <benchlab/benchlab.h>

#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "catalog.h"
#include "inventory.h"
#include "plan.h"
#include "result_view.h"
#include "runner.h"
#include "store.h"

using namespace benchlab;

// What discovery found, and the text behind benchlab_plugin_info and _profile_info.
struct Discovered {
  Catalog catalog;
  std::vector<std::string> plugin_options, plugin_metrics;
  std::vector<std::string> suite_members;
  std::vector<std::string> profile_paths;
};

struct benchlab_ctx {
  SearchPaths paths;
  // Discovered on first use, so that reading results or the inventory loads no plugin.
  // A context is used by one thread at a time (benchlab.h), so no lock.
  mutable std::optional<Discovered> discovered;
  std::unique_ptr<Store> store;
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
  std::memcpy(reinterpret_cast<char*>(dst) + sizeof(uint32_t), reinterpret_cast<const char*>(&src) + sizeof(uint32_t),
              std::min<std::size_t>(n, sizeof(T)) - sizeof(uint32_t));
}

template <class T>
T read_in(const T* src) {
  T v{};
  std::memcpy(&v, src, std::min<std::size_t>(src->struct_size, sizeof(T)));
  v.struct_size = sizeof(T);
  return v;
}

const char* type_name(int32_t t) {
  switch (t) {
    case BL_OPTION_INT: return "int";
    case BL_OPTION_FLOAT: return "float";
    case BL_OPTION_BOOL: return "bool";
    case BL_OPTION_ENUM: return "enum";
    default: return "string";
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

// The catalog and its texts, discovered at the first call that needs them.
const Discovered& discovered(const benchlab_ctx* ctx) {
  if (ctx->discovered) return *ctx->discovered;
  Discovered d;
  d.catalog = discover(ctx->paths);
  for (const auto& p : d.catalog.plugins) {
    std::string opts, mets;
    for (const auto& o : p.options) {
      opts += o.name + "=" + (o.has_default ? o.default_value : "") + " (" + type_name(o.type);
      if (!o.allowed.empty()) {
        opts += ":";
        for (const auto& a : o.allowed) opts += " " + a;
      }
      if (o.flags & BL_OPTION_REPEATED) opts += ", repeated";
      if (o.flags & BL_OPTION_REQUIRED) opts += ", required";
      opts += ") " + o.description + "\n";
    }
    for (const auto& m : p.metrics)
      mets += m.name + " [" + m.unit + "] " + (m.direction > 0 ? "higher" : "lower") + " is better\n";
    d.plugin_options.push_back(std::move(opts));
    d.plugin_metrics.push_back(std::move(mets));
  }
  for (const auto& p : d.catalog.profiles) d.profile_paths.push_back(p.path.string());
  for (const auto& s : d.catalog.suites) {
    std::string m;
    for (const auto& x : s.members) m += (m.empty() ? "" : " ") + x;
    d.suite_members.push_back(std::move(m));
    d.profile_paths.push_back(s.path.string());
  }
  return ctx->discovered.emplace(std::move(d));
}

const Catalog& catalog(const benchlab_ctx* ctx) { return discovered(ctx).catalog; }

}  // namespace

extern "C" {

BENCHLAB_API const char* benchlab_version(void) { return BENCHLAB_VERSION; }
BENCHLAB_API const char* benchlab_errmsg(void) { return g_error.c_str(); }
BENCHLAB_API void benchlab_free(void* p) { std::free(p); }

BENCHLAB_API int32_t benchlab_open(const benchlab_config* cfg_in, benchlab_ctx** out) {
  if (!out) return fail(BENCHLAB_E_INVALID, "benchlab_open: out is NULL");
  *out = nullptr;
  try {
    benchlab_config cfg{};
    if (cfg_in) {
      if (!sized(cfg_in)) return fail(BENCHLAB_E_INVALID, "benchlab_open: cfg->struct_size is not set");
      cfg = read_in(cfg_in);
    }
    auto ctx = std::make_unique<benchlab_ctx>();
    ctx->paths = make_search_paths(strings(cfg.plugin_dirs), strings(cfg.profile_dirs),
                                   cfg.worker_path ? cfg.worker_path : "",
                                   !(cfg.flags & BENCHLAB_NO_DEFAULT_DIRS));
    if (cfg.sysroot) ctx->sysroot = cfg.sysroot;
    std::filesystem::path db = cfg.db_path ? std::filesystem::path(cfg.db_path) : default_store_path();
    ctx->store = std::make_unique<Store>(db);
    ctx->db_path = db.string();
    *out = ctx.release();
    return BENCHLAB_OK;
  } catch (const StoreError& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

BENCHLAB_API void benchlab_close(benchlab_ctx* ctx) { delete ctx; }

BENCHLAB_API const char* benchlab_db_path(const benchlab_ctx* ctx) { return ctx ? ctx->db_path.c_str() : ""; }

BENCHLAB_API uint32_t benchlab_plugin_count(const benchlab_ctx* ctx) {
  return ctx ? static_cast<uint32_t>(catalog(ctx).plugins.size()) : 0;
}

BENCHLAB_API int32_t benchlab_plugin_at(const benchlab_ctx* ctx, uint32_t index, benchlab_plugin_info* out) {
  if (!ctx || !sized(out)) return fail(BENCHLAB_E_INVALID, "benchlab_plugin_at: NULL argument or struct_size unset");
  const Discovered& d = discovered(ctx);
  if (index >= d.catalog.plugins.size()) return fail(BENCHLAB_E_NOT_FOUND, "plugin index out of range");
  const PluginInfo& p = d.catalog.plugins[index];
  benchlab_plugin_info v{};
  v.id = p.id.c_str();
  v.version = p.version.c_str();
  v.description = p.description.c_str();
  v.path = p.path.c_str();
  v.kind = p.kind == BL_KIND_PROBE ? BENCHLAB_PLUGIN_PROBE : BENCHLAB_PLUGIN_WORKLOAD;
  v.options = d.plugin_options[index].c_str();
  v.metrics = d.plugin_metrics[index].c_str();
  copy_out(out, v);
  return BENCHLAB_OK;
}

BENCHLAB_API uint32_t benchlab_diagnostic_count(const benchlab_ctx* ctx) {
  return ctx ? static_cast<uint32_t>(catalog(ctx).diagnostics.size()) : 0;
}

BENCHLAB_API const char* benchlab_diagnostic_at(const benchlab_ctx* ctx, uint32_t index) {
  if (!ctx || index >= catalog(ctx).diagnostics.size()) return nullptr;
  return catalog(ctx).diagnostics[index].c_str();
}

BENCHLAB_API uint32_t benchlab_profile_count(const benchlab_ctx* ctx) {
  return ctx ? static_cast<uint32_t>(catalog(ctx).profiles.size() + catalog(ctx).suites.size()) : 0;
}

BENCHLAB_API int32_t benchlab_profile_at(const benchlab_ctx* ctx, uint32_t index, benchlab_profile_info* out) {
  if (!ctx || !sized(out)) return fail(BENCHLAB_E_INVALID, "benchlab_profile_at: NULL argument or struct_size unset");
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
    return fail(BENCHLAB_E_NOT_FOUND, "profile index out of range");
  }
  copy_out(out, v);
  return BENCHLAB_OK;
}

BENCHLAB_API int32_t benchlab_run(benchlab_ctx* ctx, const benchlab_run_request* req_in, int64_t* out_run_id) {
  if (out_run_id) *out_run_id = 0;
  if (!ctx || !sized(req_in)) return fail(BENCHLAB_E_INVALID, "benchlab_run: NULL argument or struct_size unset");
  std::int64_t run_id = 0;
  try {
    benchlab_run_request req = read_in(req_in);
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
        ev.status = e.status;
        ev.message = e.message.empty() ? nullptr : e.message.c_str();
        ev.value = e.value;
        ev.elapsed_ns = e.elapsed_ns;
        req.on_event(req.user, &ev);
      };
    }
    if (access(ro.worker.c_str(), X_OK) != 0)
      return fail(BENCHLAB_ERROR, "the worker " + ro.worker + " is missing or not executable (set BENCHLAB_WORKER)");
    Runner runner(*ctx->store, catalog(ctx), ro);
    RunOutcome outcome;
    if (req.resume_run_id) {
      run_id = req.resume_run_id;
      if (out_run_id) *out_run_id = run_id;
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
      if (req.warmup >= 0) pr.policy.warmup = static_cast<unsigned>(req.warmup);
      if (req.timeout_s > 0) pr.policy.timeout_s = req.timeout_s;
      auto plan = make_plan(catalog(ctx), pr);
      boost::json::object settings{{"options", options_to_json(pr.overrides)},
                                   {"trials", req.trials},
                                   {"min_trials", req.min_trials},
                                   {"max_trials", req.max_trials},
                                   {"target_ci", req.target_ci},
                                   {"warmup", req.warmup},
                                   {"timeout_s", req.timeout_s}};
      std::string targets;
      for (const auto& t : pr.targets) targets += (targets.empty() ? "" : " ") + t;
      outcome = runner.run(plan, targets, boost::json::serialize(settings), run_id);
      if (out_run_id) *out_run_id = run_id;
    }
    switch (outcome) {
      case RunOutcome::ok: return BENCHLAB_OK;
      case RunOutcome::trials_failed: return fail(BENCHLAB_E_TRIALS_FAILED, "some trials failed; see `benchlab results`");
      case RunOutcome::interrupted:
        return fail(BENCHLAB_E_INTERRUPTED, "interrupted; finish it with `benchlab run --resume " + std::to_string(run_id) + "`");
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
    std::string msg = "cannot write the results store " + ctx->store->path().string() + ": " + e.what();
    if (run_id > 0)
      msg += "; the trials stored so far are kept: make room (or fix the file system), then finish the run "
             "with `benchlab run --resume " + std::to_string(run_id) + "`";
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
  if (!ctx || !out) return fail(BENCHLAB_E_INVALID, "benchlab_results: NULL argument");
  *out = nullptr;
  try {
    auto cur = std::make_unique<benchlab_cursor>();
    std::vector<std::int64_t> ids;
    if (run_id > 0) {
      if (!ctx->store->run(run_id)) return fail(BENCHLAB_E_NOT_FOUND, "there is no run " + std::to_string(run_id));
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
  if (!cur || !sized(out)) return fail(BENCHLAB_E_INVALID, "benchlab_cursor_next: NULL argument or struct_size unset");
  if (cur->next >= cur->lines.size()) return BENCHLAB_E_NOT_FOUND;
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
  copy_out(out, r);
  return BENCHLAB_OK;
}

BENCHLAB_API void benchlab_cursor_free(benchlab_cursor* cur) { delete cur; }

BENCHLAB_API int32_t benchlab_results_json(benchlab_ctx* ctx, int64_t run_id, char** out_json) {
  if (!ctx || !out_json) return fail(BENCHLAB_E_INVALID, "benchlab_results_json: NULL argument");
  *out_json = nullptr;
  try {
    std::int64_t id = run_id > 0 ? run_id : ctx->store->latest_run_id();
    if (id == 0 || !ctx->store->run(id)) return fail(BENCHLAB_E_NOT_FOUND, "no such run in " + ctx->db_path);
    *out_json = dup_string(run_json(*ctx->store, id));
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(BENCHLAB_E_STORE, e.what());
  }
}

BENCHLAB_API int32_t benchlab_inventory_json(benchlab_ctx* ctx, char** out_json) {
  if (!ctx || !out_json) return fail(BENCHLAB_E_INVALID, "benchlab_inventory_json: NULL argument");
  try {
    *out_json = dup_string(inventory_to_json(collect_inventory(ctx->sysroot)));
    return *out_json ? BENCHLAB_OK : fail(BENCHLAB_ERROR, "out of memory");
  } catch (const std::exception& e) {
    return fail(BENCHLAB_ERROR, e.what());
  }
}

}  // extern "C"
