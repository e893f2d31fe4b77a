// SPDX-License-Identifier: MIT
// Probes sampled in their own worker (benchlab-worker --probe) through inspect_probe() and
// ProbeSampler, with the real worker and the test probe `faultprobe`, which behaves or
// misbehaves as its option `mode` says. What an operator would notice: the reason a
// probe is unavailable or stopped, that a crash, hang or exit of a probe ends its
// sampling and nothing else, that rows keep their times in order and none is lost, that
// a slow sample() is skipped rather than queued, that sync() brackets a trial.
#include <benchlab/ext/probe_devices.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "sampler.h"
#include "subprocess.h"

using namespace benchlab;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using std::chrono::milliseconds;

namespace {

PluginInfo faultprobe() {
  PluginInfo p;
  p.id = "faultprobe";
  p.kind = BL_KIND_PROBE;
  p.path = std::string(PROBE_TEST_PLUGIN_DIR) + "/faultprobe.so";
  return p;
}

ProbeSettings settings(const std::string& mode, milliseconds interval = milliseconds(20),
                       std::vector<std::pair<std::string, std::string>> more = {}) {
  ProbeSettings s;
  s.interval = interval;
  s.options = {{"mode", mode}};
  for (auto& kv : more) s.options.push_back(std::move(kv));
  return s;
}

// What a sampler's callbacks saw, for the test's thread to wait on.
struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<SampleRow> rows;
  std::vector<std::string> stopped, logs;

  ProbeCallbacks callbacks() {
    ProbeCallbacks cb;
    cb.on_samples = [this](const std::vector<SampleRow>& r) {
      std::lock_guard lock(mu);
      rows.insert(rows.end(), r.begin(), r.end());
      cv.notify_all();
    };
    cb.on_stopped = [this](std::string why) {
      std::lock_guard lock(mu);
      stopped.push_back(std::move(why));
      cv.notify_all();
    };
    cb.on_log = [this](int32_t, const std::string& text) {
      std::lock_guard lock(mu);
      logs.push_back(text);
    };
    return cb;
  }
  bool wait_stopped(milliseconds limit) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return !stopped.empty(); });
  }
  bool wait_rows(std::size_t n, milliseconds limit) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return rows.size() >= n; });
  }
  std::vector<SampleRow> copy_rows() {
    std::lock_guard lock(mu);
    return rows;
  }
};

bool times_increase(const std::vector<SampleRow>& rows) {
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].t_ns <= rows[i - 1].t_ns) return false;
  return true;
}

// Channel `count` reads 1, 2, 3, ...: no row lost or repeated.
bool counts_consecutive(const std::vector<SampleRow>& rows) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].values.at(0) != double(i + 1)) return false;
  return true;
}

bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

const ChannelInfo& channel(const std::vector<ChannelInfo>& cs, const std::string& id) {
  for (const auto& c : cs)
    if (c.id == id) return c;
  throw std::runtime_error("no channel " + id);
}

}  // namespace

TEST_CASE("inspect_probe: channels with every field, devices and one sample", "[sampler]") {
  const ProbeStatus st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("ok"));
  INFO(st.reason << "\n" << st.log);
  REQUIRE(st.available);
  CHECK(st.probe == "faultprobe");
  CHECK(st.reason.empty());
  REQUIRE(st.channels.size() == 5);
  CHECK(st.channels[0].id == "count");  // in the probe's order
  const ChannelInfo& energy = channel(st.channels, "energy");
  CHECK(energy.probe == "faultprobe");
  CHECK(energy.label == "fake package energy");
  CHECK(energy.quantity == BL_QUANTITY_ENERGY);
  CHECK(energy.domain == BL_DOMAIN_PACKAGE);
  CHECK(energy.kind == BL_CHANNEL_COUNTER);
  CHECK(energy.counter_range == 1000);
  CHECK(energy.device == "cpu0");
  CHECK(energy.parent.empty());
  CHECK(channel(st.channels, "core").parent == "energy");
  CHECK(channel(st.channels, "temp").limit == 95);  // ABI 1.2
  REQUIRE(st.devices.size() == 1);
  CHECK(st.devices[0].probe == "faultprobe");
  CHECK(st.devices[0].id == "gpu0");
  CHECK(st.devices[0].kind == BL_DEVICE_GPU);
  CHECK(st.devices[0].unified);
  CHECK(st.devices[0].name == "Fake GPU");
  CHECK(st.devices[0].driver == "1.0");
  CHECK(st.devices[0].memory_total_bytes == (20ull << 30));
  REQUIRE(st.sample.values.size() == 5);
  CHECK(st.sample.t_ns > 0);
  CHECK(st.sample.values[0] == 1);  // the first call
  CHECK(st.sample.values[4] == 7);  // option `value`, its declared default
  // The probe's host: phase BL_PHASE_PROBE (4) and the sysroot "/".
  CHECK_THAT(st.log, Contains("mode ok, sysroot /, phase 4"));
}

