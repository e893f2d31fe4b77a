// SPDX-License-Identifier: MIT
#include "sampler.h"

#include <fmt/format.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <variant>

#include "probe_process.h"
#include "worker_protocol.h"

namespace benchlab {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kLogCap = 8u << 10;
// How long the core waits, past the worker's own hang limit, for a frame before it takes
// the worker itself for hung (stopped, swapped out, its main thread stuck) and kills it.
constexpr milliseconds kSilenceSlack{2000};
constexpr milliseconds kStopWait{2000};

std::string seconds(milliseconds d) { return fmt::format("{:g} s", double(d.count()) / 1000.0); }

ProbeLaunch launch(const std::string& worker, const PluginInfo& plugin, const ProbeSettings& s,
                   bool once) {
  ProbeLaunch l;
  l.worker = worker;
  l.probe_path = plugin.path.string();
  l.sysroot = s.sysroot.empty() ? "/" : s.sysroot;
  l.interval_ms = static_cast<std::uint32_t>(s.interval.count());
  l.hang_ms = static_cast<std::uint64_t>(s.hang().count());
  l.options = s.options;
  l.once = once;
  return l;
}

// The hello names another plugin than discovery found in the file: it changed since.
std::string wrong_plugin(const PluginInfo& plugin, const std::optional<protocol::Hello>& hello) {
  if (!hello || hello->id == plugin.id) return {};
  return plugin.path.string() + " now holds plugin '" + hello->id + "', not '" + plugin.id + "'";
}

std::uint64_t deadline_after(milliseconds d) {
  return monotonic_ns() + static_cast<std::uint64_t>(d.count()) * 1'000'000ull;
}

int ms_until(std::uint64_t deadline) {
  const std::uint64_t now = monotonic_ns();
  return deadline > now ? static_cast<int>((deadline - now) / 1'000'000 + 1) : 0;
}

void append_log(std::string& log, int32_t level, const std::string& text) {
  static const char* const names[] = {"debug", "info", "warning", "error"};
  log += std::string(level >= 0 && level <= 3 ? names[level] : "log") + ": " + text + "\n";
  if (log.size() > 2 * kLogCap) log.erase(0, log.size() - kLogCap);
}

}  // namespace

milliseconds ProbeSettings::hang() const {
  if (hang_timeout.count() > 0) return hang_timeout;
  return std::max<milliseconds>(milliseconds(5000), 20 * interval);
}

void ProbeSettings::check() const {
  if (interval < milliseconds(10))
    throw std::invalid_argument(fmt::format(
        "the sampling interval must be at least 10 ms, not {} ms: sampling more often disturbs "
        "what is measured",
        interval.count()));
  if (hang_timeout.count() != 0 && hang_timeout < milliseconds(100))
    throw std::invalid_argument(fmt::format(
        "the probe hang timeout must be at least 100 ms, not {} ms", hang_timeout.count()));
  if (open_timeout.count() <= 0)
    throw std::invalid_argument("the probe open timeout must be positive");
}

ProbeStatus inspect_probe(const std::string& worker, const PluginInfo& plugin,
                          const ProbeSettings& settings, milliseconds timeout) {
  settings.check();
  ProbeStatus st;
  st.probe = plugin.id;
  st.path = plugin.path.string();
  std::unique_ptr<ProbeProcess> p;
  try {
    p = std::make_unique<ProbeProcess>(launch(worker, plugin, settings, true));
  } catch (const SpawnError& e) {
    st.reason = std::string("cannot start the sampler worker: ") + e.what();
    return st;
  }

  std::optional<protocol::Hello> hello;
  std::optional<protocol::ProbeOpen> opened;
  bool sampled = false, timed_out = false;
  std::string probe_error;
  const std::uint64_t deadline = deadline_after(timeout);
  for (;;) {
    const auto polled = p->poll(ms_until(deadline));
    while (auto m = p->next()) {
      if (auto* h = std::get_if<protocol::Hello>(&*m); h && !hello && !opened) {
        hello = std::move(*h);
      } else if (auto* o = std::get_if<protocol::ProbeOpen>(&*m); o && !opened) {
        opened = std::move(*o);
      } else if (auto* b = std::get_if<protocol::Samples>(&*m);
                 b && opened && opened->status == BL_OK && !sampled && b->rows.size() <= 1 &&
                 b->channel_count == opened->channels.size()) {
        if (!b->rows.empty()) st.sample = std::move(b->rows.front());
        sampled = true;
      } else if (auto* l = std::get_if<protocol::Log>(&*m)) {
        append_log(st.log, l->level, l->text);
      } else if (auto* e = std::get_if<protocol::ProbeError>(&*m)) {
        probe_error = e->message;
      } else {
        p->fail("a frame out of order, or one a sampler worker does not send");
      }
    }
    if (!p->protocol_error().empty()) {
      p->kill_and_reap();
      break;
    }
    if (polled.ended) break;
    if (monotonic_ns() >= deadline) {
      timed_out = true;
      p->kill_and_reap();
      break;
    }
  }

  const ProbeStage stage = !hello     ? ProbeStage::loading
                           : !opened  ? ProbeStage::opening
                           : !sampled ? ProbeStage::sampling
                                      : ProbeStage::closing;
  if (opened && opened->status == BL_OK) {
    st.channels = std::move(opened->channels);
    st.devices = std::move(opened->devices);
    for (auto& c : st.channels) c.probe = plugin.id;
    for (auto& d : st.devices) d.probe = plugin.id;
  }
  const ExitInfo* x = p->ended() ? &p->exit() : nullptr;
  const bool clean = x && x->exit_code == 0 && x->term_signal == 0 && p->protocol_error().empty() &&
                     probe_error.empty();
  if (std::string wrong = wrong_plugin(plugin, hello); !wrong.empty()) {
    st.reason = wrong;
  } else if (timed_out) {
    st.reason = fmt::format("{} did not answer in {}; the probe was killed{}", stage_call(stage),
                            seconds(timeout), output_tail(*p));
  } else if (opened && opened->status != BL_OK && p->protocol_error().empty()) {
    st.reason = opened->message.empty() ? "open() failed without giving a reason" : opened->message;
  } else if (clean && sampled) {
    st.available = true;
  } else {
    st.reason = end_reason(stage, *p, probe_error) + output_tail(*p);
  }
  return st;
}

