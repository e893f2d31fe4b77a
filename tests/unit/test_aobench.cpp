// SPDX-License-Identifier: MIT
// aobench: the renderer's determinism and validation, and the built plugin loaded with
// dlopen (descriptor, setup and run against a fake host).
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ao_render.hpp"
#include "image_check.hpp"
#include "parallel_render.hpp"

namespace {

aobench::Image render(int size, unsigned threads) {
  auto image = aobench::render_parallel(size, threads, [](double) { return true; });
  REQUIRE(image.has_value());
  return std::move(*image);
}

}  // namespace

TEST_CASE("aobench: FNV-1a 64 matches the published test vectors") {
  const auto bytes = [](std::string_view text) {
    return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  };
  CHECK(aobench::fnv1a64(bytes("")) == 0xcbf29ce484222325ull);
  CHECK(aobench::fnv1a64(bytes("a")) == 0xaf63dc4c8601ec8cull);
  CHECK(aobench::fnv1a64(bytes("foobar")) == 0x85944171f73967e8ull);
}

TEST_CASE("aobench: the image does not depend on the thread count") {
  for (const int size : {64, 97}) {
    const aobench::Image one = render(size, 1);
    const aobench::Image two = render(size, 2);
    const aobench::Image many = render(size, 7);
    INFO("size " << size);
    REQUIRE(one.pixels.size() == static_cast<std::size_t>(size) * size);
    CHECK(one.pixels == two.pixels);
    CHECK(one.pixels == many.pixels);
  }
}

TEST_CASE("aobench: the image shows the scene, not a blank") {
  const aobench::Image image = render(64, 2);
  // Top row: sky, no hit, black. Bottom row: the lit plane, nearly white. Spheres between.
  CHECK(image.pixels[0] == 0);
  CHECK(image.pixels[63 * 64 + 32] > 200);
  const auto [lo, hi] =
      std::minmax_element(image.pixels.begin() + 32 * 64, image.pixels.begin() + 40 * 64);
  CHECK(*hi - *lo > 50);
}

TEST_CASE("aobench: rendered images match their known checksums") {
  for (const int size : {64, 128, 256}) {
    const auto known = aobench::known_checksum(size);
    REQUIRE(known.has_value());
    const aobench::Image image = render(size, 2);
    INFO("size " << size);
    CHECK(aobench::fnv1a64(image.pixels) == *known);
    CHECK(aobench::verify_image(image).empty());
  }
}

TEST_CASE("aobench: a perturbed pixel is detected") {
  SECTION("size with a known checksum") {
    aobench::Image image = render(64, 2);
    image.pixels[40 * 64 + 17] ^= 1;
    const std::string problem = aobench::verify_image(image);
    CHECK_THAT(problem, Catch::StartsWith("image checksum mismatch"));
    CHECK_THAT(problem, Catch::Contains("64x64"));
  }
  SECTION("other size: by re-rendering spot-check rows") {
    aobench::Image image = render(90, 2);
    REQUIRE_FALSE(aobench::known_checksum(90).has_value());
    CHECK(aobench::verify_image(image).empty());
    const std::vector<int> rows = aobench::spot_check_rows(90);
    REQUIRE(rows.size() == 8);
    CHECK(rows.front() == 0);
    CHECK(rows.back() == 89);
    const int row = rows[3];
    image.pixels[static_cast<std::size_t>(row) * 90 + 45] ^= 0x80;
    const std::string problem = aobench::verify_image(image);
    CHECK_THAT(problem, Catch::StartsWith("image checksum mismatch"));
    CHECK_THAT(problem, Catch::Contains("row " + std::to_string(row)));
  }
  SECTION("truncated image") {
    aobench::Image image = render(64, 1);
    image.pixels.pop_back();
    CHECK_THAT(aobench::verify_image(image), Catch::StartsWith("image checksum mismatch"));
  }
}

TEST_CASE("aobench: the observer can stop a render") {
  int calls = 0;
  const auto image = aobench::render_parallel(1024, 2, [&](double fraction) {
    CHECK(fraction >= 0.0);
    CHECK(fraction <= 1.0);
    ++calls;
    return false;
  });
  CHECK_FALSE(image.has_value());
  CHECK(calls == 1);
}

