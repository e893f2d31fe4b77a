// SPDX-License-Identifier: MIT
// Input an attacker or a careless colleague controls: plugin files others could change
// (loading one runs its code as the operator), shell syntax in a profile's command
// arguments, plugins that litter their scratch directory and crash or hang, and --db
// files that are not benchlab stores (another program's database, a device).
#include <grp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>

#include "fault_fixture.h"

using namespace it;
using namespace ft;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> about(const std::vector<std::string>& diags, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : diags)
    if (d.find(text) != std::string::npos) out.push_back(d);
  return out;
}

// Whether users other than the owner may run `program`: it and every directory above it
// have the "others" execute bit.
bool others_may_run(const fs::path& program) {
  for (fs::path p = fs::absolute(program);; p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) != 0 || !(st.st_mode & S_IXOTH)) return false;
    if (p == p.root_path()) return true;
  }
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A group id that is neither root's nor ours, for a file "writable by another group".
gid_t foreign_gid() {
  for (gid_t g = 60000; g < 60100; ++g)
    if (g != getgid() && !getgrgid(g)) return g;
  return 60100;
}

}  // namespace

TEST_CASE("plugin files others could change are refused, the trusted one beside them loads",
          "[security][integration]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins", elsewhere = tmp.path() / "elsewhere";
  fs::create_directories(dir);
  fs::create_directories(elsewhere);
  REQUIRE(chmod(dir.c_str(), 0755) == 0);
  for (const char* p : {"noop", "crash", "hang", "hungry"})
    fs::copy_file(test_plugin_dir() / (std::string(p) + ".so"), dir / (std::string(p) + ".so"));
  fs::copy_file(fault_plugin_dir() / "flood.so", elsewhere / "flood.so");
  // A link in a trusted directory to a file anyone may rewrite.
  REQUIRE(chmod((elsewhere / "flood.so").c_str(), 0666) == 0);
  fs::create_symlink(elsewhere / "flood.so", dir / "flood.so");
  // Writable by every user.
  REQUIRE(chmod((dir / "crash.so").c_str(), 0666) == 0);
  const bool root = geteuid() == 0;
  if (root) {
    // Writable by a group that is not ours, and owned by another user.
    REQUIRE(chown((dir / "hang.so").c_str(), 0, foreign_gid()) == 0);
    REQUIRE(chmod((dir / "hang.so").c_str(), 0664) == 0);
    REQUIRE(chown((dir / "hungry.so").c_str(), 65534, 0) == 0);
  } else {
    WARN("not root: the foreign group and foreign owner cases are not tested");
  }

  Harness h(tmp.path() / "results.db", {dir.string()}, {});
  const auto ids = h.plugin_ids();
  const auto diags = h.diagnostics();
  INFO("plugins: " << Catch::Detail::stringify(ids));
  INFO("diagnostics: " << Catch::Detail::stringify(diags));
  CHECK(has(ids, "noop"));
  CHECK_FALSE(has(ids, "crash"));
  CHECK_FALSE(has(ids, "flood"));
  CHECK(about(diags, (dir / "crash.so").string() + ": refused: writable by every user").size() ==
        1);
  CHECK(about(diags, (dir / "flood.so").string() + ": refused: writable by every user").size() ==
        1);
  if (root) {
    CHECK_FALSE(has(ids, "hang"));
    CHECK_FALSE(has(ids, "hungry"));
    CHECK(about(diags, (dir / "hang.so").string() + ": refused: writable by group").size() == 1);
    CHECK(about(diags, (dir / "hungry.so").string() + ": refused: owned by another user").size() ==
          1);
    CHECK(ids.size() == 1);
  }
}

