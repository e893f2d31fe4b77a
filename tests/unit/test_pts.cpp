// SPDX-License-Identifier: MIT
// Phoronix Test Suite result files: the composite.xml parser and writer on the documented
// fixture (tests/fixtures/pts), the import into a real store, the export of runs made with
// the Store API and its import back, and hostile files, each refused with its line while
// the store stays exactly as it was.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "inventory.h"
#include "pts_composite.h"
#include "pts_interop.h"
#include "sqlite_stmt.h"
#include "store.h"
#include "unit_support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using unit::TempDir;

const fs::path kFixture = fs::path(FIXTURES_DIR) / "pts" / "composite.xml";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Row counts of the tables an import writes, and a full dump (rows as text, sorted).
struct Snapshot {
  std::string text;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(Store& store) {
  std::vector<std::string> tables;
  {
    Stmt t(store.handle(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (t.step()) tables.push_back(t.text(0));
  }
  Snapshot snap;
  for (const auto& table : tables) {
    Stmt count(store.handle(), "SELECT COUNT(*) FROM \"" + table + "\"");
    count.step();
    snap.text += table + ": " + std::to_string(count.i64(0)) + " rows\n";
    // quote() renders every column of a row as SQL text, so one string per row.
    Stmt cols(store.handle(), "SELECT name FROM pragma_table_info(?1)");
    cols.bind(1, table);
    std::string expr;
    while (cols.step())
      expr += (expr.empty() ? "" : " || ',' || ") + ("quote(\"" + cols.text(0) + "\")");
    if (expr.empty()) continue;
    Stmt rows(store.handle(), "SELECT " + expr + " FROM \"" + table + "\" ORDER BY 1");
    std::vector<std::string> lines;
    while (rows.step()) lines.push_back(rows.text(0));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) snap.text += "  " + l + "\n";
  }
  return snap;
}

std::int64_t count_rows(Store& store, const std::string& table) {
  Stmt s(store.handle(), "SELECT COUNT(*) FROM " + table);
  s.step();
  return s.i64(0);
}

const TrialRow* trial_at(const std::vector<TrialRow>& trials, int idx) {
  for (const auto& t : trials)
    if (t.idx == idx) return &t;
  return nullptr;
}

double value_of(const TrialRow& t, const std::string& metric) {
  for (const auto& [k, v] : t.values)
    if (k == metric) return v;
  return NAN;
}

// A message "FILE:LINE: ..." with LINE a positive number.
bool names_line(const std::string& message, const std::string& file, unsigned* line = nullptr) {
  const std::regex re("^" +
                      std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                      R"(:([0-9]+): .+)");
  std::smatch m;
  if (!std::regex_search(message, m, re)) return false;
  const unsigned n = static_cast<unsigned>(std::stoul(m[1].str()));
  if (line) *line = n;
  return n > 0;
}

}  // namespace

TEST_CASE("the documented fixture parses into its systems, results, entries and raw values") {
  const PtsResultFile f = load_pts_composite(kFixture);
  CHECK(f.generated.title == "Ryzen vs Xeon");
  CHECK(f.generated.test_client == "Phoronix Test Suite v10.8.4");
  REQUIRE(f.systems.size() == 2);
  CHECK(f.systems[0].identifier == "Ryzen 9 5950X");
  CHECK(f.systems[0].hardware.starts_with("Processor: AMD Ryzen 9 5950X 16-Core"));
  CHECK(f.systems[0].software.starts_with("OS: Ubuntu 22.04, Kernel: 5.19.0-35-generic"));
  CHECK(f.systems[0].timestamp == "2023-03-14 09:10:11");
  CHECK(f.systems[0].client_version == "10.8.4");
  CHECK(f.systems[0].json.starts_with("{\"compiler-configuration\""));
  CHECK(f.systems[1].notes == "Turbo disabled in the firmware & SMT on.");
  CHECK(f.systems[1].json.empty());
  CHECK(f.systems[1].line > f.systems[0].line);

  REQUIRE(f.results.size() == 4);
  const PtsResult& cray = f.results[0];
  CHECK(cray.identifier == "pts/c-ray-1.2.0");
  CHECK(cray.title == "C-Ray");
  CHECK(cray.app_version == "1.1");
  CHECK(cray.arguments == "-s 3840x2160 -r 16");
  CHECK(cray.description == "Total Time - 4K, 16 Rays Per Pixel");
  CHECK(cray.scale == "Seconds");
  CHECK(cray.proportion == "LIB");
  CHECK_FALSE(cray.higher_is_better());
  CHECK(cray.numeric());
  REQUIRE(cray.entries.size() == 2);
  CHECK(cray.entries[0].identifier == "Ryzen 9 5950X");
  CHECK(cray.entries[0].number == 30.12);
  CHECK(cray.entries[0].raw == std::vector<double>{30.08, 30.215, 30.07});
  CHECK(cray.entries[0].json == R"({"test-run-times":"30.11:30.25:30.1"})");
  CHECK(cray.entries[1].raw == std::vector<double>{41.5, 41.6, 41.631});

  const PtsResult& zstd = f.results[1];
  CHECK(zstd.proportion == "HIB");
  CHECK(zstd.higher_is_better());
  REQUIRE(zstd.entries.size() == 2);
  CHECK(zstd.entries[1].number == 2875.9);
  CHECK(zstd.entries[1].raw.empty());  // RawString empty: the Value alone
  CHECK(f.results[2].entries.size() == 1);

  const PtsResult& monitor = f.results[3];
  CHECK_FALSE(monitor.numeric());
  CHECK(monitor.display_format == "LINE_GRAPH");
  REQUIRE(monitor.entries.size() == 1);
  CHECK(monitor.entries[0].value == "45.1,46.3,47.8,48");  // kept as text
  CHECK_FALSE(monitor.entries[0].number.has_value());
}

TEST_CASE("written and read again, a result file is the same") {
  const PtsResultFile a = load_pts_composite(kFixture);
  const std::string xml = write_pts_composite(a);
  CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  const PtsResultFile b = parse_pts_composite(xml, "again.xml");
  CHECK(b.generated.title == a.generated.title);
  REQUIRE(b.systems.size() == a.systems.size());
  for (std::size_t i = 0; i < a.systems.size(); ++i) {
    CHECK(b.systems[i].identifier == a.systems[i].identifier);
    CHECK(b.systems[i].hardware == a.systems[i].hardware);
    CHECK(b.systems[i].software == a.systems[i].software);
    CHECK(b.systems[i].notes == a.systems[i].notes);
    CHECK(b.systems[i].json == a.systems[i].json);
  }
  REQUIRE(b.results.size() == a.results.size());
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    CHECK(b.results[i].description == a.results[i].description);
    CHECK(b.results[i].display_format == a.results[i].display_format);
    REQUIRE(b.results[i].entries.size() == a.results[i].entries.size());
    for (std::size_t k = 0; k < a.results[i].entries.size(); ++k) {
      CHECK(b.results[i].entries[k].value == a.results[i].entries[k].value);
      CHECK(b.results[i].entries[k].raw == a.results[i].entries[k].raw);
      CHECK(b.results[i].entries[k].json == a.results[i].entries[k].json);
    }
  }
}

