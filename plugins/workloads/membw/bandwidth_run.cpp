// SPDX-License-Identifier: MIT
#include "membw/bandwidth_run.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "membw/cpu_affinity.hpp"
#include "membw/mapped_array.hpp"

namespace membw {
namespace {

std::uint64_t now_ns() noexcept {
  // steady_clock is CLOCK_MONOTONIC on Linux, the host's clock of trial windows.
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

struct team_state;

// Runs once per barrier phase, on the last thread to arrive and before any is released:
// its timestamp is the moment every thread has finished the previous kernel, which is
// both the end of that kernel and the start of the next. It also turns a cancellation
// request into `stop`, which every thread then reads as the same value.
struct phase_clock {
  team_state* team;
  void operator()() noexcept;
};

struct team_state {
  team_state(const run_config& c, unsigned threads) : config(c), sync(threads, phase_clock{this}) {}

  const run_config& config;
  arrays x;
  std::vector<std::uint64_t> phase_ns;  // passes * kernels + 1 boundaries
  std::atomic<std::size_t> phases_done{0};
  std::atomic<bool> stop_requested{false};
  bool stop = false;  // written by phase_clock only
  std::barrier<phase_clock> sync;

  enum gate_state : int { waiting, go, abort };
  std::atomic<int> gate{waiting};

  std::mutex finished_mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;

  std::vector<thread_placement> placements;
  std::vector<check_result> checks;
};

void phase_clock::operator()() noexcept {
  const std::size_t phase = team->phases_done.load(std::memory_order_relaxed);
  if (phase < team->phase_ns.size()) team->phase_ns[phase] = now_ns();
  team->phases_done.store(phase + 1, std::memory_order_relaxed);
  if (team->stop_requested.load(std::memory_order_relaxed)) team->stop = true;
}

void merge(check_result& into, const check_result& part) {
  into.checked += part.checked;
  into.mismatches += part.mismatches;
  if (!into.first && part.first) into.first = part.first;
}

// The body of thread t. Nothing in it throws: a failure to pin is recorded, not fatal.
void team_member(team_state& team, unsigned t, int cpu) noexcept {
  team.gate.wait(team_state::waiting);
  if (team.gate.load() == team_state::go) {
    if (cpu >= 0) team.placements[t] = {cpu, pin_current_thread(cpu)};
    const run_config& config = team.config;
    const element_range range = thread_range(config.elements, config.threads, t);
    // First touch after pinning: the pages of this chunk land on this CPU's NUMA node.
    fill_initial(team.x, range.begin, range.end);

    team.sync.arrive_and_wait();
    bool stopped = team.stop;
    for (unsigned pass = 0; pass < config.passes && !stopped; ++pass) {
      for (kernel k : config.kernels) {
        run_kernel(k, config.stores, team.x, range.begin, range.end);
        // Keeps the compiler from merging or dropping stores across passes even if the
        // kernel were inlined: memory is treated as read here.
        asm volatile("" ::: "memory");
        team.sync.arrive_and_wait();
        if ((stopped = team.stop)) break;
      }
    }
    if (!stopped) {
      team.checks[t] = check_range(team.x, range.begin, range.end, config.kernels, config.passes);
    }
  }
  std::lock_guard lock(team.finished_mutex);
  ++team.finished;
  team.finished_cv.notify_all();
}

}  // namespace

double kernel_timing::best_seconds() const {
  return pass_seconds.empty() ? 0.0 : *std::min_element(pass_seconds.begin(), pass_seconds.end());
}

double mb_per_s(kernel k, std::size_t elements, double seconds) noexcept {
  if (seconds <= 0) return 0.0;
  return static_cast<double>(elements) * static_cast<double>(bytes_per_element(k)) / seconds / 1e6;
}

element_range thread_range(std::size_t elements, unsigned threads, unsigned t) noexcept {
  const std::size_t lines = elements / line_elements;
  const std::size_t begin = lines * t / threads * line_elements;
  const std::size_t end = t + 1 == threads ? elements : lines * (t + 1) / threads * line_elements;
  return {begin, end};
}

run_result run_bandwidth(const run_config& config, run_observer& observer) {
  const unsigned threads = std::max(config.threads, 1u);
  const unsigned passes = std::max(config.passes, 1u);
  run_config effective = config;
  effective.threads = threads;
  effective.passes = passes;

  unsigned used = 0;
  for (kernel k : effective.kernels) used |= arrays_used(k);
  mapped_array a((used & array_a) ? effective.elements : 0);
  mapped_array b((used & array_b) ? effective.elements : 0);
  mapped_array c((used & array_c) ? effective.elements : 0);

  run_result result;
  const std::vector<int> cpus = effective.pin ? allowed_cpus() : std::vector<int>{};
  result.oversubscribed = !cpus.empty() && threads > cpus.size();

  team_state team(effective, threads);
  team.x = {a.data(), b.data(), c.data()};
  team.phase_ns.assign(std::size_t{passes} * effective.kernels.size() + 1, 0);
  team.placements.assign(threads, {});
  team.checks.assign(threads, {});
  if (effective.pin && cpus.empty()) {
    for (auto& p : team.placements) p.error = ENOSYS;  // the affinity mask is unreadable
  }

  std::vector<std::jthread> members;
  members.reserve(threads);
  try {
    for (unsigned t = 0; t < threads; ++t) {
      const int cpu = cpus.empty() ? -1 : cpus[t % cpus.size()];
      members.emplace_back(team_member, std::ref(team), t, cpu);
    }
  } catch (...) {
    // Threads already started wait at the gate; release them without running, so none
    // waits forever at a barrier sized for threads that do not exist.
    team.gate.store(team_state::abort);
    team.gate.notify_all();
    throw;
  }
  // A run cancelled before it starts stops at the first barrier, before any timing.
  if (observer.cancelled()) team.stop_requested.store(true, std::memory_order_relaxed);
  team.gate.store(team_state::go);
  team.gate.notify_all();

  const std::size_t timed_phases = team.phase_ns.size() - 1;
  {
    std::unique_lock lock(team.finished_mutex);
    while (!team.finished_cv.wait_for(lock, std::chrono::milliseconds(100),
                                      [&] { return team.finished == threads; })) {
      lock.unlock();
      if (observer.cancelled()) team.stop_requested.store(true, std::memory_order_relaxed);
      const std::size_t done = team.phases_done.load(std::memory_order_relaxed);
      observer.progress(
          done == 0 ? 0.0 : static_cast<double>(done - 1) / static_cast<double>(timed_phases));
      lock.lock();
    }
  }
  members.clear();  // joins

  result.placements = team.placements;
  result.cancelled = team.stop;
  if (result.cancelled) return result;
  for (std::size_t j = 0; j < effective.kernels.size(); ++j) {
    kernel_timing timing{effective.kernels[j], {}};
    for (unsigned p = 0; p < passes; ++p) {
      const std::size_t phase = std::size_t{p} * effective.kernels.size() + j;
      timing.pass_seconds.push_back(
          static_cast<double>(team.phase_ns[phase + 1] - team.phase_ns[phase]) * 1e-9);
    }
    result.timings.push_back(std::move(timing));
  }
  for (const check_result& part : team.checks) merge(result.check, part);
  return result;
}

}  // namespace membw
