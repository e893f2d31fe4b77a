// Discovery as an operator meets it: files in a plugin directory that are not plugins,
// or plugins of another ABI, are each reported once with the file and the reason, and
// never keep the good plugins from loading; an unsafe directory or file is refused.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

// The diagnostics that mention `file`.
std::vector<std::string> about(const std::vector<std::string>& diags, const std::string& file) {
  std::vector<std::string> out;
  for (const auto& d : diags)
    if (d.find(file) != std::string::npos) out.push_back(d);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("each bad plugin file gets one diagnostic naming file and reason", "[discovery]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db", {test_plugin_dir().string()}, {});
  auto diags = h.diagnostics();
  INFO("diagnostics: " << Catch::Detail::stringify(diags));

  auto garbage = about(diags, (test_plugin_dir() / "garbage.so").string());
  REQUIRE(garbage.size() == 1);
  CHECK_THAT(garbage[0], Contains("cannot load:"));

  auto noentry = about(diags, (test_plugin_dir() / "noentry.so").string());
  REQUIRE(noentry.size() == 1);
  CHECK_THAT(noentry[0], Contains("not a benchlab plugin (no symbol benchlab_plugin_entry)"));

  auto wrongabi = about(diags, (test_plugin_dir() / "wrongabi.so").string());
  REQUIRE(wrongabi.size() == 1);
  CHECK_THAT(wrongabi[0], Contains("built for plugin ABI 2.0"));
  CHECK_THAT(wrongabi[0], Contains("rebuild"));

  CHECK(diags.size() == 3);
}

TEST_CASE("the good plugins load beside the bad ones", "[discovery]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db", {test_plugin_dir().string()}, {});
  auto ids = h.plugin_ids();
  for (const char* id :
       {"noop", "crash", "hang", "hungry", "noisy", "cannotrun", "dynmetric", "oldheader"})
    CHECK(has(ids, id));
  CHECK_FALSE(has(ids, "wrongabi"));
  CHECK(ids.size() == 8);

  auto noop = h.plugin("noop");
  REQUIRE(noop);
  CHECK(std::string(noop->path) == (test_plugin_dir() / "noop.so").string());
  CHECK(noop->kind == BENCHLAB_PLUGIN_WORKLOAD);
  CHECK(std::string(noop->version) == "1.0.0");
  CHECK_THAT(noop->options, Contains("sleep_ms=0 (int) milliseconds to sleep in every trial"));
  CHECK_THAT(noop->metrics, Contains("value [x] higher"));
}

TEST_CASE("a plugin built against an older, shorter header is read by its struct sizes",
          "[discovery][abi]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db", {test_plugin_dir().string()}, {});
  auto old = h.plugin("oldheader");
  REQUIRE(old);
  CHECK(std::string(old->version) == "0.9.0");
  // Both options, read with the old (shorter) stride, and their defaults.
  CHECK_THAT(old->options, Contains("scale=2 (int)"));
  CHECK_THAT(old->options, Contains("offset=5 (int)"));
}

TEST_CASE("a world-writable plugin directory is refused with a diagnostic", "[discovery]") {
  TempDir tmp;
  auto dir = tmp.path() / "plugins";
  fs::create_directories(dir);
  fs::copy_file(test_plugin_dir() / "noop.so", dir / "noop.so");
  REQUIRE(chmod(dir.c_str(), 0777) == 0);

  Harness h(tmp.path() / "results.db", {dir.string()}, {});
  CHECK(h.plugin_ids().empty());
  auto diags = about(h.diagnostics(), dir.string());
  REQUIRE(diags.size() == 1);
  CHECK_THAT(diags[0], Contains("plugin directory refused"));
  CHECK_THAT(diags[0], Contains("writable by every user"));
}

TEST_CASE("a world-writable plugin file is refused with a diagnostic", "[discovery]") {
  TempDir tmp;
  auto dir = tmp.path() / "plugins";
  fs::create_directories(dir);
  fs::copy_file(test_plugin_dir() / "noop.so", dir / "noop.so");
  fs::copy_file(test_plugin_dir() / "crash.so", dir / "crash.so");
  REQUIRE(chmod((dir / "noop.so").c_str(), 0666) == 0);

  Harness h(tmp.path() / "results.db", {dir.string()}, {});
  CHECK(h.plugin_ids() == std::vector<std::string>{"crash"});
  auto diags = about(h.diagnostics(), (dir / "noop.so").string());
  REQUIRE(diags.size() == 1);
  CHECK_THAT(diags[0], Contains("refused: writable by every user"));
}

TEST_CASE("the first of two plugins with one id wins, and the second is reported", "[discovery]") {
  TempDir tmp;
  auto first = tmp.path() / "first", second = tmp.path() / "second";
  fs::create_directories(first);
  fs::create_directories(second);
  fs::copy_file(test_plugin_dir() / "noop.so", first / "noop.so");
  fs::copy_file(test_plugin_dir() / "noop.so", second / "noop.so");

  Harness h(tmp.path() / "results.db", {first.string(), second.string()}, {});
  auto noop = h.plugin("noop");
  REQUIRE(noop);
  CHECK(std::string(noop->path) == (first / "noop.so").string());
  auto diags = about(h.diagnostics(), (second / "noop.so").string());
  REQUIRE(diags.size() == 1);
  CHECK_THAT(diags[0], Contains("already loaded from " + (first / "noop.so").string()));
}

TEST_CASE("fixture profiles and suites are discovered", "[discovery]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  CHECK(h.diagnostics().size() == 3);  // only the three bad plugin files
  bool suite = false;
  for (uint32_t i = 0; i < benchlab_profile_count(h.ctx()); ++i) {
    benchlab_profile_info p{};
    p.struct_size = sizeof p;
    REQUIRE(benchlab_profile_at(h.ctx(), i, &p) == BENCHLAB_OK);
    if (std::string(p.id) == "it-slow") {
      suite = true;
      CHECK(p.kind == BENCHLAB_TARGET_SUITE);
      CHECK(std::string(p.members) == "it-slow-a it-slow-b it-slow-c");
    }
  }
  CHECK(suite);
}
