// SPDX-License-Identifier: MIT
// membw: the kernels compute their formulas, a run verifies what it timed, the cache and
// memory readers parse what Linux writes, and the plugin behaves through the C ABI.
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "membw/bandwidth_run.hpp"
#include "membw/cache_size.hpp"
#include "membw/kernels.hpp"
#include "membw/mapped_array.hpp"
#include "membw/memory_available.hpp"
#include "membw/reference_model.hpp"
#include "unit_support.hpp"

namespace fs = std::filesystem;
using membw::element;
using membw::kernel;

namespace {

// Three small arrays, mapped like the real run's (page-aligned), filled with initial values.
struct small_arrays {
  explicit small_arrays(std::size_t n) : a(n), b(n), c(n) { membw::fill_initial(view(), 0, n); }
  membw::arrays view() const { return {a.data(), b.data(), c.data()}; }
  membw::mapped_array a, b, c;
};

struct temp_dir {
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "test_membw.XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~temp_dir() { fs::remove_all(path); }
  fs::path path;
};

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text << "\n";
}

void fake_cache(const fs::path& cpu_root, int cpu, int index, int level, const char* type,
                const char* size, const char* shared) {
  const fs::path dir =
      cpu_root / ("cpu" + std::to_string(cpu)) / "cache" / ("index" + std::to_string(index));
  write_file(dir / "level", std::to_string(level));
  write_file(dir / "type", type);
  write_file(dir / "size", size);
  write_file(dir / "shared_cpu_list", shared);
}

}  // namespace

TEST_CASE("every kernel computes its formula on every element, with either kind of store") {
  constexpr std::size_t n = 1003;  // not a whole number of lines: the scalar tail runs too
  for (auto stores : {membw::store_kind::regular, membw::store_kind::streaming}) {
    for (kernel k : membw::all_kernels) {
      CAPTURE(membw::kernel_name(k), stores == membw::store_kind::streaming);
      small_arrays x(n);
      membw::run_kernel(k, stores, x.view(), 0, n);
      for (std::size_t i = 0; i < n; ++i) {
        membw::element_values want = membw::initial_values(i);
        membw::apply(k, want);
        const membw::element_values got{x.a.data()[i], x.b.data()[i], x.c.data()[i]};
        REQUIRE(got == want);
      }
    }
  }
}

TEST_CASE("the formulas are STREAM's: c=a, b=3c, c=a+b, a=b+3c") {
  membw::element_values v{5, 7, 11};
  membw::apply(kernel::copy, v);
  CHECK(v == membw::element_values{5, 7, 5});
  membw::apply(kernel::scale, v);
  CHECK(v == membw::element_values{5, 15, 5});
  membw::apply(kernel::add, v);
  CHECK(v == membw::element_values{5, 15, 20});
  membw::apply(kernel::triad, v);
  CHECK(v == membw::element_values{75, 15, 20});
}

TEST_CASE("the closed form of a run equals applying its kernels pass by pass") {
  using seq = std::vector<kernel>;
  for (const seq& sequence : {seq{kernel::copy, kernel::scale, kernel::add, kernel::triad},
                              seq{kernel::copy}, seq{kernel::scale}, seq{kernel::add},
                              seq{kernel::triad}, seq{kernel::triad, kernel::add}, seq{}}) {
    for (unsigned passes : {0u, 1u, 2u, 5u, 17u, 64u, 1000u}) {
      const membw::element_transform transform(sequence, passes);
      for (std::size_t i :
           {std::size_t{0}, std::size_t{1}, std::size_t{12345}, std::size_t{1} << 40}) {
        CAPTURE(sequence.size(), passes, i);
        CHECK(transform(membw::initial_values(i)) == membw::expected_values(i, sequence, passes));
      }
    }
  }
}

TEST_CASE("a kernel writes only its range") {
  constexpr std::size_t n = 64;
  small_arrays x(n);
  membw::run_kernel(kernel::copy, membw::store_kind::streaming, x.view(), 8, 40);
  for (std::size_t i = 0; i < n; ++i) {
    const bool inside = i >= 8 && i < 40;
    CHECK((x.c.data()[i] == x.a.data()[i]) == inside);
  }
}