// ---- The built plugin, through dlopen ----

namespace {

struct DlClose {
  void operator()(void* handle) const { dlclose(handle); }
};

struct Plugin {
  std::unique_ptr<void, DlClose> library;
  const bl_plugin* descriptor = nullptr;
  const bl_workload& workload() const { return *descriptor->workload; }
};

Plugin load_plugin() {
  Plugin plugin;
  plugin.library.reset(dlopen(AOBENCH_PLUGIN, RTLD_NOW | RTLD_LOCAL));
  INFO("dlopen " << AOBENCH_PLUGIN << ": " << (plugin.library ? "" : dlerror()));
  REQUIRE(plugin.library);
  const auto entry = reinterpret_cast<bl_entry_fn>(dlsym(plugin.library.get(), BL_ENTRY_SYMBOL));
  REQUIRE(entry != nullptr);
  plugin.descriptor = entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  REQUIRE(plugin.descriptor != nullptr);
  REQUIRE(plugin.descriptor->workload != nullptr);
  return plugin;
}

const bl_option_desc* find_option(const bl_workload& workload, std::string_view name) {
  for (uint32_t i = 0; i < workload.option_count; ++i)
    if (name == workload.options[i].name) return &workload.options[i];
  return nullptr;
}

// A host for one phase that resolves options like the real one (set value, else the
// declared default) and captures what the plugin reports.
struct FakeHost {
  bl_host host{};
  const bl_workload& workload;
  std::map<std::string, std::string> options;
  std::map<std::string, double> metrics;
  std::string error, output;
  bool cancel = false;
  int progress_calls = 0;

  static FakeHost& of(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }

  explicit FakeHost(const bl_workload& w) : workload(w) {
    host.struct_size = sizeof(bl_host);
    host.abi_major = BL_ABI_MAJOR;
    host.abi_minor = BL_ABI_MINOR;
    host.phase = BL_PHASE_RUN;
    host.cpu_count = 2;
    host.host_data = this;
    host.log = [](const bl_host*, int32_t, const char*) {};
    host.set_error = [](const bl_host* h, const char* msg) { of(h).error = msg; };
    host.option = [](const bl_host* h, const char* name) -> const char* {
      FakeHost& self = of(h);
      if (const auto it = self.options.find(name); it != self.options.end())
        return it->second.c_str();
      const bl_option_desc* desc = find_option(self.workload, name);
      return desc ? desc->default_value : nullptr;
    };
    host.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      of(h).metrics[name] = value;
      return BL_OK;
    };
    host.progress = [](const bl_host* h, double, const char*) { ++of(h).progress_calls; };
    host.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      of(h).output.append(data, size);
      return BL_OK;
    };
    host.is_cancelled = [](const bl_host* h) -> int32_t { return of(h).cancel ? 1 : 0; };
    host.now_ns = [](const bl_host*) -> uint64_t {
      timespec ts{};
      clock_gettime(CLOCK_MONOTONIC, &ts);
      return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
    };
  }

  // create, call, destroy: one phase.
  int32_t phase(int32_t (*call)(void*)) {
    void* instance = nullptr;
    REQUIRE(workload.create(&host, &instance) == BL_OK);
    REQUIRE(instance != nullptr);
    const int32_t status = call(instance);
    workload.destroy(instance);
    return status;
  }
};

}  // namespace