ProbeSampler::ProbeSampler(const std::string& worker, const PluginInfo& plugin,
                           const ProbeSettings& settings, ProbeCallbacks callbacks)
    : probe_(plugin.id), cb_(std::move(callbacks)), hang_(settings.hang()) {
  settings.check();
  proc_ = std::make_unique<ProbeProcess>(launch(worker, plugin, settings, false));
  wake_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_) throw SpawnError("cannot create an eventfd for the probe's reader thread");

  std::optional<protocol::Hello> hello;
  std::optional<protocol::ProbeOpen> opened;
  std::string probe_error;
  std::vector<protocol::Log> logs;  // before the reader thread runs: handed to it
  bool timed_out = false;
  const std::uint64_t deadline = deadline_after(settings.open_timeout);
  while (!opened) {
    const auto polled = proc_->poll(ms_until(deadline));
    // Frames after probe_open stay in the decoder for the reader thread.
    while (!opened) {
      auto m = proc_->next();
      if (!m) break;
      if (auto* h = std::get_if<protocol::Hello>(&*m); h && !hello)
        hello = std::move(*h);
      else if (auto* o = std::get_if<protocol::ProbeOpen>(&*m))
        opened = std::move(*o);
      else if (auto* l = std::get_if<protocol::Log>(&*m))
        logs.push_back(std::move(*l));
      else if (auto* e = std::get_if<protocol::ProbeError>(&*m))
        probe_error = e->message;
      else
        proc_->fail("a frame before probe_open that does not belong there");
    }
    if (opened || !proc_->protocol_error().empty() || polled.ended) break;
    if (monotonic_ns() >= deadline) {
      timed_out = true;
      break;
    }
  }
  std::string why = wrong_plugin(plugin, hello);
  if (why.empty() && timed_out)
    why = fmt::format("{} did not answer in {}; the probe was killed",
                      stage_call(hello ? ProbeStage::opening : ProbeStage::loading),
                      seconds(settings.open_timeout));
  else if (why.empty() && opened && opened->status != BL_OK)
    why = opened->message.empty() ? "open() failed without giving a reason" : opened->message;
  else if (why.empty() && (!opened || !proc_->protocol_error().empty()))
    why = end_reason(hello ? ProbeStage::opening : ProbeStage::loading, *proc_, probe_error);
  if (!why.empty()) {
    proc_->kill_and_reap();
    throw ProbeUnavailable(probe_, why + output_tail(*proc_));
  }

  channels_ = std::move(opened->channels);
  devices_ = std::move(opened->devices);
  for (auto& c : channels_) c.probe = probe_;
  for (auto& d : devices_) d.probe = probe_;
  reader_ = std::thread([this, logs = std::move(logs)] {
    if (cb_.on_log)
      for (const auto& l : logs) cb_.on_log(l.level, l.text);
    read_loop();
  });
}

ProbeSampler::~ProbeSampler() { stop(); }

