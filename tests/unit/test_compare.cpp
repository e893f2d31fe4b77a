// SPDX-License-Identifier: MIT
// Comparing systems: ratio direction and intervals on known data, the coverage of those
// intervals by simulation, which stored result stands for a system, "cannot run" cells,
// geometric means, several stores as one, cost of ownership, and the commands.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>

#include "comparison.h"
#include "plan.h"
#include "store.h"
#include "tco.h"
#include "unit_support.hpp"

using namespace benchlab;
using unit::TempDir;
namespace fs = std::filesystem;

namespace {

Summary sample(std::vector<double> v) { return summarize(v); }

using Trials = std::vector<std::vector<std::pair<std::string, double>>>;

struct TestSpec {
  TestSpec(std::string test, std::string category, std::vector<MetricDecl> metrics, Trials trials,
           std::string status = "ok", std::string reason = "")
      : test(std::move(test)),
        category(std::move(category)),
        metrics(std::move(metrics)),
        trials(std::move(trials)),
        status(std::move(status)),
        reason(std::move(reason)) {}
  std::string test, category;
  std::vector<MetricDecl> metrics;
  Trials trials;  // per trial: metric -> value; empty: the result could not run
  std::string status, reason;
  OptionList options;
};

// One run of `system` with `tests`, each trial stored as the runner stores it.
std::int64_t add_run(Store& s, const std::string& system, const std::vector<TestSpec>& tests,
                     const std::string& inventory = "{}") {
  const auto sys = s.upsert_system(system, inventory);
  std::vector<ResultPlan> plan;
  std::vector<std::vector<MetricDecl>> metrics;
  int seq = 0;
  for (const auto& t : tests) {
    ResultPlan p;
    p.seq = ++seq;
    p.test = t.test;
    p.plugin = t.test;
    p.plugin_version = "1.0";
    p.category = t.category;
    p.options = t.options;
    p.policy_json = "{}";
    plan.push_back(p);
    metrics.push_back(t.metrics);
  }
  const auto run = s.create_planned_run(sys, "t", "{}", inventory, "test", plan, metrics);
  const auto results = s.results(run);
  for (std::size_t i = 0; i < tests.size(); ++i) {
    int idx = 0;
    // A warm-up with a wild value and a failed trial: neither may count.
    TrialRecord w;
    w.idx = idx++;
    w.warmup = true;
    w.ok = true;
    for (const auto& m : tests[i].metrics) w.values.emplace_back(m.name, 1e6);
    if (!tests[i].trials.empty()) s.add_trial(results[i].id, w);
    for (const auto& values : tests[i].trials) {
      TrialRecord t;
      t.idx = idx++;
      t.ok = true;
      t.values = values;
      // Values of undeclared metrics are probe-derived ones (W), declared with the trial.
      for (const auto& [name, v] : values)
        if (std::none_of(tests[i].metrics.begin(), tests[i].metrics.end(),
                         [&](const MetricDecl& m) { return m.name == name; }))
          t.metrics.push_back({name, "W", -1, ""});
      s.add_trial(results[i].id, t);
    }
    s.set_result_status(results[i].id, tests[i].status, tests[i].reason);
  }
  s.set_run_status(run, "complete", true);
  return run;
}

Trials trials_of(const std::string& metric, std::vector<double> v) {
  Trials out;
  for (double x : v) out.push_back({{metric, x}});
  return out;
}

const MetricDecl kSeconds{"seconds", "s", -1, "render time"};
const MetricDecl kTokens{"tokens_per_s", "tok/s", 1, ""};
const MetricDecl kCopy{"copy", "MB/s", 1, ""};
const MetricDecl kAdd{"add", "MB/s", 1, ""};

const CompareRow& row(const Comparison& c, const std::string& test, const std::string& metric) {
  for (const auto& r : c.rows)
    if (r.test == test && r.metric == metric) return r;
  FAIL("no row " << test << " " << metric);
  throw;
}

std::size_t system_index(const Comparison& c, const std::string& name) {
  for (std::size_t i = 0; i < c.systems.size(); ++i)
    if (c.systems[i].name == name) return i;
  FAIL("no system " << name);
  throw;
}

}  // namespace

