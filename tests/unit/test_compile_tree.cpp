// SPDX-License-Identifier: MIT
// compile: the generated C tree (deterministic, and it really builds with make -j2 into a
// program that prints what the generator predicts) and the built plugin loaded with
// dlopen, run against a fake host that spawns real programs.
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "generated_tree.hpp"
#include "unit_support.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

using unit::TempDir;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

// Every regular file under dir, by relative path, with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), dir).string()] = read_file(entry.path());
  return files;
}

struct Ran {
  bool started = false;
  int exit_code = -1, term_signal = 0;
  std::string out, err;
  std::uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0, max_rss_bytes = 0;
};

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// Runs argv (searched on PATH) in cwd with `env_add` on top of this environment; output
// goes through temporary files, which keeps this simple and never blocks on a full pipe.
Ran run_program(const std::vector<std::string>& argv, const fs::path& cwd,
                const std::vector<std::string>& env_add = {}) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    bool replaced = false;
    for (const auto& add : env_add)
      replaced |= entry.substr(0, entry.find('=') + 1) == add.substr(0, add.find('=') + 1);
    if (!replaced) env_strings.emplace_back(entry);
  }
  env_strings.insert(env_strings.end(), env_add.begin(), env_add.end());
  std::vector<char*> envp, args;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);
  const std::string dir = cwd.string();

  std::unique_ptr<FILE, int (*)(FILE*)> out(std::tmpfile(), &std::fclose);
  std::unique_ptr<FILE, int (*)(FILE*)> err(std::tmpfile(), &std::fclose);
  REQUIRE(out);
  REQUIRE(err);
  int exec_error[2];
  REQUIRE(pipe2(exec_error, O_CLOEXEC) == 0);
  const std::uint64_t start = monotonic_ns();
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null_in = open("/dev/null", O_RDONLY);
    if (chdir(dir.c_str()) == 0 && null_in >= 0 && dup2(null_in, 0) >= 0 &&
        dup2(fileno(out.get()), 1) >= 0 && dup2(fileno(err.get()), 2) >= 0)
      execvpe(args[0], args.data(), envp.data());
    const int error = errno;
    (void)!write(exec_error[1], &error, sizeof error);
    _exit(127);
  }
  close(exec_error[1]);
  int child_errno = 0;
  const bool exec_failed = read(exec_error[0], &child_errno, sizeof child_errno) > 0;
  close(exec_error[0]);
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);

  Ran ran;
  ran.started = !exec_failed;
  ran.wall_ns = monotonic_ns() - start;
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  ran.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  ran.user_ns = static_cast<std::uint64_t>(usage.ru_utime.tv_sec) * 1000000000u +
                static_cast<std::uint64_t>(usage.ru_utime.tv_usec) * 1000u;
  ran.sys_ns = static_cast<std::uint64_t>(usage.ru_stime.tv_sec) * 1000000000u +
               static_cast<std::uint64_t>(usage.ru_stime.tv_usec) * 1000u;
  ran.max_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;
  for (auto [file, text] : {std::pair{out.get(), &ran.out}, std::pair{err.get(), &ran.err}}) {
    std::rewind(file);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
      text->append(buffer, n);
  }
  return ran;
}

bool have_program(const std::string& name) {
  return run_program({"sh", "-c", "command -v " + name}, fs::temp_directory_path()).exit_code == 0;
}

compile_tree::TreeShape small_shape() {
  compile_tree::TreeShape shape;
  shape.units = 8;
  shape.functions_per_unit = 24;  // enough draws to hit every function shape
  return shape;
}

}  // namespace

TEST_CASE("compile tree: generation is deterministic") {
  const compile_tree::TreeShape shape = small_shape();
  TempDir a, b;
  compile_tree::write_tree(a.path / "tree", shape);
  compile_tree::write_tree(b.path / "tree", shape);
  const auto first = snapshot(a.path / "tree");
  CHECK(first.size() == 2 * shape.units + 3);  // Makefile, common.h, main.c, .h + .c each
  CHECK(first == snapshot(b.path / "tree"));
  CHECK(compile_tree::expected_output(shape) == compile_tree::expected_output(shape));

  compile_tree::TreeShape other = shape;
  other.seed ^= 1;
  CHECK(compile_tree::generate_tree(other)[3].text != compile_tree::generate_tree(shape)[3].text);
}