TEST_CASE("inspect_probe: options and the sysroot reach the probe", "[sampler]") {
  ProbeSettings s = settings("ok", milliseconds(20), {{"value", "2.5"}});
  s.sysroot = "/fixture/root";
  ProbeStatus st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), s);
  INFO(st.reason);
  REQUIRE(st.available);
  CHECK(st.sample.values.at(4) == 2.5);
  CHECK_THAT(st.log, Contains("sysroot /fixture/root"));

  s.options = {{"mode", "unsupported"}};
  st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), s);
  CHECK_FALSE(st.available);
  CHECK(st.reason ==
        "unavailable: no fake sensor at /fixture/root/sys/fake; load the fake module (modprobe "
        "fake)");
  CHECK(st.channels.empty());
  CHECK(st.sample.values.empty());

  s.options = {{"nope", "1"}};
  st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), s);
  CHECK_FALSE(st.available);
  CHECK_THAT(st.reason, Contains("probe 'faultprobe' has no option 'nope'"));
  CHECK_THAT(st.reason, Contains("valid options: mode, after, slow_ms, value"));
}

TEST_CASE("inspect_probe: descriptors of an older ABI are read with their own size", "[sampler]") {
  const ProbeStatus st =
      inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("old_channels"));
  INFO(st.reason);
  REQUIRE(st.available);
  REQUIRE(st.channels.size() == 2);
  CHECK(st.channels[0].id == "old-a");
  CHECK(st.channels[1].id == "old-b");
  CHECK(st.channels[1].parent == "old-a");
  CHECK(st.channels[1].counter_range == 500);
  CHECK(st.channels[0].limit == 0);  // not in a 1.1 descriptor: zero, "unknown"
  CHECK(st.sample.values == std::vector<double>{1.5, 0});
}

TEST_CASE("inspect_probe: a probe that crashes, hangs or misbehaves is unavailable, with why",
          "[sampler]") {
  SECTION("a channel id a metric name cannot hold") {
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("bad_channel"));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, Contains("channel 0 'Bad Id': an id is [a-z0-9_.-]+"));
  }
  SECTION("open() crashes") {
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("open_crash"));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, StartsWith("open() crashed: SIGSEGV"));
  }
  SECTION("open() hangs") {
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("open_hang"),
                                  milliseconds(1000));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, StartsWith("open() did not answer in 1 s; the probe was killed"));
  }
  SECTION("sample() crashes") {
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(),
                                  settings("crash", milliseconds(20), {{"after", "0"}}));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, StartsWith("sample() crashed: SIGSEGV"));
    CHECK(st.channels.size() == 5);  // what it said before is kept
  }
  SECTION("sample() fails: NaN, and the reason in the log") {
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("sample_error"));
    REQUIRE(st.sample.values.size() == 5);
    CHECK(std::isnan(st.sample.values[0]));
    CHECK_THAT(st.log, Contains("sample() returned BL_ERROR: fake read failed"));
  }
  SECTION("a workload plugin given as a probe") {
    PluginInfo w;
    w.id = "phasemark";
    w.path = std::string(WORKER_PLUGIN_DIR) + "/phasemark.so";
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, w, settings("ok"));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, Contains("plugin 'phasemark' is not a probe plugin"));
  }
  SECTION("a file that is not a plugin") {
    PluginInfo w = faultprobe();
    w.path = "/nonexistent/probe.so";
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, w, settings("ok"));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, Contains("/nonexistent/probe.so"));
  }
  SECTION("the file now holds another plugin") {
    PluginInfo w = faultprobe();
    w.id = "rapl";
    const auto st = inspect_probe(BENCHLAB_WORKER_PATH, w, settings("ok"));
    CHECK_FALSE(st.available);
    CHECK_THAT(st.reason, Contains("now holds plugin 'faultprobe', not 'rapl'"));
  }
}

