// SPDX-License-Identifier: MIT
// The operator API's error paths: NULL arguments, unset struct sizes, unknown targets,
// runs and stores, numbers that are not finite, files that are not stores. Each returns
// its documented code, leaves outputs in a defined state, and benchlab_errmsg() says what
// was wrong (and is empty again after a call that succeeds); nothing crashes.
#include <benchlab/benchlab.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

std::string errmsg() { return benchlab_errmsg(); }

// A temporary directory holding the store, removed at the end of the test.
struct Scratch {
  fs::path dir;
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "benchlab-capi-err-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()));
    dir = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

struct Ctx {
  benchlab_ctx* ctx = nullptr;
  explicit Ctx(const Scratch& s, const char* worker = BENCHLAB_WORKER_PATH,
               const char* profiles = nullptr, uint32_t flags = 0) {
    const char* plugins[] = {TEST_PLUGIN_DIR, ABI_TEST_PLUGIN_DIR, nullptr};
    const char* profile_dirs[] = {profiles, nullptr};
    std::string db = (s.dir / "results.db").string();
    benchlab_config cfg{};
    cfg.struct_size = sizeof cfg;
    cfg.db_path = db.c_str();
    cfg.plugin_dirs = plugins;
    cfg.profile_dirs = profile_dirs;
    cfg.worker_path = worker;
    cfg.flags = BENCHLAB_NO_DEFAULT_DIRS | flags;
    REQUIRE(benchlab_open(&cfg, &ctx) == BENCHLAB_OK);
  }
  ~Ctx() { benchlab_close(ctx); }
};

// benchlab_open on `db` with `flags`; the context is closed again at once.
int32_t open_store(const std::string& db, uint32_t flags = 0, const char* path_override = nullptr) {
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = path_override ? path_override : db.c_str();
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS | flags;
  benchlab_ctx* ctx = reinterpret_cast<benchlab_ctx*>(&cfg);  // must be reset on failure
  int32_t rc = benchlab_open(&cfg, &ctx);
  if (rc != BENCHLAB_OK) CHECK(ctx == nullptr);
  benchlab_close(ctx);
  return rc;
}

// Runs `sql` on `file` with SQLite itself, as another program would.
void sqlite_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

long long sqlite_integer(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string results_json(benchlab_ctx* ctx, std::int64_t run_id) {
  char* text = nullptr;
  REQUIRE(benchlab_results_json(ctx, run_id, &text) == BENCHLAB_OK);
  std::string s = text;
  benchlab_free(text);
  return s;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

benchlab_run_request request(const char* const* targets) {
  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.targets = targets;
  req.trials = 1;
  return req;
}

}  // namespace

TEST_CASE("benchlab_open refuses a NULL out pointer and an unset struct_size", "[capi]") {
  CHECK(benchlab_open(nullptr, nullptr) == BENCHLAB_E_INVALID);
  CHECK_FALSE(errmsg().empty());

  benchlab_config cfg{};                                      // struct_size 0
  benchlab_ctx* ctx = reinterpret_cast<benchlab_ctx*>(&cfg);  // must be reset to NULL
  CHECK(benchlab_open(&cfg, &ctx) == BENCHLAB_E_INVALID);
  CHECK(ctx == nullptr);
  CHECK_THAT(errmsg(), Contains("struct_size"));
}

TEST_CASE("benchlab_open on a store it cannot create is a store error naming the file", "[capi]") {
  Scratch s;
  fs::create_directories(s.dir / "a-directory.db");  // a directory where the file should be
  std::string db = (s.dir / "a-directory.db").string();
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db.c_str();
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;
  benchlab_ctx* ctx = nullptr;
  CHECK(benchlab_open(&cfg, &ctx) == BENCHLAB_E_STORE);
  CHECK(ctx == nullptr);
  CHECK_THAT(errmsg(), Contains(db));
}

TEST_CASE("benchlab_open refuses a file that is not a results store", "[capi]") {
  Scratch s;
  fs::path db = s.dir / "notes.db";
  {
    FILE* f = std::fopen(db.c_str(), "w");
    REQUIRE(f);
    std::fputs("these are my notes, not an SQLite database\n", f);
    std::fclose(f);
  }
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db.c_str();
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;
  benchlab_ctx* ctx = nullptr;
  CHECK(benchlab_open(&cfg, &ctx) == BENCHLAB_E_STORE);
  CHECK(ctx == nullptr);
  CHECK_THAT(errmsg(), Contains(db.string()));
}

TEST_CASE("NULL contexts, cursors and pointers are no-ops or E_INVALID", "[capi]") {
  benchlab_close(nullptr);
  benchlab_free(nullptr);
  benchlab_cursor_free(nullptr);
  benchlab_cancel(nullptr);
  CHECK(benchlab_plugin_count(nullptr) == 0);
  CHECK(benchlab_profile_count(nullptr) == 0);
  CHECK(benchlab_diagnostic_count(nullptr) == 0);
  CHECK(benchlab_diagnostic_at(nullptr, 0) == nullptr);
  CHECK(benchlab_db_path(nullptr) != nullptr);

  benchlab_plugin_info p{};
  p.struct_size = sizeof p;
  CHECK(benchlab_plugin_at(nullptr, 0, &p) == BENCHLAB_E_INVALID);
  CHECK_FALSE(errmsg().empty());
  benchlab_result r{};
  r.struct_size = sizeof r;
  CHECK(benchlab_cursor_next(nullptr, &r) == BENCHLAB_E_INVALID);
  benchlab_cursor* cur = nullptr;
  CHECK(benchlab_results(nullptr, 0, &cur) == BENCHLAB_E_INVALID);
  char* json = nullptr;
  CHECK(benchlab_results_json(nullptr, 0, &json) == BENCHLAB_E_INVALID);
  CHECK(benchlab_inventory_json(nullptr, &json) == BENCHLAB_E_INVALID);
  std::int64_t id = 99;
  const char* targets[] = {"noop", nullptr};
  auto req = request(targets);
  CHECK(benchlab_run(nullptr, &req, &id) == BENCHLAB_E_INVALID);
  CHECK(id == 0);
  CHECK_FALSE(errmsg().empty());
}

TEST_CASE("struct_size 0 and out-of-range indexes on a context", "[capi]") {
  Scratch s;
  Ctx c(s);
  benchlab_plugin_info p{};  // struct_size 0
  CHECK(benchlab_plugin_at(c.ctx, 0, &p) == BENCHLAB_E_INVALID);
  CHECK(p.id == nullptr);  // nothing written past what the caller declared
  p.struct_size = sizeof p;
  CHECK(benchlab_plugin_at(c.ctx, benchlab_plugin_count(c.ctx), &p) == BENCHLAB_E_NOT_FOUND);
  CHECK_THAT(errmsg(), Contains("out of range"));
  benchlab_profile_info pi{};
  pi.struct_size = sizeof pi;
  CHECK(benchlab_profile_at(c.ctx, 0, &pi) == BENCHLAB_E_NOT_FOUND);
  CHECK(benchlab_diagnostic_at(c.ctx, benchlab_diagnostic_count(c.ctx)) == nullptr);

  benchlab_run_request req{};  // struct_size 0
  std::int64_t id = 5;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_INVALID);
  CHECK(id == 0);
  CHECK(benchlab_run(c.ctx, nullptr, &id) == BENCHLAB_E_INVALID);
}

TEST_CASE("a shorter caller struct is filled only up to its struct_size", "[capi]") {
  Scratch s;
  Ctx c(s);
  // A caller built against a header whose benchlab_plugin_info ended after `id`.
  struct {
    benchlab_plugin_info info;
    char guard[8];
  } p{};
  p.info.struct_size = offsetof(benchlab_plugin_info, version);
  std::memset(&p.info.version, 0x5a, sizeof p.info - offsetof(benchlab_plugin_info, version));
  REQUIRE(benchlab_plugin_at(c.ctx, 0, &p.info) == BENCHLAB_OK);
  CHECK(p.info.id != nullptr);
  const auto* tail = reinterpret_cast<const unsigned char*>(&p.info.version);
  bool untouched = true;
  for (std::size_t i = 0; i < sizeof p.info - offsetof(benchlab_plugin_info, version); ++i)
    untouched &= tail[i] == 0x5a;
  CHECK(untouched);
}

TEST_CASE("running nothing, an unknown target or a bad KEY=VALUE is refused", "[capi]") {
  Scratch s;
  Ctx c(s);
  std::int64_t id = 0;
  const char* none[] = {nullptr};
  auto req = request(none);
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_INVALID);
  CHECK_THAT(errmsg(), Contains("nothing to run"));

