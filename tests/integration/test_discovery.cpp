// SPDX-License-Identifier: MIT
// Discovery as an operator meets it: files in a plugin directory that are not plugins,
// or plugins of another ABI or machine, are each reported once with the file and the
// reason, and never keep the good plugins from loading; an unsafe directory or file is
// refused; entries that are no regular files are named; a second discovery answers from
// the plugin cache without starting a worker; and no plugin is ever loaded into the
// process that uses the C API or into the benchlab command, only into workers.
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <sstream>

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

fs::path discovery_plugin_dir() { return DISCOVERY_PLUGIN_DIR; }

// What one context discovered, through the C API, with `worker` as its benchlab-worker.
struct Found {
  std::vector<std::string> ids, diags;
};

Found discover_with(const fs::path& db, const std::vector<std::string>& plugin_dirs,
                    const std::vector<std::string>& profile_dirs, const std::string& worker) {
  std::vector<const char*> pd, fd;
  for (const auto& d : plugin_dirs) pd.push_back(d.c_str());
  for (const auto& d : profile_dirs) fd.push_back(d.c_str());
  pd.push_back(nullptr);
  fd.push_back(nullptr);
  const std::string db_s = db.string();
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = db_s.c_str();
  cfg.plugin_dirs = pd.data();
  cfg.profile_dirs = fd.data();
  cfg.worker_path = worker.c_str();
  cfg.flags = BENCHLAB_NO_DEFAULT_DIRS;
  benchlab_ctx* ctx = nullptr;
  REQUIRE(benchlab_open(&cfg, &ctx) == BENCHLAB_OK);
  Found f;
  for (uint32_t i = 0; i < benchlab_plugin_count(ctx); ++i) {
    benchlab_plugin_info p{};
    p.struct_size = sizeof p;
    REQUIRE(benchlab_plugin_at(ctx, i, &p) == BENCHLAB_OK);
    f.ids.emplace_back(p.id);
  }
  for (uint32_t i = 0; i < benchlab_diagnostic_count(ctx); ++i)
    f.diags.emplace_back(benchlab_diagnostic_at(ctx, i));
  benchlab_close(ctx);
  return f;
}

// A benchlab-worker that notes every start in a file before it becomes the real one, so
// that a test can count how often discovery started a worker.
struct CountingWorker {
  fs::path script, log;
  explicit CountingWorker(const fs::path& dir)
      : script(dir / "counting-worker"), log(dir / "worker-starts") {
    std::ofstream(script) << "#!/bin/sh\necho \"$*\" >> '" << log.string() << "'\nexec '"
                          << worker_path() << "' \"$@\"\n";
    REQUIRE(chmod(script.c_str(), 0755) == 0);
  }
  // The --describe starts so far, one line each.
  std::vector<std::string> describes() const {
    std::vector<std::string> out;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("--describe", 0) == 0) out.push_back(line);
    return out;
  }
};

fs::path copy_plugin(const fs::path& from, const fs::path& dir, const std::string& name) {
  fs::create_directories(dir);
  const fs::path to = dir / name;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  return to;
}

// Overwrites bytes of `file` at `offset`.
void patch(const fs::path& file, std::size_t offset, const std::string& bytes) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f.good());
}

std::string le16(unsigned v) { return std::string{char(v & 0xff), char(v >> 8)}; }

// Sets an environment variable for one scope, then puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_.c_str(), old_->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("each bad plugin file gets one diagnostic naming file and reason", "[discovery]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db", {test_plugin_dir().string()}, {});
  auto diags = h.diagnostics();
  INFO("diagnostics: " << Catch::Detail::stringify(diags));

  auto garbage = about(diags, (test_plugin_dir() / "garbage.so").string());
  REQUIRE(garbage.size() == 1);
  CHECK_THAT(garbage[0], Contains("cannot load: not an ELF shared object (it begins with"));

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

