// SPDX-License-Identifier: MIT
// hmmsearch workload: the generated families and database, the dataset cache, the
// parsers and the hit check on output captured from HMMER 3.3.2
// (tests/fixtures/hmmsearch), the built plugin against a fake host that replays those
// captures, and the plugin run for real through the benchlab command (or its "cannot
// run" result where HMMER is not installed).
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dataset_cache.hpp"
#include "hit_check.hpp"
#include "search_dataset.hpp"
#include "search_summary.hpp"
#include "subprocess.h"
#include "tblout.hpp"
#include "unit_support.hpp"

namespace fs = std::filesystem;
using namespace hmmsearch_workload;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  REQUIRE(file);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string fixture(const std::string& name) {
  return read_text(fs::path(FIXTURES_DIR) / "hmmsearch" / name);
}

// The text without the first line that starts with `prefix` (which must be there).
std::string without_line(const std::string& text, const std::string& prefix) {
  const std::size_t at = text.find("\n" + prefix);
  REQUIRE(at != std::string::npos);
  const std::size_t end = text.find('\n', at + 1);
  return text.substr(0, at) + text.substr(end);
}

using unit::TempDir;

// Stands in for hmmbuild: writes a model file so the dataset is complete.
void fake_hmmbuild(const fs::path& dir) { std::ofstream(dir / kModelFile) << "HMMER3/f\n"; }

std::vector<std::string> stockholm_rows(const std::string& block) {
  std::vector<std::string> rows;
  std::istringstream lines(block);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("member_", 0) == 0) rows.push_back(line.substr(line.find_last_of(' ') + 1));
  return rows;
}

}  // namespace

// ---- The generated data ----

TEST_CASE("each family is a 32-sequence alignment as long as its domain", "[hmmsearch][data]") {
  const std::string text = family_alignments();
  std::size_t at = 0;
  for (std::size_t f = 0; f < kFamilies; ++f) {
    const std::size_t end = text.find("//\n", at);
    REQUIRE(end != std::string::npos);
    const std::string block = text.substr(at, end - at);
    CHECK_THAT(block, StartsWith("# STOCKHOLM 1.0\n#=GF ID " + family_name(f) + "\n"));
    const auto rows = stockholm_rows(block);
    CHECK(rows.size() == 32);
    for (const std::string& row : rows) CHECK(row.size() == family_length(f));
    at = end + 3;
  }
  CHECK(at == text.size());
  CHECK(family_length(0) == 150);
  CHECK(family_length(kFamilies - 1) == 360);
}