TEST_CASE("Fieller's interval of a ratio on known data") {
  SECTION("no spread: the interval is the ratio") {
    const Ratio r = fieller_ratio(sample({2, 2, 2}), sample({1, 1, 1}));
    CHECK(r.ratio == Approx(2));
    CHECK(r.bounded);
    CHECK(r.lo == Approx(2));
    CHECK(r.hi == Approx(2));
    CHECK_FALSE(r.includes_one);
  }
  SECTION("it matches the closed form of the quadratic") {
    const Summary a = sample({10.1, 9.8, 10.3, 10.0, 9.9});
    const Summary b = sample({5.2, 4.9, 5.0, 5.1, 4.8});
    const Ratio r = fieller_ratio(a, b);
    REQUIRE(r.bounded);
    // Both ends solve (a - R b)^2 = t^2 (va + R^2 vb) with the t the function used: check
    // that the ends are roots for some common t, and that they bracket the ratio.
    const double va = a.sd * a.sd / 5, vb = b.sd * b.sd / 5;
    auto t2 = [&](double R) { return std::pow(a.mean - R * b.mean, 2) / (va + R * R * vb); };
    CHECK(t2(r.lo) == Approx(t2(r.hi)).epsilon(1e-6));
    CHECK(std::sqrt(t2(r.lo)) > 2.0);
    CHECK(std::sqrt(t2(r.lo)) < 3.0);
    CHECK(r.lo < r.ratio);
    CHECK(r.ratio < r.hi);
    CHECK(r.ratio == Approx(a.mean / b.mean));
  }
  SECTION("overlapping samples include one") {
    const Ratio r = fieller_ratio(sample({10, 11, 9}), sample({10.5, 9.5, 10}));
    CHECK(r.bounded);
    CHECK(r.includes_one);
  }
  SECTION("one trial: a ratio without an interval") {
    const Ratio r = fieller_ratio(sample({3}), sample({0.9, 1.1}));
    CHECK(r.ratio == Approx(3));
    CHECK_FALSE(r.bounded);
    CHECK(r.includes_one);
  }
  SECTION("a denominator not significantly above zero: unbounded") {
    const Ratio r = fieller_ratio(sample({1, 1.1, 0.9}), sample({0.01, 2, 0.02}));
    CHECK_FALSE(r.bounded);
  }
}

// Over seeded normal samples with a known ratio of means, the share of intervals that
// contain it must be near 95%.
TEST_CASE("the ratio interval covers the true ratio about 95% of the time") {
  struct Case {
    std::size_t n_num, n_den;
    double mu_num, mu_den, cv_num, cv_den;
  };
  const Case cases[] = {{3, 3, 0.64, 1.0, 0.02, 0.02},
                        {3, 5, 3.2, 1.0, 0.05, 0.03},
                        {5, 5, 1.0, 1.0, 0.10, 0.10},
                        {10, 10, 2.0, 1.0, 0.01, 0.05},
                        {5, 10, 1.5, 1.0, 0.08, 0.02}};
  std::mt19937_64 rng(20261203);
  for (const auto& c : cases) {
    const int reps = 4000;
    int covered = 0;
    std::normal_distribution<double> num(c.mu_num, c.mu_num * c.cv_num),
        den(c.mu_den, c.mu_den * c.cv_den);
    for (int i = 0; i < reps; ++i) {
      std::vector<double> a(c.n_num), b(c.n_den);
      for (auto& x : a) x = num(rng);
      for (auto& x : b) x = den(rng);
      const Ratio r = fieller_ratio(summarize(a), summarize(b));
      const double truth = c.mu_num / c.mu_den;
      covered += r.bounded && r.lo <= truth && truth <= r.hi;
    }
    const double coverage = static_cast<double>(covered) / reps;
    INFO("n " << c.n_num << "/" << c.n_den << " cv " << c.cv_num << "/" << c.cv_den << " coverage "
              << coverage);
    CHECK(coverage > 0.93);
    CHECK(coverage < 0.97);
  }
}

