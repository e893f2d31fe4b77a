// SPDX-License-Identifier: MIT
// The raytrace workload: its renderer (reproducible images, checksums that catch a wrong
// render) and the built plugin loaded with dlopen (descriptor, run() against a fake host).
#include <benchlab/plugin.h>
#include <dlfcn.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image.h"
#include "image_checksum.h"
#include "parallel_render.h"
#include "raytrace_options.h"
#include "render_verification.h"
#include "tracer.h"

namespace {

using raytrace::Image;
using raytrace::Tracer;

// The small render the tests pin down: 192x108, 4 samples per pixel. Its checksum was
// measured once and is the same on x86-64 and aarch64 (see docs/workloads/raytrace.md).
constexpr int kSmallWidth = 192, kSmallHeight = 108, kSmallSamples = 4;
constexpr std::uint64_t kSmallChecksum = 0xd6c6aa0641503e60ull;

Image render(const Tracer& tracer, unsigned threads) {
  Image image(tracer.width(), tracer.height());
  const auto status = raytrace::render_parallel(tracer, threads, image, {});
  REQUIRE(status == raytrace::RenderStatus::complete);
  return image;
}

std::span<const std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

TEST_CASE("raytrace: FNV-1a matches its published test vectors") {
  CHECK(raytrace::fnv1a64(bytes("")) == 0xcbf29ce484222325ull);
  CHECK(raytrace::fnv1a64(bytes("a")) == 0xaf63dc4c8601ec8cull);
  CHECK(raytrace::fnv1a64(bytes("foobar")) == 0x85944171f73967e8ull);
  // Feeding the bytes in pieces gives the same value as all at once.
  CHECK(raytrace::fnv1a64(bytes("bar"), raytrace::fnv1a64(bytes("foo"))) == 0x85944171f73967e8ull);
  CHECK(raytrace::checksum_text(0xabcull) == "0x0000000000000abc");
}

TEST_CASE("raytrace: the same image comes out with 1, 2 and 3 threads") {
  const Tracer tracer(kSmallWidth, kSmallHeight, kSmallSamples);
  const Image one = render(tracer, 1);
  CHECK(render(tracer, 2).rgb == one.rgb);
  CHECK(render(tracer, 3).rgb == one.rgb);

  // And it is a picture, not a blank: many distinct colours.
  std::set<std::uint32_t> colors;
  for (std::size_t i = 0; i < one.rgb.size(); i += 3) {
    colors.insert(one.rgb[i] << 16 | one.rgb[i + 1] << 8 | one.rgb[i + 2]);
  }
  CHECK(colors.size() > 1000);
}

TEST_CASE("raytrace: the small render has its known checksum") {
  const Tracer tracer(kSmallWidth, kSmallHeight, kSmallSamples);
  const Image image = render(tracer, 2);
  CHECK(raytrace::checksum_text(raytrace::fnv1a64(image.rgb)) ==
        raytrace::checksum_text(kSmallChecksum));
  CHECK(raytrace::verify_image(tracer, image, kSmallChecksum).empty());
  CHECK(raytrace::verify_image(tracer, image, std::nullopt).empty());
}

TEST_CASE("raytrace: a perturbed pixel changes the checksum and fails verification") {
  const Tracer tracer(kSmallWidth, kSmallHeight, kSmallSamples);
  Image image = render(tracer, 2);
  // One channel of one pixel in a row the re-render check covers, off by one.
  const int y = raytrace::verification_rows(kSmallHeight).at(3);
  image.row(y)[3 * 57 + 1] ^= 1;

  CHECK(raytrace::fnv1a64(image.rgb) != kSmallChecksum);
  const std::string against_known = raytrace::verify_image(tracer, image, kSmallChecksum);
  CHECK(against_known == "image checksum mismatch (got " +
                             raytrace::checksum_text(raytrace::fnv1a64(image.rgb)) + ", expected " +
                             raytrace::checksum_text(kSmallChecksum) +
                             "): the render is wrong on this machine");
  const std::string against_rerender = raytrace::verify_image(tracer, image, std::nullopt);
  CHECK_THAT(against_rerender, Catch::StartsWith("image checksum mismatch (got ") &&
                                   Catch::EndsWith("the render is wrong on this machine"));
}

TEST_CASE("raytrace: the re-render check covers top, bottom and rows between") {
  const std::vector<int> rows = raytrace::verification_rows(1080);
  REQUIRE(rows.size() == 16);
  CHECK(rows.front() == 0);
  CHECK(rows.back() == 1079);
  CHECK(std::is_sorted(rows.begin(), rows.end()));
  CHECK(std::adjacent_find(rows.begin(), rows.end()) == rows.end());
  CHECK(raytrace::verification_rows(3) == std::vector<int>{0, 1, 2});
}

TEST_CASE("raytrace: every resolution has a known checksum at the default sample count") {
  for (const auto& [w, h] : {std::pair{1920, 1080}, {3840, 2160}, {5120, 2880}}) {
    CAPTURE(w, h);
    CHECK(raytrace::expected_checksum(w, h, raytrace::kDefaultSamples).has_value());
    CHECK(raytrace::expected_checksum(w, h, 1).has_value());
  }
  CHECK_FALSE(raytrace::expected_checksum(1920, 1080, 3).has_value());
  CHECK_FALSE(raytrace::expected_checksum(kSmallWidth, kSmallHeight, kSmallSamples).has_value());
}

// ---- The built plugin, through dlopen ----

namespace {

struct DlClose {
  void operator()(void* handle) const { dlclose(handle); }
};
using Library = std::unique_ptr<void, DlClose>;

struct LoadedPlugin {
  Library library;
  const bl_plugin* plugin = nullptr;
};

LoadedPlugin load_plugin() {
  LoadedPlugin loaded;
  loaded.library.reset(dlopen(RAYTRACE_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL));
  INFO("dlopen " << RAYTRACE_PLUGIN_PATH << ": " << (loaded.library ? "" : dlerror()));
  REQUIRE(loaded.library);
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(loaded.library.get(), BL_ENTRY_SYMBOL));
  REQUIRE(entry != nullptr);
  loaded.plugin = entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  REQUIRE(loaded.plugin != nullptr);
  return loaded;
}

// A host for one phase: options in, metrics, errors and output captured.
struct FakeHost {
  bl_host host{};
  std::map<std::string, std::string> options;
  std::map<std::string, double> metrics;
  std::string error, output;
  bool cancel = false;
  int progress_calls = 0;
  std::string scratch;

