// SPDX-License-Identifier: MIT
// `benchlab plugin validate`: the real command on real plugin files, each with one defect
// (tests/plugins/bad_desc_plugin.c, bad_probe_plugin.c, and the older test plugins that
// crash, hang or refuse while loading). A plugin with an error exits 1 and its finding
// names the field or call; one with warnings or notes only exits 0; every built-in plugin
// passes; --json prints the same findings as one JSON object a file.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "harness_fixture.h"

using namespace it;
using Catch::Matchers::Contains;

namespace {

namespace json = boost::json;

fs::path validate_plugin(const std::string& name) {
  return fs::path(VALIDATE_PLUGIN_DIR) / (name + ".so");
}

struct Validate {
  TempDir tmp;
  fs::path log = tmp.path() / "validate.log";
  int rc = -1;
  std::chrono::duration<double> elapsed{};

  std::string run(std::vector<std::string> args) {
    args.insert(args.begin(), {"plugin", "validate"});
    fs::remove(log);
    const auto t0 = std::chrono::steady_clock::now();
    rc = run_cli(args, log);
    elapsed = std::chrono::steady_clock::now() - t0;
    return read_file(log);
  }
  // --json: the one object of one file.
  json::object json_of(const fs::path& file, std::vector<std::string> more = {}) {
    more.insert(more.begin(), {"--json", file.string()});
    const std::string out = run(more);
    INFO(out);
    return json::parse(out).as_object();
  }
};

// The findings of one file with `severity` whose field is `field`, as "field: message".
std::vector<std::string> findings(const json::object& v, const std::string& severity) {
  std::vector<std::string> out;
  for (const auto& f : v.at("findings").as_array()) {
    const auto& o = f.as_object();
    if (o.at("severity").as_string() == severity)
      out.push_back(std::string(o.at("field").as_string()) + ": " +
                    std::string(o.at("message").as_string()));
  }
  return out;
}

struct Defect {
  std::string plugin;   // file name without .so
  std::string field;    // the finding's field
  std::string message;  // a part of its message
};

void expect_error(Validate& v, const fs::path& file, const std::string& field,
                  const std::string& message, std::vector<std::string> more = {}) {
  more.insert(more.begin(), file.string());
  const std::string out = v.run(more);
  INFO(file.string() << ":\n" << out);
  CHECK(v.rc == 1);
  CHECK_THAT(out, Contains("error: " + field + ": ") && Contains(message));
  CHECK_THAT(out, Contains(file.string() + ": ") && Contains(" error"));
}

}  // namespace

TEST_CASE("plugin validate: a good plugin passes with exit status 0", "[validate][cli]") {
  Validate v;
  const auto file = validate_plugin("bad-desc-0");
  const std::string out = v.run({file.string()});
  INFO(out);
  CHECK(v.rc == 0);
  CHECK_THAT(out, Contains(file.string() + ": plugin 'bad-desc' 1.0.0 (workload, plugin ABI 1."));
  CHECK_THAT(out, !Contains("error:") && !Contains("warning:"));
  CHECK_THAT(out, Contains("note: dry run: create() with the default options and destroy()"));
  CHECK_THAT(out, Contains(file.string() + ": 0 errors, 0 warnings"));
  // The dry run's scratch directory went with it.
  CHECK(fs::is_empty(v.tmp.path() / "tmp"));

  const std::string probe = v.run({validate_plugin("bad-probe-0").string()});
  INFO(probe);
  CHECK(v.rc == 0);
  CHECK_THAT(probe, Contains("note: dry run: open(), channels(), one sample() and close()"));
}

