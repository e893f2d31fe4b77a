// SPDX-License-Identifier: MIT
// Probes during real runs: the `sine` test probe (readings in closed form) sampled by real
// sampler workers while the `phases` workload runs in real trial processes; what the
// store holds afterwards (samples, channels, probes, marks, derived values) and what the
// C API reports; the memory gate fed by a probe's devices; a kill -9 during sampling.
#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "harness_fixture.h"

namespace {

using namespace it;

fs::path probe_run_plugin_dir() { return PROBE_RUN_PLUGIN_DIR; }
fs::path probe_profile_dir() { return PROBE_PROFILES_DIR; }

constexpr double kPi = 3.14159265358979323846;
constexpr double kW = 2 * kPi / 3.0;  // the sine probe's angular frequency, 1/s

// The exact energy of the sine probe's channels over [b, e] (seconds).
double package_joules(double b, double e) {
  return 50 * (e - b) + 30 / kW * (std::cos(kW * b) - std::cos(kW * e));
}
double gpu_joules(double b, double e) {
  return 20 * (e - b) + 10 / kW * (std::cos(kW * b) - std::cos(kW * e));
}

struct Window {
  long long id;
  double b, e;  // seconds
};

std::vector<Window> measured_trials(const Db& db, std::int64_t run_id) {
  std::vector<Window> out;
  for (const auto& r :
       db.rows("SELECT t.id, t.begin_ns, t.end_ns FROM trials t JOIN results r ON r.id = "
               "t.result_id WHERE r.run_id = ?1 AND t.status = 'ok' ORDER BY t.id",
               {std::to_string(run_id)}))
    out.push_back({std::stoll(r[0]), std::stod(r[1]) / 1e9, std::stod(r[2]) / 1e9});
  return out;
}

double trial_value(const Db& db, long long trial, const std::string& metric) {
  const auto v = db.text("SELECT value FROM trial_values WHERE trial_id = ?1 AND metric = ?2",
                         {std::to_string(trial), metric});
  if (v.empty()) FAIL("trial " << trial << " has no value " << metric);
  return std::stod(v);
}

RunSpec phases_with_sine(std::uint32_t trials = 2) {
  RunSpec s;
  s.targets = {"phases"};
  s.trials = trials;
  s.warmup = 0;
  s.probes = "sine";
  s.probe_interval_ms = 20;
  return s;
}

// Sets an environment variable for its lifetime (the sampler workers inherit it).
struct ScopedEnv {
  const char* name;
  std::optional<std::string> old;
  ScopedEnv(const char* n, const std::string& v) : name(n) {
    if (const char* o = std::getenv(n)) old = o;
    setenv(n, v.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old)
      setenv(name, old->c_str(), 1);
    else
      unsetenv(name);
  }
};

SingleRun run_probes(const TempDir& tmp, const RunSpec& spec) {
  return run_single(tmp, spec, {probe_run_plugin_dir().string()}, {probe_profile_dir().string()});
}

}  // namespace