TEST_CASE("the geometric mean interval covers the true geometric mean about 95% of the time") {
  std::mt19937_64 rng(7);
  const double mus[] = {0.5, 1.2, 3.0};
  const double truth = std::cbrt(0.5 * 1.2 * 3.0);
  int covered = 0;
  const int reps = 3000;
  for (int i = 0; i < reps; ++i) {
    std::vector<RatioTerms> terms;
    for (double mu : mus) {
      std::normal_distribution<double> num(mu, mu * 0.05), den(1.0, 0.03);
      std::vector<double> a(5), b(5);
      for (auto& x : a) x = num(rng);
      for (auto& x : b) x = den(rng);
      terms.push_back({summarize(a), summarize(b)});
    }
    const Ratio g = geometric_mean_ratio(terms);
    covered += g.bounded && g.lo <= truth && truth <= g.hi;
  }
  const double coverage = static_cast<double>(covered) / reps;
  INFO("coverage " << coverage);
  CHECK(coverage > 0.93);
  CHECK(coverage < 0.97);
}

TEST_CASE("compare: direction-aware ratios, cannot run, latest result, geometric means") {
  TempDir t;
  const auto db = t.path / "r.db";
  {
    Store s(db);
    // An older run of the baseline with other numbers: the newer one stands for it.
    add_run(s, "arm", {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {50, 51, 49})}});
    add_run(s, "arm",
            {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {10.0, 10.2, 9.8})},
             {"membw",
              "memory",
              {kCopy, kAdd},
              {{{"copy", 100}, {"add", 90}},
               {{"copy", 102}, {"add", 91}},
               {{"copy", 98}, {"add", 89}}}},
             {"llama", "llm", {kTokens}, trials_of("tokens_per_s", {40, 41, 39})}},
            R"({"cpu_summary":"10x Cortex-X925 + 10x Cortex-A725"})");
    add_run(
        s, "apu",
        {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {5.0, 5.1, 4.9})},
         {"membw",
          "memory",
          {kCopy, kAdd},
          {{{"copy", 64}, {"add", 60}}, {{"copy", 65}, {"add", 61}}, {{"copy", 63}, {"add", 59}}}},
         {"llama",
          "llm",
          {kTokens},
          {},
          "cannot_run",
          "needs 70.0 GiB of GPU memory (dedicated or unified); gpu0 has 20.0 GiB"}});
  }
  const Comparison c = build_comparison({db}, "arm");
  REQUIRE(c.systems.size() == 2);
  CHECK(c.systems[0].name == "arm");
  CHECK(c.systems[0].baseline);
  CHECK(c.systems[0].inventory.at("cpu_summary").as_string() ==
        "10x Cortex-X925 + 10x Cortex-A725");
  const std::size_t apu = system_index(c, "apu");

  SECTION("a time half as long is 2x") {
    const auto& r = row(c, "raytrace", "seconds");
    CHECK(r.category == "cpu");
    CHECK(r.direction == -1);
    CHECK(r.primary);
    REQUIRE(r.cells[apu].ratio);
    CHECK(r.cells[apu].ratio->ratio == Approx(10.0 / 5.0));
    CHECK(r.cells[apu].ratio->bounded);
    CHECK_FALSE(r.cells[apu].ratio->includes_one);
    CHECK(r.cells[apu].trials == 3);                 // warm-up left out
    CHECK(r.cells[0].summary.mean == Approx(10.0));  // the newer baseline run
    CHECK(r.cells[0].ratio->ratio == Approx(1.0));
  }
  SECTION("higher is better: 64 MB/s against 100 is 0.64x; every metric is a row") {
    CHECK(row(c, "membw", "copy").cells[apu].ratio->ratio == Approx(0.64));
    CHECK(row(c, "membw", "copy").primary);
    CHECK_FALSE(row(c, "membw", "add").primary);
    CHECK(row(c, "membw", "add").cells[apu].ratio->ratio == Approx(60.0 / 90.0));
  }
  SECTION("cannot run is a cell with its reason and no ratio") {
    const auto& cell = row(c, "llama", "tokens_per_s").cells[apu];
    CHECK(cell.status == "cannot_run");
    CHECK(cell.reason.find("needs 70.0 GiB") != std::string::npos);
    CHECK_FALSE(cell.ratio);
  }
  SECTION("geometric means per category use the first metric, and overall") {
    const auto find = [&](const std::string& cat) -> const CategoryMean& {
      for (const auto& m : c.categories)
        if (m.category == cat) return m;
      FAIL("no category " << cat);
      throw;
    };
    CHECK(find("cpu").per_system[apu].ratio == Approx(2.0));
    CHECK(find("memory").per_system[apu].ratio == Approx(0.64));
    CHECK(find("llm").count[apu] == 0);
    const auto& overall = c.categories.back();
    CHECK(overall.category == "overall");
    CHECK(overall.count[apu] == 2);
    CHECK(overall.per_system[apu].ratio == Approx(std::sqrt(2.0 * 0.64)));
    CHECK(overall.per_system[apu].bounded);
    CHECK(overall.per_system[0].ratio == Approx(1.0));
  }
  SECTION("the JSON document carries every row and mean") {
    const auto doc = boost::json::parse(comparison_to_json(c)).as_object();
    CHECK(doc.at("baseline").as_string() == "arm");
    CHECK(doc.at("rows").as_array().size() == c.rows.size());
    CHECK(doc.at("geometric_means").as_array().size() == c.categories.size());
  }
}