TEST_CASE("plugin validate: each defect of the descriptor is an error naming its field",
          "[validate][cli]") {
  const std::vector<Defect> defects = {
      {"bad-desc-1", "descriptor.id", "'Bad ID' is not an id benchlab accepts"},
      {"bad-desc-2", "descriptor.version", "is empty"},
      {"bad-desc-3", "descriptor.kind", "is 7: neither BL_KIND_WORKLOAD"},
      {"bad-desc-4", "workload.run", "is NULL"},
      {"bad-desc-5", "workload.options[0].default_value", "the default '12x' is not an integer"},
      {"bad-desc-6", "workload.options[0].default_value", "'50' must be between 1 and 10"},
      {"bad-desc-7", "workload.options[1].default_value", "'medium' is not allowed"},
      {"bad-desc-8", "workload.options[1].name", "option 'count' is declared twice"},
      {"bad-desc-9", "workload.options[0].default_value", "is BL_OPTION_REQUIRED but has"},
      {"bad-desc-10", "workload.options[0].type", "type 9 is none of BL_OPTION_STRING"},
      {"bad-desc-11", "workload.metrics[1].name", "metric 'seconds' is declared twice"},
      {"bad-desc-12", "workload.metrics[0].direction", "direction 0 is neither"},
      {"bad-desc-14", "workload.options[0].struct_size", "is 4, too small"},
      {"bad-desc-15", "descriptor.struct_size", "is 1048576, which is no size of bl_plugin"},
      {"bad-desc-20", "create()", "returned BL_ERROR (no configuration file) with the default"},
      {"bad-desc-21", "dlopen", "libvalidate_gone.so: cannot open shared object file"},
      {"bad-desc-22", "dlopen", "undefined symbol: validate_nowhere_value"},
      {"bad-probe-1", "channels()[1].id", "channel 'power' is given twice"},
      {"bad-probe-1", "channels()[2].quantity", "quantity 42 is no BL_QUANTITY_*"},
      {"bad-probe-3", "probe.sample", "is NULL"},
  };
  Validate v;
  for (const auto& d : defects) expect_error(v, validate_plugin(d.plugin), d.field, d.message);
}

TEST_CASE("plugin validate: files benchlab refuses to load are errors that say why",
          "[validate][cli]") {
  Validate v;
  const fs::path tests = test_plugin_dir(), broken = BROKEN_PLUGIN_DIR;
  expect_error(v, tests / "wrongabi.so", "descriptor.abi_major",
               "built for plugin ABI 2.0, this benchlab speaks ABI 1.x");
  expect_error(v, tests / "noentry.so", "benchlab_plugin_entry",
               "exports no symbol benchlab_plugin_entry");
  expect_error(v, tests / "garbage.so", "file", "not an ELF shared object");
  expect_error(v, broken / "broken-ctor-crash.so", "dlopen", "loading the file crashed: SIGSEGV");
  expect_error(v, broken / "broken-ctor-exit.so", "dlopen",
               "loading the file ended the process with exit status 0");
  expect_error(v, broken / "broken-entry-abort.so", "benchlab_plugin_entry",
               "benchlab_plugin_entry() crashed: SIGABRT");
  expect_error(v, broken / "broken-ctor-hang.so", "dlopen",
               "loading the file did not finish within 1 s", {"--timeout", "1"});
  CHECK(v.elapsed < std::chrono::seconds(8));
}

TEST_CASE("plugin validate: a crash, hang or exit() in the dry run names the call",
          "[validate][cli]") {
  Validate v;
  expect_error(v, validate_plugin("bad-desc-17"), "create()",
               "crashed: SIGSEGV (Segmentation fault)");
  expect_error(v, validate_plugin("bad-desc-19"), "create()",
               "ended the process with exit status 3");
  expect_error(v, validate_plugin("bad-probe-2"), "sample()", "crashed: SIGSEGV");

  expect_error(v, validate_plugin("bad-desc-18"), "create()", "did not return within 1 s",
               {"--timeout", "1"});
  CHECK(v.elapsed < std::chrono::seconds(8));
  // The hung create() was killed: nothing of the dry run is left running.
  CHECK(live_processes_mentioning("bad-desc-18.so").empty());

  // Without the dry run, the same files have nothing wrong in their descriptors.
  const std::string out = v.run({validate_plugin("bad-desc-17").string(), "--no-dry-run"});
  INFO(out);
  CHECK(v.rc == 0);
  CHECK_THAT(out, !Contains("create()"));
}