  const char* unknown[] = {"no-such-benchmark", nullptr};
  req = request(unknown);
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_NOT_FOUND);  // "no such target"
  CHECK_THAT(errmsg(), Contains("no-such-benchmark"));
  CHECK(id == 0);

  const char* noop[] = {"noop", nullptr};
  const char* bad[] = {"=1", nullptr};
  req = request(noop);
  req.options = bad;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_INVALID);
  CHECK_THAT(errmsg(), Contains("KEY=VALUE"));
}

TEST_CASE("resuming or reading a run that does not exist is not found", "[capi]") {
  Scratch s;
  Ctx c(s);
  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.resume_run_id = 4242;
  std::int64_t id = 0;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_NOT_FOUND);  // "no such ... run"
  CHECK_THAT(errmsg(), Contains("4242"));
  CHECK(id == 0);  // no run was resumed, so no id to report

  benchlab_cursor* cur = nullptr;
  CHECK(benchlab_results(c.ctx, 4242, &cur) == BENCHLAB_E_NOT_FOUND);
  CHECK(cur == nullptr);
  char* json = reinterpret_cast<char*>(&id);                              // must be reset to NULL
  CHECK(benchlab_results_json(c.ctx, 0, &json) == BENCHLAB_E_NOT_FOUND);  // empty store
  CHECK(json == nullptr);

  // The latest run of an empty store is an empty list, not an error.
  REQUIRE(benchlab_results(c.ctx, 0, &cur) == BENCHLAB_OK);
  benchlab_result r{};
  r.struct_size = sizeof r;
  CHECK(benchlab_cursor_next(cur, &r) == BENCHLAB_E_NOT_FOUND);
  benchlab_cursor_free(cur);
}

