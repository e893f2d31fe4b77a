// SPDX-License-Identifier: MIT
// The llama-bench workload: llama-bench's JSON read back, the built plugin against a fake
// host (the memory requirement it declares, its command, its metrics and spread, every
// bad input a clean status), and `benchlab run llama-bench` with a fake llama-bench
// (tests/fixtures/llama-bench/fake-llama-bench) printing output in the real format.
#include <benchlab/ext/requirements.h>
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>
#include <dlfcn.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_output.hpp"
#include "gguf_writer.hpp"
#include "memory_estimate.hpp"
#include "unit_support.hpp"

namespace fs = std::filesystem;
using namespace llama_bench;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using unit::TempDir;

namespace {

const fs::path kFakeBench = fs::path(FIXTURES_DIR) / "llama-bench" / "fake-llama-bench";

std::string fake_output(const std::vector<std::string>& args) {
  // The fixture's output, captured the way the tests need it: run for real.
  std::string command = kFakeBench.string();
  for (const std::string& a : args) command += " '" + a + "'";
  std::string out;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

// A two-layer llama-like model of 4352 F32 weights (17408 bytes): 2 layers x 640 tokens x
// (64 + 64) x 2 bytes of KV cache, so the estimate is 17408 + 327680 + 870 + 256 MiB.
std::string small_model() {
  gguf_test::Writer w;
  w.string("general.architecture", "llama")
      .u32("llama.block_count", 2)
      .u32("llama.embedding_length", 256)
      .u32("llama.attention.head_count", 8)
      .u32("llama.attention.head_count_kv", 2)
      .tensor({"token_embd.weight", {256, 16}, 0, 256 * 16 * 4})
      .tensor({"output_norm.weight", {256}, 0, 256 * 4});
  return w.build();
}
constexpr std::uint64_t kSmallEstimate = 17408 + 327680 + 17408 * 5 / 100 + (256ull << 20);

}  // namespace

// ---- llama-bench's JSON ----

TEST_CASE("llama-bench's JSON gives each test's mean, spread, samples and build",
          "[llama-bench][output]") {
  const auto tests = parse_bench_output(fake_output({"-m", kFakeBench.string()}));
  REQUIRE(tests.size() == 2);
  const BenchTest* pp = find_test(tests, 512, 0);
  REQUIRE(pp != nullptr);
  CHECK(pp->avg_ts == 2400.0);
  CHECK(pp->stddev_ts == Approx(7.905694));
  CHECK(pp->samples_ts == std::vector<double>{2400, 2410, 2390, 2405, 2395});
  CHECK(pp->build_commit == "5a0e1c3d");
  CHECK(pp->build_number == 7723);
  CHECK(pp->backends == "CUDA");
  CHECK(pp->n_gpu_layers == 99);
  const BenchTest* tg = find_test(tests, 0, 128);
  REQUIRE(tg != nullptr);
  CHECK(tg->avg_ts == 50.0);
  CHECK(tg->samples_ts.size() == 5);
  CHECK(find_test(tests, 256, 0) == nullptr);
  CHECK(test_name(512, 0) == "pp512");
  CHECK(test_name(0, 128) == "tg128");
}

TEST_CASE("older llama-bench JSON without n_depth or samples still reads",
          "[llama-bench][output]") {
  const auto tests =
      parse_bench_output(R"([{"n_prompt": 512, "n_gen": 0, "avg_ts": 10.5, "stddev_ts": 0.5}])");
  REQUIRE(tests.size() == 1);
  CHECK(tests[0].n_depth == 0);
  CHECK(tests[0].samples_ts.empty());
  CHECK(find_test(tests, 512, 0) != nullptr);
}

TEST_CASE("a test at a prefilled depth is not the plain pp test", "[llama-bench][output]") {
  const auto tests = parse_bench_output(
      R"([{"n_prompt": 512, "n_gen": 0, "n_depth": 4096, "avg_ts": 10, "stddev_ts": 1}])");
  CHECK(find_test(tests, 512, 0) == nullptr);
}

TEST_CASE("malformed llama-bench output is an error that says what was wrong",
          "[llama-bench][output]") {
  CHECK_THROWS_WITH(parse_bench_output("error: no model"),
                    StartsWith("llama-bench printed no JSON array: 'error: no model'"));
  CHECK_THROWS_WITH(parse_bench_output(fake_output({"--fake-mode=garbage"})),
                    StartsWith("llama-bench's JSON is malformed"));
  CHECK_THROWS_WITH(parse_bench_output(R"([{"n_prompt": 512, "n_gen": 0, "avg_ts": "fast"}])"),
                    Contains("test 0 has no numeric avg_ts"));
  CHECK_THROWS_WITH(parse_bench_output(R"([1])"), Contains("test 0 is not an object"));
  CHECK_THROWS_WITH(
      parse_bench_output(R"([{"n_prompt": 1, "n_gen": 0, "avg_ts": 1, "stddev_ts": -1}])"),
      Contains("stddev_ts is -1"));
  CHECK_THROWS_WITH(
      parse_bench_output(
          R"([{"n_prompt": 1, "n_gen": 0, "avg_ts": 1, "stddev_ts": 0, "samples_ts": [1, "x"]}])"),
      Contains("samples_ts holds \"x\""));
}

// ---- The built plugin against a fake host ----

namespace {

struct Canned {
  std::string out, err;
  int32_t status = BL_OK;
  int32_t exit_code = 0;
};

// Loads the built plugin and plays the worker: create, one call, destroy. It offers the
// requirements and values extensions when asked to, and records what they receive.
class FakeHost {
 public:
  FakeHost() {
    handle_ = dlopen(LLAMA_BENCH_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    INFO((handle_ ? "" : dlerror()));
    REQUIRE(handle_ != nullptr);
    auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle_, BL_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    plugin = entry(1, 1);
    REQUIRE(plugin != nullptr);
    scratch_ = dir.path.string();
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
    table_.option_count = [](const bl_host* h, const char* name) -> uint32_t {
      auto& s = self(h);
      if (std::string(name) == "extra") return static_cast<uint32_t>(s.extra.size());
      return table_option(h, name) != nullptr ? 1 : 0;
    };
    table_.option_at = [](const bl_host* h, const char* name, uint32_t i) -> const char* {
      auto& s = self(h);
      if (std::string(name) == "extra") return i < s.extra.size() ? s.extra[i].c_str() : nullptr;
      return i == 0 ? table_option(h, name) : nullptr;
    };
    table_.declare_metric = [](const bl_host* h, const char* name, const char* unit,
                               int32_t) -> int32_t {
      self(h).declared[name] = unit;
      return BL_OK;
    };
    table_.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      auto& s = self(h);
      if (!s.declared.count(name)) return BL_INVALID_ARGUMENT;
      s.metrics[name] = value;
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
      s.last_ = s.on_spawn ? s.on_spawn(argv) : Canned{};
      if (req->flags & BL_SPAWN_STDOUT_TO_OUTPUT) s.output += s.last_.out;
      if (req->flags & BL_SPAWN_STDERR_TO_ERROR_OUTPUT) s.error_output += s.last_.err;
      res->exit_code = s.last_.exit_code;
      res->out = s.last_.out.c_str();
      res->out_size = s.last_.out.size();
      res->err = s.last_.err.c_str();
      res->err_size = s.last_.err.size();
      return s.last_.status;
    };
    table_.is_cancelled = [](const bl_host*) -> int32_t { return 0; };
    table_.now_ns = [](const bl_host*) -> uint64_t { return 0; };
    table_.get_extension = [](const bl_host* h, const char* id) -> const void* {
      auto& s = self(h);
      static const bl_host_requirements_ext requirements{
          sizeof(bl_host_requirements_ext), [](const bl_host* hh, const bl_requirement* r) {
            self(hh).required.push_back({r->kind, r->amount, r->hint ? r->hint : ""});
            return int32_t{BL_OK};
          }};
      static const bl_host_values_ext values{
          sizeof(bl_host_values_ext),
          [](const bl_host* hh, const char* name, const double* v, uint32_t n) {
            auto& vs = self(hh).values[name];
            vs.insert(vs.end(), v, v + n);
            return int32_t{BL_OK};
          }};
      if (s.offer_requirements && std::string(id) == BL_EXT_HOST_REQUIREMENTS) return &requirements;
      if (s.offer_values && std::string(id) == BL_EXT_HOST_VALUES) return &values;
      return nullptr;
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
  int32_t trial() {
    output.clear();
    error_output.clear();
    metrics.clear();
    values.clear();
    return call([&](void* i) {
      int32_t st = plugin->workload->run(i);
      if (st == BL_OK)
        st = plugin->workload->parse_streams(i, output.data(), output.size(), error_output.data(),
                                             error_output.size());
      return st;
    });
  }
  // Writes `bytes` as a model file in the test directory and makes it the model option.
  fs::path model(const std::string& bytes, const std::string& name = "model.gguf") {
    const fs::path path = dir.path / name;
    std::ofstream(path, std::ios::binary) << bytes;
    options["model"] = path.string();
    return path;
  }

  struct Required {
    int32_t kind;
    uint64_t amount;
    std::string hint;
  };

  TempDir dir;
  const bl_plugin* plugin = nullptr;
  bool offer_requirements = true, offer_values = true;
  std::map<std::string, std::string> options;
  std::vector<std::string> extra;
  std::function<Canned(const std::vector<std::string>&)> on_spawn;
  std::vector<std::vector<std::string>> spawned;
  std::vector<std::string> logs;
  std::vector<Required> required;
  std::map<std::string, std::string> declared;
  std::map<std::string, double> metrics;
  std::map<std::string, std::vector<double>> values;
  std::string output, error_output, error;

 private:
  static FakeHost& self(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }
  static const char* table_option(const bl_host* h, const char* name) { return h->option(h, name); }
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
  std::string scratch_;
  bl_host table_{};
  Canned last_;
};

// The fake llama-bench's real output for the arguments the plugin passed.
Canned replay(const std::vector<std::string>& argv) {
  Canned c;
  c.out = fake_output(std::vector<std::string>(argv.begin() + 1, argv.end()));
  c.err = "fake llama-bench: 5 repetitions\n";
  return c;
}

}  // namespace

TEST_CASE("the plugin's options and its dynamic metrics", "[llama-bench][plugin]") {
  FakeHost host;
  const bl_workload& w = *host.plugin->workload;
  CHECK(std::string(host.plugin->id) == "llama-bench");
  CHECK(w.flags == BL_WORKLOAD_DYNAMIC_METRICS);
  CHECK(w.metric_count == 0);
  std::map<std::string, const bl_option_desc*> options;
  for (uint32_t i = 0; i < w.option_count; ++i) options[w.options[i].name] = &w.options[i];
  REQUIRE(options.count("model"));
  CHECK(options["model"]->flags == BL_OPTION_REQUIRED);
  CHECK(std::string(options["p"]->default_value) == "512");
  CHECK(std::string(options["n"]->default_value) == "128");
  CHECK(std::string(options["ngl"]->default_value) == "99");
  CHECK(std::string(options["repetitions"]->default_value) == "5");
  CHECK(std::string(options["program"]->default_value) == "llama-bench");
  CHECK(options["extra"]->flags == BL_OPTION_REPEATED);
}

TEST_CASE("setup declares the estimated memory as a GPU requirement, or system memory at ngl=0",
          "[llama-bench][plugin][gate]") {
  FakeHost host;
  host.model(small_model());
  host.options["program"] = kFakeBench.string();
  REQUIRE(host.setup() == BL_OK);
  REQUIRE(host.required.size() == 1);
  CHECK(host.required[0].kind == BL_REQ_MEMORY_GPU_OR_UNIFIED);
  CHECK(host.required[0].amount == kSmallEstimate);
  CHECK(host.required[0].hint == "a smaller quantisation, or -o ngl=0 to run on the CPU");
  CHECK_THAT(host.logs.back(),
             Contains("model.gguf (GGUF v3, llama, 2 tensors)") &&
                 Contains("estimated memory 256.3 MiB") &&
                 Contains("declared as needed GPU (dedicated or unified) memory"));

  host.required.clear();
  host.options["ngl"] = "0";
  host.options["p"] = "1000";
  host.options["n"] = "24";  // 1024 tokens of context
  REQUIRE(host.setup() == BL_OK);
  REQUIRE(host.required.size() == 1);
  CHECK(host.required[0].kind == BL_REQ_MEMORY_SYSTEM);
  CHECK(host.required[0].hint == "a smaller quantisation, or a machine with more memory");
  CHECK(host.required[0].amount == 17408 + 2 * 1024 * 128 * 2 + 870 + (256ull << 20));

  host.required.clear();
  host.options["n_ctx"] = "8192";
  REQUIRE(host.setup() == BL_OK);
  CHECK(host.required.at(0).amount == 17408 + 2 * 8192 * 128 * 2 + 870 + (256ull << 20));
}

TEST_CASE("without the host's requirement gate setup only logs the estimate",
          "[llama-bench][plugin][gate]") {
  FakeHost host;
  host.offer_requirements = false;
  host.model(small_model());
  host.options["program"] = kFakeBench.string();
  REQUIRE(host.setup() == BL_OK);
  CHECK(host.required.empty());
  CHECK_THAT(host.logs.back(), Contains("estimated memory") &&
                                   Contains("not checked: this host has no requirement gate"));
}

TEST_CASE("a missing model or program is 'cannot run'; a file that is not GGUF fails setup",
          "[llama-bench][plugin][bad-input]") {
  FakeHost host;
  host.options["program"] = kFakeBench.string();
  SECTION("no such model") {
    host.options["model"] = (host.dir.path / "absent.gguf").string();
    CHECK(host.setup() == BL_CANNOT_RUN);
    CHECK(host.error == "model file " + (host.dir.path / "absent.gguf").string() +
                            " not found (give -o model=PATH)");
  }
  SECTION("a directory") {
    host.options["model"] = host.dir.path.string();
    CHECK(host.setup() == BL_CANNOT_RUN);
    CHECK_THAT(host.error, Contains("is not a regular file"));
  }
  SECTION("a text file") {
    const fs::path path = host.model("these are not the weights you are looking for\n", "x.gguf");
    CHECK(host.setup() == BL_ERROR);
    CHECK(host.error ==
          path.string() + ": not a GGUF file: it does not start with \"GGUF\" at byte 0");
    CHECK(host.required.empty());
  }
  SECTION("a truncated model") {
    const std::string whole = small_model();
    host.model(whole.substr(0, whole.size() - 100));
    CHECK(host.setup() == BL_ERROR);
    CHECK_THAT(host.error, Contains("run past the end of the file (is it truncated?)"));
  }
  SECTION("a hostile header claiming 2^40 tensors") {
    gguf_test::Bytes b;
    b.u32(0x46554747).u32(3).u64(1ull << 40).u64(0);
    host.model(b.data);
    const auto start = std::chrono::steady_clock::now();
    CHECK(host.setup() == BL_ERROR);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    CHECK_THAT(host.error, Contains("tensor count 1099511627776 cannot fit"));
  }
  SECTION("no llama-bench") {
    host.model(small_model());
    host.options["program"] = (host.dir.path / "llama-bench").string();
    CHECK(host.setup() == BL_CANNOT_RUN);
    CHECK(host.error == (host.dir.path / "llama-bench").string() +
                            " not found; build llama.cpp (cmake -B build && cmake --build build "
                            "--target llama-bench) and put build/bin on PATH or give -o "
                            "program=PATH");
    CHECK(host.required.size() == 1);  // the estimate was declared before the program check
  }
}

namespace {

// Split `i` (0-based) of a two-file split of small_model(): the first holds the metadata
// and token_embd.weight (16384 bytes), the second output_norm.weight (1024 bytes).
std::string split_file(unsigned i) {
  gguf_test::Writer w;
  w.scalar<std::uint16_t>("split.no", gguf_test::UINT16, static_cast<std::uint16_t>(i))
      .scalar<std::uint16_t>("split.count", gguf_test::UINT16, 2);
  if (i == 0) {
    w.string("general.architecture", "llama")
        .u32("llama.block_count", 2)
        .u32("llama.embedding_length", 256)
        .u32("llama.attention.head_count", 8)
        .u32("llama.attention.head_count_kv", 2)
        .tensor({"token_embd.weight", {256, 16}, 0, 256 * 16 * 4});
  } else {
    w.tensor({"output_norm.weight", {256}, 0, 256 * 4});
  }
  return w.build();
}

}  // namespace

TEST_CASE("a split model's estimate counts the tensors of every file",
          "[llama-bench][plugin][gate]") {
  FakeHost host;
  host.options["program"] = kFakeBench.string();
  const fs::path first = host.model(split_file(0), "tiny-00001-of-00002.gguf");
  SECTION("both files there") {
    host.model(split_file(1), "tiny-00002-of-00002.gguf");
    host.options["model"] = first.string();
    REQUIRE(host.setup() == BL_OK);
    REQUIRE(host.required.size() == 1);
    CHECK(host.required[0].amount == kSmallEstimate);  // the same tensors as small_model()
    CHECK_THAT(host.logs.back(), Contains("1 tensors in the first of 2 files"));
  }
  SECTION("the second file missing") {
    CHECK(host.setup() == BL_CANNOT_RUN);
    CHECK_THAT(host.error,
               StartsWith("split file " + (host.dir.path / "tiny-00002-of-00002.gguf").string() +
                          " not found"));
  }
  SECTION("the second file given") {
    host.model(split_file(1), "tiny-00002-of-00002.gguf");
    CHECK(host.setup() == BL_ERROR);
    CHECK_THAT(
        host.error,
        Contains(
            "this is split 2 of 2; give the first file, the one ending in -00001-of-00002.gguf"));
  }
  SECTION("a first file renamed") {
    host.model(split_file(0), "tiny.gguf");
    CHECK(host.setup() == BL_ERROR);
    CHECK_THAT(host.error,
               Contains("split in 2 files, but the name does not end in -00001-of-00002.gguf"));
  }
}

TEST_CASE("a trial runs llama-bench -o json and reports pp512, tg128, their spread and samples",
          "[llama-bench][plugin]") {
  FakeHost host;
  const fs::path model = host.model(small_model());
  host.options["program"] = kFakeBench.string();
  host.on_spawn = replay;
  REQUIRE(host.trial() == BL_OK);
  REQUIRE(host.spawned.size() == 1);
  CHECK(host.spawned[0] == std::vector<std::string>{kFakeBench.string(), "-m", model.string(), "-p",
                                                    "512", "-n", "128", "-ngl", "99", "-r", "5",
                                                    "-o", "json"});
  CHECK(host.declared.at("pp512") == "tok/s");
  CHECK(host.declared.at("tg128.stddev") == "tok/s");
  CHECK(host.metrics.at("pp512") == 2400.0);
  CHECK(host.metrics.at("pp512.stddev") == Approx(7.905694));
  CHECK(host.metrics.at("tg128") == 50.0);
  CHECK(host.metrics.at("tg128.stddev") == Approx(0.790569));
  CHECK(host.values.at("pp512") == std::vector<double>{2400, 2410, 2390, 2405, 2395});
  CHECK(host.values.at("tg128") == std::vector<double>{50.5, 49.5, 50, 51, 49});
  CHECK_THAT(host.error_output, Contains("fake llama-bench"));
  CHECK_THAT(host.logs.back(), Contains("llama-bench build 5a0e1c3d (7723), backends CUDA") &&
                                   Contains("99 GPU layers"));
}

TEST_CASE("p, n, threads, repetitions and extra arguments reach llama-bench",
          "[llama-bench][plugin]") {
  FakeHost host;
  host.model(small_model());
  host.options["program"] = kFakeBench.string();
  host.options["p"] = "256";
  host.options["n"] = "0";
  host.options["threads"] = "6";
  host.options["repetitions"] = "3";
  host.options["ngl"] = "0";
  host.on_spawn = replay;
  REQUIRE(host.trial() == BL_OK);
  const auto& argv = host.spawned.back();
  CHECK(std::vector<std::string>(argv.begin() + 3, argv.end()) ==
        std::vector<std::string>{"-p", "256", "-n", "0", "-ngl", "0", "-r", "3", "-o", "json", "-t",
                                 "6"});
  CHECK(host.metrics.at("pp256") == 2400.0);
  CHECK(host.metrics.count("tg0") == 0);
  CHECK(host.declared.size() == 2);  // pp256 and its stddev only

  host.extra = {"--fake-mode=garbage"};
  CHECK(host.trial() == BL_ERROR);
  CHECK(host.spawned.back().back() == "--fake-mode=garbage");
  CHECK_THAT(host.error, StartsWith("llama-bench's JSON is malformed"));
}

TEST_CASE("llama-bench failing, or missing a test, fails the trial with its reason",
          "[llama-bench][plugin][bad-input]") {
  FakeHost host;
  host.model(small_model());
  host.options["program"] = kFakeBench.string();
  SECTION("a failed model load") {
    host.extra = {"--fake-mode=fail"};
    host.on_spawn = [](const std::vector<std::string>&) {
      Canned c;
      c.err = "main: error: failed to load model 'model.gguf'\n";
      c.exit_code = 1;
      return c;
    };
    CHECK(host.trial() == BL_ERROR);
    CHECK_THAT(host.error, StartsWith("llama-bench failed (exit status 1)") &&
                               Contains("failed to load model"));
  }
  SECTION("no tg test in its output") {
    host.on_spawn = [](const std::vector<std::string>&) {
      Canned c;
      c.out = fake_output({"-m", kFakeBench.string(), "-p", "512", "-n", "0"});
      return c;
    };
    CHECK(host.trial() == BL_ERROR);
    CHECK(host.error ==
          "llama-bench's output has no tg128 test (n_prompt 0, n_gen 128, depth 0) "
          "among its 1");
  }
  SECTION("it cannot be started") {
    host.on_spawn = [](const std::vector<std::string>&) {
      Canned c;
      c.status = BL_ERROR;
      return c;
    };
    CHECK(host.trial() == BL_CANNOT_RUN);
    CHECK_THAT(host.error,
               StartsWith("cannot start '" + kFakeBench.string() + "': build llama.cpp"));
  }
  SECTION("p and n both 0") {
    host.options["p"] = "0";
    host.options["n"] = "0";
    CHECK(host.trial() == BL_INVALID_ARGUMENT);
    CHECK(host.error == "options p and n are both 0: nothing to run");
  }
}

TEST_CASE("without the values extension a trial still reports means and spread",
          "[llama-bench][plugin]") {
  FakeHost host;
  host.offer_values = false;
  host.model(small_model());
  host.options["program"] = kFakeBench.string();
  host.on_spawn = replay;
  REQUIRE(host.trial() == BL_OK);
  CHECK(host.metrics.at("tg128") == 50.0);
  CHECK(host.values.empty());
}

// ---- For real, through the benchlab command ----

namespace {

unit::CliRun run_llama_bench(const TempDir& home, const std::vector<std::string>& options) {
  std::vector<std::string> args{"run",    "llama-bench", "-n",
                                "2",      "--warmup",    "0",
                                "--json", "--db",        (home.path / "r.db").string()};
  for (const std::string& o : options) args.insert(args.end(), {"-o", o});
  return unit::benchlab_cli(home.path, args);
}

}  // namespace

TEST_CASE("benchlab run llama-bench stores pp512 and tg128 with llama-bench's spread",
          "[llama-bench][cli]") {
  TempDir home;
  const fs::path model = home.path / "tiny.gguf";
  std::ofstream(model, std::ios::binary) << small_model();
  // On the CPU: this machine may have no GPU, and the gate would rightly stop ngl=99.
  const auto run =
      run_llama_bench(home, {"model=" + model.string(), "program=" + kFakeBench.string(), "ngl=0"});
  INFO("stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  const auto result = unit::only_result(run);
  REQUIRE(unit::text_of(result.at("status")) == "ok");
  CHECK(unit::trial_value(result, 0, "pp512") == 2400.0);
  CHECK(unit::trial_value(result, 1, "tg128") == 50.0);
  CHECK(unit::trial_value(result, 0, "pp512.stddev") == Approx(7.905694));
  for (const auto& m : result.at("metrics").as_array()) {
    if (m.at("name").as_string() != "tg128") continue;
    CHECK(m.at("unit").as_string() == "tok/s");
    const auto& d = m.at("distribution").as_object();
    CHECK(d.at("n").to_number<double>() == 10);  // five samples in each of two trials
    CHECK(d.at("min").to_number<double>() == 49.0);
    CHECK(d.at("max").to_number<double>() == 51.0);
  }
  CHECK_THAT(run.err, Contains("estimated memory 256.3 MiB"));
  // llama-bench has no --version: its JSON's build_number and build_commit name the build.
  const auto& programs = result.at("programs").as_array();
  REQUIRE(programs.size() == 1);
  CHECK(unit::text_of(programs[0].at("name")) == "llama-bench");
  CHECK(unit::text_of(programs[0].at("version")) == "7723 (5a0e1c3d)");
  CHECK(unit::text_of(programs[0].at("path")) == kFakeBench.string());
}

TEST_CASE("benchlab run llama-bench: no program is 'cannot run', a broken model fails",
          "[llama-bench][cli][bad-input]") {
  TempDir home;
  const fs::path model = home.path / "tiny.gguf";
  std::ofstream(model, std::ios::binary) << small_model();
  const auto missing = unit::only_result(run_llama_bench(
      home, {"model=" + model.string(), "program=" + (home.path / "nope").string()}));
  CHECK(unit::text_of(missing.at("status")) == "cannot_run");
  CHECK_THAT(unit::text_of(missing.at("reason")), Contains("not found; build llama.cpp"));

  const fs::path text = home.path / "notes.gguf";
  std::ofstream(text) << "not a model\n";
  const auto broken = unit::only_result(
      run_llama_bench(home, {"model=" + text.string(), "program=" + kFakeBench.string()}));
  CHECK(unit::text_of(broken.at("status")) == "failed");
  CHECK_THAT(unit::text_of(broken.at("reason")), Contains("not a GGUF file"));
}

TEST_CASE("benchlab run llama-bench: a model bigger than the machine is 'cannot run' at once",
          "[llama-bench][cli][gate]") {
  TempDir home;
  // 2^38 F32 weights: 1 TiB, a sparse file that takes no disk space; no machine has that
  // much memory, so the gate stops it before llama-bench is started.
  gguf_test::Writer w;
  w.string("general.architecture", "llama")
      .u32("llama.block_count", 2)
      .u32("llama.embedding_length", 256)
      .u32("llama.attention.head_count", 8)
      .u32("llama.attention.head_count_kv", 2)
      .tensor({"token_embd.weight", {1ull << 20, 1ull << 18}, 0, 1ull << 40});
  const fs::path model = home.path / "huge.gguf";
  { std::ofstream(model, std::ios::binary) << w.header(); }
  fs::resize_file(model, fs::file_size(model) + w.data_size());
  const auto started = std::chrono::steady_clock::now();
  const auto cpu = unit::only_result(run_llama_bench(
      home, {"model=" + model.string(), "program=" + kFakeBench.string(), "ngl=0"}));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  CHECK(unit::text_of(cpu.at("status")) == "cannot_run");
  CHECK_THAT(unit::text_of(cpu.at("reason")),
             Contains("needs 1075.5 GiB of system memory") &&
                 Contains("(a smaller quantisation, or a machine with more memory)"));
  CHECK(cpu.at("trials").as_array().empty());

  // On the GPU, with no GPU probe asked: no GPU is known, so no GPU memory is either.
  std::vector<std::string> args{"run",
                                "llama-bench",
                                "--probes",
                                "none",
                                "--json",
                                "--db",
                                (home.path / "r.db").string(),
                                "-o",
                                "model=" + model.string(),
                                "-o",
                                "program=" + kFakeBench.string()};
  const auto gpu = unit::only_result(unit::benchlab_cli(home.path, args));
  CHECK(unit::text_of(gpu.at("status")) == "cannot_run");
  CHECK_THAT(unit::text_of(gpu.at("reason")), Contains("of GPU memory (dedicated or unified)") &&
                                                  Contains("no GPU is known") &&
                                                  Contains("-o ngl=0 to run on the CPU"));
}
