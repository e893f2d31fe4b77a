// SPDX-License-Identifier: MIT
#include "sampling_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "plan.h"
#include "sample_writer.h"
#include "sampler.h"
#include "subprocess.h"

namespace benchlab {

namespace {

constexpr std::uint64_t kSecond = 1'000'000'000ull;
// Samples kept in memory behind the trial in progress: the cool-down looks this far back.
constexpr std::uint64_t kKeepBehind = 30 * kSecond;
// How long after a trial the core waits for each sampler's bracketing sample.
constexpr auto kSyncTimeout = std::chrono::milliseconds(1000);

// The idle baseline as stored: one row per channel (its mean in W or °C) and the total.
std::vector<IdleRecord> idle_to_records(const IdleBaseline& idle) {
  std::vector<IdleRecord> out;
  auto row = [&](std::string key, const IdleMean& m, std::uint64_t samples) {
    out.push_back({std::move(key), m.mean, m.sem, m.dof, idle.begin_ns, idle.end_ns, samples});
  };
  if (idle.has_total) {
    std::uint64_t n = 0;
    for (const auto& c : idle.channels) n = std::max<std::uint64_t>(n, c.samples);
    row("total", idle.total, n);
  }
  for (const auto& c : idle.channels) row(channel_key(c.info), c.value, c.samples);
  return out;
}

// And back, for a resumed run, with each channel's description from the run's channels.
IdleBaseline idle_from_records(const std::vector<IdleRecord>& rows,
                               const std::vector<StoredChannel>& channels) {
  IdleBaseline idle;
  for (const auto& r : rows) {
    idle.begin_ns = r.begin_ns;
    idle.end_ns = r.end_ns;
    const IdleMean m{r.mean, r.sem, r.dof, true};
    if (r.channel == "total") {
      idle.has_total = true;
      idle.total = m;
      continue;
    }
    for (const auto& c : channels)
      if (channel_key(c.info) == r.channel) idle.channels.push_back({c.info, r.samples, m});
  }
  return idle;
}

}  // namespace

struct SamplingSession::Probe {
  const PluginInfo* plugin = nullptr;
  std::unique_ptr<ProbeSampler> sampler;
  std::vector<ChannelInfo> channels;
  std::shared_ptr<const std::vector<std::int64_t>> ids;  // store ids of channels
  std::vector<std::deque<ChannelPoint>> points;          // per channel, NaN left out
  bool stopped = false;
  std::string reason;
};

SamplingSession::SamplingSession(Store& store, const Catalog& catalog, std::int64_t run_id,
                                 SamplingOptions options, std::string worker, std::string sysroot,
                                 std::function<void(const std::string&)> log)
    : store_(store), run_id_(run_id), opts_(std::move(options)), log_(std::move(log)) {
  if (!opts_.enabled()) return;
  std::vector<const PluginInfo*> chosen;
  const auto named = opts_.named();
  for (const auto& id : named) {
    const PluginInfo* p = catalog.plugin(id);
    if (!p || p->kind != BL_KIND_PROBE)
      throw PlanError(
          fmt::format("there is no probe plugin '{}' (`benchlab list probes` lists "
                      "them)",
                      id));
    chosen.push_back(p);
  }
  if (named.empty())
    for (const auto& p : catalog.plugins)
      if (p.kind == BL_KIND_PROBE) chosen.push_back(&p);
  for (const auto& [k, v] : opts_.probe_options) {
    const std::string probe = k.substr(0, k.find('.'));
    if (std::none_of(chosen.begin(), chosen.end(),
                     [&](const PluginInfo* p) { return p->id == probe; }))
      throw PlanError(
          fmt::format("probe option '{}' is for '{}', which this run does not sample", k, probe));
  }
  if (chosen.empty()) return;

  std::vector<std::string> sampling, unavailable;  // for the summary line
  writer_ =
      std::make_unique<SampleWriter>(store.path(), [this](const std::string& line) { say(line); });
  for (const PluginInfo* plugin : chosen) {
    ProbeSettings s;
    s.sysroot = sysroot;
    s.interval = std::chrono::milliseconds(opts_.interval_ms);
    s.options = opts_.options_of(plugin->id);
    auto probe = std::make_unique<Probe>();
    probe->plugin = plugin;
    Probe* raw = probe.get();
    ProbeCallbacks cb;
    cb.on_log = [this, id = plugin->id](int32_t level, const std::string& text) {
      if (level >= BL_LOG_WARN) say(fmt::format("probe {}: {}", id, text));
    };
    cb.on_samples = [this, raw](const std::vector<SampleRow>& rows) { on_rows(*raw, rows); };
    cb.on_stopped = [this, raw](const std::string& reason) {
      {
        std::lock_guard lk(mu_);
        raw->stopped = true;
        raw->reason = reason;
      }
      say(reason);
    };
    ProbeRecord rec{plugin->id,     plugin->version, plugin->path.string(),
                    plugin->sha256, "unavailable",   ""};
    rec.interval_ns = std::uint64_t(opts_.interval_ms) * 1'000'000ull;
    try {
      probe->sampler = std::make_unique<ProbeSampler>(worker, *plugin, s, std::move(cb));
    } catch (const ProbeUnavailable& e) {
      rec.reason = e.reason();
    } catch (const std::invalid_argument& e) {
      throw PlanError(fmt::format("probe '{}': {}", plugin->id, e.what()));
    } catch (const std::exception& e) {
      rec.reason = e.what();
    }
    if (!rec.reason.empty()) {
      store_.set_probe(run_id_, rec);
      if (!named.empty())
        throw PlanError(fmt::format("probe '{}' cannot be sampled: {}", plugin->id, rec.reason));
      unavailable.push_back(plugin->id);
      continue;
    }
    probe->channels = probe->sampler->channels();
    probe->ids = std::make_shared<const std::vector<std::int64_t>>(
        store_.add_channels(run_id_, probe->channels));
    probe->points.resize(probe->channels.size());
    rec.status = "sampling";
    store_.set_probe(run_id_, rec);
    sampling.push_back(fmt::format("{} ({} channels)", plugin->id, probe->channels.size()));
    std::lock_guard lk(mu_);
    probes_.push_back(std::move(probe));
  }
  // One line for the operator, not one per probe: the reasons are stored with the run
  // and `benchlab list probes -v` prints them.
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  std::string line = sampling.empty() ? "probes: none could be opened"
                                      : fmt::format("probes: sampling {} every {} ms",
                                                    joined(sampling), opts_.interval_ms);
  if (!unavailable.empty())
    line += fmt::format("; unavailable here: {} (`benchlab list probes -v` says why)",
                        joined(unavailable));
  log_(line);
}

SamplingSession::~SamplingSession() {
  for (auto& p : probes_)
    if (p->sampler) p->sampler->stop();
  writer_.reset();  // writes what is queued
  try {
    record_probes("stopped");
  } catch (const std::exception&) {
    // A store that failed now has lost only the sampler counters.
  }
}

void SamplingSession::record_probes(const char* final_status) {
  for (auto& p : probes_) {
    ProbeRecord rec{p->plugin->id,
                    p->plugin->version,
                    p->plugin->path.string(),
                    p->plugin->sha256,
                    p->stopped ? "failed" : final_status,
                    p->reason};
    rec.interval_ns = std::uint64_t(opts_.interval_ms) * 1'000'000ull;
    rec.samples = p->sampler->samples();
    rec.skipped = p->sampler->skipped();
    rec.cpu_ns = p->sampler->cpu_ns();
    store_.set_probe(run_id_, rec);
  }
}

bool SamplingSession::active() const {
  std::lock_guard lk(mu_);
  return std::any_of(probes_.begin(), probes_.end(), [](const auto& p) { return !p->stopped; });
}

std::vector<DeviceInfo> SamplingSession::devices() const {
  std::vector<DeviceInfo> out;
  for (const auto& p : probes_)
    for (const auto& d : p->sampler->devices()) out.push_back(d);
  return out;
}

void SamplingSession::say(std::string line) {
  std::lock_guard lk(mu_);
  messages_.push_back(std::move(line));
}

void SamplingSession::drain() {
  std::vector<std::string> lines;
  {
    std::lock_guard lk(mu_);
    lines.swap(messages_);
  }
  for (const auto& l : lines) log_(l);
}

void SamplingSession::on_rows(Probe& p, const std::vector<SampleRow>& rows) {
  if (rows.empty()) return;
  {
    std::lock_guard lk(mu_);
    for (const auto& row : rows)
      for (std::size_t i = 0; i < row.values.size() && i < p.points.size(); ++i)
        if (row.values[i] == row.values[i]) p.points[i].push_back({row.t_ns, row.values[i]});
  }
  if (writer_) writer_->add(p.ids, rows);
}

std::vector<ChannelSeries> SamplingSession::series_between(std::uint64_t begin_ns,
                                                           std::uint64_t end_ns) const {
  std::vector<ChannelSeries> out;
  std::lock_guard lk(mu_);
  for (const auto& p : probes_)
    for (std::size_t i = 0; i < p->channels.size(); ++i) {
      ChannelSeries s;
      s.info = p->channels[i];
      for (const auto& pt : p->points[i])
        if (pt.t_ns >= begin_ns && pt.t_ns <= end_ns) s.points.push_back(pt);
      out.push_back(std::move(s));
    }
  return out;
}

void SamplingSession::sync_all(std::uint64_t after_ns) {
  for (auto& p : probes_) {
    bool stopped;
    {
      std::lock_guard lk(mu_);
      stopped = p->stopped;
    }
    if (!stopped) p->sampler->sync(after_ns, kSyncTimeout);
  }
}

void SamplingSession::trim(std::uint64_t keep_from_ns) {
  std::lock_guard lk(mu_);
  for (auto& p : probes_)
    for (auto& d : p->points)
      while (!d.empty() && d.front().t_ns < keep_from_ns) d.pop_front();
}

bool SamplingSession::establish_idle(
    double seconds, const std::atomic<bool>* cancel,
    const std::function<void(double, const std::string&)>& progress) {
  if (probes_.empty()) return true;
  if (auto stored = store_.idle_baseline(run_id_); !stored.empty()) {
    idle_ = idle_from_records(stored, store_.channels(run_id_));
    return true;
  }
  const std::uint64_t begin = monotonic_ns();
  sync_all(begin);
  const std::uint64_t end = begin + static_cast<std::uint64_t>(seconds * 1e9);
  for (std::uint64_t now = monotonic_ns(); now < end; now = monotonic_ns()) {
    if (cancel && cancel->load()) return false;
    progress(double(now - begin) / double(end - begin),
             fmt::format("measuring idle power for {:.0f} s: leave the machine alone", seconds));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min<std::uint64_t>(250, (end - now) / 1'000'000ull + 1)));
  }
  sync_all(end);
  const auto series = series_between(begin, end);
  idle_ = measure_idle_baseline(series, begin, end);
  store_.set_idle_baseline(run_id_, idle_to_records(*idle_));
  drain();
  for (const auto& w : idle_->warnings) log_("idle baseline: " + w);
  if (idle_->has_total)
    log_(fmt::format("idle power {:.2f} W ± {:.2f} W (standard error) over {:.0f} s",
                     idle_->total.mean, idle_->total.sem, seconds));
  return true;
}