TEST_CASE("a missing worker is reported before a run is stored", "[capi]") {
  Scratch s;
  std::string missing = (s.dir / "no-worker").string();
  Ctx c(s, missing.c_str());
  const char* noop[] = {"noop", nullptr};
  auto req = request(noop);
  std::int64_t id = 0;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_ERROR);
  CHECK_THAT(errmsg(), Contains(missing));
  CHECK(id == 0);
  benchlab_cursor* cur = nullptr;
  REQUIRE(benchlab_results(c.ctx, -1, &cur) == BENCHLAB_OK);
  benchlab_result r{};
  r.struct_size = sizeof r;
  CHECK(benchlab_cursor_next(cur, &r) == BENCHLAB_E_NOT_FOUND);
  benchlab_cursor_free(cur);
}

TEST_CASE("benchlab_errmsg is never NULL and is per thread", "[capi]") {
  CHECK(benchlab_open(nullptr, nullptr) == BENCHLAB_E_INVALID);
  std::string here = errmsg();
  std::string there = "unset";
  std::thread t([&] { there = benchlab_errmsg(); });
  t.join();
  CHECK_FALSE(here.empty());
  CHECK(there.empty());
}

TEST_CASE("benchlab_errmsg is empty again after a call that succeeds", "[capi]") {
  Scratch s;
  Ctx c(s);
  benchlab_plugin_info p{};
  p.struct_size = sizeof p;
  REQUIRE(benchlab_plugin_at(c.ctx, 100000, &p) == BENCHLAB_E_NOT_FOUND);
  REQUIRE_FALSE(errmsg().empty());
  CHECK(benchlab_plugin_at(c.ctx, 0, &p) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  uint32_t noop = 0;
  while (noop < benchlab_plugin_count(c.ctx) &&
         (benchlab_plugin_at(c.ctx, noop, &p) != BENCHLAB_OK || std::string(p.id) != "noop"))
    ++noop;
  REQUIRE(noop < benchlab_plugin_count(c.ctx));

  // One failing call, then each status-returning function once with success.
  auto fail_once = [] { REQUIRE(benchlab_open(nullptr, nullptr) == BENCHLAB_E_INVALID); };
  fail_once();
  benchlab_version_info v{};
  v.struct_size = sizeof v;
  CHECK(benchlab_library_version(&v) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  fail_once();
  benchlab_option_info o{};
  o.struct_size = sizeof o;
  CHECK(benchlab_plugin_option_at(c.ctx, noop, 0, &o) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  fail_once();
  benchlab_metric_info m{};
  m.struct_size = sizeof m;
  CHECK(benchlab_plugin_metric_at(c.ctx, noop, 0, &m) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  fail_once();
  const char* targets[] = {"noop", nullptr};
  auto req = request(targets);
  std::int64_t id = 0;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  fail_once();
  benchlab_cursor* cur = nullptr;
  REQUIRE(benchlab_results(c.ctx, id, &cur) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  fail_once();
  benchlab_result r{};
  r.struct_size = sizeof r;
  CHECK(benchlab_cursor_next(cur, &r) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  benchlab_cursor_free(cur);
  fail_once();
  char* json = nullptr;
  CHECK(benchlab_results_json(c.ctx, id, &json) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  benchlab_free(json);
  fail_once();
  CHECK(benchlab_inventory_json(c.ctx, &json) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  benchlab_free(json);
  fail_once();
  benchlab_ctx* other = nullptr;
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.flags = BENCHLAB_NO_STORE | BENCHLAB_NO_DEFAULT_DIRS;
  CHECK(benchlab_open(&cfg, &other) == BENCHLAB_OK);
  CHECK(errmsg().empty());
  benchlab_close(other);
}

TEST_CASE("the library reports the version it is, in numbers, and the plugin ABI it hosts",
          "[capi]") {
  benchlab_version_info v{};
  v.struct_size = sizeof v;
  REQUIRE(benchlab_library_version(&v) == BENCHLAB_OK);
  CHECK(v.major == BENCHLAB_VERSION_MAJOR);
  CHECK(v.minor == BENCHLAB_VERSION_MINOR);
  CHECK(v.patch == BENCHLAB_VERSION_PATCH);
  CHECK(v.plugin_abi_major == BENCHLAB_PLUGIN_ABI_MAJOR);
  CHECK(v.plugin_abi_minor == BENCHLAB_PLUGIN_ABI_MINOR);
  CHECK(std::string(v.string) == benchlab_version());
  CHECK(std::string(v.string) ==
        std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch));

  // A caller that knows only the first fields gets only those.
  struct {
    benchlab_version_info v;
  } shorter{};
  shorter.v.struct_size = offsetof(benchlab_version_info, patch);
  shorter.v.patch = 777;
  REQUIRE(benchlab_library_version(&shorter.v) == BENCHLAB_OK);
  CHECK(shorter.v.minor == BENCHLAB_VERSION_MINOR);
  CHECK(shorter.v.patch == 777);
  CHECK(benchlab_library_version(nullptr) == BENCHLAB_E_INVALID);
}

TEST_CASE("options and metrics are read field by field, as the plugin declared them", "[capi]") {
  Scratch s;
  Ctx c(s);
  uint32_t index = benchlab_plugin_count(c.ctx);
  benchlab_plugin_info p{};
  p.struct_size = sizeof p;
  for (uint32_t i = 0; i < benchlab_plugin_count(c.ctx); ++i)
    if (benchlab_plugin_at(c.ctx, i, &p) == BENCHLAB_OK && std::string(p.id) == "declares")
      index = i;
  REQUIRE(index < benchlab_plugin_count(c.ctx));
  REQUIRE(benchlab_plugin_at(c.ctx, index, &p) == BENCHLAB_OK);
  REQUIRE(p.option_count == 6);
  REQUIRE(p.metric_count == 2);

  auto option = [&](uint32_t i) {
    benchlab_option_info o{};
    o.struct_size = sizeof o;
    REQUIRE(benchlab_plugin_option_at(c.ctx, index, i, &o) == BENCHLAB_OK);
    return o;
  };
  auto mode = option(0);
  CHECK(std::string(mode.name) == "mode");
  CHECK(mode.type == BENCHLAB_OPTION_ENUM);
  CHECK(std::string(mode.default_value) == "fast");
  REQUIRE(mode.allowed_count == 3);
  CHECK(std::string(mode.allowed[0]) == "fast");
  CHECK(std::string(mode.allowed[2]) == "exact");
  CHECK(mode.allowed[3] == nullptr);
  CHECK(std::string(mode.description) == "how hard to try");
  auto count = option(1);
  CHECK(count.type == BENCHLAB_OPTION_INT);
  CHECK(count.min_value == 1);
  CHECK(count.max_value == 64);
  CHECK(count.allowed == nullptr);
  auto scale = option(2);
  CHECK(scale.type == BENCHLAB_OPTION_FLOAT);
  CHECK(scale.min_value == 0);  // no bounds declared
  CHECK(scale.max_value == 0);
  auto input = option(3);
  CHECK(input.flags == BENCHLAB_OPTION_REQUIRED);
  CHECK(input.default_value == nullptr);
  auto arg = option(4);
  CHECK(arg.flags == BENCHLAB_OPTION_REPEATED);
  auto verbose = option(5);
  CHECK(verbose.type == BENCHLAB_OPTION_BOOL);
  CHECK(std::string(verbose.description).empty());  // declared NULL: "" handed out

  benchlab_metric_info m{};
  m.struct_size = sizeof m;
  REQUIRE(benchlab_plugin_metric_at(c.ctx, index, 0, &m) == BENCHLAB_OK);
  CHECK(std::string(m.name) == "seconds");
  CHECK(std::string(m.unit) == "s");
  CHECK(m.direction == BENCHLAB_LOWER_IS_BETTER);
  CHECK(m.flags == 0);
  CHECK(std::string(m.description) == "time of one trial");
  REQUIRE(benchlab_plugin_metric_at(c.ctx, index, 1, &m) == BENCHLAB_OK);
  CHECK(std::string(m.name) == "errors");
  CHECK(m.flags == BENCHLAB_METRIC_OPTIONAL);

  // Out of range, on either index, and unset sizes.
  benchlab_option_info o{};
  o.struct_size = sizeof o;
  CHECK(benchlab_plugin_option_at(c.ctx, index, 6, &o) == BENCHLAB_E_NOT_FOUND);
  CHECK_THAT(errmsg(), Contains("declares 6"));
  CHECK(benchlab_plugin_metric_at(c.ctx, index, 2, &m) == BENCHLAB_E_NOT_FOUND);
  CHECK(benchlab_plugin_option_at(c.ctx, benchlab_plugin_count(c.ctx), 0, &o) ==
        BENCHLAB_E_NOT_FOUND);
  CHECK(benchlab_plugin_metric_at(nullptr, 0, 0, &m) == BENCHLAB_E_INVALID);
  benchlab_option_info unset{};
  CHECK(benchlab_plugin_option_at(c.ctx, index, 0, &unset) == BENCHLAB_E_INVALID);
  CHECK(unset.name == nullptr);

  // A caller built before option_count existed: the old size is filled, nothing past it.
  struct {
    benchlab_plugin_info info;
  } old{};
  old.info.struct_size = offsetof(benchlab_plugin_info, option_count);
  old.info.option_count = 0xdead;
  REQUIRE(benchlab_plugin_at(c.ctx, index, &old.info) == BENCHLAB_OK);
  CHECK(std::string(old.info.id) == "declares");
  CHECK(old.info.option_count == 0xdead);
}

TEST_CASE("numbers that are not finite are refused, naming the field, and nothing is stored",
          "[capi]") {
  Scratch s;
  Ctx c(s);
  const char* noop[] = {"noop", nullptr};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* field;
    double target_ci, timeout_s;
  };
  for (const Case& k :
       {Case{"target_ci", nan, 0}, Case{"target_ci", inf, 0}, Case{"target_ci", -0.5, 0},
        Case{"target_ci", 1.5, 0}, Case{"timeout_s", 0, nan}, Case{"timeout_s", 0, inf},
        Case{"timeout_s", 0, -inf}, Case{"timeout_s", 0, -3}}) {
    INFO(k.field << " " << k.target_ci << " " << k.timeout_s);
    benchlab_run_request req{};
    req.struct_size = sizeof req;
    req.targets = noop;
    req.target_ci = k.target_ci;
    req.timeout_s = k.timeout_s;
    std::int64_t id = 7;
    CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_INVALID);
    CHECK_THAT(errmsg(), Contains(k.field));
    CHECK(id == 0);
  }
  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.targets = noop;
  req.warmup = -2;
  std::int64_t id = 0;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_INVALID);
  CHECK_THAT(errmsg(), Contains("warmup"));
  req.warmup = 0;
  req.min_trials = 5;
  req.max_trials = 2;
  CHECK(benchlab_run(c.ctx, &req, &id) == BENCHLAB_E_INVALID);
  CHECK_THAT(errmsg(), Contains("min_trials"));

  char* json = nullptr;
  REQUIRE(benchlab_results_json(c.ctx, -1, &json) == BENCHLAB_OK);
  CHECK(std::string(json).find("\"runs\":[]") != std::string::npos);
  benchlab_free(json);
}

TEST_CASE("a zeroed request runs the profile's policy; fields override it one by one", "[capi]") {
  Scratch s;
  fs::create_directories(s.dir / "profiles");
  std::ofstream(s.dir / "profiles" / "two-plus-warmup.xml")
      << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile id=\"two-plus-warmup\">\n"
         "  <workload plugin=\"noop\"/>\n  <trials count=\"2\" warmup=\"1\" timeout=\"30\"/>\n"
         "</profile>\n";
  const std::string profiles = (s.dir / "profiles").string();
  Ctx c(s, BENCHLAB_WORKER_PATH, profiles.c_str());
  const char* target[] = {"two-plus-warmup", nullptr};

  benchlab_run_request req{};
  req.struct_size = sizeof req;
  req.targets = target;
  std::int64_t id = 0;
  REQUIRE(benchlab_run(c.ctx, &req, &id) == BENCHLAB_OK);
  std::string doc = results_json(c.ctx, id);
  CHECK(count_of(doc, "\"warmup\":true") == 1);   // the profile's warm-up
  CHECK(count_of(doc, "\"warmup\":false") == 2);  // and its two trials
  CHECK_THAT(doc, Contains("\"timeout_s\":3E1") || Contains("\"timeout_s\":30"));
  // The run's settings say what the operator overrode: nothing.
  CHECK_THAT(doc, Contains("\"settings\":{\"options\":[],\"trials\":null"));

  req.warmup = BENCHLAB_WARMUP_NONE;
  REQUIRE(benchlab_run(c.ctx, &req, &id) == BENCHLAB_OK);
  doc = results_json(c.ctx, id);
  CHECK(count_of(doc, "\"warmup\":true") == 0);
  CHECK(count_of(doc, "\"warmup\":false") == 2);

  req.warmup = 2;
  req.trials = 1;
  REQUIRE(benchlab_run(c.ctx, &req, &id) == BENCHLAB_OK);
  doc = results_json(c.ctx, id);
  CHECK(count_of(doc, "\"warmup\":true") == 2);
  CHECK(count_of(doc, "\"warmup\":false") == 1);
}

TEST_CASE(
    "a store path that is empty, a device, a directory or in a missing directory is "
    "refused, and nothing is created",
    "[capi][store]") {
  Scratch s;
  CHECK(open_store("", 0) == BENCHLAB_E_INVALID);
  CHECK_THAT(errmsg(), Contains("empty"));

  const bool dev_journal_before = fs::exists("/dev/null-journal") || fs::exists("/dev/null-wal");
  CHECK(open_store("/dev/null") == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("/dev/null is a device"));
  CHECK(open_store("/dev/full") == BENCHLAB_E_STORE);
  if (!dev_journal_before) {
    CHECK_FALSE(fs::exists("/dev/null-journal"));
    CHECK_FALSE(fs::exists("/dev/null-wal"));
    CHECK_FALSE(fs::exists("/dev/full-journal"));
  }

  CHECK(open_store(s.dir.string()) == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("is a directory"));

  const fs::path typo = s.dir / "no-such-dir" / "deeper" / "results.db";
  CHECK(open_store(typo.string()) == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("does not exist"));
  CHECK_FALSE(fs::exists(s.dir / "no-such-dir"));

  // A new file in an existing directory is fine.
  CHECK(open_store((s.dir / "new.db").string()) == BENCHLAB_OK);
  CHECK(fs::is_regular_file(s.dir / "new.db"));
}

TEST_CASE("the default store's directory is created", "[capi][store]") {
  Scratch s;
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", (s.dir / "xdg").c_str(), 1);
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;
  benchlab_ctx* ctx = nullptr;
  int32_t rc = benchlab_open(&cfg, &ctx);
  std::string path = ctx ? benchlab_db_path(ctx) : "";
  benchlab_close(ctx);
  if (old)
    setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else
    unsetenv("XDG_DATA_HOME");
  CHECK(rc == BENCHLAB_OK);
  CHECK(path == (s.dir / "xdg" / "benchlab" / "results.db").string());
  CHECK(fs::is_regular_file(s.dir / "xdg" / "benchlab" / "results.db"));
}

TEST_CASE("read-only and store-less contexts write nothing and refuse what needs a store",
          "[capi][store]") {
  Scratch s;
  const fs::path db = s.dir / "results.db";
  CHECK(open_store(db.string(), BENCHLAB_READ_ONLY) == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("there is no results store " + db.string()));
  CHECK_FALSE(fs::exists(db));

  {
    // An empty file is no store to read either.
    std::ofstream(s.dir / "empty.db").flush();
    CHECK(open_store((s.dir / "empty.db").string(), BENCHLAB_READ_ONLY) == BENCHLAB_E_STORE);
    CHECK_THAT(errmsg(), Contains("empty"));
  }

  {
    Ctx writer(s);  // creates results.db with one run
    const char* noop[] = {"noop", nullptr};
    auto req = request(noop);
    std::int64_t id = 0;
    REQUIRE(benchlab_run(writer.ctx, &req, &id) == BENCHLAB_OK);
  }
  REQUIRE(chmod(db.c_str(), 0444) == 0);  // also what a reader without write access sees
  {
    Ctx reader(s, BENCHLAB_WORKER_PATH, nullptr, BENCHLAB_READ_ONLY);
    CHECK(benchlab_errmsg() == std::string());
    CHECK(count_of(results_json(reader.ctx, 0), "\"test\":\"noop\"") == 1);
    const char* noop[] = {"noop", nullptr};
    auto req = request(noop);
    std::int64_t id = 5;
    CHECK(benchlab_run(reader.ctx, &req, &id) == BENCHLAB_E_STORE);
    CHECK_THAT(errmsg(), Contains("read-only"));
    CHECK(id == 0);
  }
  REQUIRE(chmod(db.c_str(), 0644) == 0);
  CHECK(sqlite_integer(db, "SELECT COUNT(*) FROM runs") == 1);

  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = "/nonexistent/ignored.db";
  cfg.plugin_dirs = nullptr;
  cfg.flags = BENCHLAB_NO_STORE | BENCHLAB_NO_DEFAULT_DIRS;
  benchlab_ctx* ctx = nullptr;
  REQUIRE(benchlab_open(&cfg, &ctx) == BENCHLAB_OK);
  CHECK(std::string(benchlab_db_path(ctx)).empty());
  char* json = nullptr;
  CHECK(benchlab_inventory_json(ctx, &json) == BENCHLAB_OK);
  benchlab_free(json);
  json = nullptr;
  CHECK(benchlab_results_json(ctx, 0, &json) == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("BENCHLAB_NO_STORE"));
  benchlab_cursor* cur = nullptr;
  CHECK(benchlab_results(ctx, 0, &cur) == BENCHLAB_E_STORE);
  const char* noop[] = {"noop", nullptr};
  auto req = request(noop);
  std::int64_t id = 0;
  CHECK(benchlab_run(ctx, &req, &id) == BENCHLAB_E_STORE);
  benchlab_close(ctx);
  CHECK_FALSE(fs::exists("/nonexistent"));

  cfg.flags = 0x100;  // a flag of a newer benchlab
  CHECK(benchlab_open(&cfg, &ctx) == BENCHLAB_E_INVALID);
  CHECK_THAT(errmsg(), Contains("0x100"));
}

TEST_CASE("another program's SQLite file is not a store; one from before application_id is",
          "[capi][store]") {
  Scratch s;
  const fs::path other = s.dir / "other.db";
  sqlite_exec(other, "CREATE TABLE runs(x); CREATE TABLE notes(y); PRAGMA user_version = 3;");
  CHECK(open_store(other.string()) == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("not a benchlab results store") && Contains("notes, runs") &&
                           Contains(other.string()));
  CHECK_THAT(errmsg(), !Contains("already exists"));
  CHECK(sqlite_integer(other, "SELECT COUNT(*) FROM sqlite_schema") == 2);  // untouched
  CHECK(sqlite_integer(other, "PRAGMA application_id") == 0);

  const fs::path tagged = s.dir / "tagged.db";
  sqlite_exec(tagged, "PRAGMA application_id = 1196444487;");  // 0x47504b47, 'GPKG'
  CHECK(open_store(tagged.string()) == BENCHLAB_E_STORE);
  CHECK_THAT(errmsg(), Contains("0x47504b47"));
  CHECK(open_store(tagged.string(), BENCHLAB_READ_ONLY) == BENCHLAB_E_STORE);

  // A new store carries benchlab's id...
  const fs::path ours = s.dir / "ours.db";
  REQUIRE(open_store(ours.string()) == BENCHLAB_OK);
  const long long id = sqlite_integer(ours, "PRAGMA application_id");
  CHECK(id == 0x424c4142);
  // ... and a store written before the id existed is accepted and given it.
  sqlite_exec(ours, "PRAGMA application_id = 0;");
  CHECK(open_store(ours.string(), BENCHLAB_READ_ONLY) == BENCHLAB_OK);
  CHECK(sqlite_integer(ours, "PRAGMA application_id") == 0);  // read-only: left alone
  CHECK(open_store(ours.string()) == BENCHLAB_OK);
  CHECK(sqlite_integer(ours, "PRAGMA application_id") == id);

  // An empty file becomes a store.
  std::ofstream(s.dir / "empty.db").flush();
  CHECK(open_store((s.dir / "empty.db").string()) == BENCHLAB_OK);
  CHECK(sqlite_integer(s.dir / "empty.db", "PRAGMA application_id") == id);
}