TEST_CASE("compare: several stores as one, a missing result, imported runs, power") {
  TempDir t;
  const auto a = t.path / "a.db", b = t.path / "b.db";
  {
    Store s(a);
    add_run(s, "arm",
            {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {10, 10.1, 9.9})},
             {"aobench", "cpu", {kSeconds}, trials_of("seconds", {4, 4.1, 3.9})}});
  }
  {
    Store s(b);
    auto run = add_run(s, "intel",
                       {{"raytrace",
                         "cpu",
                         {kSeconds},
                         {{{"seconds", 8}, {"power.wall.wall.mean", 300}},
                          {{"seconds", 8.1}, {"power.wall.wall.mean", 310}},
                          {{"seconds", 7.9}, {"power.wall.wall.mean", 290}}}}});
    s.set_run_source(run, "pts: composite.xml");
  }
  const Comparison c = build_comparison({a, b}, "arm");
  const std::size_t intel = system_index(c, "intel");
  CHECK(row(c, "raytrace", "seconds").cells[intel].ratio->ratio == Approx(10.0 / 8.0));
  CHECK(row(c, "raytrace", "seconds").cells[intel].imported);
  CHECK(row(c, "aobench", "seconds").cells[intel].status == "missing");
  CHECK(c.systems[intel].imported);
  REQUIRE(c.systems[intel].wall_power_w);
  CHECK(*c.systems[intel].wall_power_w == Approx(300));
  bool power_row = false;
  for (const auto& p : c.power)
    power_row = power_row || (p.system == "intel" && p.metric == "power.wall.wall.mean");
  CHECK(power_row);
  // The power metric is no row of its own: it belongs to the power table.
  for (const auto& r : c.rows) CHECK(r.metric.rfind("power.", 0) != 0);
}

TEST_CASE("compare: an unknown baseline names the systems there are") {
  TempDir t;
  {
    Store s(t.path / "r.db");
    add_run(s, "arm", {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {1, 1.1})}});
  }
  CHECK_THROWS_WITH(build_comparison({t.path / "r.db"}, "nosuch"),
                    Catch::Contains("no system \"nosuch\"") && Catch::Contains("arm"));
  CHECK(build_comparison({t.path / "r.db"}, "").baseline == "arm");
}