TEST_CASE("thread ranges cover every element once and start on cache lines") {
  for (std::size_t n : {0u, 7u, 8u, 1003u, 4096u}) {
    for (unsigned threads : {1u, 2u, 3u, 16u}) {
      std::size_t next = 0;
      for (unsigned t = 0; t < threads; ++t) {
        const auto r = membw::thread_range(n, threads, t);
        CHECK(r.begin == next);
        CHECK(r.begin % membw::line_elements == 0);
        next = r.end;
      }
      CHECK(next == n);
    }
  }
}

TEST_CASE("a bandwidth run times every pass of every kernel and verifies every element") {
  membw::run_config config;
  config.elements = 1003;
  config.threads = 3;
  config.passes = 3;
  config.kernels.assign(membw::all_kernels.begin(), membw::all_kernels.end());
  membw::run_observer observer;
  const auto r = membw::run_bandwidth(config, observer);
  REQUIRE_FALSE(r.cancelled);
  CHECK(r.check.checked == config.elements);
  CHECK(r.check.mismatches == 0);
  REQUIRE(r.timings.size() == 4);
  for (std::size_t j = 0; j < 4; ++j) {
    CHECK(r.timings[j].which == membw::all_kernels[j]);
    REQUIRE(r.timings[j].pass_seconds.size() == 3);
    for (double s : r.timings[j].pass_seconds) CHECK(s > 0);
  }
  CHECK(r.placements.size() == 3);
}

TEST_CASE("a single-kernel run touches only its arrays and verifies") {
  for (kernel k : membw::all_kernels) {
    CAPTURE(membw::kernel_name(k));
    membw::run_config config;
    config.elements = 4096;
    config.threads = 2;
    config.passes = 2;
    config.kernels = {k};
    config.stores = membw::store_kind::regular;
    membw::run_observer observer;
    const auto r = membw::run_bandwidth(config, observer);
    CHECK(r.check.checked == config.elements);
    CHECK(r.check.mismatches == 0);
    REQUIRE(r.timings.size() == 1);
  }
}

TEST_CASE("verification catches a kernel that did not run and a wrong element") {
  constexpr std::size_t n = 256;
  small_arrays x(n);
  const std::vector<kernel> all(membw::all_kernels.begin(), membw::all_kernels.end());
  for (kernel k : all) {
    const std::vector<kernel> one{k};
    CAPTURE(membw::kernel_name(k));
    // Initial values never equal a kernel's result, so skipped stores always show.
    CHECK(membw::check_range(x.view(), 0, n, one, 1).mismatches == n);
  }
  for (unsigned pass = 0; pass < 2; ++pass) {
    for (kernel k : all) membw::run_kernel(k, membw::store_kind::regular, x.view(), 0, n);
  }
  CHECK(membw::check_range(x.view(), 0, n, all, 2).mismatches == 0);
  // One pass fewer than claimed is caught too: values change every pass.
  CHECK(membw::check_range(x.view(), 0, n, all, 3).mismatches == n);
  x.b.data()[77] ^= 1;
  const auto result = membw::check_range(x.view(), 0, n, all, 2);
  CHECK(result.mismatches == 1);
  REQUIRE(result.first);
  CHECK(result.first->index == 77);
  CHECK(result.first->array == 'b');
}

TEST_CASE("a run cancelled before it starts stops without timings") {
  struct always_cancelled : membw::run_observer {
    bool cancelled() override { return true; }
  } observer;
  membw::run_config config;
  config.elements = 1024;
  config.threads = 2;
  config.kernels = {kernel::copy};
  const auto r = membw::run_bandwidth(config, observer);
  CHECK(r.cancelled);
  CHECK(r.timings.empty());
}