TEST_CASE("plugin validate: warnings and notes alone do not fail the check", "[validate][cli]") {
  Validate v;
  std::string out = v.run({validate_plugin("bad-desc-13").string()});
  INFO(out);
  CHECK(v.rc == 0);
  CHECK_THAT(out, Contains("warning: workload.metrics[0].unit: metric 'seconds' has no unit"));
  CHECK_THAT(out, Contains(": 0 errors, 1 warning"));

  out = v.run({validate_plugin("bad-desc-16").string()});
  INFO(out);
  CHECK(v.rc == 0);
  CHECK_THAT(out, Contains("note: descriptor.abi_minor: is 99: built against plugin ABI 1.99"));

  // An older header's smaller structs: benchlab runs the plugin, so a warning, not an error.
  out = v.run({(test_plugin_dir() / "oldheader.so").string()});
  INFO(out);
  CHECK(v.rc == 0);
  CHECK_THAT(out, Contains("warning: descriptor.struct_size: is 64, smaller than bl_plugin of "
                           "plugin ABI 1.0"));
}

TEST_CASE("plugin validate: plugins of an older and a newer ABI minor pass", "[validate][cli]") {
  Validate v;
  // ABI 1.0's shorter metric and workload structs: exactly 1.0's sizes, nothing to say.
  const auto old_minor = v.json_of(fs::path(ABI_MINOR_PLUGIN_DIR) / "abi-v1-0.so");
  CHECK(v.rc == 0);
  CHECK(old_minor.at("plugin").at("abi").as_string() == "1.0");
  CHECK(findings(old_minor, "error").empty());
  CHECK(findings(old_minor, "warning").empty());
  // One minor newer, with longer structs: a note, and the longer structs are fine.
  const auto next = v.json_of(fs::path(ABI_MINOR_PLUGIN_DIR) / "abi-next.so");
  CHECK(v.rc == 0);
  CHECK(findings(next, "error").empty());
  CHECK(findings(next, "warning").empty());
  const auto notes = findings(next, "note");
  REQUIRE_FALSE(notes.empty());
  CHECK_THAT(notes[0], Contains("descriptor.abi_minor: is ") && Contains("newer than this"));
}

TEST_CASE("plugin validate --json: one object a file with the findings", "[validate][cli]") {
  Validate v;
  const auto good = v.json_of(validate_plugin("bad-desc-0"));
  CHECK(v.rc == 0);
  CHECK(good.at("file").as_string() == validate_plugin("bad-desc-0").string());
  CHECK(good.at("plugin").at("id").as_string() == "bad-desc");
  CHECK(good.at("plugin").at("kind").as_string() == "workload");
  CHECK(good.at("errors").to_number<int>() == 0);
  CHECK(good.at("warnings").to_number<int>() == 0);

  const auto bad = v.json_of(validate_plugin("bad-probe-1"));
  CHECK(v.rc == 1);
  CHECK(bad.at("plugin").at("kind").as_string() == "probe");
  CHECK(bad.at("errors").to_number<int>() == 2);
  const auto errors = findings(bad, "error");
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Contains("channels()[1].id: channel 'power' is given twice"));
  CHECK_THAT(errors[1], Contains("channels()[2].quantity: "));

  // A file whose descriptor cannot be read at all has no plugin.
  const auto garbage = v.json_of(test_plugin_dir() / "garbage.so");
  CHECK(v.rc == 1);
  CHECK(garbage.at("plugin").is_null());

  // A plugin's bytes that are no UTF-8 reach the JSON as U+FFFD: a strict parser reads it.
  const auto not_utf8 = v.json_of(validate_plugin("bad-desc-23"));
  CHECK(v.rc == 1);
  CHECK(not_utf8.at("plugin").at("id").as_string() == "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  REQUIRE(findings(not_utf8, "error").size() == 1);
  CHECK_THAT(findings(not_utf8, "error")[0], Contains("descriptor.id: "));

  // Several files: one line each.
  const std::string out = v.run(
      {"--json", validate_plugin("bad-desc-0").string(), validate_plugin("bad-desc-1").string()});
  INFO(out);
  CHECK(v.rc == 1);
  std::vector<std::string> lines;
  for (std::size_t p = 0, nl; (nl = out.find('\n', p)) != std::string::npos; p = nl + 1)
    lines.push_back(out.substr(p, nl - p));
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[1]).at("plugin").at("id").as_string() == "Bad ID");
}

