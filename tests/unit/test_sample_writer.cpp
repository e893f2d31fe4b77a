// SPDX-License-Identifier: MIT
// Probe samples into the store: SampleWriter on its own connection and thread, the probe
// tables of schema 3, and what happens when the store stops taking samples.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <mutex>

#include "sample_writer.h"
#include "sampling_options.h"
#include "sqlite_stmt.h"
#include "store.h"
#include "unit_support.hpp"

using namespace benchlab;

namespace {

using unit::TempDir;

long long count(Store& s, const std::string& sql) {
  Stmt q(s.handle(), sql);
  q.step();
  return q.i64(0);
}

struct RunWithChannels {
  std::int64_t run = 0;
  std::shared_ptr<const std::vector<std::int64_t>> ids;
};

RunWithChannels make_run(Store& s) {
  RunWithChannels r;
  r.run = s.create_run(s.upsert_system("box", "{}"), "t", "{}", "{}", "0.2.0");
  std::vector<ChannelInfo> ch(2);
  ch[0] = {"rapl",
           "package-0",
           "Package",
           BL_QUANTITY_ENERGY,
           BL_DOMAIN_PACKAGE,
           BL_CHANNEL_COUNTER,
           262143.0,
           "",
           "cpu0",
           125.0};
  ch[1] = {"rapl",         "package-0.core",
           "Core",         BL_QUANTITY_ENERGY,
           BL_DOMAIN_CORE, BL_CHANNEL_COUNTER,
           262143.0,       "package-0",
           "cpu0",         0};
  r.ids = std::make_shared<const std::vector<std::int64_t>>(s.add_channels(r.run, ch));
  return r;
}

}  // namespace

TEST_CASE("samples written by SampleWriter are in the store, NaN readings left out") {
  TempDir t;
  Store s(t.path / "r.db");
  auto r = make_run(s);
  {
    SampleWriter w(s.path(), [](const std::string& e) { FAIL(e); });
    for (int batch = 0; batch < 50; ++batch) {
      std::vector<SampleRow> rows;
      for (int i = 0; i < 20; ++i)
        rows.push_back({std::uint64_t(batch * 20 + i) * 100'000'000ull,
                        {double(batch * 20 + i), i == 0 ? NAN : 1.0}});
      w.add(r.ids, std::move(rows));
    }
    w.flush();
    CHECK(w.written() == 1000 + 950);
    CHECK(w.batches() >= 1);
    CHECK(w.batches() <= 50);
  }
  CHECK(count(s, "SELECT COUNT(*) FROM samples") == 1950);
  auto pts = s.samples(r.ids->at(0), 0, UINT64_MAX);
  REQUIRE(pts.size() == 1000);
  CHECK(pts[10].first == 1'000'000'000ull);
  CHECK(pts[10].second == 10.0);
  // The channels read back as they were registered; registering again finds the same ids.
  auto chans = s.channels(r.run);
  REQUIRE(chans.size() == 2);
  CHECK(chans[1].info.parent == "package-0");
  CHECK(chans[0].info.limit == 125.0);
  CHECK(chans[0].info.counter_range == 262143.0);
  std::vector<ChannelInfo> again{chans[0].info, chans[1].info};
  CHECK(s.add_channels(r.run, again) == *r.ids);
}

TEST_CASE("a store that stops taking samples is reported once, and the trials still commit") {
  TempDir t;
  Store s(t.path / "r.db");
  auto r = make_run(s);
  std::mutex mu;
  std::vector<std::string> errors;
  SampleWriter w(s.path(), [&](const std::string& e) {
    std::lock_guard lk(mu);
    errors.push_back(e);
  });
  s.exec("DROP INDEX samples_channel_time; DROP TABLE samples;");
  for (int i = 0; i < 3; ++i) {
    w.add(r.ids, {{std::uint64_t(i), {1.0, 2.0}}});
    w.flush();
  }
  {
    std::lock_guard lk(mu);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::Contains("probe samples are no longer stored"));
  }
  // The runner's own writes go on.
  s.set_probe(r.run, {"rapl", "1.0.0", "/x/rapl.so", "", "sampling", "", 100'000'000, 5, 1, 7});
  s.set_probe(r.run, {"rapl", "1.0.0", "/x/rapl.so", "", "stopped", "", 100'000'000, 5, 1, 7});
  auto probes = s.probes(r.run);
  REQUIRE(probes.size() == 1);
  CHECK(probes[0].status == "stopped");
  CHECK(probes[0].samples == 10);  // counters add up over a resumed run's samplers
}

TEST_CASE("the idle baseline and marks are stored with the run and the trial") {
  TempDir t;
  Store s(t.path / "r.db");
  auto r = make_run(s);
  s.set_idle_baseline(
      r.run, {{"rapl.package-0", 5.0, 0.1, 9, 1, 2, 30}, {"total", 7.5, 0.2, 9, 1, 2, 30}});
  auto idle = s.idle_baseline(r.run);
  REQUIRE(idle.size() == 2);
  CHECK(idle[0].channel == "total");  // first
  CHECK(idle[0].mean == 7.5);
  ResultPlan p{1, "t", "phases", "1", "/x.so", "", {}, "", "{}", ""};
  auto rid = s.add_results(r.run, {p}, {{}}).at(0);
  TrialRecord tr;
  tr.ok = true;
  tr.cooldown_ns = 1500;
  tr.throttled = "cpufreq throttle.core rose by 3";
  tr.marks = {{"prefill", 10}, {"decode", 20}};
  const auto id = s.add_trial(rid, tr);
  auto rows = s.trials(rid);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].cooldown_ns == 1500);
  CHECK(rows[0].throttled == tr.throttled);
  auto marks = s.marks(id);
  REQUIRE(marks.size() == 2);
  CHECK(marks[1].name == "decode");
  CHECK(marks[1].t_ns == 20);
}

TEST_CASE("sampling settings round-trip through the run's settings and refuse bad values") {
  SamplingOptions o;
  o.probes = "rapl,nvml";
  o.interval_ms = 50;
  o.probe_options = {{"wall.file", "/run/w"}, {"rapl.x", "1"}};
  o.idle_baseline_s = 30;
  o.cooldown_max_s = 120;
  auto back = sampling_from_json(sampling_to_json(o));
  CHECK(back.named() == std::vector<std::string>{"rapl", "nvml"});
  CHECK(back.interval_ms == 50);
  CHECK(back.options_of("wall") ==
        std::vector<std::pair<std::string, std::string>>{{"file", "/run/w"}});
  CHECK(back.idle_baseline_s == 30);
  CHECK(back.cooldown_max_s == 120);
  CHECK(back.invalid().empty());
  CHECK(sampling_from_json("").probes == "auto");

  SamplingOptions bad;
  bad.interval_ms = 5;
  CHECK_THAT(bad.invalid(), Catch::Contains("10 ms minimum"));
  bad = {};
  bad.probes = "none";
  bad.idle_baseline_s = 10;
  CHECK_THAT(bad.invalid(), Catch::Contains("need probes"));
  bad = {};
  bad.probe_options = {{"nodot", "1"}};
  CHECK_THAT(bad.invalid(), Catch::Contains("PROBE.KEY=VALUE"));
  bad = {};
  bad.probes = ",,";
  CHECK_THAT(bad.invalid(), Catch::Contains("names no probe"));
}