TEST_CASE("compile tree: every function shape appears, so the build test covers them") {
  std::string all;
  for (const auto& file : compile_tree::generate_tree(small_shape())) all += file.text;
  CHECK_THAT(all, Catch::Contains("h *= 0x"));                        // hash loop
  CHECK_THAT(all, Catch::Contains("_step(&s, i)"));                   // struct state
  CHECK_THAT(all, Catch::Contains("switch ((h >>"));                  // switch machine
  CHECK_THAT(all, Catch::Contains("while (j > 0 && a[j - 1] > v)"));  // insertion sort
  CHECK_THAT(all, Catch::Contains("s += m[i][k] * n[k][j]"));         // matrix product
  CHECK_THAT(all, Catch::Contains("uint32_t b = unit_"));             // calls
  for (const std::string op : {"h += 0x", "h ^= acc;", "h = rotl32(h,", "acc += h;", "acc ^= h >>",
                               "h ^= i * 0x", "acc = rotl32(acc,"})
    CHECK_THAT(all, Catch::Contains(op));
}

TEST_CASE("compile tree: make -j2 builds a program that prints the predicted checksum") {
  REQUIRE(have_program("make"));
  const compile_tree::TreeShape shape = small_shape();
  const std::string expected = compile_tree::expected_output(shape);
  CHECK_THAT(expected, Catch::Matches("benchlab-tree checksum [0-9a-f]{8} functions 192\n"));

  std::vector<std::string> compilers{"cc"};
  if (have_program("clang")) compilers.push_back("clang");  // a second compiler, same C
  for (const auto& cc : compilers) {
    TempDir dir;
    compile_tree::write_tree(dir.path, shape);
    const Ran build = run_program({"make", "-j2"}, dir.path, {"CC=" + cc});
    INFO(cc << ": " << build.err);
    REQUIRE(build.exit_code == 0);
    const Ran program = run_program({"./" + std::string(compile_tree::kProgramName)}, dir.path);
    REQUIRE(program.exit_code == 0);
    CHECK(program.out == expected);

    // make clean leaves the sources only, so the next build starts from scratch.
    const auto sources = snapshot(dir.path);
    REQUIRE(run_program({"make", "clean"}, dir.path).exit_code == 0);
    CHECK(snapshot(dir.path).size() == compile_tree::generate_tree(shape).size());
    CHECK(sources.size() > snapshot(dir.path).size());
  }
}

TEST_CASE("compile tree: a changed function changes the program's output") {
  // The output check must be able to fail: one constant altered in the C (as a
  // miscompile would) gives a checksum the generator did not predict.
  REQUIRE(have_program("make"));
  compile_tree::TreeShape shape = small_shape();
  shape.units = 2;
  TempDir dir;
  compile_tree::write_tree(dir.path, shape);
  const fs::path unit = dir.path / "src" / "unit_0001.c";
  std::string text = read_file(unit);
  const std::size_t at = text.find("0x", text.find("unit_0001_f05"));
  REQUIRE(at != std::string::npos);
  text[at + 2] = text[at + 2] == '1' ? '2' : '1';
  write_file(unit, text);
  REQUIRE(run_program({"make", "-j2"}, dir.path).exit_code == 0);
  const Ran program = run_program({"./" + std::string(compile_tree::kProgramName)}, dir.path);
  CHECK(program.exit_code == 0);
  CHECK(program.out != compile_tree::expected_output(shape));
}

TEST_CASE("compile tree: the cache generates a tree once and reuses it") {
  TempDir cache, fresh;
  compile_tree::TreeShape shape = small_shape();
  shape.units = 2;
  const fs::path first = compile_tree::cached_tree(cache.path, shape);
  CHECK(first == cache.path / compile_tree::cache_key(shape));
  compile_tree::write_tree(fresh.path, shape);
  CHECK(snapshot(first) == snapshot(fresh.path));

  // A second use finds the tree (a marker survives) and leaves no temporary behind.
  write_file(first / "marker", "kept");
  CHECK(compile_tree::cached_tree(cache.path, shape) == first);
  CHECK(fs::exists(first / "marker"));
  CHECK(std::distance(fs::directory_iterator(cache.path), fs::directory_iterator()) == 1);

  // Another generator version or shape gets a directory of its own.
  compile_tree::TreeShape bigger = shape;
  bigger.units = 3;
  CHECK(compile_tree::cache_key(bigger) != compile_tree::cache_key(shape));
  CHECK_THAT(compile_tree::cache_key(shape),
             Catch::StartsWith("tree-g" + std::to_string(compile_tree::kGeneratorVersion) + "-"));
}