TEST_CASE("a sampling interval under 10 ms is refused, by the core and by the worker",
          "[sampler]") {
  Seen seen;
  CHECK_THROWS_WITH(ProbeSampler(BENCHLAB_WORKER_PATH, faultprobe(),
                                 settings("ok", milliseconds(5)), seen.callbacks()),
                    Contains("the sampling interval must be at least 10 ms, not 5 ms"));
  CHECK_THROWS_AS(
      inspect_probe(BENCHLAB_WORKER_PATH, faultprobe(), settings("ok", milliseconds(9))),
      std::invalid_argument);
  SpawnSpec spec;
  spec.argv = {BENCHLAB_WORKER_PATH, "--probe", faultprobe().path.string(), "--interval-ms", "5"};
  std::string err;
  const ExitInfo x = run_process(spec, nullptr, [&](std::string_view d) { err.append(d); });
  CHECK(x.exit_code == 2);
  CHECK_THAT(err, Contains("--interval-ms must be at least 10 ms, got 5 ms"));
}

TEST_CASE("ProbeSampler: rows stream in order, none lost, until stop()", "[sampler]") {
  Seen seen;
  pid_t pid;
  {
    ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), settings("ok", milliseconds(20)),
                   seen.callbacks());
    pid = s.worker_pid();
    CHECK(s.probe() == "faultprobe");
    CHECK(s.channels().size() == 5);
    CHECK(s.channels()[0].probe == "faultprobe");
    CHECK(s.devices().size() == 1);
    // Batches come at least every 250 ms: 20 rows of a 20 ms interval well within 10 s.
    REQUIRE(seen.wait_rows(20, milliseconds(10000)));
    REQUIRE(s.sync(monotonic_ns(), milliseconds(5000)));  // counted once on_samples returned
    CHECK(s.running());
    CHECK(s.samples() >= 20);
    CHECK(s.cpu_ns() > 0);
    s.stop();
    CHECK_FALSE(s.running());
    CHECK(s.samples() == seen.copy_rows().size());
    s.stop();  // again: nothing happens
  }
  const auto rows = seen.copy_rows();
  CHECK(times_increase(rows));
  CHECK(counts_consecutive(rows));
  for (const auto& r : rows) CHECK(r.values.size() == 5);
  CHECK(seen.stopped.empty());  // a stop that was asked for is no news
  CHECK_THAT(seen.logs.at(0), Contains("faultprobe: mode ok"));
  CHECK_FALSE(alive(pid));
}

TEST_CASE("ProbeSampler: sync() brackets a trial with samples taken off the schedule",
          "[sampler]") {
  Seen seen;
  // One scheduled sample (the first) and the next only after 10 s: every other row
  // within this test comes from sample_now.
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), settings("ok", milliseconds(10000)),
                 seen.callbacks());
  const std::uint64_t begin = monotonic_ns();
  REQUIRE(s.sync(begin, milliseconds(5000)));
  std::this_thread::sleep_for(milliseconds(30));  // the trial
  const std::uint64_t end = monotonic_ns();
  REQUIRE(s.sync(end, milliseconds(5000)));
  CHECK(s.sync(begin, milliseconds(0)));  // delivered already: no wait
  const auto rows = seen.copy_rows();
  REQUIRE(rows.size() >= 2);
  CHECK(times_increase(rows));
  CHECK(counts_consecutive(rows));
  // The bracket: a row taken inside the window, right after it began, and one at or
  // after its end.
  std::size_t before = 0, after = 0;
  for (const auto& r : rows) {
    if (r.t_ns >= begin && r.t_ns < end) ++before;
    if (r.t_ns >= end) ++after;
  }
  CHECK(before >= 1);
  CHECK(after >= 1);
  s.sample_now();  // does not wait
  REQUIRE(seen.wait_rows(rows.size() + 1, milliseconds(5000)));
  CHECK(s.skipped() == 0);
}