TEST_CASE("text XML cannot hold is written as U+FFFD, markup characters escaped") {
  PtsResultFile f;
  f.systems.push_back({});
  f.systems[0].identifier = "a <b> & \"c\" ]]>";
  f.systems[0].notes = std::string("bell\x07 bad\xff utf-8 \r\n line");
  PtsResult r;
  r.identifier = "t";
  r.proportion = "HIB";
  r.entries.push_back({});
  r.entries[0].identifier = f.systems[0].identifier;
  r.entries[0].value = pts_number(0.1 + 0.2);
  f.results.push_back(r);
  const PtsResultFile back = parse_pts_composite(write_pts_composite(f), "w.xml");
  REQUIRE(back.systems.size() == 1);
  CHECK(back.systems[0].identifier == "a <b> & \"c\" ]]>");
  CHECK(back.systems[0].notes == "bell\xef\xbf\xbd bad\xef\xbf\xbd utf-8 \n line");
  REQUIRE(back.results.size() == 1);
  CHECK(back.results[0].entries[0].number == 0.1 + 0.2);
}

TEST_CASE("numbers are written in the shortest form that reads back exactly") {
  for (double x : {0.0, 1.0, -3.5, 0.1 + 0.2, 1e-300, 6.02214076e23, 123456.789012345678,
                   std::nextafter(1.0, 2.0)}) {
    const std::string s = pts_number(x);
    CHECK(std::stod(s) == x);
  }
  CHECK(pts_number(12.5) == "12.5");
}

TEST_CASE("Hardware and Software strings split into components as PTS splits them") {
  const auto parts = pts_components(
      "Processor: AMD Ryzen 9 5950X (16 Cores / 32 Threads), Motherboard: ASUS "
      "X (4201 BIOS), Memory: 32GB, stray, Disk: a + b");
  REQUIRE(parts.size() == 4);
  CHECK(parts[0] == std::pair<std::string, std::string>{
                        "Processor", "AMD Ryzen 9 5950X (16 Cores / 32 Threads)"});
  CHECK(parts[2].second == "32GB, stray");  // a piece without "Key: " continues the value
  CHECK(parts[3].second == "a + b");
  const std::string joined =
      pts_component_string({{"OS", "Debian, 12"}, {"Kernel", ""}, {"Compiler", "GCC 12"}});
  CHECK(joined == "OS: Debian; 12, Compiler: GCC 12");
  CHECK(pts_components(joined).size() == 2);
  // ", " after a comma: "; " cannot make a new ", " with it.
  const std::string commas = pts_component_string({{"A", "x,, y, , z"}, {"B", "w"}});
  CHECK(commas == "A: x,; y; ; z, B: w");
  CHECK(pts_components(commas).size() == 2);
}

