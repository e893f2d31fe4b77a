#include "runner.h"

#include <benchlab/plugin.h>
#include <unistd.h>

#include <cstdlib>
#include <fmt/format.h>
#include <map>

#include "phase_runner.h"
#include "stats.h"
#include "subprocess.h"

namespace benchlab {
namespace fs = std::filesystem;

namespace {

constexpr unsigned kAbandonAfterFailures = 2;  // consecutive failed trials end a result

std::string gib(std::uint64_t b) { return fmt::format("{:.1f} GiB", double(b) / (1024.0 * 1024 * 1024)); }

fs::path cache_root() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return fs::path(xdg) / "benchlab";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".cache/benchlab";
}

// A fresh private directory for one result's phases, removed when the result ends.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/benchlab-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a scratch directory in " + tmpl);
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (!ec) return;
    // A plugin may leave directories without write permission (Go's module cache does):
    // give them back to their owner, then remove again.
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::error_code st;
      if (it->symlink_status(st).type() == fs::file_type::directory)
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, st);
    }
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// What the measured (not warm-up) trials of a result add up to.
struct Tally {
  std::map<std::string, std::vector<double>> values;  // per metric, successful trials only
  unsigned measured = 0, ok = 0, failed = 0;
  std::string last_failure;

  void add(bool trial_ok, const std::vector<std::pair<std::string, double>>& trial_values,
           const std::string& reason) {
    ++measured;
    if (trial_ok) {
      ++ok;
      for (const auto& [k, v] : trial_values) values[k].push_back(v);
    } else {
      ++failed;
      last_failure = reason;
    }
  }
};

std::string hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace

std::string unmet_requirement(const Requirement& r, const Inventory& inv) {
  auto with_hint = [&](std::string s) { return r.hint.empty() ? s : s + " (" + r.hint + ")"; };
  switch (r.kind) {
    case BL_REQ_PROGRAM:
      return find_program(r.name).empty() ? with_hint(r.name + " not found on PATH") : "";
    case BL_REQ_MEMORY_SYSTEM:
      if (inv.memory_bytes && inv.memory_bytes < r.amount)
        return with_hint(fmt::format("needs {} of system memory, {} present", gib(r.amount), gib(inv.memory_bytes)));
      return {};
    case BL_REQ_MEMORY_GPU:
    case BL_REQ_MEMORY_GPU_OR_UNIFIED:
      // GPU inventory comes from the GPU probe plugins; without one no GPU is known.
      return with_hint(fmt::format("needs {} of GPU memory; no GPU is known to this benchlab "
                                   "(install a GPU probe plugin)", gib(r.amount)));
    case BL_REQ_DEVICE:
    case BL_REQ_FILE: {
      std::error_code ec;
      return fs::exists(r.name, ec) ? "" : with_hint(r.name + " does not exist");
    }
    default:
      return fmt::format("unknown requirement kind {}", r.kind);
  }
}

Runner::Runner(Store& store, const Catalog& catalog, RunnerOptions opts)
    : store_(store), catalog_(catalog), opts_(std::move(opts)) {
  inventory_ = collect_inventory(opts_.sysroot);
  if (opts_.system_name.empty()) opts_.system_name = inventory_.hostname.empty() ? hostname() : inventory_.hostname;
}

void Runner::emit(RunEvent ev) const {
  if (!opts_.on_event) return;
  ev.elapsed_ns = monotonic_ns() - t0_;
  opts_.on_event(ev);
}

RunOutcome Runner::run(const std::vector<PlanItem>& plan, const std::string& targets,
                       const std::string& settings_json, std::int64_t& run_id) {
  std::string inv = inventory_to_json(inventory_);
  std::int64_t system = store_.upsert_system(opts_.system_name, inv);
  std::vector<ResultPlan> rows;
  std::vector<std::vector<MetricDecl>> metrics;
  int seq = 0;
  for (const auto& item : plan) {
    const PluginInfo& info = item.plugin->info();
    std::string data_dir = item.profile ? item.profile->path.parent_path().string() : "";
    rows.push_back({++seq, item.test, info.id, info.version, info.path.string(), item.options,
                    item.profile ? item.profile->path.string() : "",
                    policy_to_json(item.policy, item.requirements, data_dir)});
    std::vector<MetricDecl> m;
    for (const auto& x : info.metrics) m.push_back({x.name, x.unit, x.direction});
    metrics.push_back(std::move(m));
  }
  run_id = store_.create_planned_run(system, targets, settings_json, inv, BENCHLAB_VERSION, rows, metrics);
  return execute(run_id);
}