TEST_CASE("a plugin directory inside a directory anyone can write to is refused",
          "[security][integration]") {
  // Whoever can write to the parent can rename the plugin directory away and put their
  // own in its place, so the directory is no safer than its parent.
  TempDir tmp;
  const fs::path open_dir = tmp.path() / "shared", dir = open_dir / "plugins";
  fs::create_directories(dir);
  REQUIRE(chmod(open_dir.c_str(), 0777) == 0);  // no sticky bit
  REQUIRE(chmod(dir.c_str(), 0755) == 0);
  fs::copy_file(test_plugin_dir() / "noop.so", dir / "noop.so");

  Harness h(tmp.path() / "results.db", {dir.string()}, {});
  INFO("diagnostics: " << Catch::Detail::stringify(h.diagnostics()));
  CHECK(h.plugin_ids().empty());
  CHECK(about(h.diagnostics(), dir.string()).size() == 1);
}

TEST_CASE("a plugin made world-writable after discovery is refused when its trial starts",
          "[security][integration]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins";
  fs::create_directories(dir);
  REQUIRE(chmod(dir.c_str(), 0755) == 0);
  fs::copy_file(test_plugin_dir() / "noop.so", dir / "noop.so");
  Harness h(tmp.path() / "results.db", {dir.string()}, {});
  REQUIRE(h.plugin_ids() == std::vector<std::string>{"noop"});
  REQUIRE(chmod((dir / "noop.so").c_str(), 0666) == 0);

  RunSpec spec;
  spec.targets = {"noop"};
  spec.trials = 1;
  auto r = run(h, spec);
  CHECK(r.rc == BENCHLAB_E_TRIALS_FAILED);
  auto rows = results(h, r.run_id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == BENCHLAB_STATUS_FAILED);
  CHECK_THAT(rows[0].reason, Contains("refused: writable by every user"));
  Db db(tmp.path() / "results.db");
  CHECK(db.integer("SELECT COUNT(*) FROM trials") == 0);  // not one trial ran its code
}

TEST_CASE("shell syntax in a command profile's arguments reaches the program literally",
          "[security][integration]") {
  TempDir tmp;
  const fs::path canary = tmp.path() / "canary", profiles = tmp.path() / "profiles";
  fs::create_directories(canary);
  fs::create_directories(profiles);
  const std::string c = canary.string();
  // Each argument would create a file in `canary` if a shell ever read it.
  const std::vector<std::string> hostile = {
      "$(touch " + c + "/subst)",   "`touch " + c + "/backtick`", "; touch " + c + "/semicolon",
      "| touch " + c + "/pipe",     "&& touch " + c + "/and",     "> " + c + "/redirect",
      "$(touch {scratch}/scratch)",
  };
  auto option = [](const std::string& name, const std::string& value) {
    return "    <option name=\"" + name + "\"><![CDATA[" + value + "]]></option>\n";
  };
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile id=\"ft-argv\">\n"
      "  <workload plugin=\"command\">\n";
  xml += option("setup_arg", "echo") + option("setup_arg", "$(touch " + c + "/setup)");
  xml += option("teardown_arg", "echo") + option("teardown_arg", "; touch " + c + "/teardown");
  xml += option("arg", "echo") + option("arg", "value=42");
  for (const auto& a : hostile) xml += option("arg", a);
  // The metric exists only if echo printed every argument as it was written.
  xml += option("rule",
                "name=value unit=x direction=higher regex=^value=([0-9]+) \\$\\(touch "
                "\\S+/subst\\) `touch \\S+/backtick` ; touch \\S+/semicolon \\| touch "
                "\\S+/pipe && touch \\S+/and > \\S+/redirect \\$\\(touch /\\S+/scratch\\)$");
  xml += "  </workload>\n  <trials count=\"1\" warmup=\"0\"/>\n</profile>\n";
  write_file(profiles / "ft-argv.xml", xml);

  Harness h(tmp.path() / "results.db", {COMMAND_PLUGIN_DIR}, {profiles.string()});
  INFO("diagnostics: " << Catch::Detail::stringify(h.diagnostics()));
  RunSpec spec;
  spec.targets = {"ft-argv"};
  auto r = run(h, spec);
  INFO(r.message);
  Db db(tmp.path() / "results.db");
  auto t = stored_trials(db, r.run_id, 1);
  REQUIRE(t.size() == 1);
  INFO("reason: " << t[0].reason << "\nlog: " << t[0].log);
  CHECK(t[0].ok);
  CHECK(t[0].value == 42.0);
  CHECK_THAT(db.text("SELECT output FROM trials"), Contains("$(touch " + c + "/subst)"));
  std::vector<std::string> created;
  for (const auto& e : fs::directory_iterator(canary)) created.push_back(e.path().string());
  CHECK(created.empty());
  CHECK(r.rc == BENCHLAB_OK);
}

