// SPDX-License-Identifier: MIT
// ngspice workload: the generated circuits, the parser and the logic-level check on
// output captured from ngspice 39 (tests/fixtures/ngspice), the built plugin against a
// fake host that replays those captures, and the plugin run for real through the
// benchlab command (or its "cannot run" result where ngspice is not installed).
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark_circuits.hpp"
#include "cmos_library.hpp"
#include "level_check.hpp"
#include "ngspice_output.hpp"
#include "subprocess.h"
#include "unit_support.hpp"

namespace fs = std::filesystem;
using namespace ngspice_workload;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream file(fs::path(FIXTURES_DIR) / "ngspice" / name, std::ios::binary);
  REQUIRE(file);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

NgspiceOutput captured(const std::string& run) {
  return parse_ngspice_output(fixture(run + ".stdout.txt"), fixture(run + ".stderr.txt"));
}

// The text with the first occurrence of `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  std::size_t n = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) n += line.rfind(prefix, 0) == 0;
  return n;
}

using unit::TempDir;

}  // namespace

// ---- The generated circuits ----

TEST_CASE("the adder deck is a 32-bit transistor-level adder with a measure per check",
          "[ngspice][circuit]") {
  const BenchCircuit c = make_benchmark_circuit("adder");
  CHECK(c.name == "adder");
  CHECK(c.transistors == 32 * kFullAdderTransistors);
  CHECK(count_lines_starting(c.deck, "xfa") == 32);
  CHECK(count_lines_starting(c.deck, ".meas tran ") == c.checks.size());
  CHECK(c.checks.size() == c.vectors * 33);  // 32 sum bits and the carry out
  CHECK_THAT(c.deck, Contains(".options acct noinit") && Contains("level=54") &&
                         Contains("\n.tran ") && Contains("\n.end\n"));
  CHECK_THAT(c.description, Contains("896 transistors"));
}

TEST_CASE("the adder's expected levels are the sums of its operands", "[ngspice][circuit]") {
  // Vector 1 is all ones plus one: a carry ripples through every bit, the sum is 2^32.
  const BenchCircuit c = make_benchmark_circuit("adder");
  std::size_t seen = 0;
  for (const LevelCheck& check : c.checks) {
    if (check.vector != 1) continue;
    ++seen;
    CHECK(check.high == (check.signal == "cout"));
  }
  CHECK(seen == 33);
}

TEST_CASE("the multiplier's expected levels are the products of its operands",
          "[ngspice][circuit]") {
  // Vector 3 is 255 x 255 = 65025 = 0xFE01.
  const BenchCircuit c = make_benchmark_circuit("multiplier");
  CHECK(c.transistors == 64 * kAnd2Transistors + 56 * kFullAdderTransistors);
  std::map<std::string, bool> product;
  for (const LevelCheck& check : c.checks)
    if (check.vector == 3) product[check.signal] = check.high;
  REQUIRE(product.size() == 16);
  for (int bit = 0; bit < 16; ++bit)
    CHECK(product["p" + std::to_string(bit)] == (((0xFE01 >> bit) & 1) != 0));
}

TEST_CASE("the circuits are generated the same way every time", "[ngspice][circuit]") {
  CHECK(make_benchmark_circuit("multiplier").deck == make_benchmark_circuit("multiplier").deck);
  CHECK(make_ripple_adder(4, {{1, 2}, {15, 1}}, {1e-9, 5e-11, 1e-11}).deck ==
        make_ripple_adder(4, {{1, 2}, {15, 1}}, {1e-9, 5e-11, 1e-11}).deck);
}

TEST_CASE("an unknown circuit name says which circuits exist", "[ngspice][circuit]") {
  CHECK_THROWS_WITH(make_benchmark_circuit("c7552"),
                    Contains("'c7552'") && Contains("adder") && Contains("multiplier"));
}

TEST_CASE("a stimulus with the wrong number of vectors is refused", "[ngspice][circuit]") {
  LogicTestbench bench("t", 3, {1e-9, 5e-11, 1e-11});
  CHECK_THROWS_WITH(bench.drive("a0", {true, false}), Contains("a0") && Contains("3 vectors"));
  CHECK_THROWS_WITH(bench.expect("s0", {true}), Contains("s0"));
}