TEST_CASE("ProbeSampler: a probe that crashes in sample() stops its sampling, nothing else",
          "[sampler]") {
  Seen seen;
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(),
                 settings("crash", milliseconds(20), {{"after", "3"}}), seen.callbacks());
  REQUIRE(seen.wait_stopped(milliseconds(10000)));
  {
    std::lock_guard lock(seen.mu);
    REQUIRE(seen.stopped.size() == 1);
    CHECK_THAT(seen.stopped[0], StartsWith("probe faultprobe: sample() crashed: SIGSEGV"));
    CHECK_THAT(seen.stopped[0], Contains("; sampling stopped, trials go on"));
    CHECK(seen.rows.size() <= 3);
  }
  CHECK_FALSE(s.running());
  CHECK_FALSE(s.sync(monotonic_ns(), milliseconds(1000)));
  s.sample_now();  // harmless
  s.stop();
  CHECK(seen.stopped.size() == 1);  // once

  // The run goes on: another probe samples as before.
  Seen next;
  ProbeSampler ok(BENCHLAB_WORKER_PATH, faultprobe(), settings("ok"), next.callbacks());
  CHECK(next.wait_rows(3, milliseconds(10000)));
}

TEST_CASE("ProbeSampler: a sample() that never returns is reported at the hang limit",
          "[sampler]") {
  Seen seen;
  ProbeSettings st = settings("hang", milliseconds(20), {{"after", "2"}});
  st.hang_timeout = milliseconds(500);
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), st, seen.callbacks());
  const pid_t pid = s.worker_pid();
  REQUIRE(seen.wait_stopped(milliseconds(10000)));
  CHECK(seen.stopped.at(0) ==
        "probe faultprobe: sample() has not returned for 0.5 s; sampling stopped, trials go on");
  // The two rows before it were sent first.
  CHECK(seen.copy_rows().size() == 2);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("ProbeSampler: a probe that calls exit() is named for it", "[sampler]") {
  Seen seen;
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(),
                 settings("exit", milliseconds(20), {{"after", "1"}}), seen.callbacks());
  REQUIRE(seen.wait_stopped(milliseconds(10000)));
  CHECK_THAT(seen.stopped.at(0),
             StartsWith("probe faultprobe: exited with status 3 during sample() (does the "
                        "probe call exit()?); sampling stopped, trials go on"));
}

TEST_CASE("ProbeSampler: a slow sample() is skipped and counted, never queued", "[sampler]") {
  Seen seen;
  // Every other call takes 3 intervals: each of them makes the ticks in between pass.
  const auto interval = milliseconds(20);
  const std::uint64_t t0 = monotonic_ns();
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(),
                 settings("slow", interval, {{"slow_ms", "60"}}), seen.callbacks());
  REQUIRE(seen.wait_rows(12, milliseconds(20000)));
  REQUIRE(s.sync(monotonic_ns(), milliseconds(5000)));
  s.stop();
  const std::uint64_t elapsed_ns = monotonic_ns() - t0;
  const auto rows = seen.copy_rows();
  CHECK(times_increase(rows));
  CHECK(counts_consecutive(rows));
  CHECK(s.skipped() >= 2 * (rows.size() / 2 - 1));  // at least two ticks per slow call
  // Never more samples than ticks (plus the first and the syncs): nothing was caught up.
  const auto ticks = elapsed_ns / std::uint64_t(milliseconds(interval).count() * 1'000'000);
  CHECK(rows.size() <= ticks + 3);
  CHECK(seen.stopped.empty());
}

TEST_CASE("ProbeSampler: a probe writing garbage to fd 1 does not break the frames", "[sampler]") {
  Seen seen;
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), settings("garbage"), seen.callbacks());
  REQUIRE(seen.wait_rows(10, milliseconds(10000)));
  REQUIRE(s.sync(monotonic_ns(), milliseconds(5000)));
  CHECK(s.running());
  const auto rows = seen.copy_rows();
  CHECK(times_increase(rows));
  CHECK(counts_consecutive(rows));
  s.stop();
  CHECK(seen.stopped.empty());
}