namespace {

// Runs litter (2 trials, 1 for `hang`; 1 s timeout) through the benchlab command, as `user` when
// the test is root, and returns the scratch directory its trial logged and what is left in TMPDIR
// afterwards.
struct Littered {
  Exit exit;
  std::vector<StoredTrial> trials;
  fs::path scratch;
  std::vector<std::string> left;
};

Littered litter(const TempDir& tmp, const std::string& then, bool readonly, uid_t user) {
  static int runs = 0;
  const fs::path db = tmp.path() / "results.db";
  const fs::path log = tmp.path() / ("benchlab-" + std::to_string(++runs) + ".log");
  if (user && geteuid() == 0) hand_over(tmp.path(), user);
  Littered l;
  l.exit = run_benchlab(store_args(db, {"run", "litter", "-o", "then=" + then, "-o",
                                        std::string("readonly=") + (readonly ? "true" : "false"),
                                        "-n", then == "hang" ? "1" : "2", "--timeout", "1", "-q"}),
                        log, Faults{0, user});
  INFO("benchlab output:\n" << read_file(log));
  Db d(db);
  l.trials = stored_trials(d, d.integer("SELECT MAX(id) FROM runs"), 1);
  std::smatch m;
  static const std::regex re("scratch: (\\S+)");
  if (!l.trials.empty() && std::regex_search(l.trials[0].log, m, re)) l.scratch = m[1].str();
  for (const auto& e : fs::directory_iterator(tmp.path() / "tmp"))  // TMPDIR, set by TempDir
    l.left.push_back(e.path().string());
  return l;
}

}  // namespace

TEST_CASE("a result's scratch directory is removed when it ends, even after crashes and hangs",
          "[scratch][integration]") {
  TempDir tmp;
  for (const char* then : {"ok", "segv", "hang"}) {
    INFO("then=" << then);
    Littered l = litter(tmp, then, false, 0);
    REQUIRE(l.trials.size() == (std::string(then) == "hang" ? 1u : 2u));
    CHECK(l.trials[0].ok == (std::string(then) == "ok"));
    REQUIRE_FALSE(l.scratch.empty());
    CHECK(l.scratch.parent_path() == tmp.path() / "tmp");
    CHECK_FALSE(fs::exists(l.scratch));
    INFO("left in TMPDIR: " << Catch::Detail::stringify(l.left));
    CHECK(l.left.empty());
  }
}

TEST_CASE("a scratch directory holding a read-only directory is removed too",
          "[scratch][integration]") {
  // Go's module cache, for one, is made of mode-0555 directories: only chmod (or root)
  // can empty them. Run as an ordinary user, since root ignores the modes.
  if (geteuid() == 0 && !others_may_run(cli_path())) {
    WARN(
        "the build tree is inside a directory other users cannot enter (a checkout under "
        "mktemp -d, say), so benchlab cannot run as nobody: not tested");
    return;
  }
  TempDir tmp;
  for (const char* then : {"ok", "segv"}) {
    INFO("then=" << then);
    Littered l = litter(tmp, then, true, kNobody);
    INFO("benchlab: " << l.exit.describe());
    REQUIRE_FALSE(l.trials.empty());
    CHECK(l.trials[0].ok == (std::string(then) == "ok"));
    REQUIRE_FALSE(l.scratch.empty());
    INFO("left in TMPDIR: " << Catch::Detail::stringify(l.left));
    CHECK_FALSE(fs::exists(l.scratch));
  }
}

