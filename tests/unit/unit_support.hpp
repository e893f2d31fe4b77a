// SPDX-License-Identifier: MIT
// What several unit tests share: a temporary directory, and the benchlab command run as a
// child process with its --json output read back.
#pragma once

#include <stdlib.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "subprocess.h"

namespace unit {

namespace fs = std::filesystem;

// A directory removed with everything in it when the test ends: a fresh one under the
// temporary directory, or BUILD_DIR/test-tmp/NAME emptied and made again (for trees that
// build and run programs, which a noexec /tmp would refuse).
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "benchlab-test-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  explicit TempDir(const std::string& name) : path(fs::path(BUILD_DIR) / "test-tmp" / name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct CliRun {
  int exit_code = -1;  // -1 when a signal ended it
  std::string out, err;
};

// BUILD_DIR/bin/benchlab with `args`, and `env` ("NAME=VALUE") on top of this process's
// environment; `timeout` 0 is none. run_process drains stdout and stderr as they fill, so
// a chatty run never blocks on a pipe.
inline CliRun run_benchlab(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {},
                           std::chrono::nanoseconds timeout = std::chrono::nanoseconds(0)) {
  benchlab::SpawnSpec spec;
  spec.argv = {std::string(BUILD_DIR) + "/bin/benchlab"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env_add = env;
  spec.timeout = timeout;
  CliRun run;
  const benchlab::ExitInfo exit = benchlab::run_process(
      spec, [&](std::string_view d) { run.out += d; }, [&](std::string_view d) { run.err += d; });
  run.exit_code = exit.exit_code;
  return run;
}

// run_benchlab with XDG directories and TMPDIR in `home`.
inline CliRun benchlab_cli(const fs::path& home, const std::vector<std::string>& args,
                           std::vector<std::string> env = {}) {
  env.insert(env.begin(), {"XDG_CACHE_HOME=" + (home / "cache").string(),
                           "XDG_DATA_HOME=" + (home / "data").string(), "TMPDIR=" + home.string()});
  return run_benchlab(args, env);
}

// The one result of a `benchlab run ... --json` document.
inline boost::json::object only_result(const CliRun& run) {
  INFO("stderr: " << run.err);
  const boost::json::value doc = boost::json::parse(run.out);
  const auto& results = doc.at("results").as_array();
  REQUIRE(results.size() == 1);
  return results[0].as_object();
}

// A run of the command and its one result.
struct ResultRun : CliRun {
  boost::json::object result;
};

// `benchlab run TARGET -n 1 --warmup 0 --json` with a private store and XDG directories;
// `path` replaces PATH when not empty.
inline ResultRun run_once(const std::string& target, const std::string& path = {}) {
  TempDir home;
  std::vector<std::string> env = {"XDG_DATA_HOME=" + (home.path / "data").string(),
                                  "XDG_CACHE_HOME=" + (home.path / "cache").string(),
                                  "XDG_CONFIG_HOME=" + (home.path / "config").string()};
  if (!path.empty()) env.push_back("PATH=" + path);
  ResultRun run;
  static_cast<CliRun&>(run) = run_benchlab({"run", target, "-n", "1", "--warmup", "0", "--json",
                                            "-q", "--db", (home.path / "results.db").string()},
                                           env, std::chrono::minutes(10));
  run.result = only_result(run);
  return run;
}

// A JSON string's text; empty for anything else (null reasons, say).
inline std::string text_of(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

// The first value of `metric` in a result of the --json document.
inline double first_value(const boost::json::object& result, const std::string& metric) {
  for (const auto& m : result.at("metrics").as_array())
    if (m.at("name").as_string() == metric)
      return m.at("values").as_array().at(0).to_number<double>();
  FAIL("no metric " << metric);
  return 0;
}

// The value of `metric` in trial `index` of a result.
inline double trial_value(const boost::json::object& result, std::size_t index,
                          const char* metric) {
  return result.at("trials").as_array().at(index).at("values").at(metric).to_number<double>();
}

inline bool have(const char* program) { return !benchlab::find_program(program).empty(); }

}  // namespace unit