std::uint64_t SamplingSession::before_trial(
    const std::atomic<bool>* cancel,
    const std::function<void(double, const std::string&)>& progress) {
  if (probes_.empty()) return 0;
  std::uint64_t waited = 0;
  if (opts_.cooldown_max_s > 0 && idle_) {
    const std::uint64_t start = monotonic_ns();
    const auto limit = static_cast<std::uint64_t>(opts_.cooldown_max_s * 1e9);
    for (;;) {
      const std::uint64_t now = monotonic_ns();
      sync_all(now);
      const std::uint64_t from = now > 3 * kSecond ? now - 3 * kSecond : 0;
      const auto state = cooldown_state(series_between(from, now + kSecond), from, now, *idle_);
      waited = now - start;
      if (state.near_idle) break;
      std::string differs;
      for (const auto& d : state.differences) differs += (differs.empty() ? "" : ", ") + d;
      if (waited >= limit) {
        log_(
            fmt::format("cool-down: still not near idle after {:.0f} s ({}); the trial starts "
                        "anyway",
                        double(waited) / 1e9, differs));
        break;
      }
      if (cancel && cancel->load()) break;
      progress(-1, "cooling down: " + differs);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  sync_all(monotonic_ns());  // the sample right before the trial
  drain();
  return waited;
}

TrialProbeValues SamplingSession::after_trial(const MeasuredWindow& window,
                                              const std::vector<Mark>& marks,
                                              const std::vector<TrialValue>& reported) {
  TrialProbeValues out;
  if (probes_.empty()) return out;
  sync_all(monotonic_ns());  // the sample right after the trial
  drain();
  if (window.complete()) {
    const auto series = series_between(0, UINT64_MAX);
    TrialEnergyInput in;
    in.channels = series;
    in.window = window;
    in.marks = marks;
    in.workload = reported;
    in.idle = idle_ ? &*idle_ : nullptr;
    TrialEnergy e = trial_energy(in);
    out.values = std::move(e.values);
    out.notes = std::move(e.notes);
    if (!logged_total_ && !e.total_description.empty()) {
      log_("energy.total: " + e.total_description);
      logged_total_ = true;
    }
    out.throttled = throttle_reason(series, window.begin_ns, window.end_ns);
    trim(window.end_ns > kKeepBehind ? window.end_ns - kKeepBehind : 0);
  }
  return out;
}

}  // namespace benchlab