TEST_CASE("importing the fixture makes one complete run per system, marked with its source") {
  TempDir t;
  Store store(t.path / "r.db");
  const ImportSummary sum = import_pts(store, kFixture);
  CHECK(sum.source == "pts: pts/composite.xml");
  CHECK(sum.systems == 2);
  CHECK(sum.runs == 2);
  CHECK(sum.results == 5);
  CHECK(sum.trials == 3 + 2 + 3 + 3 + 1);
  REQUIRE(sum.run_ids.size() == 2);
  REQUIRE(sum.skipped.size() == 1);  // the LINE_GRAPH monitor
  CHECK(sum.skipped[0].find("LINE_GRAPH") != std::string::npos);
  CHECK(names_line(sum.skipped[0], kFixture.string()));

  const auto runs = store.runs();
  REQUIRE(runs.size() == 2);
  const RunRow& ryzen = runs[0];
  CHECK(ryzen.system == "Ryzen 9 5950X");
  CHECK(ryzen.status == "complete");
  CHECK_FALSE(ryzen.finished_at.empty());
  CHECK(ryzen.source == "pts: pts/composite.xml");
  CHECK(ryzen.targets == "pts: pts/composite.xml");
  CHECK(ryzen.version == BENCHLAB_VERSION);
  const json::object settings = json::parse(ryzen.settings_json).as_object();
  CHECK(settings.at("imported").at("format") == "pts");
  CHECK(settings.at("imported").at("timestamp") == "2023-03-14 09:10:11");

  // The inventory from the Hardware and Software strings.
  const json::object inv = json::parse(ryzen.inventory_json).as_object();
  CHECK(inv.at("cpu_model") == "AMD Ryzen 9 5950X 16-Core");
  CHECK(inv.at("cpu_summary") == "AMD Ryzen 9 5950X 16-Core @ 3.40GHz (16 Cores / 32 Threads)");
  CHECK(inv.at("cores") == 16);
  CHECK(inv.at("threads") == 32);
  CHECK(inv.at("memory_bytes") == std::uint64_t(32) << 30);
  CHECK(inv.at("board") == "ASUS ROG CROSSHAIR VIII HERO (WI-FI)");
  CHECK(inv.at("bios_version") == "4201");
  CHECK(inv.at("os_name") == "Ubuntu 22.04");
  CHECK(inv.at("kernel") == "5.19.0-35-generic");
  CHECK(inv.at("arch") == "x86_64");
  CHECK(inv.at("compiler") == "GCC 11.3.0");
  REQUIRE(inv.at("storage").as_array().size() == 2);
  CHECK(inv.at("storage").as_array()[0].at("model") == "Samsung SSD 980 PRO 1TB");
  CHECK(inv.at("storage").as_array()[0].at("bytes") == std::uint64_t(1000) << 30);
  REQUIRE(inv.at("gpus").as_array().size() == 1);
  CHECK(inv.at("gpus").as_array()[0].at("name") == "AMD Radeon RX 6800 XT 16GB (2575/1000MHz)");
  CHECK(inv.at("pts_hardware").as_string().starts_with("Processor: AMD Ryzen 9"));
  CHECK(inv.at("pts_software").as_string().starts_with("OS: Ubuntu 22.04"));
  const json::object xeon_inv = json::parse(runs[1].inventory_json).as_object();
  CHECK(xeon_inv.at("memory_bytes") == std::uint64_t(64) << 30);
  CHECK(xeon_inv.at("bios_version") == "1.17.0");

  const auto results = store.results(ryzen.id);
  REQUIRE(results.size() == 3);
  const ResultRow& cray = results[0];
  CHECK(cray.test == "pts/c-ray-1.2.0");
  CHECK(cray.plugin == "pts");
  CHECK(cray.plugin_version == "1.1");
  CHECK(cray.status == "ok");
  CHECK(cray.category.empty());
  CHECK(cray.options == OptionList{{"arguments", "-s 3840x2160 -r 16"},
                                   {"description", "Total Time - 4K, 16 Rays Per Pixel"}});
  REQUIRE(cray.metrics.size() == 1);
  CHECK(cray.metrics[0].name == "seconds");
  CHECK(cray.metrics[0].unit == "Seconds");
  CHECK(cray.metrics[0].direction == -1);
  CHECK(cray.metrics[0].description == "Total Time - 4K, 16 Rays Per Pixel");
  const auto trials = store.trials(cray.id);
  REQUIRE(trials.size() == 3);
  CHECK(trials[1].ok);
  CHECK_FALSE(trials[1].warmup);
  CHECK(value_of(trials[1], "seconds") == 30.215);
  CHECK(trials[1].wall_ns == 30250000000u);  // Entry/JSON test-run-times
  CHECK(results[1].metrics[0].name == "mb_s");
  CHECK(results[1].metrics[0].direction == 1);
  CHECK(results[2].options.back().second == "Compression Level: 3 - Decompression Speed");

  // The Xeon has no Decompression Speed entry; its Compression Speed is a Value alone.
  const auto xeon = store.results(runs[1].id);
  REQUIRE(xeon.size() == 2);
  const auto xt = store.trials(xeon[1].id);
  REQUIRE(xt.size() == 1);
  CHECK(value_of(xt[0], "mb_s") == 2875.9);
  CHECK(xt[0].wall_ns == 0);
}