TEST_CASE("MB/s counts bytes read plus written, 10^6 per MB") {
  CHECK(membw::mb_per_s(kernel::copy, 1'000'000, 1.0) == Approx(16.0));
  CHECK(membw::mb_per_s(kernel::scale, 1'000'000, 0.5) == Approx(32.0));
  CHECK(membw::mb_per_s(kernel::add, 1'000'000, 1.0) == Approx(24.0));
  CHECK(membw::mb_per_s(kernel::triad, 2'000'000, 1.0) == Approx(48.0));
}

TEST_CASE("cache sizes are read the way sysfs writes them") {
  CHECK(membw::parse_cache_size("32K") == 32u << 10);
  CHECK(membw::parse_cache_size("32768K") == 32u << 20);
  CHECK(membw::parse_cache_size("8M") == 8u << 20);
  CHECK(membw::parse_cache_size("512") == 512u);
  CHECK_FALSE(membw::parse_cache_size("").has_value());
  CHECK_FALSE(membw::parse_cache_size("12Q").has_value());
  CHECK_FALSE(membw::parse_cache_size("K").has_value());
}

TEST_CASE("the last-level cache and its instances come from the cpu cache tree") {
  temp_dir dir;
  // Two CCDs of two CPUs, each CCD with its own 32 MiB L3; L1i must not count.
  for (int cpu = 0; cpu < 4; ++cpu) {
    const char* ccd = cpu < 2 ? "0-1" : "2-3";
    fake_cache(dir.path, cpu, 0, 1, "Data", "32K", std::to_string(cpu).c_str());
    fake_cache(dir.path, cpu, 1, 1, "Instruction", "32K", std::to_string(cpu).c_str());
    fake_cache(dir.path, cpu, 2, 2, "Unified", "1024K", std::to_string(cpu).c_str());
    fake_cache(dir.path, cpu, 3, 3, "Unified", "32768K", ccd);
  }
  const auto llc = membw::read_last_level_cache(dir.path);
  CHECK(llc.level == 3);
  CHECK(llc.bytes == 32u << 20);
  CHECK(llc.instances == 2);
  CHECK(membw::auto_array_bytes(llc) == 256u << 20);  // the 256 MiB floor

  const membw::last_level_cache big{3, 96ull << 20, 4};  // 4 x 96 MiB: 4x total wins
  CHECK(membw::auto_array_bytes(big) == 1536ull << 20);
  const membw::last_level_cache one{3, 100ull << 20, 1};  // 8x one cache wins
  CHECK(membw::auto_array_bytes(one) == 800ull << 20);
  CHECK(membw::auto_array_bytes(membw::read_last_level_cache(dir.path / "missing")) ==
        membw::min_auto_array_bytes);
}

TEST_CASE("MemAvailable is read from meminfo in bytes") {
  temp_dir dir;
  write_file(dir.path / "meminfo",
             "MemTotal:       24683484 kB\nMemFree:        24077300 kB\n"
             "MemAvailable:   24236480 kB\nBuffers:           12345 kB");
  CHECK(membw::memory_available_bytes(dir.path / "meminfo") == 24236480ull * 1024);
  write_file(dir.path / "old", "MemTotal:       24683484 kB");
  CHECK_FALSE(membw::memory_available_bytes(dir.path / "old").has_value());
  CHECK_FALSE(membw::memory_available_bytes(dir.path / "absent").has_value());
}

// ---- The plugin through its C ABI, with a host that records what the plugin says. ----
namespace {

struct fake_host {
  bl_host host{};
  const bl_plugin* plugin = nullptr;
  std::map<std::string, std::string> options;
  std::map<std::string, double> metrics;
  std::vector<std::pair<int32_t, std::string>> logs;
  std::string error, output;
  bool cancel = false;

  static fake_host& self(const bl_host* h) { return *static_cast<fake_host*>(h->host_data); }

