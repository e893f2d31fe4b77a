// SPDX-License-Identifier: MIT
// Discovery as the core's C++ API sees it: each PluginInfo carries the SHA-256 of its file
// and the ABI 1.1 metric flags, the same whether a worker described the file or the plugin
// cache remembered it; and a record from a describing worker is checked before the core
// believes it, since the process that wrote it ran the plugin's code.
#include <benchlab/plugin.h>

#include <catch2/catch.hpp>
#include <string>

#include "catalog.h"
#include "plugin_record.h"
#include "subprocess.h"
#include "unit_support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// What coreutils says, not what our own code says.
std::string sha256sum(const fs::path& file) {
  std::string out;
  SpawnSpec spec;
  spec.argv = {"sha256sum", file.string()};
  const ExitInfo e = run_process(
      spec, [&](std::string_view s) { out.append(s); }, nullptr);
  REQUIRE(e.exit_code == 0);
  return out.substr(0, out.find(' '));
}

SearchPaths marker_only(const fs::path& cache) {
  SearchPaths p;
  p.plugin_dirs = {DISCOVERY_PLUGIN_DIR};
  p.worker = BENCHLAB_WORKER_PATH;
  p.plugin_cache = cache;
  return p;
}

}  // namespace

TEST_CASE("a discovered plugin carries its file's SHA-256 and its optional metrics, cached or not",
          "[discovery]") {
  unit::TempDir tmp;
  const fs::path cache = tmp.path / "plugins.json";
  const fs::path so = fs::path(DISCOVERY_PLUGIN_DIR) / "marker.so";
  const std::string expected = sha256sum(so);
  std::vector<std::string> notices;
  for (const char* round : {"described by a worker", "from the plugin cache"}) {
    INFO(round);
    const Catalog c =
        discover(marker_only(cache), [&](const std::string& l) { notices.push_back(l); });
    INFO("diagnostics: " << Catch::Detail::stringify(c.diagnostics));
    CHECK(c.diagnostics.empty());
    const PluginInfo* p = c.plugin("marker");
    REQUIRE(p);
    CHECK(p->path == so);
    CHECK(p->sha256 == expected);
    CHECK(p->version == "1.0.0");
    CHECK(p->vendor == "benchlab tests");
    CHECK(p->abi_major == BL_ABI_MAJOR);
    CHECK(p->abi_minor == BL_ABI_MINOR);
    REQUIRE(p->metrics.size() == 2);
    CHECK(p->metrics[0].name == "value");
    CHECK_FALSE(p->metrics[0].optional);
    CHECK(p->metrics[1].name == "extra");
    CHECK(p->metrics[1].optional);
    CHECK(p->metrics[1].direction == BL_LOWER_IS_BETTER);
    CHECK(fs::is_regular_file(cache));
  }
  CHECK(notices.empty());  // nothing was slow
}

TEST_CASE("a describing worker's record is checked before the core believes it", "[discovery]") {
  PluginInfo p;
  p.path = "/p/x.so";
  p.sha256 = std::string(64, 'a');
  p.id = "x";
  p.version = "1.0";
  p.kind = BL_KIND_WORKLOAD;
  p.description = std::string("bytes \xff\xfe and \"quotes\"\n");
  p.metrics.push_back({"m", "s", BL_LOWER_IS_BETTER, "", true});
  PluginRecord r{"/p/x.so", p, ""};
  const PluginRecord back = decode_plugin_record(encode_plugin_record(r));
  REQUIRE(back.plugin);
  CHECK(back.plugin->description == p.description);  // not UTF-8, kept as bytes
  CHECK(back.plugin->metrics.at(0).optional);

  // The id and version become directory names under the cache directory.
  auto refused = [&](PluginInfo bad, const std::string& why) {
    INFO(why);
    CHECK_THROWS_WITH(decode_plugin_record(encode_plugin_record({"/p/x.so", bad, ""})),
                      Contains(why));
  };
  PluginInfo bad = p;
  bad.id = "../../x";
  refused(bad, "invalid plugin id");
  bad = p;
  bad.version = "../../../etc";
  refused(bad, "invalid version");
  bad = p;
  bad.sha256 = "not a hash";
  refused(bad, "sha256");
  bad = p;
  bad.kind = 7;
  refused(bad, "unknown kind 7");
  bad = p;
  bad.metrics.push_back(bad.metrics[0]);
  refused(bad, "declared twice");
  CHECK_THROWS_WITH(decode_plugin_record("{\"file\": \"/p/x.so\", \"plugin\": 1}"),
                    Contains("not a JSON object"));
  CHECK_THROWS_WITH(decode_plugin_record("not json"), Contains("not a JSON record"));
}