TEST_CASE("ProbeSampler: an unavailable probe is refused with its reason", "[sampler]") {
  Seen seen;
  try {
    ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), settings("unsupported"), seen.callbacks());
    FAIL("an unavailable probe was sampled");
  } catch (const ProbeUnavailable& e) {
    CHECK(e.probe() == "faultprobe");
    CHECK_THAT(e.reason(), StartsWith("unavailable: no fake sensor at //sys/fake"));
    CHECK_THAT(std::string(e.what()), StartsWith("probe faultprobe: unavailable: "));
  }
  CHECK_THROWS_WITH(
      ProbeSampler(BENCHLAB_WORKER_PATH, faultprobe(), settings("open_crash"), seen.callbacks()),
      StartsWith("probe faultprobe: open() crashed: SIGSEGV"));
  ProbeSettings hung = settings("open_hang");
  hung.open_timeout = milliseconds(500);
  CHECK_THROWS_WITH(ProbeSampler(BENCHLAB_WORKER_PATH, faultprobe(), hung, seen.callbacks()),
                    StartsWith("probe faultprobe: open() did not answer in 0.5 s"));
  CHECK(seen.stopped.empty());
}

TEST_CASE("ProbeSampler: a failing sample() gives NaN rows and says why once", "[sampler]") {
  Seen seen;
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), settings("sample_error"), seen.callbacks());
  REQUIRE(seen.wait_rows(3, milliseconds(10000)));
  s.stop();
  for (const auto& r : seen.copy_rows()) CHECK(std::isnan(r.values.at(0)));
  std::size_t said = 0;
  for (const auto& l : seen.logs) said += l.find("fake read failed") != std::string::npos;
  CHECK(said == 1);
  CHECK(seen.stopped.empty());
}

TEST_CASE("ProbeSampler: a worker killed or frozen from outside is reported", "[sampler]") {
  SECTION("killed") {
    Seen seen;
    ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), settings("ok"), seen.callbacks());
    REQUIRE(seen.wait_rows(1, milliseconds(10000)));
    kill(s.worker_pid(), SIGKILL);
    REQUIRE(seen.wait_stopped(milliseconds(10000)));
    CHECK_THAT(seen.stopped.at(0),
               StartsWith("probe faultprobe: the sampler worker was killed by SIGKILL during "
                          "sample(), not by benchlab"));
  }
  SECTION("frozen: the core's watchdog kills it") {
    Seen seen;
    ProbeSettings st = settings("ok");
    st.hang_timeout = milliseconds(300);
    ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), st, seen.callbacks());
    REQUIRE(seen.wait_rows(1, milliseconds(10000)));
    const pid_t pid = s.worker_pid();
    kill(pid, SIGSTOP);
    REQUIRE(seen.wait_stopped(milliseconds(15000)));
    CHECK(seen.stopped.at(0) ==
          "probe faultprobe: the sampler worker sent nothing for 2.3 s (stopped or stuck); it "
          "was killed; sampling stopped, trials go on");
    CHECK_FALSE(alive(pid));
  }
}

TEST_CASE("ProbeSampler: stop() ends a worker whose sample() hangs", "[sampler]") {
  Seen seen;
  ProbeSettings st = settings("hang", milliseconds(20), {{"after", "1"}});
  st.hang_timeout = milliseconds(60000);  // the worker's own watchdog would wait a minute
  ProbeSampler s(BENCHLAB_WORKER_PATH, faultprobe(), st, seen.callbacks());
  REQUIRE(seen.wait_rows(1, milliseconds(10000)));
  const pid_t pid = s.worker_pid();
  const auto t0 = std::chrono::steady_clock::now();
  s.stop();  // Stop, 2 s for close(), then SIGKILL
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
  CHECK_FALSE(s.running());
  CHECK_FALSE(alive(pid));
  CHECK(seen.stopped.empty());
}