  explicit fake_host(const bl_plugin* p) : plugin(p) {
    host.struct_size = sizeof(bl_host);
    host.abi_major = BL_ABI_MAJOR;
    host.abi_minor = BL_ABI_MINOR;
    host.phase = BL_PHASE_RUN;
    host.cpu_count = static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN));
    host.host_data = this;
    host.log = [](const bl_host* h, int32_t level, const char* msg) {
      self(h).logs.emplace_back(level, msg);
    };
    host.set_error = [](const bl_host* h, const char* msg) { self(h).error = msg; };
    host.option = [](const bl_host* h, const char* name) -> const char* {
      auto& me = self(h);
      if (auto it = me.options.find(name); it != me.options.end()) return it->second.c_str();
      const bl_workload* w = me.plugin->workload;
      for (uint32_t i = 0; i < w->option_count; ++i) {
        if (std::string(w->options[i].name) == name) return w->options[i].default_value;
      }
      return nullptr;
    };
    host.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      self(h).metrics[name] = value;
      return BL_OK;
    };
    host.progress = [](const bl_host*, double, const char*) {};
    host.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).output.append(data, size);
      return BL_OK;
    };
    host.is_cancelled = [](const bl_host* h) -> int32_t { return self(h).cancel ? 1 : 0; };
  }

  // create, the phase's call, destroy: what the worker does.
  int32_t call(int32_t (*phase)(void*)) {
    void* instance = nullptr;
    int32_t status = plugin->workload->create(&host, &instance);
    if (status != BL_OK) return status;
    status = phase(instance);
    plugin->workload->destroy(instance);
    return status;
  }
};