TEST_CASE("compile tree: shapes out of range are refused") {
  compile_tree::TreeShape shape;
  shape.units = 0;
  CHECK_THROWS_AS(compile_tree::generate_tree(shape), std::invalid_argument);
  shape.units = 1;
  shape.functions_per_unit = 100;
  CHECK_THROWS_AS(compile_tree::expected_output(shape), std::invalid_argument);
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
  plugin.library.reset(dlopen(COMPILE_PLUGIN, RTLD_NOW | RTLD_LOCAL));
  INFO("dlopen " << COMPILE_PLUGIN << ": " << (plugin.library ? "" : dlerror()));
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

// A host for the phases of one result: options resolved like the real host (values,
// else the declared default), programs really run, metrics and errors captured.
struct FakeHost {
  bl_host host{};
  const bl_workload& workload;
  std::multimap<std::string, std::string> options;
  std::map<std::string, double> metrics;
  std::string error, output;
  std::vector<std::vector<std::string>> spawned;  // argv of every program run
  Ran last;                                       // storage behind bl_spawn_result
  std::string scratch, cache;

  static FakeHost& of(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }

  FakeHost(const bl_workload& w, const fs::path& scratch_dir, const fs::path& cache_dir)
      : workload(w), scratch(scratch_dir.string()), cache(cache_dir.string()) {
    host.struct_size = sizeof(bl_host);
    host.abi_major = BL_ABI_MAJOR;
    host.abi_minor = BL_ABI_MINOR;
    host.phase = BL_PHASE_RUN;
    host.cpu_count = 2;
    host.scratch_dir = scratch.c_str();
    host.cache_dir = cache.c_str();
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
    host.option_count = [](const bl_host* h, const char* name) -> uint32_t {
      return static_cast<uint32_t>(of(h).options.count(name));
    };
    host.option_at = [](const bl_host* h, const char* name, uint32_t index) -> const char* {
      auto [it, end] = of(h).options.equal_range(name);
      for (; it != end; ++it, --index)
        if (index == 0) return it->second.c_str();
      return nullptr;
    };
    host.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      of(h).metrics[name] = value;
      return BL_OK;
    };
    host.progress = [](const bl_host*, double, const char*) {};
    host.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      of(h).output.append(data, size);
      return BL_OK;
    };
    host.spawn = [](const bl_host* h, const bl_spawn* req, bl_spawn_result* res) -> int32_t {
      FakeHost& self = of(h);
      std::vector<std::string> argv, env;
      for (const char* const* a = req->argv; *a; ++a) argv.emplace_back(*a);
      for (const char* const* e = req->env; e && *e; ++e) env.emplace_back(*e);
      self.spawned.push_back(argv);
      self.last = run_program(argv, req->cwd ? req->cwd : self.scratch, env);
      if (!self.last.started) {
        self.error = "cannot start " + argv[0];
        return BL_ERROR;
      }
      res->exit_code = self.last.exit_code;
      res->term_signal = self.last.term_signal;
      res->wall_ns = self.last.wall_ns;
      res->user_ns = self.last.user_ns;
      res->sys_ns = self.last.sys_ns;
      res->max_rss_bytes = self.last.max_rss_bytes;
      res->out = self.last.out.c_str();
      res->out_size = self.last.out.size();
      res->err = self.last.err.c_str();
      res->err_size = self.last.err.size();
      return BL_OK;
    };
    host.is_cancelled = [](const bl_host*) -> int32_t { return 0; };
    host.now_ns = [](const bl_host*) -> uint64_t { return monotonic_ns(); };
  }

  // create, call, destroy: one phase.
  int32_t phase(int32_t (*call)(void*)) {
    error.clear();
    void* instance = nullptr;
    REQUIRE(workload.create(&host, &instance) == BL_OK);
    REQUIRE(instance != nullptr);
    const int32_t status = call(instance);
    workload.destroy(instance);
    return status;
  }
};

