// SPDX-License-Identifier: MIT
#include "runner.h"

#include <benchlab/ext/probe_devices.h>
#include <benchlab/plugin.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <optional>

#include "probe_survey.h"
#include "requirement_gate.h"
#include "sampling_session.h"
#include "scratch_dir.h"
#include "stats.h"
#include "subprocess.h"

namespace benchlab {
namespace fs = std::filesystem;

namespace {

constexpr unsigned kAbandonAfterFailures = 2;  // consecutive failed trials end a result

// What the measured (not warm-up) trials of a result add up to.
struct Tally {
  std::map<std::string, std::vector<double>> values;  // per metric, successful trials only
  unsigned measured = 0, ok = 0, failed = 0;
  unsigned consecutive_failures = 0;
  std::string last_failure;

  void add(bool trial_ok, const std::vector<std::pair<std::string, double>>& trial_values,
           const std::string& reason) {
    ++measured;
    if (trial_ok) {
      ++ok;
      consecutive_failures = 0;
      for (const auto& [k, v] : trial_values) values[k].push_back(v);
    } else {
      ++failed;
      ++consecutive_failures;
      last_failure = reason;
    }
  }

  // Whether the trial policy is satisfied: the cap reached, or the minimum reached and, with
  // a precision target, every metric's relative CI half-width under it.
  bool done(const Policy& p) const {
    if (measured >= p.max_trials) return true;
    if (measured < p.min_trials) return false;
    if (p.target_ci <= 0) return true;
    if (values.empty()) return false;
    for (const auto& [k, v] : values)
      if (!precision_reached(summarize(v), p.target_ci)) return false;
    return true;
  }
};

// A metric the trial gave many values of (benchlab/ext/values.h) and no value of its own
// has the mean of its values as the trial's value (values.h says so).
void add_value_means(PhaseOutcome& o) {
  for (const auto& [name, values] : o.values) {
    if (values.empty()) continue;
    bool reported = false;
    for (const auto& [k, v] : o.metrics) reported = reported || k == name;
    if (!reported) o.metrics.emplace_back(name, summarize_distribution(values).mean);
  }
}

// The first metric this successful trial should have reported and did not: every metric
// of the descriptor not flagged optional, and every metric the trial declared itself.
std::string unreported_metric(const PhaseOutcome& o, const PluginInfo& plugin) {
  auto reported = [&](const std::string& name) {
    for (const auto& [k, v] : o.metrics)
      if (k == name) return true;
    return false;
  };
  for (const auto& m : plugin.metrics)
    if (!m.optional && !reported(m.name)) return m.name;
  for (const auto& d : o.declared)
    if (!reported(d.name)) return d.name;
  return {};
}

std::string hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string short_hash(const std::string& sha256) { return sha256.substr(0, 12); }

// The sampling options of a run's settings JSON ("sampling" object), defaults without one.
SamplingOptions sampling_of_settings(const std::string& settings_json) {
  if (settings_json.empty()) return {};
  const auto settings = boost::json::parse(settings_json);
  if (const auto* s = settings.is_object() ? settings.as_object().if_contains("sampling") : nullptr;
      s && s->is_object())
    return sampling_from_json(boost::json::serialize(*s));
  return {};
}

}  // namespace

// One result from the requirement gate to teardown, as a straight line of named steps:
// gate, setup, trials until the policy is met or the result is abandoned, teardown,
// conclusion. execute() returns how the result ended, or nothing when the operator
// interrupted it (the run stays resumable from the trials stored).
class Runner::ResultRun {
 public:
  ResultRun(Runner& runner, std::int64_t run_id, const ResultRow& res, unsigned total)
      : r_(runner), res_(res) {
    base_.run_id = run_id;
    base_.index = static_cast<unsigned>(res.seq);
    base_.total = total;
    base_.test = res.test;
    base_.options = options_to_text(res.options);
  }