RunOutcome Runner::resume(std::int64_t run_id) {
  auto r = store_.run(run_id);
  if (!r) throw NotFoundError(fmt::format("there is no run {} in {}", run_id, store_.path().string()));
  if (r->status == "complete")
    throw PlanError(fmt::format("run {} is already complete; nothing to resume", run_id));
  // Stores written before the run and its plan were one transaction may hold a run that
  // was cut off before its plan: resuming it would "complete" it with nothing measured.
  if (store_.results(run_id).empty())
    throw PlanError(fmt::format("run {} has no planned tests (it was cut off while being created); "
                                "start it again with `benchlab run {}`", run_id, r->targets));
  store_.set_run_status(run_id, "running", false);
  return execute(run_id);
}

RunOutcome Runner::execute(std::int64_t run_id) {
  t0_ = monotonic_ns();
  const auto results = store_.results(run_id);
  bool any_failed = false;
  {
    RunEvent ev;
    ev.type = RunEvent::plan;
    ev.run_id = run_id;
    ev.total = static_cast<unsigned>(results.size());
    emit(ev);
  }
  fs::path caches = cache_root();

  for (const auto& res : results) {
    if (res.status != "pending") {
      any_failed |= res.status == "failed" || res.status == "partial";
      continue;
    }
    RunEvent base;
    base.run_id = run_id;
    base.index = static_cast<unsigned>(res.seq);
    base.total = static_cast<unsigned>(results.size());
    base.test = res.test;
    base.options = options_to_text(res.options);
    auto finish = [&](const std::string& status, int code, const std::string& reason) {
      store_.set_result_status(res.id, status, reason);
      RunEvent ev = base;
      ev.type = RunEvent::result_end;
      ev.status = code;
      ev.message = reason;
      emit(ev);
      any_failed |= status == "failed" || status == "partial";
    };
    {
      RunEvent ev = base;
      ev.type = RunEvent::result_begin;
      emit(ev);
    }

    std::vector<Requirement> reqs;
    std::string data_dir;
    Policy policy = policy_from_json(res.policy_json, reqs, data_dir);
    const LoadedPlugin* plugin = catalog_.plugin(res.plugin);
    if (!plugin) {
      finish("failed", 2, fmt::format("workload plugin '{}' is not installed any more", res.plugin));
      continue;
    }
    // The gate: a known shortfall is "cannot run", stated before any attempt.
    std::string unmet;
    for (const auto& r : reqs)
      if (unmet = unmet_requirement(r, inventory_); !unmet.empty()) break;
    if (!unmet.empty()) {
      finish("cannot_run", 3, unmet);
      continue;
    }

    ScratchDir scratch;
    fs::path cache = caches / plugin->info().id / plugin->info().version;
    std::error_code ec;
    fs::create_directories(cache, ec);
    if (ec) {
      finish("failed", 2, "cannot create the cache directory " + cache.string() + ": " + ec.message());
      continue;
    }
    PhaseRequest pr;
    pr.worker = opts_.worker;
    pr.plugin_path = plugin->info().path.string();
    pr.plugin_id = plugin->info().id;
    pr.options = res.options;
    pr.scratch_dir = scratch.path().string();
    pr.cache_dir = cache.string();
    pr.data_dir = data_dir;
    pr.timeout = std::chrono::nanoseconds(static_cast<std::int64_t>(policy.timeout_s * 1e9));
    pr.kill_grace = opts_.kill_grace;

    auto observe = [&](const protocol::Message& m) {
      RunEvent ev = base;
      if (auto* l = std::get_if<protocol::Log>(&m)) {
        ev.type = RunEvent::log;
        ev.message = l->text;
        emit(ev);
      } else if (auto* p = std::get_if<protocol::Progress>(&m)) {
        ev.type = RunEvent::progress;
        ev.value = p->fraction;
        ev.message = p->note;
        emit(ev);
      }
    };

    ResultWorker phases(pr, observe, opts_.cancel);
    PhaseOutcome setup = phases.setup();
    if (setup.kind == PhaseOutcome::Kind::interrupted) {
      store_.set_run_status(run_id, "interrupted", false);
      return RunOutcome::interrupted;
    }
    if (setup.kind == PhaseOutcome::Kind::cannot_run) {
      finish("cannot_run", 3, setup.reason);
      continue;
    }
    if (setup.kind == PhaseOutcome::Kind::failed) {
      finish("failed", 2, res.plugin + ": " + setup.reason);
      continue;
    }

    // What earlier attempts of this result (before an interruption) already measured.
    Tally tally;
    unsigned next_idx = 0;
    for (const auto& t : store_.trials(res.id)) {
      next_idx = static_cast<unsigned>(t.idx) + 1;
      if (!t.warmup) tally.add(t.ok, t.values, t.reason);
    }
    // Named references rather than a structured binding, which clang 14 cannot capture.
    const auto& values = tally.values;
    const unsigned &measured = tally.measured, &ok = tally.ok, &failed = tally.failed;
    const std::string& last_failure = tally.last_failure;
    auto precise = [&] {
      if (policy.target_ci <= 0 || values.empty()) return false;
      for (const auto& [k, v] : values)
        if (!precision_reached(summarize(v), policy.target_ci)) return false;
      return true;
    };
    auto done = [&] {
      if (measured >= policy.max_trials) return true;
      if (measured < policy.min_trials) return false;
      return policy.target_ci <= 0 || precise();
    };

    unsigned warmups_left = measured < policy.max_trials ? policy.warmup : 0;
    unsigned consecutive_failures = 0;
    std::string abandoned;
    bool interrupted = false;
    while (warmups_left > 0 || !done()) {
      bool warm = warmups_left > 0;
      RunEvent ev = base;
      ev.type = RunEvent::trial_begin;
      ev.trial = next_idx + 1;
      ev.trials_planned = policy.warmup + policy.max_trials;
      ev.warmup = warm;
      emit(ev);

      PhaseOutcome o = phases.trial(next_idx);
      if (o.kind == PhaseOutcome::Kind::interrupted) {
        interrupted = true;
        break;
      }
      TrialRecord t;
      t.idx = static_cast<int>(next_idx++);
      t.warmup = warm;
      t.ok = o.kind == PhaseOutcome::Kind::ok;
      if (o.kind == PhaseOutcome::Kind::cannot_run) t.reason = "cannot run: " + o.reason;
      else if (!t.ok) t.reason = res.plugin + ": " + o.reason;
      t.begin_ns = o.begin_ns;
      t.end_ns = o.end_ns;
      t.wall_ns = o.exit.wall_ns;
      t.user_ns = o.exit.user_ns;
      t.sys_ns = o.exit.sys_ns;
      t.max_rss_bytes = o.exit.max_rss_bytes;
      t.exit_code = o.exit.exit_code;
      t.term_signal = o.exit.term_signal;
      t.output = std::move(o.output);
      t.log = std::move(o.log);
      if (t.ok) t.values = o.metrics;
      for (const auto& d : o.declared) t.metrics.push_back({d.name, d.unit, d.direction});
      store_.add_trial(res.id, t);

      ev.type = RunEvent::trial_end;
      ev.status = t.ok ? 1 : 2;
      ev.message = t.reason;
      ev.value = t.ok && !t.values.empty() ? t.values.front().second : 0;
      emit(ev);

      if (warm) {
        --warmups_left;
      } else {
        tally.add(t.ok, t.values, t.reason);
      }
      if (o.kind == PhaseOutcome::Kind::cannot_run) {
        abandoned = t.reason;
        break;
      }
      consecutive_failures = t.ok ? 0 : consecutive_failures + 1;
      if (consecutive_failures >= kAbandonAfterFailures && ok == 0) {
        abandoned = fmt::format("{} (gave up after {} failed trials in a row)", t.reason, consecutive_failures);
        break;
      }
    }
    if (interrupted) {
      store_.set_run_status(run_id, "interrupted", false);
      return RunOutcome::interrupted;
    }

    PhaseOutcome td = phases.teardown();
    std::string teardown_note =
        td.kind == PhaseOutcome::Kind::failed ? "; teardown failed: " + td.reason : "";

    if (abandoned.rfind("cannot run: ", 0) == 0 && ok == 0) {
      finish("cannot_run", 3, abandoned.substr(12));
    } else if (ok == 0) {
      finish("failed", 2, (abandoned.empty() ? last_failure : abandoned) + teardown_note);
    } else if (failed > 0) {
      finish("partial", 4, fmt::format("{} of {} trials failed; last: {}{}", failed, measured, last_failure, teardown_note));
    } else {
      finish("ok", 1, teardown_note.empty() ? "" : teardown_note.substr(2));
    }
  }
  store_.set_run_status(run_id, "complete", true);
  return any_failed ? RunOutcome::trials_failed : RunOutcome::ok;
}

}  // namespace benchlab