TEST_CASE("an input that never changes is a DC source, one that does is a PWL",
          "[ngspice][circuit]") {
  LogicTestbench bench("t", 2, {1e-9, 5e-11, 1e-11});
  bench.drive("a0", {true, true});
  bench.drive("b0", {false, true});
  const std::string deck = bench.deck();
  CHECK_THAT(deck, Contains("v_a0 a0 0 dc 1\n"));
  CHECK_THAT(deck, Contains("v_b0 b0 0 pwl(0 0 1e-09 0 1.05e-09 1)\n"));
}

// ---- Parsing captured ngspice 39 output ----

TEST_CASE("captured adder run: every sum and carry bit is right", "[ngspice][parse]") {
  const NgspiceOutput out = captured("adder");
  CHECK(out.circuit == "32-bit ripple-carry adder, cmos mirror full adders");
  CHECK(out.errors.empty());
  CHECK(out.measures.size() == 396);
  CHECK(out.measures.at("v0_s0") == Approx(6.688956e-08));
  CHECK(out.measures.at("v1_s20") == Approx(8.933523e-08));
  CHECK(out.stat(kElapsedLabel) == Approx(12.893));
  CHECK(out.stat(kAnalysisLabel) == Approx(12.849));
  CHECK(out.stat(kIterationsLabel).value_or(0) > 1000);
  const BenchCircuit adder = make_benchmark_circuit("adder");
  CHECK(check_levels(adder.checks, out.measures, kSupplyVolts).empty());
}

TEST_CASE("captured multiplier run: every product bit is right", "[ngspice][parse]") {
  const NgspiceOutput out = captured("multiplier");
  CHECK(out.errors.empty());
  CHECK(out.measures.size() == 80);
  CHECK(out.measures.at("v3_p9") == Approx(9.999766e-01));
  CHECK(out.stat(kElapsedLabel) == Approx(11.695));
  const BenchCircuit multiplier = make_benchmark_circuit("multiplier");
  CHECK(check_levels(multiplier.checks, out.measures, kSupplyVolts).empty());
}

TEST_CASE("lines with units or several '=' are not statistics", "[ngspice][parse]") {
  const NgspiceOutput out = captured("adder");
  CHECK_FALSE(out.stat("Total DRAM available"));
  for (const auto& [label, value] : out.stats) CHECK(label.find('=') == std::string::npos);
}

TEST_CASE("one wrong output bit fails the check and is named", "[ngspice][check]") {
  const std::string text =
      replaced(fixture("adder.stdout.txt"), "v1_s20              =  8.933523e-08",
               "v1_s20              =  5.012000e-01");
  const NgspiceOutput out = parse_ngspice_output(text, "");
  const std::string problem =
      check_levels(make_benchmark_circuit("adder").checks, out.measures, kSupplyVolts);
  CHECK_THAT(problem,
             StartsWith("1 of 396 measured outputs are wrong: v1_s20 (s20 after vector 1)") &&
                 Contains("0.501 V, expected logic 0 (<= 0.200 V)"));
}

TEST_CASE("a missing measurement fails the check", "[ngspice][check]") {
  const std::string text = replaced(fixture("multiplier.stdout.txt"), "v3_p9 ", "w3_p9 ");
  const NgspiceOutput out = parse_ngspice_output(text, "");
  CHECK_THAT(check_levels(make_benchmark_circuit("multiplier").checks, out.measures, kSupplyVolts),
             Contains("v3_p9 missing from ngspice's output"));
}

TEST_CASE("captured failed .measure: the errors are on stderr though ngspice exits 0",
          "[ngspice][parse]") {
  const NgspiceOutput out = captured("measure-failed");
  CHECK(out.measures.size() == 1);
  CHECK(out.measures.at("vok") == Approx(0.9685508));
  REQUIRE(out.errors.size() == 4);
  CHECK(out.errors[0] == "Error: measure  vlate  find(AT) : out of interval");
  CHECK(out.errors[1] == ".meas tran vlate find v(out) at=50n failed!");
  CHECK_THAT(out.errors[2], Contains("tcross"));
  CHECK(out.stat(kElapsedLabel).has_value());
}