TEST_CASE(
    "plugin files that crash or hang whatever loads them are refused by name, and the "
    "rest of discovery and the run go on",
    "[security][integration]") {
  TempDir tmp;
  const std::string broken = BROKEN_PLUGIN_DIR;
  const auto started = std::chrono::steady_clock::now();
  Harness h(tmp.path() / "results.db", {broken, test_plugin_dir().string()}, {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto ids = h.plugin_ids();
  const auto diags = h.diagnostics();
  INFO("plugins: " << Catch::Detail::stringify(ids));
  INFO("diagnostics: " << Catch::Detail::stringify(diags));
  CHECK(has(ids, "noop"));
  for (const char* id :
       {"broken-ctor-crash", "broken-entry-abort", "broken-ctor-hang", "broken-ctor-exit"})
    CHECK_FALSE(has(ids, id));
  const auto crash = about(diags, "broken-ctor-crash.so");
  const auto abort = about(diags, "broken-entry-abort.so");
  const auto hang = about(diags, "broken-ctor-hang.so");
  const auto exit = about(diags, "broken-ctor-exit.so");
  REQUIRE(crash.size() == 1);
  REQUIRE(abort.size() == 1);
  REQUIRE(hang.size() == 1);
  REQUIRE(exit.size() == 1);
  CHECK(crash[0] == broken +
                        "/broken-ctor-crash.so: refused: loading it crashed: SIGSEGV "
                        "(Segmentation fault) (in a constructor or in "
                        "benchlab_plugin_entry())");
  CHECK_THAT(abort[0], Contains("refused: loading it crashed: SIGABRT"));
  CHECK_THAT(hang[0], Contains("refused: loading it hung for 10 s"));
  // exit(0) in a constructor would have ended benchlab with status 0, silently.
  CHECK_THAT(exit[0], Contains("refused: loading it ended its process with exit status 0"));
  CHECK(seconds < 30);  // one timeout, not one per file

  RunSpec spec;
  spec.targets = {"noop"};
  spec.trials = 1;
  RunOutcome r = run(h, spec);
  CHECK(r.rc == BENCHLAB_OK);
}

TEST_CASE("reading results and the inventory loads no plugin file", "[security][integration]") {
  // broken-ctor-hang makes a first discovery (the plugin cache of a fresh TempDir is
  // empty) take its 10 s timeout, so a fast answer proves that discovery did not run.
  TempDir tmp;
  Harness h(tmp.path() / "results.db", {BROKEN_PLUGIN_DIR}, {});
  const auto started = std::chrono::steady_clock::now();
  char* json = nullptr;
  CHECK(benchlab_results_json(h.ctx(), 0, &json) == BENCHLAB_E_NOT_FOUND);  // empty store
  REQUIRE(benchlab_inventory_json(h.ctx(), &json) == BENCHLAB_OK);
  benchlab_free(json);
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  CHECK(seconds() < 5);
  // The first call that needs the plugins discovers them, and pays for the hang.
  CHECK_THAT(Catch::Detail::stringify(h.diagnostics()), Contains("hung for 10 s"));
  CHECK(seconds() >= 10);
}

TEST_CASE("another program's SQLite database given as --db is refused and left as it was",
          "[security][store][integration]") {
  TempDir tmp;
  const fs::path other = tmp.path() / "inventory.sqlite";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "CREATE TABLE runs(id INTEGER, mileage REAL); INSERT INTO runs VALUES "
                         "(1, 12.5); PRAGMA user_version = 7;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  const auto before = read_file(other);
  for (const std::vector<std::string>& args :
       {store_args(other, {"run", "noop", "-n", "1", "-q"}),
        std::vector<std::string>{"results", "--db", other.string()}}) {
    const fs::path log = tmp.path() / "benchlab.log";
    fs::remove(log);
    Exit e = run_benchlab(args, log);
    const std::string out = read_file(log);
    INFO(out);
    CHECK(e.exited);
    CHECK(e.code == 3);
    CHECK_THAT(out, Contains(other.string() + ": not a benchlab results store"));
    CHECK_THAT(out, Contains("tables: runs"));
    CHECK_THAT(out, !Contains("already exists"));
  }
  CHECK(read_file(other) == before);
  CHECK_FALSE(fs::exists(other.string() + "-wal"));
  CHECK_FALSE(fs::exists(other.string() + "-journal"));
}

TEST_CASE("a --db naming a device, or a link to one, is refused before SQLite touches it",
          "[security][store][integration]") {
  TempDir tmp;
  const fs::path link = tmp.path() / "results.db";
  fs::create_symlink("/dev/null", link);
  const bool leftovers_before = fs::exists("/dev/null-journal") || fs::exists("/dev/null-wal") ||
                                fs::exists("/dev/full-journal");
  for (const fs::path& db : {fs::path("/dev/null"), fs::path("/dev/full"), link}) {
    INFO(db);
    const fs::path log = tmp.path() / "benchlab.log";
    fs::remove(log);
    Exit e = run_benchlab(store_args(db, {"run", "noop", "-n", "1", "-q"}), log);
    const std::string out = read_file(log);
    INFO(out);
    CHECK(e.code == 3);
    CHECK_THAT(out, Contains("is a device, not a results store"));
  }
  if (!leftovers_before) {
    CHECK_FALSE(fs::exists("/dev/null-journal"));
    CHECK_FALSE(fs::exists("/dev/null-wal"));
    CHECK_FALSE(fs::exists("/dev/full-journal"));
  }
}

TEST_CASE(
    "plugin files that hang when loaded cost one deadline together, are named while "
    "discovery waits, and cost nothing the second time",
    "[security][integration][cache]") {
  // Checked one after another, three of them once cost 30 s on every command, in silence.
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins";
  fs::create_directories(dir);
  REQUIRE(chmod(dir.c_str(), 0755) == 0);
  for (const char* name : {"hang-a.so", "hang-b.so", "hang-c.so"})
    fs::copy_file(fs::path(BROKEN_PLUGIN_DIR) / "broken-ctor-hang.so", dir / name);
  fs::copy_file(test_plugin_dir() / "noop.so", dir / "noop.so");
  const std::vector<std::string> list = {"list", "plugins", "--plugin-dir", dir.string()};

  const fs::path first_log = tmp.path() / "first.log";
  const Exit first = run_benchlab(list, first_log);
  const std::string first_out = read_file(first_log);
  INFO("first `benchlab list`:\n" << first_out);
  CHECK(first.exited);
  CHECK(first.code == 0);
  CHECK_THAT(first_out, Contains("noop"));
  for (const char* name : {"hang-a.so", "hang-b.so", "hang-c.so"}) {
    const std::string file = (dir / name).string();
    CHECK_THAT(first_out, Contains("benchlab: checking plugins: still waiting for " + file));
    CHECK_THAT(first_out, Contains(file + ": refused: loading it hung for 10 s"));
  }
  CHECK(first.elapsed.count() >= 10);
  CHECK(first.elapsed.count() < 20);  // one deadline for the three, not three

  const fs::path second_log = tmp.path() / "second.log";
  const Exit second = run_benchlab(list, second_log);
  const std::string second_out = read_file(second_log);
  INFO("second `benchlab list`:\n" << second_out);
  CHECK(second.code == 0);
  CHECK_THAT(second_out, Contains("noop"));
  CHECK_THAT(second_out, !Contains("still waiting"));
  for (const char* name : {"hang-a.so", "hang-b.so", "hang-c.so"})
    CHECK_THAT(second_out, Contains((dir / name).string() +
                                    ": refused: loading it hung for 10 s (in a constructor or in "
                                    "benchlab_plugin_entry()) (as found before"));
  CHECK(second.elapsed.count() < 5);  // the verdicts came from the plugin cache
}