TEST_CASE("energy derived from real sampling matches the analytic power curve within 0.5%") {
  TempDir tmp;
  auto r = run_probes(tmp, phases_with_sine());
  REQUIRE(r.run.rc == BENCHLAB_OK);
  Db db(tmp.path() / "results.db");
  const auto trials = measured_trials(db, r.run.run_id);
  REQUIRE(trials.size() == 2);
  for (const auto& t : trials) {
    const double exact_pkg = package_joules(t.b, t.e), exact_gpu = gpu_joules(t.b, t.e);
    INFO("trial " << t.id << " [" << t.b << ", " << t.e << "] s");
    // An instant power channel (trapezoids) and a counter that wraps at 50 J.
    CHECK(trial_value(db, t.id, "energy.sine.power") == Approx(exact_pkg).epsilon(0.005));
    CHECK(trial_value(db, t.id, "energy.sine.gpu-energy") == Approx(exact_gpu).epsilon(0.005));
    CHECK(trial_value(db, t.id, "energy.total") == Approx(exact_pkg + exact_gpu).epsilon(0.005));
    CHECK(trial_value(db, t.id, "power.sine.power.mean") ==
          Approx(exact_pkg / (t.e - t.b)).epsilon(0.005));
    CHECK(trial_value(db, t.id, "power.sine.power.peak") <= 80.0 + 1e-9);
  }
  // The samples are in the store, on the trials' clock, and the probe's counters too.
  CHECK(db.integer("SELECT COUNT(*) FROM channels WHERE probe = 'sine'") == 4);
  CHECK(db.integer("SELECT COUNT(*) FROM samples s JOIN channels c ON c.id = s.channel_id "
                   "WHERE c.channel = 'power' AND s.t_ns BETWEEN ?1 AND ?2",
                   {std::to_string((long long)(trials[0].b * 1e9)),
                    std::to_string((long long)(trials[0].e * 1e9))}) >= 40);
  CHECK(db.text("SELECT status FROM probes WHERE probe = 'sine'") == "stopped");
  CHECK(db.integer("SELECT samples FROM probes WHERE probe = 'sine'") > 50);
  // The derived metrics are results like the workload's, flagged as derived.
  bool saw_energy = false;
  for (const auto& row : r.rows)
    if (row.metric == "energy.total") {
      saw_energy = true;
      CHECK(row.derived);
      CHECK(row.unit == "J");
      CHECK(row.n == 2);
    } else if (row.metric == "tokens_per_s") {
      CHECK_FALSE(row.derived);
    }
  CHECK(saw_energy);
}

TEST_CASE("marked phases are stored with the trial and get their own energy") {
  TempDir tmp;
  auto r = run_probes(tmp, phases_with_sine(1));
  REQUIRE(r.run.rc == BENCHLAB_OK);
  Db db(tmp.path() / "results.db");
  const auto trials = measured_trials(db, r.run.run_id);
  REQUIRE(trials.size() == 1);
  const auto marks = db.rows("SELECT name, t_ns FROM trial_marks WHERE trial_id = ?1 ORDER BY seq",
                             {std::to_string(trials[0].id)});
  REQUIRE(marks.size() == 2);
  CHECK(marks[0][0] == "prefill");
  CHECK(marks[1][0] == "decode");
  const double decode = std::stod(marks[1][1]) / 1e9;
  CHECK(decode > trials[0].b);
  CHECK(decode < trials[0].e);
  const double exact = package_joules(decode, trials[0].e) + gpu_joules(decode, trials[0].e);
  CHECK(trial_value(db, trials[0].id, "energy.total.decode") == Approx(exact).epsilon(0.01));
  // Work per joule of a rate (tok/s -> tok/J) and of a count (tokens -> tokens/J).
  const double tps = trial_value(db, trials[0].id, "tokens_per_s");
  const double watts = trial_value(db, trials[0].id, "power.total.mean");
  CHECK(trial_value(db, trials[0].id, "tokens_per_s.per_joule") == Approx(tps / watts));
  CHECK(trial_value(db, trials[0].id, "tokens.per_joule") ==
        Approx(128.0 / trial_value(db, trials[0].id, "energy.total")));
  CHECK(db.text("SELECT unit FROM result_metrics WHERE name = 'tokens_per_s.per_joule'") ==
        "tok/J");
}

TEST_CASE("a trial during which a probe saw throttling is flagged, and results say so") {
  TempDir tmp;
  auto spec = phases_with_sine();
  spec.probe_options = {"sine.throttle=1"};
  auto r = run_probes(tmp, spec);
  REQUIRE(r.run.rc == BENCHLAB_OK);
  Db db(tmp.path() / "results.db");
  CHECK(db.integer("SELECT COUNT(*) FROM trials WHERE throttled IS NOT NULL") == 2);
  CHECK_THAT(db.text("SELECT throttled FROM trials LIMIT 1"), Catch::Contains("throttle"));
  REQUIRE_FALSE(r.rows.empty());
  CHECK(r.rows.front().throttled == 2);

  TempDir cool;
  auto plain = run_probes(cool, phases_with_sine());
  REQUIRE(plain.run.rc == BENCHLAB_OK);
  CHECK(plain.rows.front().throttled == 0);
}