TEST_CASE("the database is deterministic FASTA with every planted member once",
          "[hmmsearch][data]") {
  std::ostringstream first, second;
  const DatabaseSummary summary = write_database(first, 200'000);
  write_database(second, 200'000);
  CHECK(first.str() == second.str());
  CHECK(summary.planted == kPlantedTotal);
  CHECK(summary.residues >= 200'000);

  std::set<std::string> planted;
  std::size_t sequences = 0, residues = 0;
  std::istringstream lines(first.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.front() == '>') {
      ++sequences;
      const std::string name = line.substr(1);
      if (auto family = planted_family(name)) {
        CHECK(planted.insert(name).second);
        CHECK_THAT(name, Contains(family->substr(9)));  // "famNN"
      } else {
        CHECK_THAT(name, StartsWith("random_"));
      }
      continue;
    }
    CHECK(line.size() <= 60);
    CHECK(line.find_first_not_of("ACDEFGHIKLMNPQRSTVWY") == std::string::npos);
    residues += line.size();
  }
  CHECK(planted.size() == kPlantedTotal);
  CHECK(sequences == summary.sequences);
  CHECK(residues == summary.residues);
}

TEST_CASE("the shipped database size is what the captured search searched", "[hmmsearch][data]") {
  // Ties the captures to the generator: "Target sequences: 183427 (64000255 residues
  // searched)" in search-e1e-5.stdout.txt.
  std::ofstream sink("/dev/null");
  const DatabaseSummary summary = write_database(sink, kDefaultDatabaseMresidues * 1'000'000);
  CHECK(summary.sequences == 183427);
  CHECK(summary.residues == 64000255);
}

TEST_CASE("planted member names carry their family", "[hmmsearch][data]") {
  CHECK(planted_name(2, 6) == "planted_fam03_007");
  CHECK(planted_family("planted_fam03_007") == std::optional<std::string>("benchlab_fam03"));
  CHECK(family_name(2) == "benchlab_fam03");
  CHECK_FALSE(planted_family("random_00000001"));
  CHECK_FALSE(planted_family("planted_fam3_7"));
  CHECK_FALSE(planted_family("planted_xyz03_007"));
}

// ---- The dataset cache ----

TEST_CASE("the dataset is generated once, then found in the cache", "[hmmsearch][cache]") {
  TempDir cache;
  int builds = 0;
  const auto builder = [&](const fs::path& dir) {
    ++builds;
    CHECK(fs::exists(dir / kAlignmentFile));
    CHECK(dir != dataset_dir(cache.path, 100'000));  // built privately, moved into place after
    fake_hmmbuild(dir);
  };
  const Dataset made = prepare_dataset(cache.path, 100'000, builder);
  CHECK(made.generated);
  CHECK(made.dir == dataset_dir(cache.path, 100'000));
  CHECK(made.summary.planted == kPlantedTotal);
  CHECK(fs::exists(made.model()));
  CHECK(fs::file_size(made.database()) > 100'000);

  const Dataset again = prepare_dataset(cache.path, 100'000, builder);
  CHECK_FALSE(again.generated);
  CHECK(again.summary.sequences == made.summary.sequences);
  CHECK(builds == 1);
  // Nothing but the dataset is left in the cache.
  CHECK(std::distance(fs::directory_iterator(cache.path), fs::directory_iterator()) == 1);
}

TEST_CASE("a truncated database is noticed and the dataset made again", "[hmmsearch][cache]") {
  TempDir cache;
  const Dataset made = prepare_dataset(cache.path, 100'000, fake_hmmbuild);
  fs::resize_file(made.database(), fs::file_size(made.database()) / 2);
  CHECK_FALSE(read_dataset(made.dir, 100'000));
  const Dataset again = prepare_dataset(cache.path, 100'000, fake_hmmbuild);
  CHECK(again.generated);
  CHECK(read_dataset(again.dir, 100'000).has_value());
}

TEST_CASE("a dataset of another generator version is not trusted", "[hmmsearch][cache]") {
  TempDir cache;
  const Dataset made = prepare_dataset(cache.path, 100'000, fake_hmmbuild);
  std::string manifest = read_text(made.dir / kManifestFile);
  const std::string current = "generator " + std::to_string(kGeneratorVersion) + "\n";
  manifest.replace(manifest.find(current), current.size(), "generator 0\n");
  std::ofstream(made.dir / kManifestFile) << manifest;
  CHECK_FALSE(read_dataset(made.dir, 100'000));
}

TEST_CASE("a failed model build leaves nothing behind", "[hmmsearch][cache]") {
  TempDir cache;
  const auto failing = [](const fs::path&) { throw std::runtime_error("hmmbuild exited 1"); };
  CHECK_THROWS_WITH(prepare_dataset(cache.path, 100'000, failing), "hmmbuild exited 1");
  CHECK(fs::is_empty(cache.path));
  const auto silent = [](const fs::path&) {};  // "succeeds" without writing the model
  CHECK_THROWS_WITH(prepare_dataset(cache.path, 100'000, silent), Contains(kModelFile));
  CHECK(fs::is_empty(cache.path));
}

TEST_CASE("leftovers of a killed setup are removed, a live one's are not", "[hmmsearch][cache]") {
  TempDir cache;
  const std::string prefix = ".dataset-v" + std::to_string(kGeneratorVersion) + ".tmp-";
  const fs::path dead = cache.path / (prefix + "999999999-abcdef");  // above any pid_max
  const fs::path live = cache.path / (prefix + std::to_string(getpid()) + "-abcdef");
  fs::create_directories(dead);
  fs::create_directories(live);
  prepare_dataset(cache.path, 100'000, fake_hmmbuild);
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
}

// ---- Parsing captured HMMER 3.3.2 output ----

TEST_CASE("captured table: the 96 planted members and nothing else", "[hmmsearch][parse]") {
  const TblOut table = parse_tblout(fixture("search-e1e-5.tbl"));
  CHECK(table.complete);
  CHECK(table.version == "3.3.2 (Nov 2020)");
  REQUIRE(table.hits.size() == 96);
  const TblHit& first = table.hits.front();
  CHECK(first.target == "planted_fam01_002");
  CHECK(first.target_accession == "-");
  CHECK(first.query == "benchlab_fam01");
  CHECK(first.evalue == Approx(1.8e-71));
  CHECK(first.score == Approx(242.0));
  CHECK(first.best_domain_evalue == Approx(2.2e-71));
  CHECK(first.domains_reported == 1);
  CHECK(first.description == "-");
  CHECK(table.hits[1].domains_reported == 2);
  CHECK(check_hits(table).empty());
}

TEST_CASE("captured table at the default E-value: the random hits are named",
          "[hmmsearch][check]") {
  const TblOut table = parse_tblout(fixture("search-default-evalue.tbl"));
  CHECK(table.hits.size() == 116);
  CHECK(check_hits(table) ==
        "hmmsearch reported 116 hits where 96 were planted (12 in each of 8 families); 20 "
        "unexpected: random_00062080 for benchlab_fam01 (E-value 0.66), random_00181851 for "
        "benchlab_fam01 (E-value 1.7), random_00165775 for benchlab_fam02 (E-value 0.77), ...");
}

TEST_CASE("a planted member not found fails the check and is named", "[hmmsearch][check]") {
  const TblOut table = parse_tblout(without_line(fixture("search-e1e-5.tbl"), "planted_fam01_004"));
  CHECK_THAT(check_hits(table), StartsWith("hmmsearch reported 95 hits where 96 were planted") &&
                                    Contains("1 missing: planted_fam01_004 for benchlab_fam01"));
}

TEST_CASE("a hit against the wrong family or twice is unexpected", "[hmmsearch][check]") {
  TblOut table = parse_tblout(fixture("search-e1e-5.tbl"));
  table.hits.push_back(table.hits.front());
  CHECK_THAT(check_hits(table), Contains("1 unexpected: planted_fam01_002 for benchlab_fam01"));
  table.hits.back().query = "benchlab_fam02";
  CHECK_THAT(check_hits(table), Contains("1 unexpected: planted_fam01_002 for benchlab_fam02"));
}

TEST_CASE("a table without its closing [ok] is incomplete", "[hmmsearch][check]") {
  const TblOut table = parse_tblout(without_line(fixture("search-e1e-5.tbl"), "# [ok]"));
  CHECK_FALSE(table.complete);
  CHECK_THAT(check_hits(table), Contains("did not finish"));
}

TEST_CASE("a malformed table line is an error naming the line", "[hmmsearch][parse]") {
  CHECK_THROWS_WITH(parse_tblout("# comment\nplanted_fam01_001 - benchlab_fam01 -\n"),
                    StartsWith("tblout line 2: 4 columns"));
  CHECK_THROWS_WITH(parse_tblout("t - q - 1e-9 x 0.1 1e-9 1 0.1 1 1 0 0 1 1 1 1 -\n"),
                    "tblout line 1: score 'x' is not a number");
}

TEST_CASE("captured main output: per-query statistics and the overall throughput",
          "[hmmsearch][parse]") {
  const SearchSummary s = parse_search_summary(fixture("search-e1e-5.stdout.txt"));
  CHECK(s.version == "3.3.2 (Nov 2020)");
  CHECK(s.complete);
  REQUIRE(s.queries.size() == kFamilies);
  for (std::size_t f = 0; f < kFamilies; ++f) {
    CHECK(s.queries[f].name == family_name(f));
    CHECK(s.queries[f].model_length == static_cast<int>(family_length(f)));
    CHECK(s.queries[f].targets == 183427);
    CHECK(s.queries[f].residues == 64000255);
  }
  CHECK(s.queries[0].elapsed_seconds == Approx(0.92));
  CHECK(s.queries[0].mcells_per_second == Approx(10387.42));
  CHECK(s.total_elapsed_seconds() == Approx(9.80));
  CHECK(s.overall_mcells_per_second() == Approx(13282.0).epsilon(1e-4));
}

TEST_CASE("output cut short has no throughput and is incomplete", "[hmmsearch][parse]") {
  const std::string text = fixture("search-e1e-5.stdout.txt");
  const SearchSummary s = parse_search_summary(text.substr(0, text.rfind("Query:")));
  CHECK_FALSE(s.complete);
  CHECK(s.queries.size() == kFamilies - 1);
  const SearchSummary half = parse_search_summary(text.substr(0, text.rfind("# Mc/sec")));
  CHECK(half.overall_mcells_per_second() == -1);
}

TEST_CASE("the version comes from hmmsearch -h", "[hmmsearch][parse]") {
  const SearchSummary s = parse_search_summary(fixture("hmmsearch-h.stdout.txt"));
  CHECK(s.version == "3.3.2 (Nov 2020)");
  CHECK(s.queries.empty());
}

// ---- The built plugin against a fake host replaying captured runs ----

namespace {

struct Canned {
  std::string out, err;
  std::string table;  // written to the --tblout path when not empty
  int32_t status = BL_OK;
  int32_t exit_code = 0;
  uint64_t wall_ns = 11'000'000'000;
};

struct SpawnCall {
  std::vector<std::string> argv;
  std::string cwd;
};

// Loads the built plugin and plays the worker: create, one call, destroy.
class FakeHost {
 public:
  FakeHost() {
    handle_ = dlopen(HMMSEARCH_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    INFO((handle_ ? "" : dlerror()));
    REQUIRE(handle_ != nullptr);
    auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle_, BL_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    plugin = entry(1, 1);
    REQUIRE(plugin != nullptr);

    fs::create_directories(scratch_dir());
    fs::create_directories(cache_dir());
    scratch_ = scratch_dir().string();
    cache_ = cache_dir().string();
    table_.struct_size = sizeof table_;
    table_.abi_major = BL_ABI_MAJOR;
    table_.abi_minor = BL_ABI_MINOR;
    table_.cpu_count = 2;
    table_.scratch_dir = scratch_.c_str();
    table_.cache_dir = cache_.c_str();
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
      SpawnCall call;
      for (auto a = req->argv; *a; ++a) call.argv.emplace_back(*a);
      call.cwd = req->cwd != nullptr ? req->cwd : s.scratch_;
      s.spawned.push_back(call);
      s.last_ = s.on_spawn(call);
      for (std::size_t i = 0; i + 1 < call.argv.size(); ++i)
        if (call.argv[i] == "--tblout" && !s.last_.table.empty())
          std::ofstream(call.argv[i + 1]) << s.last_.table;
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
  fs::path scratch_dir() const { return dir_.path / "scratch"; }
  fs::path cache_dir() const { return dir_.path / "cache"; }

  const bl_plugin* plugin = nullptr;
  std::map<std::string, std::string> options;
  std::function<Canned(const SpawnCall&)> on_spawn;
  std::vector<SpawnCall> spawned;
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
  std::string scratch_, cache_;
  bl_host table_{};
  Canned last_;
};

// HMMER as captured: `hmmsearch -h` prints its help, hmmbuild writes a model, a search
// replays the captured output and writes `table` to --tblout.
std::function<Canned(const SpawnCall&)> replay(const std::string& table_fixture,
                                               uint64_t wall_ns = 11'000'000'000) {
  return [table_fixture, wall_ns](const SpawnCall& call) {
    Canned c;
    if (call.argv.at(0) == "hmmbuild") {
      fake_hmmbuild(call.cwd);
    } else if (call.argv.size() == 2 && call.argv[1] == "-h") {
      c.out = fixture("hmmsearch-h.stdout.txt");
    } else {
      c.out = fixture("search-e1e-5.stdout.txt");
      c.table = fixture(table_fixture);
      c.wall_ns = wall_ns;
    }
    return c;
  };
}

// A 1M-residue dataset in the host's cache and the option that selects it, so a trial
// does not need setup's full-size one.
void small_dataset(FakeHost& host) {
  prepare_dataset(host.cache_dir(), 1'000'000, fake_hmmbuild);
  host.options["database_mresidues"] = "1";
}

}  // namespace

TEST_CASE("the plugin declares hmmsearch and hmmbuild as programs it needs",
          "[hmmsearch][plugin]") {
  FakeHost host;
  const bl_workload& w = *host.plugin->workload;
  CHECK(std::string(host.plugin->id) == "hmmsearch");
  REQUIRE(w.requirement_count == 2);
  CHECK(w.requirements[0].kind == BL_REQ_PROGRAM);
  CHECK(std::string(w.requirements[0].name) == "hmmsearch");
  CHECK(std::string(w.requirements[0].hint) == "apt-get install hmmer");
  CHECK(std::string(w.requirements[1].name) == "hmmbuild");
  REQUIRE(w.option_count == 2);
  CHECK(std::string(w.options[0].name) == "threads");
  CHECK(std::string(w.options[1].name) == "database_mresidues");
  CHECK(std::string(w.options[1].default_value) == std::to_string(kDefaultDatabaseMresidues));
  REQUIRE(w.metric_count == 2);
  CHECK(std::string(w.metrics[0].name) == "seconds");
  CHECK(w.metrics[1].direction == BL_HIGHER_IS_BETTER);
}

TEST_CASE("setup generates the data once and hmmbuild makes the profiles", "[hmmsearch][plugin]") {
  FakeHost host;
  host.on_spawn = replay("search-e1e-5.tbl");
  REQUIRE(host.setup() == BL_OK);
  const SpawnCall& build = host.spawned.back();
  CHECK(build.argv == std::vector<std::string>{"hmmbuild", "--amino", kModelFile, kAlignmentFile});
  CHECK(fs::path(build.cwd).parent_path() == host.cache_dir());
  CHECK_THAT(host.logs.back(), Contains("HMMER 3.3.2 (Nov 2020); generated dataset") &&
                                   Contains("183427 sequences, 64000255 residues, 96 planted") &&
                                   Contains("2 threads"));
  const auto summary = read_dataset(dataset_dir(host.cache_dir(), 64'000'000), 64'000'000);
  REQUIRE(summary);
  CHECK(summary->residues == 64000255);

  const std::size_t spawns = host.spawned.size();
  REQUIRE(host.setup() == BL_OK);
  CHECK_THAT(host.logs.back(), Contains("cached dataset"));
  CHECK(host.spawned.size() == spawns + 1);  // only `hmmsearch -h`, no second hmmbuild
}

TEST_CASE("a trial reports the process's wall time and hmmsearch's throughput",
          "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = replay("search-e1e-5.tbl", 10'500'000'000);
  REQUIRE(host.trial() == BL_OK);
  const std::vector<std::string>& argv = host.spawned.back().argv;
  const fs::path data = dataset_dir(host.cache_dir(), 1'000'000);
  CHECK(argv == std::vector<std::string>{"hmmsearch", "--cpu", "2", "--noali", "-E", "1e-5",
                                         "--tblout", (host.scratch_dir() / "hits.tbl").string(),
                                         (data / kModelFile).string(),
                                         (data / kDatabaseFile).string()});
  CHECK(host.metrics.at("seconds") == Approx(10.5));
  CHECK(host.metrics.at("mcells_per_s") == Approx(13282.0).epsilon(1e-4));
  // The stored output is hmmsearch's own; the table stays a file in the scratch directory.
  CHECK(host.output == fixture("search-e1e-5.stdout.txt"));
  CHECK(host.error_output.empty());
}

TEST_CASE("hmmsearch's stderr is the trial's error output, apart from its main output",
          "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = [](const SpawnCall& call) {
    Canned c = replay("search-e1e-5.tbl")(call);
    c.err = "Warning: a line HMMER printed on stderr\n";
    return c;
  };
  REQUIRE(host.trial() == BL_OK);
  CHECK(host.output == fixture("search-e1e-5.stdout.txt"));
  CHECK(host.error_output == "Warning: a line HMMER printed on stderr\n");
  CHECK(host.metrics.at("mcells_per_s") == Approx(13282.0).epsilon(1e-4));
}

TEST_CASE("threads sets --cpu", "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = replay("search-e1e-5.tbl");
  host.options["threads"] = "7";
  REQUIRE(host.trial() == BL_OK);
  CHECK(host.spawned.back().argv.at(2) == "7");
  host.options["threads"] = "-1";
  CHECK(host.trial() == BL_INVALID_ARGUMENT);
  CHECK_THAT(host.error, Contains("threads = '-1'"));
}

TEST_CASE("database_mresidues picks the dataset of that size", "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = replay("search-e1e-5.tbl");
  host.options["database_mresidues"] = "2";  // only the 1M one is there
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("dataset-v" + std::to_string(kGeneratorVersion) + "-2000000") &&
                             Contains("missing or incomplete"));
  host.options["database_mresidues"] = "0";
  CHECK(host.setup() == BL_INVALID_ARGUMENT);
  CHECK_THAT(host.error, StartsWith("option database_mresidues = '0': expected a whole number"));
}

TEST_CASE("random hits in the table fail the trial", "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = replay("search-default-evalue.tbl");
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("116 hits where 96 were planted") && Contains("20 unexpected"));
  CHECK(host.metrics.count("mcells_per_s") == 0);
}

TEST_CASE("hmmsearch's clock ahead of the process's wall time fails the trial",
          "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = replay("search-e1e-5.tbl", 5'000'000'000);  // its queries took 9.80 s
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("9.80 s") && Contains("5.000 s") && Contains("disagree"));
}

TEST_CASE("a failing hmmsearch fails the trial with HMMER's error line", "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  host.on_spawn = [](const SpawnCall&) {
    Canned c;
    c.err = "\nError: Failed to open sequence file database.fasta for reading\n";
    c.exit_code = 1;
    return c;
  };
  CHECK(host.trial() == BL_ERROR);
  CHECK(host.error ==
        "hmmsearch exited with status 1: Error: Failed to open sequence file database.fasta "
        "for reading");
}

TEST_CASE("a table left by an earlier trial is not taken for this one's", "[hmmsearch][plugin]") {
  FakeHost host;
  small_dataset(host);
  std::ofstream(host.scratch_dir() / "hits.tbl") << fixture("search-e1e-5.tbl");
  host.on_spawn = [](const SpawnCall&) {
    Canned c;
    c.out = fixture("search-e1e-5.stdout.txt");  // but writes no table
    return c;
  };
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, StartsWith("hmmsearch wrote no "));
}

TEST_CASE("a trial without setup's data says so", "[hmmsearch][plugin]") {
  FakeHost host;
  host.on_spawn = replay("search-e1e-5.tbl");
  CHECK(host.trial() == BL_ERROR);
  CHECK_THAT(host.error, Contains("missing or incomplete") && Contains("setup"));
  CHECK(host.spawned.empty());
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
  CHECK(text_of(run.result.at("reason")) == "hmmsearch not found on PATH (apt-get install hmmer)");
}

}  // namespace

TEST_CASE("profile hmmsearch runs for real and finds every planted homolog", "[hmmsearch][e2e]") {
  if (benchlab::find_program("hmmsearch").empty() || benchlab::find_program("hmmbuild").empty()) {
    WARN("HMMER is not installed: checking the cannot-run result instead");
    check_cannot_run(run_once("hmmsearch"));
    return;
  }
  const CliRun run = run_once("hmmsearch");
  INFO(run.out);
  CHECK(run.exit_code == 0);
  REQUIRE(text_of(run.result.at("status")) == "ok");
  CHECK(first_value(run.result, "seconds") > 0.5);
  CHECK(first_value(run.result, "mcells_per_s") > 0);
  // The result says which HMMER searched (the store's result_programs, in the JSON).
  const auto& programs = run.result.at("programs").as_array();
  REQUIRE(programs.size() == 1);
  const auto& hmmer = programs[0].as_object();
  CHECK(text_of(hmmer.at("name")) == "hmmsearch");
  CHECK_THAT(text_of(hmmer.at("version")), Catch::Matches(R"(3\.\d+(\.\d+)?\w*)"));
  CHECK(text_of(hmmer.at("path")) == benchlab::find_program("hmmsearch"));
}

TEST_CASE("without HMMER on PATH the result is 'cannot run' with the install hint",
          "[hmmsearch][e2e]") {
  TempDir empty_path;
  check_cannot_run(run_once("hmmsearch", empty_path.path.string()));
}