TEST_CASE("plugin validate: every built-in plugin passes without errors", "[validate][cli]") {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(BUILD_PLUGIN_DIR))
    if (e.path().extension() == ".so") files.push_back(e.path().string());
  REQUIRE(files.size() >= 10);
  Validate v;
  std::vector<std::string> args = {"--json"};
  args.insert(args.end(), files.begin(), files.end());
  const std::string out = v.run(args);
  INFO(out);
  CHECK(v.rc == 0);
  std::size_t checked = 0;
  for (std::size_t p = 0, nl; (nl = out.find('\n', p)) != std::string::npos; p = nl + 1) {
    const auto o = json::parse(out.substr(p, nl - p)).as_object();
    INFO(json::serialize(o));
    CHECK(o.at("errors").to_number<int>() == 0);
    CHECK(findings(o, "warning").empty());
    ++checked;
  }
  CHECK(checked == files.size());
}

TEST_CASE("plugin validate: usage, a missing file and the help", "[validate][cli]") {
  Validate v;
  std::string out = v.run({(v.tmp.path() / "none.so").string()});
  CHECK(v.rc == 2);
  CHECK_THAT(out, Contains("none.so: no such file"));

  v.run({validate_plugin("bad-desc-0").string(), "--timeout", "0"});
  CHECK(v.rc == 2);

  // The check cannot be made without the worker: 4, and the message says what to set.
  const char* old = std::getenv("BENCHLAB_WORKER");
  const std::optional<std::string> old_worker =
      old ? std::optional<std::string>(old) : std::nullopt;
  setenv("BENCHLAB_WORKER", (v.tmp.path() / "no-worker").c_str(), 1);
  out = v.run({validate_plugin("bad-desc-0").string()});
  if (old_worker)
    setenv("BENCHLAB_WORKER", old_worker->c_str(), 1);
  else
    unsetenv("BENCHLAB_WORKER");
  CHECK(v.rc == 4);
  CHECK_THAT(out, Contains("BENCHLAB_WORKER"));

  out = v.run({"--help"});
  INFO(out);
  CHECK(v.rc == 0);
  for (const char* what : {"dlopen", "struct_size", "abi_minor", "default", "direction", "dry run",
                           "create()", "sample()", "Exit status: 0 no errors"})
    CHECK_THAT(out, Contains(what));
}

TEST_CASE("benchlab_validate_plugin: status codes of the C API", "[validate][capi]") {
  TempDir tmp;
  Harness h(tmp.path() / "results.db");
  char* text = nullptr;
  CHECK(benchlab_validate_plugin(h.ctx(), (tmp.path() / "none.so").c_str(), 0, 0, &text) ==
        BENCHLAB_E_NOT_FOUND);
  CHECK(text == nullptr);
  CHECK(benchlab_validate_plugin(h.ctx(), tmp.path().c_str(), 0, 0, &text) == BENCHLAB_E_INVALID);
  const std::string good = validate_plugin("bad-desc-0").string();
  CHECK(benchlab_validate_plugin(h.ctx(), good.c_str(), -1, 0, &text) == BENCHLAB_E_INVALID);
  CHECK(benchlab_validate_plugin(h.ctx(), good.c_str(), 0, 0x80, &text) == BENCHLAB_E_INVALID);
  CHECK_THAT(benchlab_errmsg(), Contains("flags"));
  CHECK(benchlab_validate_plugin(nullptr, good.c_str(), 0, 0, &text) == BENCHLAB_E_INVALID);

  REQUIRE(benchlab_validate_plugin(h.ctx(), good.c_str(), 5, BENCHLAB_VALIDATE_NO_DRY_RUN, &text) ==
          BENCHLAB_OK);
  REQUIRE(text != nullptr);
  const auto v = json::parse(text).as_object();
  benchlab_free(text);
  CHECK(v.at("errors").to_number<int>() == 0);
  CHECK(findings(v, "note").empty());  // no dry run, no note about it
}