TEST_CASE("an idle baseline gives idle-net energy whose interval carries the idle uncertainty") {
  TempDir tmp;
  auto spec = phases_with_sine();
  spec.idle_baseline_s = 1.5;
  auto r = run_probes(tmp, spec);
  REQUIRE(r.run.rc == BENCHLAB_OK);
  Db db(tmp.path() / "results.db");
  REQUIRE(db.integer("SELECT COUNT(*) FROM idle_baselines WHERE channel = 'total'") == 1);
  const auto idle = db.rows(
      "SELECT mean, begin_ns, end_ns FROM idle_baselines WHERE channel = "
      "'total'");
  const double idle_w = std::stod(idle[0][0]);
  const double ib = std::stod(idle[0][1]) / 1e9, ie = std::stod(idle[0][2]) / 1e9;
  // The mean of both channels' exact power over the idle window.
  CHECK(idle_w == Approx((package_joules(ib, ie) + gpu_joules(ib, ie)) / (ie - ib)).epsilon(0.01));
  const auto trials = measured_trials(db, r.run.run_id);
  for (const auto& t : trials)
    CHECK(trial_value(db, t.id, "energy.total.net") ==
          Approx(trial_value(db, t.id, "energy.total") - idle_w * (t.e - t.b)).epsilon(1e-6));
  char* text = nullptr;
  Harness h(tmp.path() / "results.db", {probe_run_plugin_dir().string()},
            {probe_profile_dir().string()});
  REQUIRE(benchlab_results_json(h.ctx(), r.run.run_id, &text) == BENCHLAB_OK);
  const auto doc = boost::json::parse(text);
  benchlab_free(text);
  CHECK(doc.at("idle_baseline").at("channels").as_object().contains("total"));
  bool found = false;
  for (const auto& m : doc.at("results").at(0).at("metrics").as_array())
    if (m.at("name") == "energy.total.net") {
      found = true;
      const double u = m.at("idle_uncertainty").to_number<double>();
      CHECK(u > 0);
      CHECK(m.at("stats").at("ci95").to_number<double>() >= 1.959 * u);
    }
  CHECK(found);
}

TEST_CASE("the memory gate refuses 70 GiB on a 20 GiB GPU and admits it on a 128 GiB unified one") {
  SECTION("dedicated 20 GiB: cannot run, with the reason, before any trial") {
    TempDir tmp;
    RunSpec spec;
    spec.targets = {"gpu-70g"};
    spec.probes = "none";
    auto r = run_probes(tmp, spec);
    REQUIRE(r.run.rc == BENCHLAB_OK);
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].status == BENCHLAB_STATUS_CANNOT_RUN);
    CHECK_THAT(r.rows[0].reason, Catch::Contains("needs 70.0 GiB") &&
                                     Catch::Contains("gpu0 (Sine Test GPU) has 20.0 GiB"));
    CHECK(r.trials.empty());
    CHECK(r.run.elapsed < std::chrono::seconds(5));
  }
  SECTION("unified 128 GiB: it runs") {
    TempDir tmp;
    RunSpec spec;
    spec.targets = {"gpu-70g"};
    spec.probes = "sine";
    spec.probe_options = {"sine.unified=true", "sine.gpu_gib=128"};
    auto r = run_probes(tmp, spec);
    REQUIRE(r.run.rc == BENCHLAB_OK);
    CHECK(r.rows.front().status == BENCHLAB_STATUS_OK);
  }
  SECTION("unified 128 GiB does not count as dedicated memory") {
    TempDir tmp;
    RunSpec spec;
    spec.targets = {"gpu-70g-dedicated"};
    spec.probes = "none";
    spec.probe_options = {"sine.unified=true", "sine.gpu_gib=128"};
    auto r = run_probes(tmp, spec);
    REQUIRE(r.run.rc == BENCHLAB_OK);
    CHECK(r.rows.front().status == BENCHLAB_STATUS_CANNOT_RUN);
    CHECK_THAT(r.rows.front().reason, Catch::Contains("no dedicated memory"));
  }
}