TEST_CASE("runs imported from PTS export with their PTS identifiers, arguments and times") {
  TempDir t;
  Store store(t.path / "r.db");
  import_pts(store, kFixture);
  const PtsResultFile out = pts_from_store(store, {});
  const PtsResultFile in = load_pts_composite(kFixture);
  REQUIRE(out.systems.size() == 2);
  CHECK(out.systems[0].identifier == in.systems[0].identifier);
  CHECK(out.systems[0].timestamp == in.systems[0].timestamp);
  CHECK(out.systems[1].timestamp == in.systems[1].timestamp);
  REQUIRE(out.results.size() == 3);  // the LINE_GRAPH monitor was not imported
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(out.results[i].identifier == in.results[i].identifier);
    CHECK(out.results[i].title == in.results[i].title);
    CHECK(out.results[i].app_version == in.results[i].app_version);
    CHECK(out.results[i].arguments == in.results[i].arguments);
    CHECK(out.results[i].description == in.results[i].description);
    CHECK(out.results[i].scale == in.results[i].scale);
    CHECK(out.results[i].proportion == in.results[i].proportion);
    REQUIRE(out.results[i].entries.size() == in.results[i].entries.size());
    for (std::size_t k = 0; k < in.results[i].entries.size(); ++k) {
      CHECK(out.results[i].entries[k].identifier == in.results[i].entries[k].identifier);
      if (!in.results[i].entries[k].raw.empty())
        CHECK(out.results[i].entries[k].raw == in.results[i].entries[k].raw);
    }
  }
  // Value is the mean of the raw values (PTS rounds its own to two decimals).
  CHECK(*out.results[0].entries[0].number == Approx(30.12).epsilon(1e-3));
  CHECK(out.results[1].entries[1].raw == std::vector<double>{2875.9});
}

TEST_CASE("a system the store knows keeps its inventory when a PTS file of it is imported") {
  TempDir t;
  Store store(t.path / "r.db");
  store.upsert_system("Xeon W-2295", R"({"cpu_model":"measured by benchlab"})");
  import_pts(store, kFixture);
  Stmt s(store.handle(), "SELECT inventory FROM systems WHERE name = 'Xeon W-2295'");
  REQUIRE(s.step());
  CHECK(s.text(0) == R"({"cpu_model":"measured by benchlab"})");
  // The run itself holds what the file says.
  CHECK(json::parse(store.runs().back().inventory_json).at("cpu_model") == "Intel Xeon W-2295");
  CHECK(count_rows(store, "systems") == 2);
}

namespace {

// A store made with the Store API: system "box" with two runs and system "other" with one.
// Run 1: raytrace with two metrics (warm-up, three measured trials, one failed, and a
// derived energy metric) and gpu-bench that could not run.
struct Lab {
  TempDir dir;
  Store store{dir.path / "lab.db"};
  std::int64_t run1 = 0, run2 = 0, run3 = 0;
  std::string inventory;