TEST_CASE("cost of ownership with the study's numbers") {
  TcoInput in;
  in.price_usd = 4500;
  in.cloud_rate_usd_h = 6.00;
  const Tco t = compute_tco(in);
  CHECK(t.cloud_per_week == Approx(1008));
  CHECK(t.cloud_per_month == Approx(4380));
  REQUIRE(t.breakeven_days);
  CHECK(*t.breakeven_days == Approx(31.25));

  SECTION("electricity lengthens the breakeven") {
    in.electricity_usd_kwh = 0.30;
    in.power_w = 500;  // 12 kWh a day: USD 3.60
    const Tco e = compute_tco(in);
    CHECK(e.electricity_per_day == Approx(3.6));
    CHECK(*e.breakeven_days == Approx(4500 / (144 - 3.6)));
  }
  SECTION("fewer hours a day rent fewer hours") {
    in.hours_per_day = 8;
    const Tco h = compute_tco(in);
    CHECK(h.cloud_per_week == Approx(336));
    CHECK(h.cloud_per_month == Approx(1460));
  }
  SECTION("a machine whose electricity costs more than the cloud never pays off") {
    in.cloud_rate_usd_h = 0.01;
    in.electricity_usd_kwh = 1.0;
    in.power_w = 100;
    CHECK_FALSE(compute_tco(in).breakeven_days);
  }
  SECTION("bad inputs are named") {
    in.price_usd = 0;
    CHECK_THROWS_WITH(compute_tco(in), Catch::Contains("price"));
    in.price_usd = 1;
    in.hours_per_day = 25;
    CHECK_THROWS_WITH(compute_tco(in), Catch::Contains("hours per day"));
  }
}