TEST_CASE("a second discovery answers from the plugin cache without starting a worker",
          "[discovery][cache]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins";
  const fs::path noop = copy_plugin(test_plugin_dir() / "noop.so", dir, "noop.so");
  copy_plugin(test_plugin_dir() / "crash.so", dir, "crash.so");
  copy_plugin(test_plugin_dir() / "noentry.so", dir, "noentry.so");
  copy_plugin(test_plugin_dir() / "garbage.so", dir, "garbage.so");
  CountingWorker worker(tmp.path());
  const fs::path db = tmp.path() / "results.db";

  const Found first = discover_with(db, {dir.string()}, {}, worker.script.string());
  INFO("first: " << Catch::Detail::stringify(first.diags));
  CHECK(first.ids == std::vector<std::string>{"crash", "noop"});
  // garbage.so is refused by its first bytes, without a worker.
  CHECK(worker.describes().size() == 3);
  REQUIRE(about(first.diags, "noentry.so").size() == 1);
  REQUIRE(about(first.diags, "garbage.so").size() == 1);

  const Found second = discover_with(db, {dir.string()}, {}, worker.script.string());
  INFO("second: " << Catch::Detail::stringify(second.diags));
  CHECK(worker.describes().size() == 3);  // not one more worker
  CHECK(second.ids == first.ids);
  REQUIRE(second.diags.size() == first.diags.size());
  const auto noentry = about(second.diags, "noentry.so");
  REQUIRE(noentry.size() == 1);
  CHECK_THAT(noentry[0], Contains("not a benchlab plugin (no symbol benchlab_plugin_entry)"));
  CHECK_THAT(noentry[0], Contains("change or touch the file to check it again"));

  // A touched file is a new version as far as discovery can tell: it is checked again,
  // and only it.
  fs::last_write_time(noop, fs::last_write_time(noop) + std::chrono::seconds(5));
  const Found third = discover_with(db, {dir.string()}, {}, worker.script.string());
  CHECK(third.ids == first.ids);
  const auto starts = worker.describes();
  REQUIRE(starts.size() == 4);
  CHECK_THAT(starts[3], Contains(noop.string()));

  // So is a file that changed size, or was replaced by another.
  copy_plugin(test_plugin_dir() / "hungry.so", dir, "crash.so");
  const Found fourth = discover_with(db, {dir.string()}, {}, worker.script.string());
  CHECK(fourth.ids == std::vector<std::string>{"hungry", "noop"});
  CHECK(worker.describes().size() == 5);
}

TEST_CASE("a corrupt, foreign or unwritable plugin cache is never an error", "[discovery][cache]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins";
  copy_plugin(test_plugin_dir() / "noop.so", dir, "noop.so");
  CountingWorker worker(tmp.path());
  const fs::path db = tmp.path() / "results.db";
  const fs::path cache = tmp.path() / "cache" / "benchlab" / "_discovery" / "plugins.json";
  const std::vector<std::string> noop{"noop"};

  CHECK(discover_with(db, {dir.string()}, {}, worker.script.string()).ids == noop);
  REQUIRE(fs::is_regular_file(cache));
  CHECK(worker.describes().size() == 1);

  SECTION("corrupt: ignored, and replaced by a good one") {
    std::ofstream(cache, std::ios::trunc) << "{\"format\": 1, \"files\": [tr";
    const Found f = discover_with(db, {dir.string()}, {}, worker.script.string());
    CHECK(f.ids == noop);
    CHECK(f.diags.empty());
    CHECK(worker.describes().size() == 2);
    CHECK(discover_with(db, {dir.string()}, {}, worker.script.string()).ids == noop);
    CHECK(worker.describes().size() == 2);
  }
  SECTION("writable by others: not believed") {
    REQUIRE(chmod(cache.c_str(), 0666) == 0);
    CHECK(discover_with(db, {dir.string()}, {}, worker.script.string()).ids == noop);
    CHECK(worker.describes().size() == 2);
  }
  SECTION("written by another worker: not believed") {
    const fs::path other = tmp.path() / "other";
    fs::create_directories(other);
    CountingWorker second(other);
    CHECK(discover_with(db, {dir.string()}, {}, second.script.string()).ids == noop);
    CHECK(second.describes().size() == 1);
  }
  SECTION("no directory to write to: discovery works, every time from the files") {
    const fs::path not_a_dir = tmp.path() / "a-file";
    std::ofstream(not_a_dir) << "x";
    ScopedEnv env("XDG_CACHE_HOME", not_a_dir.string());
    for (int i = 0; i < 2; ++i) {
      const Found f = discover_with(db, {dir.string()}, {}, worker.script.string());
      CHECK(f.ids == noop);
      CHECK(f.diags.empty());
    }
    CHECK(worker.describes().size() == 3);
  }
}