// A small tree standing for a user's source tree.
fs::path user_tree(const fs::path& dir) {
  compile_tree::TreeShape shape;
  shape.units = 2;
  shape.functions_per_unit = 4;
  compile_tree::write_tree(dir, shape);
  return dir;
}

}  // namespace

TEST_CASE("compile plugin: the descriptor declares what the docs promise") {
  const Plugin plugin = load_plugin();
  const bl_plugin& p = *plugin.descriptor;
  CHECK(p.struct_size == sizeof(bl_plugin));
  CHECK(p.kind == BL_KIND_WORKLOAD);
  CHECK(std::string(p.id) == "compile");
  const bl_workload& w = plugin.workload();
  CHECK(w.setup != nullptr);
  CHECK(w.run != nullptr);

  for (const char* name : {"source", "configure_arg", "jobs", "make", "cc", "files"})
    CHECK(find_option(w, name) != nullptr);
  CHECK(find_option(w, "configure_arg")->flags == BL_OPTION_REPEATED);
  CHECK(std::string(find_option(w, "source")->default_value).empty());
  CHECK(std::string(find_option(w, "jobs")->default_value) == "0");
  CHECK(std::string(find_option(w, "make")->default_value) == "make");
  CHECK(std::string(find_option(w, "cc")->default_value) == "cc");
  CHECK(std::stoul(find_option(w, "files")->default_value) == compile_tree::TreeShape{}.units);

  REQUIRE(w.metric_count == 1);
  CHECK(std::string(w.metrics[0].name) == "seconds");
  CHECK(w.metrics[0].direction == BL_LOWER_IS_BETTER);

  REQUIRE(w.requirement_count == 2);
  for (uint32_t i = 0; i < 2; ++i) {
    CHECK(w.requirements[i].kind == BL_REQ_PROGRAM);
    CHECK(std::string(w.requirements[i].hint) == "apt-get install build-essential");
  }
  CHECK(std::string(w.requirements[0].name) == "make");
  CHECK(std::string(w.requirements[1].name) == "cc");
}

TEST_CASE("compile plugin: the generated tree is built from clean and checked every trial") {
  const Plugin plugin = load_plugin();
  TempDir scratch, cache;
  FakeHost fake(plugin.workload(), scratch.path, cache.path);
  fake.options = {{"files", "4"}, {"jobs", "2"}};
  REQUIRE(fake.phase(plugin.workload().setup) == BL_OK);
  CHECK(fs::exists(scratch.path / "tree" / "Makefile"));
  CHECK(std::distance(fs::directory_iterator(cache.path), fs::directory_iterator()) == 1);

  for (int trial = 0; trial < 2; ++trial) {
    fake.spawned.clear();
    fake.metrics.clear();
    const int32_t status = fake.phase(plugin.workload().run);
    INFO("trial " << trial << ": " << fake.error);
    REQUIRE(status == BL_OK);
    REQUIRE(fake.metrics.count("seconds") == 1);
    CHECK(fake.metrics["seconds"] > 0.0);
    // clean, build, then the program: the second trial compiles everything again.
    REQUIRE(fake.spawned.size() == 3);
    CHECK(fake.spawned[0] == std::vector<std::string>{"make", "clean"});
    CHECK(fake.spawned[1] == std::vector<std::string>{"make", "-j2"});
    CHECK(fake.spawned[2][0] == (scratch.path / "tree" / compile_tree::kProgramName).string());
  }
  CHECK_THAT(fake.output, Catch::StartsWith("compile make -j2 seconds "));
}

TEST_CASE("compile plugin: a wrong program output fails the trial") {
  const Plugin plugin = load_plugin();
  TempDir scratch, cache;
  FakeHost fake(plugin.workload(), scratch.path, cache.path);
  fake.options = {{"files", "3"}};
  REQUIRE(fake.phase(plugin.workload().setup) == BL_OK);
  // As a miscompile would: the program computes something else.
  const fs::path unit = scratch.path / "tree" / "src" / "unit_0002.c";
  std::string text = read_file(unit);
  const std::size_t at = text.find("return ");
  REQUIRE(at != std::string::npos);
  text.insert(at + 7, "1u + ");
  write_file(unit, text);
  CHECK(fake.phase(plugin.workload().run) == BL_ERROR);
  CHECK_THAT(fake.error, Catch::Contains("miscompiled"));
  CHECK(fake.metrics.empty());
}