  static FakeHost& of(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }

  explicit FakeHost(const std::filesystem::path& scratch_dir) : scratch(scratch_dir.string()) {
    host.struct_size = sizeof(bl_host);
    host.abi_major = BL_ABI_MAJOR;
    host.abi_minor = BL_ABI_MINOR;
    host.phase = BL_PHASE_RUN;
    host.cpu_count = 2;
    host.scratch_dir = scratch.c_str();
    host.cache_dir = scratch.c_str();
    host.host_data = this;
    host.log = [](const bl_host*, int32_t, const char*) {};
    host.set_error = [](const bl_host* h, const char* msg) { of(h).error = msg; };
    host.option = [](const bl_host* h, const char* name) -> const char* {
      auto& self = of(h);
      if (const auto it = self.options.find(name); it != self.options.end()) {
        return it->second.c_str();
      }
      return nullptr;
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
};

// create, call, destroy: one phase.
int32_t run_phase(const bl_workload& workload, FakeHost& fake, int32_t (*call)(void*)) {
  void* instance = nullptr;
  REQUIRE(workload.create(&fake.host, &instance) == BL_OK);
  REQUIRE(instance != nullptr);
  const int32_t status = call(instance);
  workload.destroy(instance);
  return status;
}

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string name = (std::filesystem::temp_directory_path() / "raytrace-test-XXXXXX").string();
    REQUIRE(mkdtemp(name.data()) != nullptr);
    path = name;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

TEST_CASE("raytrace plugin: the descriptor declares what the docs promise") {
  const LoadedPlugin loaded = load_plugin();
  const bl_plugin& p = *loaded.plugin;
  CHECK(p.struct_size == sizeof(bl_plugin));
  CHECK(p.abi_major == BL_ABI_MAJOR);
  CHECK(p.kind == BL_KIND_WORKLOAD);
  CHECK(std::string(p.id) == "raytrace");
  CHECK(p.probe == nullptr);
  REQUIRE(p.workload != nullptr);
  const bl_workload& w = *p.workload;
  CHECK(w.struct_size == sizeof(bl_workload));
  CHECK(w.run != nullptr);

  std::map<std::string, const bl_option_desc*> options;
  for (uint32_t i = 0; i < w.option_count; ++i) options[w.options[i].name] = &w.options[i];
  REQUIRE(options.size() == 4);
  const bl_option_desc& resolution = *options.at("resolution");
  CHECK(resolution.type == BL_OPTION_ENUM);
  CHECK(std::string(resolution.default_value) == "1080p");
  std::vector<std::string> allowed;
  for (const char* const* a = resolution.allowed; *a != nullptr; ++a) allowed.emplace_back(*a);
  CHECK(allowed == std::vector<std::string>{"1080p", "4k", "5k"});
  CHECK(options.at("threads")->type == BL_OPTION_INT);
  CHECK(std::string(options.at("threads")->default_value) == "0");
  CHECK(options.at("samples")->type == BL_OPTION_INT);
  CHECK(std::string(options.at("samples")->default_value) ==
        std::to_string(raytrace::kDefaultSamples));
  CHECK(options.at("samples")->min_value == 1.0);
  CHECK(options.at("save_image")->type == BL_OPTION_STRING);

  REQUIRE(w.metric_count == 2);
  CHECK(std::string(w.metrics[0].name) == "seconds");
  CHECK(std::string(w.metrics[0].unit) == "s");
  CHECK(w.metrics[0].direction == BL_LOWER_IS_BETTER);
  CHECK(std::string(w.metrics[1].name) == "mrays_per_s");
  CHECK(std::string(w.metrics[1].unit) == "Mrays/s");
  CHECK(w.metrics[1].direction == BL_HIGHER_IS_BETTER);
}

TEST_CASE("raytrace plugin: refuses a host that does not speak ABI 1") {
  const LoadedPlugin loaded = load_plugin();
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(loaded.library.get(), BL_ENTRY_SYMBOL));
  CHECK(entry(BL_ABI_MAJOR + 1, BL_ABI_MAJOR + 3) == nullptr);
  CHECK(entry(0, BL_ABI_MAJOR + 1) == loaded.plugin);
}

TEST_CASE("raytrace plugin: a 1080p trial reports both metrics and saves a correct image") {
  const LoadedPlugin loaded = load_plugin();
  const ScratchDir scratch;
  FakeHost fake(scratch.path);
  fake.options = {
      {"resolution", "1080p"}, {"samples", "1"}, {"threads", "2"}, {"save_image", "render.ppm"}};
  REQUIRE(run_phase(*loaded.plugin->workload, fake, loaded.plugin->workload->run) == BL_OK);
  INFO(fake.error);

  REQUIRE(fake.metrics.count("seconds") == 1);
  REQUIRE(fake.metrics.count("mrays_per_s") == 1);
  const double seconds = fake.metrics["seconds"];
  CHECK(seconds > 0.0);
  CHECK(fake.metrics["mrays_per_s"] == Approx(1920.0 * 1080.0 / seconds / 1e6));
  CHECK(fake.progress_calls >= 1);
  CHECK_THAT(fake.output, Catch::Contains("1920x1080, 1 samples, 2 threads"));

  // The saved picture is the 1080p image with the checksum the plugin knows.
  std::ifstream ppm(scratch.path / "render.ppm", std::ios::binary);
  REQUIRE(ppm);
  const std::string file((std::istreambuf_iterator<char>(ppm)), std::istreambuf_iterator<char>());
  const std::string header = "P6\n1920 1080\n255\n";
  REQUIRE(file.size() == header.size() + 1920u * 1080u * 3u);
  CHECK(file.compare(0, header.size(), header) == 0);
  CHECK(raytrace::fnv1a64(bytes(std::string_view(file).substr(header.size()))) ==
        raytrace::expected_checksum(1920, 1080, 1));
}

TEST_CASE("raytrace plugin: a cancelled trial returns BL_CANCELLED and scores nothing") {
  const LoadedPlugin loaded = load_plugin();
  const ScratchDir scratch;
  FakeHost fake(scratch.path);
  fake.options = {{"resolution", "5k"}, {"samples", "16"}};
  fake.cancel = true;
  CHECK(run_phase(*loaded.plugin->workload, fake, loaded.plugin->workload->run) == BL_CANCELLED);
  CHECK(fake.metrics.empty());
  CHECK_THAT(fake.error, Catch::Contains("cancelled"));
}

TEST_CASE("raytrace plugin: bad options are refused at setup with the option's name") {
  const LoadedPlugin loaded = load_plugin();
  const bl_workload& w = *loaded.plugin->workload;
  const ScratchDir scratch;
  FakeHost fake(scratch.path);

  fake.options = {{"samples", "0"}};
  CHECK(run_phase(w, fake, w.setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("samples") && Catch::Contains("from 1 to"));

  fake.options = {{"threads", "two"}};
  CHECK(run_phase(w, fake, w.setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("threads"));

  fake.options = {{"resolution", "8k"}};
  CHECK(run_phase(w, fake, w.setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("1080p, 4k, 5k"));

  // A save path whose directory is missing fails before the render, not after it.
  fake.options = {{"save_image", "no-such-dir/render.ppm"}};
  CHECK(run_phase(w, fake, w.run) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("no-such-dir") && Catch::Contains("does not exist"));
  CHECK(fake.metrics.empty());

  fake.options = {};
  CHECK(run_phase(w, fake, w.setup) == BL_OK);
}