TEST_CASE("entries that are not regular files are named with the reason, and a FIFO stops nothing",
          "[discovery]") {
  TempDir tmp;
  const fs::path plugins = tmp.path() / "plugins", profiles = tmp.path() / "profiles";
  copy_plugin(test_plugin_dir() / "noop.so", plugins, "noop.so");
  REQUIRE(mkfifo((plugins / "fifo.so").c_str(), 0644) == 0);
  fs::create_symlink("/dev/zero", plugins / "zero.so");
  fs::create_directories(plugins / "dir.so");
  fs::create_symlink(tmp.path() / "nowhere.so", plugins / "dangling.so");
  fs::create_symlink(plugins / "loop.so", plugins / "loop.so");

  fs::create_directories(profiles / "sub");
  fs::copy_file(profile_dir() / "it-noop.xml", profiles / "it-noop.xml");
  REQUIRE(mkfifo((profiles / "fifo.xml").c_str(), 0644) == 0);
  fs::create_symlink("/dev/null", profiles / "null.xml");
  fs::create_symlink(tmp.path() / "nowhere.xml", profiles / "dangling.xml");
  fs::create_symlink("..", profiles / "sub" / "up");  // a way back up: a loop

  Harness h(tmp.path() / "results.db", {plugins.string()}, {profiles.string()});
  const auto diags = h.diagnostics();
  INFO("diagnostics: " << Catch::Detail::stringify(diags));
  CHECK(h.plugin_ids() == std::vector<std::string>{"noop"});
  auto one = [&](const fs::path& p, const std::string& reason) {
    const auto d = about(diags, p.string() + ":");
    REQUIRE(d.size() == 1);
    CHECK_THAT(d[0], Contains(reason));
  };
  one(plugins / "fifo.so", "skipped: not a regular file (a FIFO)");
  one(plugins / "zero.so",
      "skipped: not a regular file (a symlink to a character device, /dev/zero)");
  one(plugins / "dir.so", "skipped: not a regular file (a directory)");
  one(plugins / "dangling.so",
      "skipped: a dangling symlink to " + (tmp.path() / "nowhere.so").string());
  one(plugins / "loop.so", "skipped: a symlink loop");
  one(profiles / "fifo.xml", "skipped: not a regular file (a FIFO)");
  one(profiles / "null.xml",
      "skipped: not a regular file (a symlink to a character device, /dev/null)");
  one(profiles / "dangling.xml", "skipped: a dangling symlink");
  one(profiles / "sub" / "up", "a directory searched already");
  CHECK(diags.size() == 9);
  bool noop_profile = false;
  for (uint32_t i = 0; i < benchlab_profile_count(h.ctx()); ++i) {
    benchlab_profile_info p{};
    p.struct_size = sizeof p;
    REQUIRE(benchlab_profile_at(h.ctx(), i, &p) == BENCHLAB_OK);
    noop_profile |= std::string(p.id) == "it-noop";
  }
  CHECK(noop_profile);
}

TEST_CASE("a plugin file for another machine, class or file type is named for what it is",
          "[discovery]") {
#if defined(__x86_64__)
  const unsigned foreign = EM_AARCH64;
  const std::string foreign_name = "AArch64", here = "x86-64";
#elif defined(__aarch64__)
  const unsigned foreign = EM_X86_64;
  const std::string foreign_name = "x86-64", here = "AArch64";
#else
  const unsigned foreign = 0;
  const std::string foreign_name, here;
  SKIP("no foreign machine chosen for this one");
#endif
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins";
  const fs::path noop = test_plugin_dir() / "noop.so";
  patch(copy_plugin(noop, dir, "arch.so"), offsetof(Elf64_Ehdr, e_machine), le16(foreign));
  patch(copy_plugin(noop, dir, "elf32.so"), EI_CLASS, std::string(1, char(ELFCLASS32)));
  patch(copy_plugin(noop, dir, "object.so"), offsetof(Elf64_Ehdr, e_type), le16(ET_REL));
  std::ofstream(dir / "empty.so").close();
  std::ofstream(dir / "script.so") << "#!/bin/sh\necho hello\n";

  Harness h(tmp.path() / "results.db", {dir.string()}, {});
  const auto diags = h.diagnostics();
  INFO("diagnostics: " << Catch::Detail::stringify(diags));
  CHECK(h.plugin_ids().empty());
  auto one = [&](const std::string& name, const std::string& reason) {
    const auto d = about(diags, (dir / name).string() + ":");
    REQUIRE(d.size() == 1);
    CHECK(d[0] == (dir / name).string() + ": cannot load: " + reason);
  };
  one("arch.so", "ELF for " + foreign_name + ", this machine is " + here);
  one("elf32.so",
      "ELF 32-bit little-endian for " + here + ", this benchlab is 64-bit little-endian");
  one("object.so", "an ELF relocatable object (.o), not a shared object (link it with -shared)");
  one("empty.so", "not an ELF shared object (the file is empty)");
  one("script.so", "not an ELF shared object (it begins with \"#!/bin/sh.echo h\")");
  CHECK(diags.size() == 5);
}