  Lab() {
    Inventory inv;
    inv.hostname = "box";
    inv.arch = "x86_64";
    inv.cpu_model = "AMD Ryzen 7 7700X 8-Core Processor";
    inv.cores = 8;
    inv.threads = 16;
    inv.memory_bytes = std::uint64_t(31) << 30;
    inv.os_name = "Debian GNU/Linux 12 (bookworm)";
    inv.kernel = "6.1.0-18-amd64";
    inv.compiler = "GCC 12.2.0";
    inv.board = "B650M, PRO";
    inv.bios_version = "1.40";
    inv.storage.push_back({"nvme0n1", "WD_BLACK SN850X 1000GB", 1000204886016, false});
    inv.gpus.push_back({"nvml:0", "nvml", "NVIDIA GeForce RTX 4090", "550.54", 25757220864, false});
    inventory = inventory_to_json(inv);
    const auto box = store.upsert_system("box", inventory);
    const auto other = store.upsert_system("other", "{}");

    ResultPlan ray{0,
                   "raytrace-1080p",
                   "raytrace",
                   "1.0.0",
                   "/p/raytrace.so",
                   "",
                   {{"resolution", "1080p"}},
                   "/prof/raytrace-1080p.xml",
                   "{}",
                   "cpu"};
    ResultPlan gpu{1, "gpu-bench", "gpu", "2.0", "/p/gpu.so", "", {}, "", "{}", "ai"};
    run1 = store.create_planned_run(box, "quick", "{}", inventory, "0.9.0", {ray, gpu},
                                    {{{"seconds", "s", -1, "render time"},
                                      {"mrays", "Mrays/s", 1, ""},
                                      {"energy.total", "J", -1, "derived"}},
                                     {{"tokens", "tok/s", 1, ""}}});
    const auto r1 = store.results(run1);
    TrialRecord w;
    w.idx = 0;
    w.warmup = true;
    w.ok = true;
    w.values = {{"seconds", 99.0}, {"mrays", 1.0}};
    store.add_trial(r1[0].id, w);
    // Measured trials 1, 2 and 4; trial 3 failed.
    const double secs[] = {0.1 + 0.2, 1.0 / 3.0, 2.718281828459045};
    for (int i = 0; i < 3; ++i) {
      TrialRecord tr;
      tr.idx = i < 2 ? i + 1 : 4;
      tr.ok = true;
      tr.wall_ns = 1500000000u + std::uint64_t(i);
      tr.values = {{"seconds", secs[i]}, {"mrays", 1e-300 * (i + 1)}, {"energy.total", 42.0}};
      store.add_trial(r1[0].id, tr);
      if (i == 1) {
        TrialRecord bad;
        bad.idx = 3;
        bad.reason = "crashed";
        store.add_trial(r1[0].id, bad);
      }
    }
    store.set_result_status(r1[0].id, "ok", "");
    store.set_result_status(r1[1].id, "cannot_run", "no GPU");
    store.set_run_status(run1, "complete", true);

    run2 = store.create_planned_run(box, "quick", "{}", inventory, "0.9.1", {ray},
                                    {{{"seconds", "s", -1, "render time"}}});
    TrialRecord tr;
    tr.idx = 0;
    tr.ok = true;
    tr.values = {{"seconds", 7.25}};
    store.add_trial(store.results(run2)[0].id, tr);
    store.set_result_status(store.results(run2)[0].id, "ok", "");
    store.set_run_status(run2, "complete", true);

    run3 = store.create_planned_run(other, "x", "{}", "{}", "0.9.1", {ray},
                                    {{{"seconds", "s", -1, "render time"}}});
    tr.values = {{"seconds", 8.5}};
    store.add_trial(store.results(run3)[0].id, tr);
    store.set_result_status(store.results(run3)[0].id, "ok", "");
    store.set_run_status(run3, "complete", true);
  }
};

}  // namespace

TEST_CASE("runs exported to composite.xml read as PTS would read them") {
  Lab lab;
  TempDir out;
  const fs::path file = export_pts(lab.store, {lab.run1, lab.run2, lab.run3}, out.path / "export");
  CHECK(file == out.path / "export" / "composite.xml");
  const PtsResultFile f = load_pts_composite(file);
  REQUIRE(f.systems.size() == 3);
  CHECK(f.systems[0].identifier == fmt::format("box (run {})", lab.run1));
  CHECK(f.systems[1].identifier == fmt::format("box (run {})", lab.run2));
  CHECK(f.systems[2].identifier == "other");
  CHECK(f.systems[0].hardware ==
        "Processor: AMD Ryzen 7 7700X 8-Core Processor (8 Cores / 16 Threads), Motherboard: "
        "B650M; PRO (1.40 BIOS), Memory: 31GB, Disk: 932GB WD_BLACK SN850X 1000GB, Graphics: "
        "NVIDIA GeForce RTX 4090");
  CHECK(
      f.systems[0].software ==
      "OS: Debian GNU/Linux 12 (bookworm), Kernel: 6.1.0-18-amd64 (x86_64), Compiler: GCC 12.2.0");
  CHECK(f.systems[0].client_version == "benchlab 0.9.0");
  CHECK(std::regex_match(f.systems[0].timestamp, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));

  // seconds and mrays of raytrace; energy.total (derived) and gpu-bench (cannot_run) not.
  REQUIRE(f.results.size() == 2);
  const PtsResult& secs = f.results[0];
  CHECK(secs.identifier == "benchlab/raytrace-1080p");
  CHECK(secs.title == "raytrace-1080p");
  CHECK(secs.arguments == "resolution=1080p");
  CHECK(secs.description == "resolution=1080p - seconds");
  CHECK(secs.scale == "s");
  CHECK(secs.proportion == "LIB");
  CHECK(secs.display_format == "BAR_GRAPH");
  REQUIRE(secs.entries.size() == 3);
  CHECK(secs.entries[0].raw == std::vector<double>{0.1 + 0.2, 1.0 / 3.0, 2.718281828459045});
  CHECK(*secs.entries[0].number == Approx((0.1 + 0.2 + 1.0 / 3.0 + 2.718281828459045) / 3));
  CHECK(secs.entries[1].raw == std::vector<double>{7.25});
  CHECK(f.results[1].proportion == "HIB");
  CHECK(f.results[1].scale == "Mrays/s");
  REQUIRE(f.results[1].entries.size() == 1);  // only run 1 has mrays

  // The latest run of each system when no run is named.
  const PtsResultFile latest = pts_from_store(lab.store, {});
  REQUIRE(latest.systems.size() == 2);
  CHECK(latest.systems[0].identifier == "box");
  CHECK(latest.systems[0].notes.find(fmt::format("run {}", lab.run2)) != std::string::npos);
  CHECK(latest.systems[1].identifier == "other");

  CHECK_THROWS_AS(pts_from_store(lab.store, {999}), PtsError);
  TempDir empty;
  Store none(empty.path / "none.db");
  CHECK_THROWS_AS(pts_from_store(none, {}), PtsError);
}