TEST_CASE("captured netlist error: the reason is the first error", "[ngspice][parse]") {
  const NgspiceOutput out = captured("unknown-subckt");
  REQUIRE_FALSE(out.errors.empty());
  CHECK(out.errors.front() == "Error: unknown subckt: x1 in out nosuch");
  CHECK(out.measures.empty());
  CHECK_FALSE(out.stat(kElapsedLabel));
}

TEST_CASE("the progress counter on stderr is dropped, other lines kept", "[ngspice][parse]") {
  const std::string progress = fixture("adder.stderr.txt");
  REQUIRE_THAT(progress, Contains("Reference value"));
  CHECK(strip_progress(progress).empty());
  const std::string kept = strip_progress(fixture("measure-failed.stderr.txt"));
  CHECK_THAT(kept, StartsWith("Error: measure  vlate"));
  CHECK(strip_progress("Reference value :  1e-09\rWarning: x\n") == "Warning: x\n");
}

// ---- The built plugin against a fake host replaying captured runs ----

namespace {

struct Canned {
  std::string out, err;
  int32_t status = BL_OK;
  int32_t exit_code = 0;
  uint64_t wall_ns = 20'000'000'000;
};

// Loads the built plugin and plays the worker: create, one call, destroy.
class FakeHost {
 public:
  FakeHost() {
    handle_ = dlopen(NGSPICE_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    INFO((handle_ ? "" : dlerror()));
    REQUIRE(handle_ != nullptr);
    auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle_, BL_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    plugin = entry(1, 1);
    REQUIRE(plugin != nullptr);

    scratch_ = dir_.path.string();
    table_.struct_size = sizeof table_;
    table_.abi_major = BL_ABI_MAJOR;
    table_.abi_minor = BL_ABI_MINOR;
    table_.cpu_count = 2;
    table_.scratch_dir = scratch_.c_str();
    table_.cache_dir = scratch_.c_str();
    table_.host_data = this;
    table_.log = [](const bl_host* h, int32_t, const char* msg) { self(h).logs.push_back(msg); };
    table_.set_error = [](const bl_host* h, const char* msg) { self(h).error = msg; };
    table_.option = [](const bl_host* h, const char* name) -> const char* {
      auto& s = self(h);
      if (auto it = s.options.find(name); it != s.options.end()) return it->second.c_str();
      const bl_workload* w = s.plugin->workload;
      for (uint32_t i = 0; i < w->option_count; ++i)
        if (std::string(w->options[i].name) == name) return w->options[i].default_value;
      return nullptr;
    };
    table_.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      self(h).metrics[name] = value;
      return BL_OK;
    };
    table_.progress = [](const bl_host*, double, const char*) {};
    table_.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).output.append(data, size);
      return BL_OK;
    };
    table_.append_error_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).error_output.append(data, size);
      return BL_OK;
    };
    table_.spawn = [](const bl_host* h, const bl_spawn* req, bl_spawn_result* res) -> int32_t {
      auto& s = self(h);
      std::vector<std::string> argv;
      for (auto a = req->argv; *a; ++a) argv.emplace_back(*a);
      s.spawned.push_back(argv);
      s.last_ = s.on_spawn(argv);
      res->exit_code = s.last_.exit_code;
      res->wall_ns = s.last_.wall_ns;
      res->out = s.last_.out.c_str();
      res->out_size = s.last_.out.size();
      res->err = s.last_.err.c_str();
      res->err_size = s.last_.err.size();
      return s.last_.status;
    };
    table_.is_cancelled = [](const bl_host*) -> int32_t { return 0; };
    table_.now_ns = [](const bl_host*) -> uint64_t {
      timespec ts{};
      clock_gettime(CLOCK_MONOTONIC, &ts);
      return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
    };
  }
  ~FakeHost() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  int32_t setup() {
    return call([&](void* i) { return plugin->workload->setup(i); });
  }
  // run, then parse_streams on success: what an ABI 1.1 worker does in a trial.
  int32_t trial() {
    output.clear();
    error_output.clear();
    metrics.clear();
    return call([&](void* i) {
      int32_t st = plugin->workload->run(i);
      if (st == BL_OK)
        st = plugin->workload->parse_streams(i, output.data(), output.size(), error_output.data(),
                                             error_output.size());
      return st;
    });
  }
  const fs::path& scratch() const { return dir_.path; }

  const bl_plugin* plugin = nullptr;
  std::map<std::string, std::string> options;
  std::function<Canned(const std::vector<std::string>&)> on_spawn;
  std::vector<std::vector<std::string>> spawned;
  std::vector<std::string> logs;
  std::map<std::string, double> metrics;
  std::string output, error_output, error;

 private:
  static FakeHost& self(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }
  template <typename F>
  int32_t call(F&& phase) {
    void* instance = nullptr;
    int32_t st = plugin->workload->create(&table_, &instance);
    if (st != BL_OK) return st;
    st = phase(instance);
    plugin->workload->destroy(instance);
    return st;
  }

  void* handle_ = nullptr;
  TempDir dir_;
  std::string scratch_;
  bl_host table_{};
  Canned last_;
};