TEST_CASE("compile plugin: a failing build fails the trial with make's last lines") {
  const Plugin plugin = load_plugin();
  TempDir scratch, cache, source;
  user_tree(source.path);
  write_file(source.path / "src" / "unit_0001.c", "int broken(void) { return syntax error; }\n");
  FakeHost fake(plugin.workload(), scratch.path, cache.path);
  fake.options = {{"source", source.path.string()}, {"jobs", "1"}};
  REQUIRE(fake.phase(plugin.workload().setup) == BL_OK);
  CHECK(fake.phase(plugin.workload().run) == BL_ERROR);
  CHECK_THAT(fake.error, Catch::Contains("make -j1") && Catch::Contains("failed") &&
                             Catch::Contains("unit_0001.c") && Catch::Contains("error"));
  CHECK(fake.metrics.empty());
}

TEST_CASE("compile plugin: a user tree is copied, configured with its arguments, built") {
  const Plugin plugin = load_plugin();
  TempDir scratch, cache, source;
  user_tree(source.path);
  fs::rename(source.path / "Makefile", source.path / "Makefile.in");
  write_file(source.path / "configure",
             "#!/bin/sh\nprintf '%s\\n' \"$@\" > configure.args\n"
             "echo \"$CC\" > configure.cc\ncp Makefile.in Makefile\ntouch config.status\n");
  fs::permissions(source.path / "configure", fs::perms::owner_exec, fs::perm_options::add);

  FakeHost fake(plugin.workload(), scratch.path, cache.path);
  // A relative source is taken from the profile's directory.
  const std::string profile_dir = source.path.parent_path().string();
  fake.host.data_dir = profile_dir.c_str();
  fake.options = {{"source", source.path.filename().string()},
                  {"configure_arg", "--prefix=/opt/x"},
                  {"configure_arg", "--disable-thing"}};
  REQUIRE(fake.phase(plugin.workload().setup) == BL_OK);
  const fs::path tree = scratch.path / "tree";
  CHECK(read_file(tree / "configure.args") == "--prefix=/opt/x\n--disable-thing\n");
  CHECK(read_file(tree / "configure.cc") == "cc\n");
  CHECK_FALSE(fs::exists(source.path / "Makefile"));  // the source itself is untouched

  fake.spawned.clear();
  const int32_t status = fake.phase(plugin.workload().run);
  INFO(fake.error);
  REQUIRE(status == BL_OK);
  CHECK(fake.metrics["seconds"] > 0.0);
  CHECK(fs::exists(tree / compile_tree::kProgramName));
  CHECK(fake.spawned.size() == 2);  // a user tree's output is not checked: clean, build
}

TEST_CASE("compile plugin: setup errors name the problem") {
  const Plugin plugin = load_plugin();
  TempDir scratch, cache, empty;
  FakeHost fake(plugin.workload(), scratch.path, cache.path);

  fake.options = {{"cc", "no-such-compiler-benchlab"}};
  CHECK(fake.phase(plugin.workload().setup) == BL_CANNOT_RUN);
  CHECK_THAT(fake.error,
             Catch::Contains("no-such-compiler-benchlab") && Catch::Contains("build-essential"));

  fake.options = {{"source", (empty.path / "missing").string()}};
  CHECK(fake.phase(plugin.workload().setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("not a directory"));

  fake.options = {{"source", "relative/tree"}};
  CHECK(fake.phase(plugin.workload().setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("absolute path"));

  fake.options = {{"source", empty.path.string()}};
  CHECK(fake.phase(plugin.workload().setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("neither a Makefile nor a configure script"));

  fake.options = {{"jobs", "many"}};
  CHECK(fake.phase(plugin.workload().setup) == BL_INVALID_ARGUMENT);
  CHECK_THAT(fake.error, Catch::Contains("option jobs"));
}