struct loaded_plugin {
  loaded_plugin() {
    handle = dlopen(BUILD_DIR "/lib/benchlab/plugins-abi1/membw.so", RTLD_NOW | RTLD_LOCAL);
    INFO((handle ? "" : dlerror()));
    REQUIRE(handle != nullptr);
    entry = reinterpret_cast<bl_entry_fn>(dlsym(handle, BL_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    plugin = entry(1, 1);
    REQUIRE(plugin != nullptr);
  }
  ~loaded_plugin() {
    if (handle) dlclose(handle);
  }
  void* handle = nullptr;
  bl_entry_fn entry = nullptr;
  const bl_plugin* plugin = nullptr;
};

}  // namespace

TEST_CASE("membw.so describes a workload with four MB/s metrics and its options") {
  loaded_plugin so;
  const bl_plugin* p = so.plugin;
  CHECK(p->struct_size == sizeof(bl_plugin));
  CHECK(p->abi_major == BL_ABI_MAJOR);
  CHECK(p->kind == BL_KIND_WORKLOAD);
  CHECK(std::string(p->id) == "membw");
  REQUIRE(p->workload != nullptr);
  CHECK(p->probe == nullptr);
  CHECK(so.entry(2, 3) == nullptr);  // a host speaking only a later major is refused

  const bl_workload* w = p->workload;
  REQUIRE(w->metric_count == 4);
  const char* names[] = {"copy_mb_s", "scale_mb_s", "add_mb_s", "triad_mb_s"};
  for (uint32_t i = 0; i < 4; ++i) {
    CHECK(std::string(w->metrics[i].name) == names[i]);
    CHECK(std::string(w->metrics[i].unit) == "MB/s");
    CHECK(w->metrics[i].direction == BL_HIGHER_IS_BETTER);
    // Which ones a trial reports depends on the kernel option.
    CHECK(w->metrics[i].flags == BL_METRIC_OPTIONAL);
  }
  std::map<std::string, const bl_option_desc*> options;
  for (uint32_t i = 0; i < w->option_count; ++i) options[w->options[i].name] = &w->options[i];
  REQUIRE(options.count("kernel"));
  CHECK(options["kernel"]->type == BL_OPTION_ENUM);
  CHECK(std::string(options["kernel"]->default_value) == "all");
  std::vector<std::string> allowed;
  for (auto a = options["kernel"]->allowed; *a; ++a) allowed.emplace_back(*a);
  CHECK(allowed == std::vector<std::string>{"all", "copy", "scale", "add", "triad"});
  for (const char* name : {"size_mb", "passes", "threads"}) {
    REQUIRE(options.count(name));
    CHECK(options[name]->type == BL_OPTION_INT);
  }
  CHECK(std::string(options["passes"]->default_value) == "5");
  CHECK(std::string(options["size_mb"]->default_value) == "0");
  CHECK(std::string(options["threads"]->default_value) == "0");
}

TEST_CASE("membw.so reports only the selected kernel, verified") {
  loaded_plugin so;
  fake_host host(so.plugin);
  host.options = {{"kernel", "copy"}, {"size_mb", "1"}, {"passes", "2"}, {"threads", "2"}};
  REQUIRE(host.call(so.plugin->workload->run) == BL_OK);
  CHECK(host.metrics.size() == 1);
  REQUIRE(host.metrics.count("copy_mb_s"));
  CHECK(host.metrics["copy_mb_s"] > 0);
  CHECK(host.output.find("verified: 131072 elements, 0 wrong") != std::string::npos);
  // 1 MiB arrays sit in any last-level cache: the operator is told the figure is not DRAM's.
  bool warned = false;
  for (const auto& [level, msg] : host.logs)
    warned |= level == BL_LOG_WARN && msg.find("size_mb=1 ") != std::string::npos;
  if (fs::exists("/sys/devices/system/cpu/cpu0/cache")) CHECK(warned);

  fake_host all(so.plugin);
  all.options = {{"size_mb", "2"}, {"passes", "1"}, {"threads", "1"}, {"stores", "regular"}};
  REQUIRE(all.call(so.plugin->workload->run) == BL_OK);
  CHECK(all.metrics.size() == 4);
  for (const char* name : {"copy_mb_s", "scale_mb_s", "add_mb_s", "triad_mb_s"})
    CHECK(all.metrics[name] > 0);
}

TEST_CASE("benchlab run membw with one kernel is ok with only that kernel's metric") {
  unit::TempDir home;
  const auto run = unit::benchlab_cli(
      home.path, {"run", "membw", "-o", "kernel=copy", "-o", "size_mb=4", "-o", "passes=1", "-n",
                  "1", "--warmup", "0", "--json", "-q", "--db", (home.path / "r.db").string()});
  INFO("stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  const auto result = unit::only_result(run);
  CHECK(result.at("status").as_string() == "ok");
  const auto& metrics = result.at("metrics").as_array();
  for (const auto& m : metrics) {
    const bool copy = m.at("name").as_string() == "copy_mb_s";
    CHECK(m.at("values").as_array().size() == (copy ? 1u : 0u));
  }
}

TEST_CASE("membw.so rejects bad options and impossible sizes with a reason") {
  loaded_plugin so;
  fake_host bad_kernel(so.plugin);
  bad_kernel.options = {{"kernel", "memset"}};
  CHECK(bad_kernel.call(so.plugin->workload->setup) == BL_INVALID_ARGUMENT);
  CHECK(bad_kernel.error.find("kernel=\"memset\"") != std::string::npos);

  fake_host bad_passes(so.plugin);
  bad_passes.options = {{"passes", "five"}};
  CHECK(bad_passes.call(so.plugin->workload->setup) == BL_INVALID_ARGUMENT);
  CHECK(bad_passes.error.find("passes") != std::string::npos);

  // Three arrays of 1 TiB fit in no machine this runs on: "cannot run", not a crash.
  fake_host huge(so.plugin);
  huge.options = {{"size_mb", "1048576"}};
  CHECK(huge.call(so.plugin->workload->setup) == BL_CANNOT_RUN);
  CHECK(huge.error.find("MemAvailable") != std::string::npos);
}

TEST_CASE("membw.so stops when the host cancels") {
  loaded_plugin so;
  fake_host host(so.plugin);
  host.options = {{"size_mb", "1"}, {"threads", "2"}};
  host.cancel = true;
  CHECK(host.call(so.plugin->workload->run) == BL_CANCELLED);
  CHECK(host.metrics.empty());
}