// ngspice as captured: `-v` prints the version, `-b` replays the named run.
std::function<Canned(const std::vector<std::string>&)> replay(const std::string& run,
                                                              uint64_t wall_ns = 20'000'000'000) {
  return [run, wall_ns](const std::vector<std::string>& argv) {
    Canned c;
    if (argv.size() == 2 && argv[1] == "-v") {
      c.out = fixture("version.stdout.txt");
      return c;
    }
    c.out = fixture(run + ".stdout.txt");
    c.err = fixture(run + ".stderr.txt");
    c.wall_ns = wall_ns;
    return c;
  };
}

}  // namespace

TEST_CASE("the plugin declares ngspice as a program it needs, with the install hint",
          "[ngspice][plugin]") {
  FakeHost host;
  const bl_plugin& p = *host.plugin;
  CHECK(std::string(p.id) == "ngspice");
  const bl_workload& w = *p.workload;
  REQUIRE(w.requirement_count == 1);
  CHECK(w.requirements[0].kind == BL_REQ_PROGRAM);
  CHECK(std::string(w.requirements[0].name) == "ngspice");
  CHECK(std::string(w.requirements[0].hint) == "apt-get install ngspice");
  REQUIRE(w.option_count == 2);
  CHECK(std::string(w.options[0].name) == "circuit");
  CHECK(std::string(w.options[0].allowed[0]) == "adder");
  CHECK(std::string(w.options[0].allowed[1]) == "multiplier");
  CHECK(w.options[0].allowed[2] == nullptr);
  REQUIRE(w.metric_count == 2);
  CHECK(std::string(w.metrics[0].name) == "seconds");
  CHECK(w.metrics[0].direction == BL_LOWER_IS_BETTER);
}

TEST_CASE("setup writes the deck and the thread count where ngspice reads them",
          "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = replay("multiplier");
  host.options["circuit"] = "multiplier";
  REQUIRE(host.setup() == BL_OK);
  std::ifstream deck(host.scratch() / "multiplier.cir");
  std::stringstream text;
  text << deck.rdbuf();
  CHECK(text.str() == make_benchmark_circuit("multiplier").deck);
  std::ifstream init(host.scratch() / ".spiceinit");
  std::stringstream init_text;
  init_text << init.rdbuf();
  CHECK_THAT(init_text.str(), Contains("set num_threads=2\n"));  // threads=0: the 2 CPUs
  REQUIRE_FALSE(host.logs.empty());
  CHECK_THAT(host.logs.back(), Contains("ngspice-39") && Contains("8x8 array multiplier"));
}

TEST_CASE("a trial reports the process's wall time and ngspice's analysis time",
          "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = replay("adder", 13'250'000'000);
  host.options["threads"] = "1";
  REQUIRE(host.setup() == BL_OK);
  REQUIRE(host.trial() == BL_OK);
  CHECK(host.spawned.back() == std::vector<std::string>{"ngspice", "-b", "adder.cir"});
  CHECK(host.metrics.at("seconds") == Approx(13.25));
  CHECK(host.metrics.at("analysis_seconds") == Approx(12.849));
  // The stored streams: stdout as printed; stderr without the progress counter.
  CHECK(host.output == fixture("adder.stdout.txt"));
  CHECK(host.error_output.empty());
  CHECK(fixture("adder.stderr.txt").find("Reference value") != std::string::npos);
}

TEST_CASE("a failed .measure fails the trial although ngspice exits 0", "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = replay("measure-failed");
  REQUIRE(host.setup() == BL_OK);
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("ngspice reported an error: Error: measure  vlate"));
  // The error came from stderr, which the host keeps apart from stdout.
  CHECK_THAT(host.error_output, StartsWith("Error: measure  vlate"));
  CHECK_THAT(host.output, !Contains("Error: measure"));
}