  std::optional<Finish> execute() {
    emit(RunEvent::result_begin);
    std::vector<Requirement> reqs;
    std::string data_dir;
    policy_ = policy_from_json(res_.policy_json, reqs, data_dir);
    if (auto blocked = gate(reqs)) return blocked;

    ScratchDir scratch;
    fs::path cache = cache_root() / plugin_->id / plugin_->version;
    std::error_code ec;
    fs::create_directories(cache, ec);
    if (ec)
      return Finish{ResultStatus::failed,
                    "cannot create the cache directory " + cache.string() + ": " + ec.message()};
    ResultWorker worker(phase_request(scratch.path(), cache, data_dir), observer(),
                        r_.opts_.cancel);

    PhaseOutcome setup = worker.setup();
    store_programs(setup);
    switch (setup.kind) {
      case PhaseOutcome::Kind::interrupted:
        return std::nullopt;
      case PhaseOutcome::Kind::cannot_run:
        return Finish{ResultStatus::cannot_run, setup.reason};
      case PhaseOutcome::Kind::failed:
        return Finish{ResultStatus::failed, res_.plugin + ": " + setup.reason};
      case PhaseOutcome::Kind::ok:
        break;
    }
    // What setup() found the options need (a model's memory) is gated like the static
    // requirements, before any trial; teardown still undoes what setup did.
    std::vector<Requirement> computed;
    for (const auto& q : setup.requirements) computed.push_back({q.kind, q.name, q.amount, q.hint});
    if (auto blocked = gate(computed)) {
      worker.teardown();
      return blocked;
    }
    if (!run_trials(worker)) return std::nullopt;
    PhaseOutcome td = worker.teardown();
    std::string teardown_note =
        td.kind == PhaseOutcome::Kind::failed ? "teardown failed: " + td.reason : "";
    return conclude(teardown_note);
  }

  // Stores how the result ended and tells the caller's observer.
  void finish(const Finish& f) {
    r_.store_.set_result_status(res_.id, std::string(status_name(f.status)), f.reason);
    RunEvent ev = base_;
    ev.type = RunEvent::result_end;
    ev.status = f.status;
    ev.message = f.reason;
    r_.emit(ev);
  }

 private:
  void emit(RunEvent::Type type) {
    RunEvent ev = base_;
    ev.type = type;
    r_.emit(ev);
  }

  // Gate: the plugin is there and every requirement is met, or the result cannot run
  // (stated before any attempt) or fails.
  std::optional<Finish> gate(const std::vector<Requirement>& reqs) {
    plugin_ = r_.catalog_.plugin(res_.plugin);
    if (!plugin_)
      return Finish{ResultStatus::failed,
                    fmt::format("workload plugin '{}' is not installed any more", res_.plugin)};
    for (const auto& req : reqs) {
      if ((req.kind == BL_REQ_MEMORY_GPU || req.kind == BL_REQ_MEMORY_GPU_OR_UNIFIED) &&
          !r_.inventory_.gpus_probed)
        r_.learn_gpus();
      if (std::string unmet = unmet_requirement(req, r_.inventory_); !unmet.empty())
        return Finish{ResultStatus::cannot_run, unmet};
    }
    return std::nullopt;
  }

  PhaseRequest phase_request(const fs::path& scratch, const fs::path& cache,
                             const std::string& data_dir) const {
    PhaseRequest pr;
    pr.worker = r_.opts_.worker;
    pr.plugin_path = plugin_->path.string();
    pr.plugin_id = plugin_->id;
    pr.options = res_.options;
    pr.scratch_dir = scratch.string();
    pr.cache_dir = cache.string();
    pr.data_dir = data_dir;
    pr.timeout = std::chrono::nanoseconds(static_cast<std::int64_t>(policy_.timeout_s * 1e9));
    pr.kill_grace = r_.opts_.kill_grace;
    return pr;
  }

  // The programs a phase said the workload wraps (benchlab/ext/programs.h), kept with the
  // result; a name reported again replaces its row.
  void store_programs(const PhaseOutcome& o) const {
    if (o.programs.empty()) return;
    std::vector<ProgramRecord> records;
    for (const auto& p : o.programs) records.push_back({p.name, p.version, p.path});
    r_.store_.set_result_programs(res_.id, records);
  }

  // Logs and progress of the plugin, as they arrive, for live display.
  FrameObserver observer() const {
    return [this](const protocol::Message& m) {
      RunEvent ev = base_;
      if (auto* l = std::get_if<protocol::Log>(&m)) {
        ev.type = RunEvent::log;
        ev.message = l->text;
      } else if (auto* p = std::get_if<protocol::Progress>(&m)) {
        ev.type = RunEvent::progress;
        ev.value = p->fraction;
        ev.message = p->note;
      } else {
        return;
      }
      r_.emit(ev);
    };
  }