TEST_CASE("the memory gate learns the GPUs from the real nvml probe over a fake NVML") {
  // The nvml probe plugin as built, finding a scripted libnvidia-ml.so.1 the way it finds
  // the driver's: by dlopen through the library path the sampler workers inherit.
  TempDir tmp;
  const auto script = tmp.path() / "nvml-script";
  struct Env {
    const char* name;
    std::optional<std::string> old;
    Env(const char* n, const std::string& v) : name(n) {
      if (const char* o = std::getenv(n)) old = o;
      setenv(n, v.c_str(), 1);
    }
    ~Env() {
      if (old)
        setenv(name, old->c_str(), 1);
      else
        unsetenv(name);
    }
  } lib("LD_LIBRARY_PATH", FAKE_NVML_DIR), scr("FAKE_NVML_SCRIPT", script.string());
  auto gate = [&](const std::string& nvml_script, const std::string& sysroot) {
    {
      std::ofstream f(script);
      f << nvml_script;
    }
    const auto db = tmp.path() / (std::to_string(std::rand()) + ".db");
    Harness h(db, {probe_run_plugin_dir().string(), BUILD_PLUGIN_DIR},
              {probe_profile_dir().string()}, sysroot);
    RunSpec spec;
    spec.targets = {"gpu-70g"};
    spec.probes = "nvml";
    auto out = run(h, spec);
    REQUIRE(out.rc == BENCHLAB_OK);
    auto rows = results(h, out.run_id);
    REQUIRE_FALSE(rows.empty());
    return rows.front();
  };
  SECTION("a discrete 20 GiB GPU cannot hold 70 GiB") {
    auto row = gate(
        "driver 580.65.06\ngpus 1\ngpu0.name NVIDIA RTX 4000 Ada Generation\n"
        "gpu0.memory.total 21474836480\ngpu0.memory.used 0\ngpu0.power 20000\n",
        "");
    CHECK(row.status == BENCHLAB_STATUS_CANNOT_RUN);
    CHECK_THAT(row.reason, Catch::Contains("needs 70.0 GiB") &&
                               Catch::Contains("NVIDIA RTX 4000 Ada Generation) has 20.0 GiB"));
  }
  SECTION("a unified GPU with 128 GiB of system memory can") {
    auto row = gate(
        "driver 580.95.05\ngpus 1\ngpu0.name NVIDIA GB10\n"
        "gpu0.memory.total NOT_SUPPORTED\ngpu0.power 30000\n",
        std::string(GPU_FIXTURES_DIR) + "/gb10");
    CHECK(row.status == BENCHLAB_STATUS_OK);
  }
}

TEST_CASE("a run's stored inventory names the GPU the nvml probe sees, for every result") {
  // No result here needs GPU memory: the GPUs are in the inventory all the same, so a
  // comparison's configuration table can show them.
  TempDir tmp;
  const auto script = tmp.path() / "nvml-script";
  {
    std::ofstream f(script);
    f << "driver 580.65.06\ngpus 1\ngpu0.name NVIDIA RTX 5090\n"
         "gpu0.memory.total 34359738368\ngpu0.memory.used 0\ngpu0.power 30000\n";
  }
  ScopedEnv lib("LD_LIBRARY_PATH", FAKE_NVML_DIR), scr("FAKE_NVML_SCRIPT", script.string());
  const auto db = tmp.path() / "gpus.db";
  std::int64_t run_id = 0;
  {
    Harness h(db, {probe_run_plugin_dir().string(), BUILD_PLUGIN_DIR},
              {probe_profile_dir().string()});
    RunSpec spec;
    spec.targets = {"phases"};
    spec.trials = 1;
    spec.warmup = 0;
    spec.probes = "nvml";
    const auto out = run(h, spec);
    REQUIRE(out.rc == BENCHLAB_OK);
    run_id = out.run_id;
  }
  Db d(db);
  const auto inventory = boost::json::parse(
      d.text("SELECT inventory FROM runs WHERE id = ?1", {std::to_string(run_id)}));
  // Every probe plugin is asked, the sine test probe's GPU included; nvml's is the RTX.
  const boost::json::object* nvml = nullptr;
  for (const auto& g : inventory.at("gpus").as_array())
    if (g.at("probe").as_string() == "nvml") nvml = &g.as_object();
  REQUIRE(nvml != nullptr);
  CHECK(nvml->at("name").as_string() == "NVIDIA RTX 5090");
  CHECK(nvml->at("memory_bytes").to_number<std::uint64_t>() == 34359738368ULL);
  CHECK(nvml->at("unified").as_bool() == false);
}

