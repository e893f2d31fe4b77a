// The operator API's error paths: NULL arguments, unset struct sizes, unknown targets,
// runs and stores. Each returns its documented code, leaves outputs in a defined state,
// and benchlab_errmsg() says what was wrong; nothing crashes.
#include <benchlab/benchlab.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

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
  explicit Ctx(const Scratch& s, const char* worker = BENCHLAB_WORKER_PATH) {
    const char* plugins[] = {TEST_PLUGIN_DIR, nullptr};
    std::string db = (s.dir / "results.db").string();
    benchlab_config cfg{};
    cfg.struct_size = sizeof cfg;
    cfg.db_path = db.c_str();
    cfg.plugin_dirs = plugins;
    cfg.worker_path = worker;
    cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;
    REQUIRE(benchlab_open(&cfg, &ctx) == BENCHLAB_OK);
  }
  ~Ctx() { benchlab_close(ctx); }
};

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