  // Trials: warm-ups first, then measured trials until the policy is met; a trial that
  // cannot run, or failures in a row before any success, abandon the result. Trials an
  // interrupted attempt already stored count. False when interrupted.
  bool run_trials(ResultWorker& worker) {
    unsigned next_idx = 0;
    for (const auto& t : r_.store_.trials(res_.id)) {
      next_idx = static_cast<unsigned>(t.idx) + 1;
      if (!t.warmup) tally_.add(t.ok, t.values, t.reason);
    }
    unsigned warmups_left = tally_.measured < policy_.max_trials ? policy_.warmup : 0;
    while (warmups_left > 0 || !tally_.done(policy_)) {
      const bool warm = warmups_left > 0;
      RunEvent ev = base_;
      ev.type = RunEvent::trial_begin;
      ev.trial = next_idx + 1;
      ev.trials_planned = policy_.warmup + policy_.max_trials;
      ev.warmup = warm;
      r_.emit(ev);

      std::uint64_t cooldown_ns = 0;
      if (r_.sampling_) {
        cooldown_ns = r_.sampling_->before_trial(r_.opts_.cancel, progress_fn());
        if (r_.opts_.cancel && r_.opts_.cancel->load()) return false;
      }
      PhaseOutcome o = worker.trial(next_idx);
      if (o.kind == PhaseOutcome::Kind::interrupted) return false;
      store_programs(o);
      TrialRecord t = record(o, next_idx++, warm);
      t.cooldown_ns = cooldown_ns;
      if (r_.sampling_) add_probe_values(t, o);
      r_.store_.add_trial(res_.id, t);

      ev.type = RunEvent::trial_end;
      ev.status = t.ok ? ResultStatus::ok : ResultStatus::failed;
      ev.message = t.reason;
      ev.value = t.ok && !t.values.empty() ? t.values.front().second : 0;
      r_.emit(ev);

      if (warm)
        --warmups_left;
      else
        tally_.add(t.ok, t.values, t.reason);
      if (o.kind == PhaseOutcome::Kind::cannot_run) {
        cannot_run_ = o.reason;
        break;
      }
      if (!t.ok && tally_.ok == 0 && tally_.consecutive_failures >= kAbandonAfterFailures) {
        abandoned_ = fmt::format("{} (gave up after {} failed trials in a row)", t.reason,
                                 tally_.consecutive_failures);
        break;
      }
    }
    return true;
  }

  // One trial as stored: its outcome, its window and resources, its values when it
  // succeeded, and the reason when not (a required metric not reported included).
  TrialRecord record(PhaseOutcome& o, unsigned idx, bool warm) const {
    TrialRecord t;
    t.idx = static_cast<int>(idx);
    t.warmup = warm;
    t.ok = o.kind == PhaseOutcome::Kind::ok;
    if (t.ok) {
      add_value_means(o);
      if (std::string missing = unreported_metric(o, *plugin_); !missing.empty()) {
        t.ok = false;
        t.reason = fmt::format("{}: metric \"{}\" declared but not reported", res_.plugin, missing);
      }
    } else {
      t.reason =
          o.kind == PhaseOutcome::Kind::cannot_run ? o.reason : res_.plugin + ": " + o.reason;
    }
    t.window = o.window;
    t.wall_ns = o.exit.wall_ns;
    t.user_ns = o.exit.user_ns;
    t.sys_ns = o.exit.sys_ns;
    t.max_rss_bytes = o.exit.max_rss_bytes;
    t.memory_peak_bytes = o.memory_peak_bytes;
    t.containment = o.containment;
    t.exit_code = o.exit.exit_code;
    t.term_signal = o.exit.term_signal;
    t.output = std::move(o.output);
    t.error_output = std::move(o.error_output);
    t.log = std::move(o.log);
    if (t.ok) {
      t.values = o.metrics;
      t.distributions = std::move(o.values);
    }
    for (const auto& d : o.declared) t.metrics.push_back({d.name, d.unit, d.direction, ""});
    return t;
  }

  // Progress lines of the probes' waits (idle, cool-down), as the plugin's progress is.
  std::function<void(double, const std::string&)> progress_fn() const {
    return [this](double fraction, const std::string& note) {
      RunEvent ev = base_;
      ev.type = RunEvent::progress;
      ev.value = fraction;
      ev.message = note;
      r_.emit(ev);
    };
  }

  // What the probes saw during the trial: energy, power and work per joule as values of
  // a successful trial, throttling and the marked phases for any trial.
  void add_probe_values(TrialRecord& t, const PhaseOutcome& o) const {
    std::vector<TrialValue> reported;
    for (const auto& [name, value] : t.values) {
      TrialValue w{name, "", BL_HIGHER_IS_BETTER, value};
      if (const MetricInfo* m = plugin_->metric(name)) {
        w.unit = m->unit;
        w.direction = m->direction;
      }
      for (const auto& d : o.declared)
        if (d.name == name) {
          w.unit = d.unit;
          w.direction = d.direction;
        }
      reported.push_back(std::move(w));
    }
    TrialProbeValues pv = r_.sampling_->after_trial(t.window, o.marks, reported);
    t.throttled = pv.throttled;
    t.marks = o.marks;
    for (const auto& note : pv.notes)
      t.log += (t.log.empty() || t.log.back() == '\n' ? "" : "\n") + note + "\n";
    if (!t.ok) return;
    for (const auto& v : pv.values) {
      t.values.emplace_back(v.name, v.value);
      t.metrics.push_back({v.name, v.unit, v.direction, ""});
    }
  }