TEST_CASE("runs exported and imported into a new store give the same systems, tests and values") {
  Lab lab;
  TempDir out;
  const fs::path file = export_pts(lab.store, {lab.run1, lab.run2, lab.run3}, out.path);
  Store fresh(out.path / "fresh.db");
  const ImportSummary sum = import_pts(fresh, file);
  CHECK(sum.systems == 2);
  CHECK(sum.runs == 3);
  CHECK(sum.skipped.empty());

  const auto runs = fresh.runs();
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].system == "box");
  CHECK(runs[1].system == "box");
  CHECK(runs[2].system == "other");
  for (const auto& r : runs) {
    CHECK(r.status == "complete");
    CHECK(r.source == "pts: " + out.path.filename().string() + "/composite.xml");
  }
  CHECK(json::parse(runs[0].inventory_json) == json::parse(lab.inventory));
  {
    Stmt s(fresh.handle(), "SELECT inventory FROM systems WHERE name = 'box'");
    REQUIRE(s.step());
    CHECK(json::parse(s.text(0)) == json::parse(lab.inventory));
  }

  const std::int64_t originals[] = {lab.run1, lab.run2, lab.run3};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("run " << originals[i]);
    const auto before = lab.store.results(originals[i]);
    const auto after = fresh.results(runs[i].id);
    // Results with a value come back (gpu-bench could not run: not exported).
    std::vector<ResultRow> measured;
    for (const auto& r : before)
      if (r.status == "ok" || r.status == "partial") measured.push_back(r);
    REQUIRE(after.size() == measured.size());
    for (std::size_t k = 0; k < after.size(); ++k) {
      const ResultRow& a = measured[k];
      const ResultRow& b = after[k];
      CHECK(b.test == a.test);
      CHECK(b.plugin == a.plugin);
      CHECK(b.plugin_version == a.plugin_version);
      CHECK(b.category == a.category);
      CHECK(b.options == a.options);
      CHECK(b.status == "ok");
      std::vector<MetricDecl> own;
      for (const auto& m : a.metrics)
        if (m.name.rfind("energy.", 0) != 0) own.push_back(m);
      REQUIRE(b.metrics.size() == own.size());
      for (std::size_t m = 0; m < own.size(); ++m) {
        CHECK(b.metrics[m].name == own[m].name);
        CHECK(b.metrics[m].unit == own[m].unit);
        CHECK(b.metrics[m].direction == own[m].direction);
        CHECK(b.metrics[m].description == own[m].description);
      }
      // Every measured, successful trial with the same index and the very same values.
      const auto ta = lab.store.trials(a.id);
      const auto tb = fresh.trials(b.id);
      std::size_t measured_trials = 0;
      for (const auto& t : ta) {
        if (t.warmup || !t.ok) continue;
        ++measured_trials;
        const TrialRow* u = trial_at(tb, t.idx);
        REQUIRE(u != nullptr);
        CHECK(u->ok);
        CHECK(u->wall_ns == t.wall_ns);
        for (const auto& m : own) CHECK(value_of(*u, m.name) == value_of(t, m.name));
      }
      CHECK(tb.size() == measured_trials);
    }
  }

  // And exported again from the new store (the latest run of each system), the same values.
  const PtsResultFile again = pts_from_store(fresh, {});
  const PtsResultFile first = load_pts_composite(file);
  REQUIRE(again.results.size() == 1);  // mrays: only the first run of box has it
  REQUIRE(again.results[0].entries.size() == 2);
  CHECK(again.results[0].entries[0].raw == first.results[0].entries[1].raw);
  CHECK(again.results[0].entries.back().raw == first.results[0].entries.back().raw);
}

namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kHead =
    "<?xml version=\"1.0\"?>\n<PhoronixTestSuite>\n"
    "  <System><Identifier>a</Identifier></System>\n";