TEST_CASE("wrong logic levels fail the trial with the bit named", "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = [](const std::vector<std::string>& argv) {
    Canned c = replay("adder")(argv);
    if (argv.size() == 3)
      c.out = replaced(c.out, "v1_s20              =  8.933523e-08",
                       "v1_s20              =  9.100000e-01");
    return c;
  };
  REQUIRE(host.setup() == BL_OK);
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("computed wrong results") && Contains("v1_s20"));
  CHECK(host.metrics.count("analysis_seconds") == 0);
}

TEST_CASE("a nonzero exit fails the trial with ngspice's first error", "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = [](const std::vector<std::string>& argv) {
    Canned c = replay("unknown-subckt")(argv);
    if (argv.size() == 3) c.exit_code = 1;
    return c;
  };
  REQUIRE(host.setup() == BL_OK);
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("exited with status 1: Error: unknown subckt"));
}

TEST_CASE("ngspice's clock ahead of the process's wall time fails the trial", "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = replay("adder", 5'000'000'000);  // ngspice says 12.893 s
  REQUIRE(host.setup() == BL_OK);
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("12.893 s") && Contains("5.000 s") && Contains("disagree"));
}

TEST_CASE("a bad option value is an invalid argument naming it", "[ngspice][plugin]") {
  FakeHost host;
  host.on_spawn = replay("adder");
  host.options["threads"] = "many";
  CHECK(host.setup() == BL_INVALID_ARGUMENT);
  CHECK_THAT(host.error, Contains("threads = 'many'"));
  host.options["threads"] = "1";
  host.options["circuit"] = "c7552";  // past the host's enum check, the plugin still refuses
  CHECK(host.setup() == BL_INVALID_ARGUMENT);
  CHECK_THAT(host.error, Contains("unknown circuit 'c7552'"));
}

// ---- For real, through the benchlab command ----

namespace {

using CliRun = unit::ResultRun;
using unit::first_value;
using unit::run_once;
using unit::text_of;

void check_cannot_run(const CliRun& run) {
  CHECK(run.exit_code == 0);  // "cannot run" is a result, not a failure
  CHECK(text_of(run.result.at("status")) == "cannot_run");
  CHECK(text_of(run.result.at("reason")) == "ngspice not found on PATH (apt-get install ngspice)");
}

void check_real_run(const std::string& profile) {
  if (benchlab::find_program("ngspice").empty()) {
    WARN("ngspice is not installed: checking the cannot-run result instead");
    check_cannot_run(run_once(profile));
    return;
  }
  const CliRun run = run_once(profile);
  INFO(run.out);
  CHECK(run.exit_code == 0);
  REQUIRE(text_of(run.result.at("status")) == "ok");
  const double seconds = first_value(run.result, "seconds");
  const double analysis = first_value(run.result, "analysis_seconds");
  CHECK(seconds > 0.5);
  CHECK(analysis > 0);
  CHECK(analysis <= seconds);
  // The result says which ngspice simulated ("39" of "ngspice-39").
  const auto& programs = run.result.at("programs").as_array();
  REQUIRE(programs.size() == 1);
  CHECK(text_of(programs[0].at("name")) == "ngspice");
  CHECK_THAT(text_of(programs[0].at("version")), Catch::Matches(R"(\d+(\.\d+)*\S*)"));
  CHECK(text_of(programs[0].at("path")) == benchlab::find_program("ngspice"));
}

}  // namespace

TEST_CASE("profile ngspice-adder runs for real and validates", "[ngspice][e2e]") {
  check_real_run("ngspice-adder");
}

TEST_CASE("profile ngspice-multiplier runs for real and validates", "[ngspice][e2e]") {
  check_real_run("ngspice-multiplier");
}

TEST_CASE("without ngspice on PATH the result is 'cannot run' with the install hint",
          "[ngspice][e2e]") {
  TempDir empty_path;
  check_cannot_run(run_once("ngspice-adder", empty_path.path.string()));
  // Run as a plugin, without the profile: the plugin's own requirement says the same.
  check_cannot_run(run_once("ngspice", empty_path.path.string()));
}