void ProbeSampler::read_loop() {
  std::uint64_t last_frame = monotonic_ns();
  const std::uint64_t silence_ns =
      static_cast<std::uint64_t>((hang_ + kSilenceSlack).count()) * 1'000'000ull;
  std::string probe_error;
  bool silent = false;
  ProbeStage stage = ProbeStage::sampling;
  for (;;) {
    while (auto m = proc_->next()) {
      last_frame = monotonic_ns();
      if (auto* b = std::get_if<protocol::Samples>(&*m)) {
        if (b->channel_count != channels_.size()) {
          proc_->fail(fmt::format("a batch of {} channels from a probe that opened {}",
                                  b->channel_count, channels_.size()));
          break;
        }
        bool ordered = true;
        for (const SampleRow& r : b->rows) {
          ordered = ordered && r.t_ns >= last_t_;
          last_t_ = r.t_ns;
        }
        if (!ordered) {
          proc_->fail("sample times out of order");
          break;
        }
        {
          std::lock_guard lock(mu_);
          skipped_ = b->skipped;
          cpu_ns_ = b->cpu_ns;
        }
        if (!b->rows.empty()) deliver(std::move(b->rows));
      } else if (auto* l = std::get_if<protocol::Log>(&*m)) {
        if (cb_.on_log) cb_.on_log(l->level, l->text);
      } else if (auto* e = std::get_if<protocol::ProbeError>(&*m)) {
        probe_error = e->message;
      } else {
        proc_->fail("a frame a sampling worker does not send");
        break;
      }
    }
    if (!proc_->protocol_error().empty() && !proc_->ended()) proc_->kill_and_reap();
    if (proc_->ended()) break;
    {
      std::lock_guard lock(mu_);
      if (stopping_) stage = ProbeStage::closing;
      if (kill_) proc_->kill();
    }
    const std::uint64_t now = monotonic_ns();
    if (now - last_frame >= silence_ns) {
      silent = true;
      proc_->kill_and_reap();
      break;
    }
    const auto polled =
        proc_->poll(static_cast<int>((last_frame + silence_ns - now) / 1'000'000 + 1), wake_.get());
    if (polled.extra) {
      std::uint64_t drained;
      (void)!read(wake_.get(), &drained, sizeof drained);
    }
  }
  if (silent)
    ended(
        fmt::format("probe {}: the sampler worker sent nothing for {} (stopped or stuck); it "
                    "was killed; sampling stopped, trials go on",
                    probe_, seconds(hang_ + kSilenceSlack)));
  else
    ended(fmt::format("probe {}: {}; sampling stopped, trials go on{}", probe_,
                      end_reason(stage, *proc_, probe_error), output_tail(*proc_)));
}

void ProbeSampler::deliver(std::vector<SampleRow>&& rows) {
  if (cb_.on_samples) cb_.on_samples(rows);
  std::lock_guard lock(mu_);
  samples_ += rows.size();
  delivered_t_ = std::max(delivered_t_, rows.back().t_ns);
  cv_.notify_all();
}

void ProbeSampler::ended(std::string reason) {
  bool tell;
  {
    std::lock_guard lock(mu_);
    ended_ = true;
    tell = !stopping_;
    cv_.notify_all();
  }
  if (tell && cb_.on_stopped) cb_.on_stopped(std::move(reason));
}

void ProbeSampler::sample_now() {
  if (running()) proc_->send(protocol::SampleNow{});
}

bool ProbeSampler::sync(std::uint64_t after_ns, milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (delivered_t_ >= after_ns) return true;
  if (ended_) return false;
  lock.unlock();
  proc_->send(protocol::SampleNow{});
  lock.lock();
  cv_.wait_for(lock, timeout, [&] { return ended_ || delivered_t_ >= after_ns; });
  return delivered_t_ >= after_ns;
}

std::uint64_t ProbeSampler::samples() const {
  std::lock_guard lock(mu_);
  return samples_;
}

std::uint64_t ProbeSampler::skipped() const {
  std::lock_guard lock(mu_);
  return skipped_;
}

std::uint64_t ProbeSampler::cpu_ns() const {
  std::lock_guard lock(mu_);
  return cpu_ns_;
}

pid_t ProbeSampler::worker_pid() const { return proc_->pid(); }

bool ProbeSampler::running() const {
  std::lock_guard lock(mu_);
  return !ended_;
}

void ProbeSampler::stop() {
  std::lock_guard once(stop_mu_);
  if (!reader_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  proc_->send(protocol::Stop{});
  {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, kStopWait, [&] { return ended_; })) kill_ = true;
  }
  if (kill_) {
    const std::uint64_t one = 1;
    (void)!write(wake_.get(), &one, sizeof one);
  }
  reader_.join();
}

}  // namespace benchlab