std::string one_result(const std::string& entry_body, const std::string& proportion = "HIB") {
  return kHead + "  <Result><Identifier>pts/x</Identifier><Proportion>" + proportion +
         "</Proportion>\n    <Data>\n      <Entry>" + entry_body +
         "</Entry>\n    </Data>\n  </Result>\n</PhoronixTestSuite>\n";
}

}  // namespace

TEST_CASE("hostile files are refused with their line and leave the store unchanged") {
  struct Case {
    const char* name;
    std::string xml;
    const char* says;
    unsigned line;  // 0: any
  };
  const std::string fixture = slurp(kFixture);
  const std::string bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
      "<PhoronixTestSuite><Generated><Title>&lol3;</Title></Generated></PhoronixTestSuite>\n";
  const std::string many = kHead + "  <Result><Identifier>pts/x</Identifier>\n    <Data>\n" +
                           repeat("<Entry/>\n", 1000001) +
                           "    </Data>\n  </Result>\n</PhoronixTestSuite>\n";
  const std::vector<Case> cases = {
      {"truncated XML", fixture.substr(0, fixture.size() / 2), "not well-formed XML", 0},
      {"a DOCTYPE with an entity bomb", bomb, "DOCTYPE", 2},
      {"NaN as a value",
       one_result("<Identifier>a</Identifier><Value>nan</Value><RawString>1:2</RawString>"),
       "\"nan\" is not a finite number", 6},
      {"infinity among the raw values",
       one_result("<Identifier>a</Identifier><Value>1</Value>\n<RawString>1:inf:2</RawString>"),
       "\"inf\" is not a finite number", 7},
      {"a number out of range", one_result("<Identifier>a</Identifier><Value>1e999</Value>"),
       "not a finite number", 6},
      {"an empty raw value", one_result("<Identifier>a</Identifier><RawString>1::2</RawString>"),
       "\"\" is not a finite number", 6},
      {"an entry of an unknown system", one_result("<Identifier>b</Identifier><Value>1</Value>"),
       "names the system \"b\", which no <System>", 6},
      {"a million entries beyond the bound", many, "more than 1000000 <Entry> elements",
       5 + 1000001},
      {"the wrong root element", "<?xml version=\"1.0\"?>\n<profile id=\"x\"/>\n",
       "the root element is <profile>", 2},
      {"a duplicate system",
       kHead + "  <System><Identifier>a</Identifier></System>\n</PhoronixTestSuite>\n",
       "a second system named \"a\"", 4},
      {"a proportion that is neither HIB nor LIB",
       one_result("<Identifier>a</Identifier><Value>1</Value>", "MIB"),
       "\"MIB\" is not a proportion", 4},
      {"a second entry of one system",
       one_result("<Identifier>a</Identifier><Value>1</Value></Entry>\n<Entry><Identifier>a</"
                  "Identifier><Value>2</Value>"),
       "a second entry of the system \"a\"", 7},
      {"a system without an identifier",
       "<PhoronixTestSuite>\n<System><Hardware>x</Hardware></System>\n</PhoronixTestSuite>",
       "no <Identifier>", 2},
      {"invalid UTF-8",
       kHead + "<Generated><Title>\xc3\x28</Title></Generated></PhoronixTestSuite>",
       "invalid UTF-8", 4},
      {"a control character",
       kHead + "\n<Generated><Title>&#1;</Title></Generated></PhoronixTestSuite>",
       "control character 0x01", 5},
      {"a NUL byte", kHead + std::string("\n\n<x>\0</x>", 9), "NUL byte", 6},
      {"two root elements", kHead + "</PhoronixTestSuite>\n<PhoronixTestSuite/>\n",
       "a second root element", 5},
      {"an empty file", "\n \n", "empty file", 1},
      {"JSON that is not JSON",
       one_result("<Identifier>a</Identifier><Value>1</Value><JSON>{\"a\":</JSON>"),
       "<JSON> is not valid JSON", 6},
      {"our own JSON with a wrong type",
       one_result("<Identifier>a</Identifier><Value>1</Value><JSON>{\"benchlab\":{\"result\":0,"
                  "\"test\":\"t\",\"metric\":\"m\",\"direction\":2}}</JSON>"),
       "benchlab.direction must be 1 or -1", 6},
      {"our own trial indexes that do not match the values",
       one_result("<Identifier>a</Identifier><RawString>1:2</RawString><JSON>{\"benchlab\":{"
                  "\"result\":0,\"test\":\"t\",\"metric\":\"m\",\"direction\":1,\"trials\":[0]}}"
                  "</JSON>"),
       "benchlab.trials must be an array of 2 trial indexes", 6},
  };

  TempDir t;
  Store store(t.path / "r.db");
  import_pts(store, kFixture);  // a store with content, which must not change
  const Snapshot before = snapshot(store);
  REQUIRE(count_rows(store, "trials") == 12);
  for (const auto& c : cases) {
    SECTION(c.name) {
      const fs::path file = t.path / "hostile.xml";
      spit(file, c.xml);
      std::string message;
      try {
        import_pts(store, file);
        FAIL("imported without an error");
      } catch (const PtsError& e) {
        message = e.what();
      }
      INFO(message);
      unsigned line = 0;
      CHECK(names_line(message, file.string(), &line));
      if (c.line) CHECK(line == c.line);
      CHECK(message.find(c.says) != std::string::npos);
      CHECK(snapshot(store) == before);
    }
  }
}