  // Conclusion: ok, partial (some measured trials failed), failed or cannot run.
  Finish conclude(const std::string& teardown_note) const {
    auto with_note = [&](std::string s) {
      return teardown_note.empty() ? s : s.empty() ? teardown_note : s + "; " + teardown_note;
    };
    if (tally_.ok == 0 && !cannot_run_.empty()) return {ResultStatus::cannot_run, cannot_run_};
    if (tally_.ok == 0)
      return {ResultStatus::failed,
              with_note(abandoned_.empty() ? tally_.last_failure : abandoned_)};
    if (tally_.failed > 0)
      return {ResultStatus::partial,
              with_note(fmt::format("{} of {} trials failed; last: {}", tally_.failed,
                                    tally_.measured, tally_.last_failure))};
    return {ResultStatus::ok, with_note("")};
  }

  Runner& r_;
  const ResultRow& res_;
  RunEvent base_;
  Policy policy_;
  const PluginInfo* plugin_ = nullptr;
  Tally tally_;
  std::string cannot_run_;  // the reason a trial said it cannot run
  std::string abandoned_;   // why the trials stopped before the policy was met
};

Runner::~Runner() = default;

Runner::Runner(Store& store, const Catalog& catalog, RunnerOptions opts)
    : store_(store), catalog_(catalog), opts_(std::move(opts)) {
  inventory_ = collect_inventory(opts_.sysroot);
  if (opts_.system_name.empty())
    opts_.system_name = inventory_.hostname.empty() ? hostname() : inventory_.hostname;
}

void Runner::emit(RunEvent ev) const {
  if (!opts_.on_event) return;
  ev.elapsed_ns = monotonic_ns() - t0_;
  opts_.on_event(ev);
}

RunOutcome Runner::run(const std::vector<PlanItem>& plan, const std::string& targets,
                       const std::string& settings_json, std::int64_t& run_id) {
  // The run's stored inventory names its GPUs, for every later reader (a comparison's
  // configuration table): the probes are asked once, here, and the GPU memory gate reuses
  // their answer.
  sampling_options_ = sampling_of_settings(settings_json);
  if (sampling_options_.enabled() && !inventory_.gpus_probed) learn_gpus();
  std::string inv = inventory_to_json(inventory_);
  std::int64_t system = store_.upsert_system(opts_.system_name, inv);
  std::vector<ResultPlan> rows;
  std::vector<std::vector<MetricDecl>> metrics;
  int seq = 0;
  for (const auto& item : plan) {
    const PluginInfo& info = *item.plugin;
    std::string data_dir = item.profile ? item.profile->path.parent_path().string() : "";
    rows.push_back({++seq, item.test, info.id, info.version, info.path.string(), info.sha256,
                    item.options, item.profile ? item.profile->path.string() : "",
                    policy_to_json(item.policy, item.requirements, data_dir),
                    item.profile ? item.profile->category : ""});
    std::vector<MetricDecl> m;
    for (const auto& x : info.metrics) m.push_back({x.name, x.unit, x.direction, x.description});
    metrics.push_back(std::move(m));
  }
  run_id = store_.create_planned_run(system, targets, settings_json, inv, BENCHLAB_VERSION, rows,
                                     metrics);
  return execute(run_id);
}

RunOutcome Runner::resume(std::int64_t run_id) {
  auto r = store_.run(run_id);
  if (!r)
    throw NotFoundError(fmt::format("there is no run {} in {}", run_id, store_.path().string()));
  if (r->status == "complete")
    throw PlanError(fmt::format("run {} is already complete; nothing to resume", run_id));
  const auto results = store_.results(run_id);
  // Stores written before the run and its plan were one transaction may hold a run that
  // was cut off before its plan: resuming it would "complete" it with nothing measured.
  if (results.empty())
    throw PlanError(
        fmt::format("run {} has no planned tests (it was cut off while being created); "
                    "start it again with `benchlab run {}`",
                    run_id, r->targets));
  check_same_plugins(run_id, results);
  store_.set_run_status(run_id, "running", false);
  return execute(run_id);
}

// A result's trials must all come from one plugin: the version and, where the store has
// it, the file's content that the run started with. Anything else is refused before a
// trial runs, rather than mixing two plugins' numbers in one mean.
void Runner::check_same_plugins(std::int64_t run_id, const std::vector<ResultRow>& results) const {
  for (const auto& res : results) {
    if (status_from_name(res.status) != ResultStatus::pending) continue;
    const PluginInfo* now = catalog_.plugin(res.plugin);
    std::string started =
        fmt::format("plugin '{}' {} ({}{})", res.plugin, res.plugin_version, res.plugin_path,
                    res.plugin_sha256.empty() ? "" : ", sha256 " + short_hash(res.plugin_sha256));
    std::string why;
    if (!now) {
      why = "it is not installed any more";
    } else if (now->version != res.plugin_version) {
      why = fmt::format("{} now holds version {}", now->path.string(), now->version);
    } else if (!res.plugin_sha256.empty() && now->sha256 != res.plugin_sha256) {
      why = fmt::format("{} is another file now (sha256 {})", now->path.string(),
                        short_hash(now->sha256));
    }
    if (!why.empty())
      throw PlanError(fmt::format(
          "cannot resume run {}: test '{}' was started with {}, but {}; resuming would mix "
          "two plugins' trials in one result. Put that plugin back, or start a new run "
          "with `benchlab run {}`",
          run_id, res.test, started, why, res.test));
  }
}

void Runner::log(std::int64_t run_id, const std::string& line) const {
  RunEvent ev;
  ev.type = RunEvent::log;
  ev.run_id = run_id;
  ev.message = line;
  emit(ev);
}

bool Runner::start_sampling(std::int64_t run_id) {
  SamplingOptions so;
  if (auto run = store_.run(run_id)) so = sampling_of_settings(run->settings_json);
  sampling_options_ = so;
  if (!so.enabled()) return true;
  sampling_ = std::make_unique<SamplingSession>(
      store_, catalog_, run_id, so, opts_.worker, opts_.sysroot.string(),
      [this, run_id](const std::string& line) { log(run_id, line); });
  if (!sampling_->active()) return true;
  const double idle_s = so.idle_baseline_s > 0  ? so.idle_baseline_s
                        : so.cooldown_max_s > 0 ? kCooldownIdleSeconds
                                                : 0;
  if (idle_s <= 0) return true;
  RunEvent ev;
  ev.type = RunEvent::progress;
  ev.run_id = run_id;
  return sampling_->establish_idle(idle_s, opts_.cancel, [&](double f, const std::string& note) {
    ev.value = f;
    ev.message = note;
    emit(ev);
  });
}

void Runner::learn_gpus() {
  inventory_.gpus_probed = true;
  // The sampling probes already know their devices; the others are opened once.
  std::vector<DeviceInfo> devices;
  if (sampling_) devices = sampling_->devices();
  if (devices.empty())
    for (auto& st : survey_probes(catalog_, opts_.worker, opts_.sysroot.string(),
                                  sampling_options_.probe_options))
      for (auto& d : st.devices) devices.push_back(std::move(d));
  inventory_.gpus = gpus_of(devices);
}

RunOutcome Runner::execute(std::int64_t run_id) {
  t0_ = monotonic_ns();
  const auto results = store_.results(run_id);
  RunEvent plan_ev;
  plan_ev.type = RunEvent::plan;
  plan_ev.run_id = run_id;
  plan_ev.total = static_cast<unsigned>(results.size());
  emit(plan_ev);
  try {
    if (!start_sampling(run_id)) {
      sampling_.reset();
      store_.set_run_status(run_id, "interrupted", false);
      return RunOutcome::interrupted;
    }
  } catch (const PlanError&) {
    store_.set_run_status(run_id, "failed", true);
    throw;
  }

  bool any_failed = false;
  for (const auto& res : results) {
    if (ResultStatus prior = status_from_name(res.status); prior != ResultStatus::pending) {
      any_failed |= has_failures(prior);
      continue;
    }
    ResultRun result(*this, run_id, res, static_cast<unsigned>(results.size()));
    std::optional<Finish> f = result.execute();
    if (!f) {
      sampling_.reset();
      store_.set_run_status(run_id, "interrupted", false);
      return RunOutcome::interrupted;
    }
    result.finish(*f);
    any_failed |= has_failures(f->status);
  }
  sampling_.reset();  // the probes' rows and the last samples, before the run is complete
  store_.set_run_status(run_id, "complete", true);
  return any_failed ? RunOutcome::trials_failed : RunOutcome::ok;
}

}  // namespace benchlab