TEST_CASE("benchlab tco prints the study's figures") {
  auto r = unit::run_benchlab(
      {"tco", "--price", "4500", "--cloud-rate", "6.00", "--hours-per-day", "24"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("1,008/week") != std::string::npos);
  CHECK(r.out.find("4,380/month") != std::string::npos);
  CHECK(r.out.find("31 days") != std::string::npos);
  auto bad = unit::run_benchlab({"tco", "--price", "-1", "--cloud-rate", "6"});
  CHECK(bad.exit_code == 2);
  auto no_power = unit::run_benchlab({"tco", "--price", "4500", "--cloud-rate", "6",
                                      "--electricity", "0.3", "--db", "/nonexistent/x.db"});
  CHECK(no_power.exit_code != 0);
}

TEST_CASE("benchlab compare reads several stores and prints every format") {
  TempDir t;
  const auto a = (t.path / "a.db").string(), b = (t.path / "b.db").string();
  {
    Store s(a);
    add_run(s, "arm",
            {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {10, 10.2, 9.8})},
             {"llama", "llm", {kTokens}, trials_of("tokens_per_s", {40, 41, 39})}});
  }
  {
    Store s(b);
    add_run(s, "apu",
            {{"raytrace", "cpu", {kSeconds}, trials_of("seconds", {5, 5.1, 4.9})},
             {"llama", "llm", {kTokens}, {}, "cannot_run", "needs 70.0 GiB of GPU memory"}});
  }
  auto json = unit::run_benchlab(
      {"compare", "--db", a, "--db", b, "--baseline", "arm", "--format", "json"});
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  const auto doc = boost::json::parse(json.out).as_object();
  CHECK(doc.at("systems").as_array().size() == 2);
  for (const char* format : {"table", "md", "csv"}) {
    auto text = unit::run_benchlab(
        {"compare", "--db", a, "--db", b, "--baseline", "arm", "--format", format});
    INFO(format << ": " << text.out << text.err);
    CHECK(text.exit_code == 0);
    const bool csv = std::string(format) == "csv";
    CHECK(text.out.find(csv ? "cannot_run" : "cannot run") != std::string::npos);
    // raytrace: 10 s against 5 s
    CHECK(text.out.find(csv ? ",2," : "2.00x") != std::string::npos);
  }
  const auto html = (t.path / "report.html").string();
  auto report = unit::run_benchlab({"report", "--db", a, "--db", b, "--baseline", "arm", "-o", html,
                                    "--price", "apu=4500", "--cloud-rate", "6"});
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  std::ifstream in(html);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(page.find("<svg") != std::string::npos);
  CHECK(page.find("cannot run") != std::string::npos);
  CHECK(page.find("1,008") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  auto bad_ext = unit::run_benchlab({"report", "--db", a, "-o", (t.path / "r.pdf").string()});
  CHECK(bad_ext.exit_code == 2);
  auto unknown = unit::run_benchlab({"compare", "--db", a, "--baseline", "nosuch"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("nosuch") != std::string::npos);
  auto missing = unit::run_benchlab({"compare", "--db", (t.path / "none.db").string()});
  CHECK(missing.exit_code == 3);
}

TEST_CASE("a profile's category goes from a run to the comparison") {
  TempDir t;
  const auto db = (t.path / "r.db").string();
  {
    std::ofstream p(t.path / "noop-cpu.xml");
    p << R"(<?xml version="1.0"?>
<profile id="noop-cpu">
  <category>cpu</category>
  <workload plugin="noop"><option name="jitter">0.05</option></workload>
  <trials count="3" warmup="0"/>
</profile>
)";
  }
  for (const char* system : {"alpha", "beta"}) {
    auto r = unit::run_benchlab({"run", "noop-cpu", "--db", db, "--system-name", system, "--probes",
                                 "none", "--plugin-dir", NOOP_PLUGIN_DIR, "--profile-dir",
                                 t.path.string(), "-q"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  const Comparison c = build_comparison({db}, "alpha");
  const auto& r = row(c, "noop-cpu", "value");
  CHECK(r.category == "cpu");
  REQUIRE(r.cells[1].ratio);
  CHECK(r.cells[1].trials == 3);
}

TEST_CASE("benchlab import and export: Phoronix results compare with benchlab runs") {
  TempDir t;
  const auto db = (t.path / "r.db").string();
  const std::string fixture = std::string(SOURCE_DIR) + "/tests/fixtures/pts/composite.xml";
  auto imported = unit::run_benchlab({"import", "--pts", fixture, "--db", db});
  INFO(imported.out << imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("Imported 2 systems") != std::string::npos);

  auto cmp = unit::run_benchlab(
      {"compare", "--db", db, "--baseline", "Ryzen 9 5950X", "--format", "json"});
  REQUIRE(cmp.exit_code == 0);
  const auto doc = boost::json::parse(cmp.out).as_object();
  CHECK(doc.at("systems").as_array().size() == 2);
  CHECK(doc.at("systems").as_array()[1].as_object().at("imported").as_bool());
  bool cray = false;
  for (const auto& r : doc.at("rows").as_array())
    cray = cray || r.as_object().at("test").as_string() == "pts/c-ray-1.2.0";
  CHECK(cray);

  const auto out = t.path / "out";
  auto exported = unit::run_benchlab({"export", "--pts", out.string(), "--db", db});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(fs::exists(out / "composite.xml"));

  // A hostile file is refused with its file and line, and the store keeps what it had.
  const auto bad = t.path / "bad.xml";
  {
    std::ofstream f(bad);
    f << "<?xml version=\"1.0\"?>\n<PhoronixTestSuite>\n<System><Identifier>x</Identifier>\n"
         "</Oops>\n";
  }
  auto refused = unit::run_benchlab({"import", "--pts", bad.string(), "--db", db});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("bad.xml:") != std::string::npos);
  Store s(db, StoreOptions{.read_only = true});
  CHECK(s.runs().size() == 2);
}