TEST_CASE(
    "a probe that crashes or hangs while sampling stops alone; the run and the other probes go "
    "on") {
  for (const std::string mode : {"crash", "hang"}) {
    DYNAMIC_SECTION("faultprobe mode " << mode) {
      TempDir tmp;
      auto spec = phases_with_sine(3);
      spec.probes = "sine,faultprobe";
      spec.probe_options = {"faultprobe.mode=" + mode, "faultprobe.after=5"};
      if (mode == "hang") spec.options = {"decode_ms=2500"};  // outlast the 5 s hang limit
      auto r = run_single(tmp, spec, {probe_run_plugin_dir().string(), PROBE_TEST_PLUGIN_DIR},
                          {probe_profile_dir().string()});
      REQUIRE(r.run.rc == BENCHLAB_OK);
      Db db(tmp.path() / "results.db");
      CHECK(db.text("SELECT status FROM probes WHERE probe = 'faultprobe'") == "failed");
      CHECK_THAT(db.text("SELECT reason FROM probes WHERE probe = 'faultprobe'"),
                 Catch::Contains(mode == "crash" ? "sample() crashed: SIGSEGV"
                                                 : "sample() has not returned") &&
                     Catch::Contains("sampling stopped, trials go on"));
      CHECK(db.text("SELECT status FROM probes WHERE probe = 'sine'") == "stopped");
      for (const auto& t : measured_trials(db, r.run.run_id))
        CHECK(trial_value(db, t.id, "energy.sine.power") ==
              Approx(package_joules(t.b, t.e)).epsilon(0.005));
    }
  }
}

TEST_CASE("a named probe that does not exist refuses the run before any trial") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db", {probe_run_plugin_dir().string()},
            {probe_profile_dir().string()});
  auto spec = phases_with_sine();
  spec.probes = "sine,nosuch";
  auto out = run(h, spec);
  CHECK(out.rc == BENCHLAB_E_INVALID);
  CHECK_THAT(out.message, Catch::Contains("nosuch"));
  spec.probes = "sine";
  spec.probe_interval_ms = 5;
  out = run(h, spec);
  CHECK(out.rc == BENCHLAB_E_INVALID);
  CHECK_THAT(out.message, Catch::Contains("10 ms minimum"));
}

TEST_CASE("kill -9 of benchlab during sampling loses no committed trial") {
  TempDir tmp;
  const auto db_file = tmp.path() / "results.db";
  const pid_t pid = start_cli(
      {"run", "phases", "-n", "40", "--warmup", "0", "--probes", "sine", "--probe-interval", "10",
       "--db", db_file.string(), "--plugin-dir", probe_run_plugin_dir().string()},
      tmp.path() / "log");
  REQUIRE(wait_until(
      [&] {
        try {
          Db db(db_file);
          return db.integer("SELECT COUNT(*) FROM trials") >= 2 &&
                 db.integer("SELECT COUNT(*) FROM samples") > 0;
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(60)));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  Db db(db_file);
  CHECK(db.text("PRAGMA integrity_check") == "ok");
  const long long stored = db.integer("SELECT COUNT(*) FROM trials");
  CHECK(stored >= 2);
  // Every committed trial kept its values, energy included.
  CHECK(db.integer("SELECT COUNT(*) FROM trials t WHERE NOT EXISTS (SELECT 1 FROM trial_values "
                   "v WHERE v.trial_id = t.id AND v.metric = 'energy.total')") == 0);
}