TEST_CASE("profile files too large or not text are refused by name before they are read",
          "[discovery]") {
  TempDir tmp;
  const fs::path profiles = tmp.path() / "profiles";
  fs::create_directories(profiles);
  fs::copy_file(profile_dir() / "it-noop.xml", profiles / "it-noop.xml");
  {
    // 2 GiB of NUL bytes, sparse: reading it whole once cost gigabytes and most of a minute.
    const int fd = open((profiles / "huge.xml").c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, off_t(2) << 30) == 0);
    close(fd);
  }
  std::ofstream(profiles / "utf16.xml", std::ios::binary) << std::string("<\0?\0x\0m\0l\0", 10);
  const auto started = std::chrono::steady_clock::now();
  Harness h(tmp.path() / "results.db", {}, {profiles.string()});
  const auto diags = h.diagnostics();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO("diagnostics: " << Catch::Detail::stringify(diags));
  const auto huge = about(diags, (profiles / "huge.xml").string());
  REQUIRE(huge.size() == 1);
  CHECK_THAT(huge[0], Contains("2.0 GiB, larger than the 4.0 MiB a profile or suite file may be"));
  const auto utf16 = about(diags, (profiles / "utf16.xml").string());
  REQUIRE(utf16.size() == 1);
  CHECK_THAT(utf16[0], Contains("NUL byte"));
  CHECK(diags.size() == 2);
  CHECK(seconds < 5);  // refused unread: 2 GiB took 47 s when it was read
}

TEST_CASE("no plugin is loaded into the core: only benchlab-worker processes load them",
          "[discovery][isolation]") {
  TempDir tmp;
  const fs::path marker = tmp.path() / "loads.log";
  ScopedEnv env("BENCHLAB_TEST_LOAD_MARKER", marker.string());
  const fs::path so = discovery_plugin_dir() / "marker.so";

  // Who loaded marker.so: "PID EXE" per load, written by its constructor.
  auto loads = [&] {
    std::vector<std::pair<long, std::string>> out;
    std::ifstream in(marker);
    long pid;
    std::string exe;
    while (in >> pid >> exe) out.emplace_back(pid, exe);
    return out;
  };
  auto only_workers = [&](std::size_t at_least) {
    const auto l = loads();
    INFO("loads: " << Catch::Detail::stringify(l));
    CHECK(l.size() >= at_least);
    for (const auto& [pid, exe] : l) {
      CHECK(pid != getpid());
      CHECK(fs::path(exe).filename() == "benchlab-worker");
    }
  };

  {  // The C API: discovery, then a run of the plugin, in this very process.
    Harness h(tmp.path() / "results.db", {discovery_plugin_dir().string()}, {});
    REQUIRE(h.plugin_ids() == std::vector<std::string>{"marker"});
    RunSpec spec;
    spec.targets = {"marker"};
    spec.trials = 2;
    spec.warmup = 0;
    const RunOutcome r = run(h, spec);
    INFO(r.message);
    CHECK(r.rc == BENCHLAB_OK);
    std::ifstream maps("/proc/self/maps");
    std::stringstream text;
    text << maps.rdbuf();
    CHECK(text.str().find(so.string()) == std::string::npos);
    only_workers(2);  // described once, then loaded once by the result's worker
  }

  // The benchlab command, with a cache of its own so that it describes the file again.
  fs::remove(marker);
  ScopedEnv cache("XDG_CACHE_HOME", (tmp.path() / "cli-cache").string());
  const fs::path log = tmp.path() / "cli.log";
  const std::vector<std::string> list = {"list", "plugins", "--plugin-dir",
                                         discovery_plugin_dir().string()},
                                 run_marker = {"run",
                                               "marker",
                                               "-n",
                                               "1",
                                               "-q",
                                               "--db",
                                               (tmp.path() / "cli.db").string(),
                                               "--plugin-dir",
                                               discovery_plugin_dir().string()};
  CHECK(run_cli(list, log) == 0);
  CHECK(run_cli(run_marker, log) == 0);
  INFO("benchlab output:\n" << read_file(log));
  only_workers(2);
}

TEST_CASE("a directory named twice is searched once", "[discovery]") {
  // `--plugin-dir` naming the installed directory, or a path list repeating it, once made
  // every plugin in it "already loaded" from itself.
  TempDir tmp;
  const fs::path dir = tmp.path() / "plugins", profiles = tmp.path() / "profiles";
  copy_plugin(test_plugin_dir() / "noop.so", dir, "noop.so");
  fs::create_directories(profiles);
  fs::copy_file(profile_dir() / "it-noop.xml", profiles / "it-noop.xml");
  fs::create_symlink(dir, tmp.path() / "same-plugins");
  Harness h(tmp.path() / "results.db", {dir.string(), (tmp.path() / "same-plugins").string()},
            {profiles.string(), profiles.string()});
  INFO("diagnostics: " << Catch::Detail::stringify(h.diagnostics()));
  CHECK(h.plugin_ids() == std::vector<std::string>{"noop"});
  CHECK(h.diagnostics().empty());
  CHECK(benchlab_profile_count(h.ctx()) == 1);
}