TEST_CASE("aobench plugin: the descriptor declares what the docs promise") {
  const Plugin plugin = load_plugin();
  const bl_plugin& p = *plugin.descriptor;
  CHECK(p.struct_size == sizeof(bl_plugin));
  CHECK(p.abi_major == BL_ABI_MAJOR);
  CHECK(p.kind == BL_KIND_WORKLOAD);
  CHECK(std::string(p.id) == "aobench");
  CHECK(p.probe == nullptr);

  const bl_workload& w = plugin.workload();
  CHECK(w.struct_size == sizeof(bl_workload));
  CHECK(w.run != nullptr);
  CHECK(w.setup != nullptr);
  REQUIRE(w.option_count == 2);
  const bl_option_desc* size = find_option(w, "size");
  REQUIRE(size != nullptr);
  CHECK(size->type == BL_OPTION_INT);
  CHECK(std::string(size->default_value) == "1280");
  const bl_option_desc* threads = find_option(w, "threads");
  REQUIRE(threads != nullptr);
  CHECK(std::string(threads->default_value) == "0");

  REQUIRE(w.metric_count == 2);
  CHECK(std::string(w.metrics[0].name) == "seconds");
  CHECK(w.metrics[0].direction == BL_LOWER_IS_BETTER);
  CHECK(std::string(w.metrics[1].name) == "pixels_per_s");
  CHECK(w.metrics[1].direction == BL_HIGHER_IS_BETTER);

  // A host speaking only ABI 2 and later is refused.
  const auto entry = reinterpret_cast<bl_entry_fn>(dlsym(plugin.library.get(), BL_ENTRY_SYMBOL));
  CHECK(entry(BL_ABI_MAJOR + 1, BL_ABI_MAJOR + 2) == nullptr);
}

TEST_CASE("aobench plugin: the default size renders to its known checksum") {
  // What every default trial validates against: a render at the declared default size
  // (about 4 s on 2 cores) must match the table, with this build's compiler flags.
  const Plugin plugin = load_plugin();
  const int size = std::stoi(find_option(plugin.workload(), "size")->default_value);
  const auto known = aobench::known_checksum(size);
  REQUIRE(known.has_value());
  const aobench::Image image = render(size, 2);
  CHECK(aobench::fnv1a64(image.pixels) == *known);
}

TEST_CASE("aobench plugin: a trial reports its time and pixel rate") {
  const Plugin plugin = load_plugin();
  FakeHost fake(plugin.workload());
  fake.options = {{"size", "200"}, {"threads", "2"}};
  CHECK(fake.phase(plugin.workload().setup) == BL_OK);
  REQUIRE(fake.phase(plugin.workload().run) == BL_OK);
  INFO(fake.error);
  REQUIRE(fake.metrics.count("seconds") == 1);
  REQUIRE(fake.metrics.count("pixels_per_s") == 1);
  const double seconds = fake.metrics["seconds"];
  CHECK(seconds > 0.0);
  CHECK(fake.metrics["pixels_per_s"] == Approx(200.0 * 200.0 / seconds));
  CHECK_THAT(fake.output, Catch::StartsWith("aobench 200x200 threads 2 seconds "));
}

TEST_CASE("aobench plugin: threads=0 means one per CPU of the host") {
  const Plugin plugin = load_plugin();
  FakeHost fake(plugin.workload());
  fake.host.cpu_count = 3;
  fake.options = {{"size", "16"}};
  REQUIRE(fake.phase(plugin.workload().run) == BL_OK);
  CHECK_THAT(fake.output, Catch::Contains("threads 3 "));
}

TEST_CASE("aobench plugin: bad options fail with the option named") {
  const Plugin plugin = load_plugin();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"size", "abc"}, {"size", "0"}, {"size", "100000"}, {"size", "12x"}, {"threads", "-1"}};
  for (const auto& [name, value] : bad) {
    FakeHost fake(plugin.workload());
    fake.options = {{name, value}};
    INFO(name << "=" << value);
    CHECK(fake.phase(plugin.workload().setup) == BL_INVALID_ARGUMENT);
    CHECK_THAT(fake.error, Catch::Contains("option " + name) && Catch::Contains(value));
    CHECK(fake.metrics.empty());
  }
}

TEST_CASE("aobench plugin: a cancelled trial stops early and reports nothing") {
  const Plugin plugin = load_plugin();
  FakeHost fake(plugin.workload());
  fake.options = {{"size", "4096"}};  // minutes of work if it did not stop
  fake.cancel = true;
  CHECK(fake.phase(plugin.workload().run) == BL_CANCELLED);
  CHECK(fake.metrics.empty());
  CHECK_FALSE(fake.error.empty());
}