TEST_CASE("a failure while the import writes rolls all of it back") {
  TempDir t;
  Store store(t.path / "r.db");
  store.upsert_system("Ryzen 9 5950X", R"({"cpu_model":"kept"})");
  const Snapshot before = snapshot(store);
  // The tenth trial fails to insert, after systems, runs, results and nine trials did.
  store.exec(
      "CREATE TEMP TRIGGER fail_tenth BEFORE INSERT ON main.trials "
      "WHEN (SELECT COUNT(*) FROM main.trials) >= 9 "
      "BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END");
  CHECK_THROWS_WITH(import_pts(store, kFixture), Catch::Contains("disk full (injected)"));
  CHECK(snapshot(store) == before);
  store.exec("DROP TRIGGER fail_tenth");
  CHECK(import_pts(store, kFixture).runs == 2);
}

TEST_CASE("a result file is read only when it is a regular file within the size limit") {
  TempDir t;
  CHECK_THROWS_WITH(read_pts_file(t.path), Catch::Contains("a directory"));
  CHECK_THROWS_WITH(read_pts_file(t.path / "missing.xml"), Catch::Contains("cannot open"));
  PtsLimits small;
  small.max_file_bytes = 100;
  CHECK_THROWS_WITH(read_pts_file(kFixture, small), Catch::Contains("larger than the 100 bytes"));
  CHECK_THROWS_WITH(parse_pts_composite(slurp(kFixture), "big.xml", small),
                    Catch::StartsWith("big.xml: "));
  CHECK(read_pts_file(kFixture) == slurp(kFixture));
}

TEST_CASE("the limits on systems, results and raw values are checked") {
  PtsLimits l;
  l.max_systems = 1;
  CHECK_THROWS_WITH(parse_pts_composite(kHead + "<System><Identifier>b</Identifier></System>"
                                                "</PhoronixTestSuite>",
                                        "f.xml", l),
                    Catch::StartsWith("f.xml:4: <System>: more than 1 <System>"));
  l = {};
  l.max_raw_values = 2;
  CHECK_THROWS_WITH(
      parse_pts_composite(one_result("<Identifier>a</Identifier><RawString>1:2:3</RawString>"),
                          "f.xml", l),
      Catch::Contains("more than 2 values"));
  l = {};
  l.max_text_bytes = 4;
  CHECK_THROWS_WITH(
      parse_pts_composite(kHead + "<Generated><Title>12345</Title></Generated></PhoronixTestSuite>",
                          "f.xml", l),
      Catch::Contains("<Title>: 5 bytes of text, more than the 4"));
}

TEST_CASE("a system with no numeric result makes no run, and a file with none is refused") {
  TempDir t;
  Store store(t.path / "r.db");
  const std::string only_text =
      kHead +
      "  <System><Identifier>b</Identifier></System>\n"
      "  <Result><Title>Pass</Title><DisplayFormat>PASS_FAIL</DisplayFormat><Data><Entry>"
      "<Identifier>a</Identifier><Value>PASS</Value></Entry></Data></Result>\n"
      "</PhoronixTestSuite>\n";
  CHECK_THROWS_WITH(import_pts(store, parse_pts_composite(only_text, "t.xml"), "t.xml", "pts: t"),
                    Catch::StartsWith("t.xml: no system with a numeric result"));
  CHECK(count_rows(store, "runs") == 0);
  const std::string one =
      kHead + "  <System><Identifier>b</Identifier></System>\n" +
      "  <Result><Identifier>pts/x</Identifier><Data><Entry><Identifier>a</Identifier>"
      "<Value>3</Value></Entry><Entry><Identifier>b</Identifier><Value></Value></Entry>"
      "</Data></Result>\n</PhoronixTestSuite>\n";
  const auto sum = import_pts(store, parse_pts_composite(one, "o.xml"), "o.xml", "pts: o");
  CHECK(sum.runs == 1);
  REQUIRE(sum.skipped.size() == 2);
  CHECK(sum.skipped[0].find("has no value") != std::string::npos);
  CHECK(sum.skipped[1].find("no run made") != std::string::npos);
  const auto r = store.results(sum.run_ids[0]);
  REQUIRE(r.size() == 1);
  CHECK(r[0].metrics[0].name == "value");  // no Scale
  CHECK(r[0].metrics[0].direction == 1);   // no Proportion: HIB
}
