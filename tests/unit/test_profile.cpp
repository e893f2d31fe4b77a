// SPDX-License-Identifier: MIT
// Profiles and suites load into exactly what their files say, and a malformed file is refused
// with a message naming the file, the line and the element to fix.
#include <benchlab/plugin.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "profile.h"

namespace fs = std::filesystem;
using benchlab::load_profile;
using benchlab::load_profile_file;
using benchlab::load_suite;
using benchlab::parse_duration_s;
using benchlab::parse_size;
using benchlab::ProfileError;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const fs::path kGood = fs::path(FIXTURES_DIR) / "profiles" / "good";
const fs::path kBad = fs::path(FIXTURES_DIR) / "profiles" / "bad";

// The what() of the ProfileError that `load` throws; empty when it throws nothing.
template <typename Load>
std::string profile_error(Load load) {
  try {
    load();
  } catch (const ProfileError& e) {
    return e.what();
  }
  return {};
}

// A file written by the test, for content a checked-in fixture could not keep intact
// (CRLF line ends, a byte order mark).
fs::path write_temp(const std::string& name, const std::string& content) {
  const fs::path dir = fs::path(BUILD_DIR) / "test_profile_tmp";
  fs::create_directories(dir);
  const fs::path file = dir / name;
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

}  // namespace

TEST_CASE("a complete profile loads into exactly what the file says", "[profile]") {
  const fs::path file = kGood / "raytrace-1080p.xml";
  const auto p = load_profile(file);
  CHECK(p.id == "raytrace-1080p");
  CHECK(p.title == "Ray tracer, 1080p");
  // Wrapped and indented in the file, one line of display text here.
  CHECK(p.description == "C-Ray-like ray tracer at 1920x1080, all cores.");
  CHECK(p.plugin == "raytrace");
  CHECK(p.category == "cpu");
  CHECK(p.path == file);

  const std::vector<std::pair<std::string, std::string>> options = {
      {"resolution", "1080p"},         {"threads", "all"}, {"arg", "--bounces"}, {"arg", "8"},
      {"scene", "<sphere> & <plane>"}, {"empty", ""}};
  CHECK(p.options == options);

  CHECK_FALSE(p.policy.trials);
  CHECK(p.policy.min_trials == 3u);
  CHECK(p.policy.max_trials == 10u);
  REQUIRE(p.policy.target_ci);
  CHECK(*p.policy.target_ci == Approx(0.02));
  CHECK(p.policy.warmup == 0u);
  CHECK(p.policy.timeout_s == 600.0);

  REQUIRE(p.requirements.size() == 6);
  const auto& r = p.requirements;
  CHECK(r[0].kind == BL_REQ_PROGRAM);
  CHECK(r[0].name == "ngspice");
  CHECK(r[0].amount == 0);
  CHECK(r[0].hint == "apt-get install ngspice");
  CHECK(r[1].kind == BL_REQ_MEMORY_GPU);
  CHECK(r[1].name.empty());
  CHECK(r[1].amount == 70ull << 30);
  CHECK(r[1].hint.empty());
  CHECK(r[2].kind == BL_REQ_MEMORY_SYSTEM);
  CHECK(r[2].amount == 20'000'000'000ull);
  CHECK(r[3].kind == BL_REQ_MEMORY_GPU_OR_UNIFIED);
  CHECK(r[3].amount == 1073741824ull);
  CHECK(r[4].kind == BL_REQ_DEVICE);
  CHECK(r[4].name == "/dev/kfd");
  CHECK(r[4].hint == "install the ROCm kernel driver");
  CHECK(r[5].kind == BL_REQ_FILE);
  CHECK(r[5].name == "/usr/share/scenes");
}

TEST_CASE("a minimal profile leaves every optional field unset", "[profile]") {
  const auto p = load_profile(kGood / "minimal.xml");
  CHECK(p.id == "minimal");
  CHECK(p.plugin == "sleep");
  CHECK(p.title.empty());
  CHECK(p.description.empty());
  CHECK(p.category.empty());
  CHECK(p.options.empty());
  CHECK(p.requirements.empty());
  CHECK_FALSE(p.policy.trials);
  CHECK_FALSE(p.policy.min_trials);
  CHECK_FALSE(p.policy.max_trials);
  CHECK_FALSE(p.policy.target_ci);
  CHECK_FALSE(p.policy.warmup);
  CHECK_FALSE(p.policy.timeout_s);
}

TEST_CASE("a fixed trial count with warm-up and a timeout in seconds", "[profile]") {
  const auto p = load_profile(kGood / "fixed-count.xml");
  CHECK(p.id == "fixed.count_1");
  CHECK(p.plugin == "command");
  CHECK(p.policy.trials == 5u);
  CHECK(p.policy.warmup == 2u);
  CHECK(p.policy.timeout_s == 90.0);
  CHECK_FALSE(p.policy.min_trials);
  CHECK_FALSE(p.policy.target_ci);
}

TEST_CASE("a suite loads its members in order and its default trial policy", "[profile]") {
  const fs::path file = kGood / "quick-suite.xml";
  const auto s = load_suite(file);
  CHECK(s.id == "quick");
  CHECK(s.title == "Quick check");
  CHECK(s.description == "A few short tests to see that a machine works.");
  CHECK(s.members == std::vector<std::string>{"raytrace-1080p", "minimal", "fixed.count_1"});
  REQUIRE(s.policy.target_ci);
  CHECK(*s.policy.target_ci == Approx(0.05));
  CHECK(s.policy.max_trials == 7u);
  CHECK(s.policy.timeout_s == 3600.0);
  CHECK_FALSE(s.policy.trials);
  CHECK_FALSE(s.policy.min_trials);
  CHECK(s.path == file);

  const auto one = load_suite(kGood / "minimal-suite.xml");
  CHECK(one.members == std::vector<std::string>{"minimal"});
  CHECK(one.title.empty());
}

TEST_CASE("load_profile_file picks profile or suite by the root element", "[profile]") {
  const auto profile = load_profile_file(kGood / "raytrace-1080p.xml");
  REQUIRE(profile.profile);
  CHECK_FALSE(profile.suite);
  CHECK(profile.profile->id == "raytrace-1080p");

  const auto suite = load_profile_file(kGood / "quick-suite.xml");
  REQUIRE(suite.suite);
  CHECK_FALSE(suite.profile);
  CHECK(suite.suite->id == "quick");
}

TEST_CASE("a suite is not a profile and a profile is not a suite", "[profile]") {
  const fs::path suite = kGood / "quick-suite.xml";
  const auto as_profile = profile_error([&] { load_profile(suite); });
  CHECK_THAT(as_profile, StartsWith(suite.string() + ":2: <suite>: "));
  CHECK_THAT(as_profile, Contains("is a suite, not a profile"));

  const fs::path profile = kGood / "raytrace-1080p.xml";
  const auto as_suite = profile_error([&] { load_suite(profile); });
  CHECK_THAT(as_suite, StartsWith(profile.string() + ":3: <profile>: "));
  CHECK_THAT(as_suite, Contains("is a profile, not a suite"));
}

TEST_CASE("each malformed file is refused with its file, line and element", "[profile]") {
  struct Case {
    const char* file;
    int line;
    const char* element;  // "" for errors outside any element
    const char* says;
  };
  const Case cases[] = {
      {"unknown-element.xml", 7, "<trial>", "unknown element inside <profile>"},
      {"unknown-attribute.xml", 5, "<trials>", "unknown attribute \"cout\"; <trials> takes count"},
      {"missing-id.xml", 4, "<profile>", "missing attribute \"id\""},
      {"empty-id.xml", 2, "<profile>", "empty id"},
      {"bad-id.xml", 2, "<profile>", "id=\"Ray Trace\" is not a valid id"},
      {"second-workload.xml", 7, "<workload>", "a second <workload>"},
      {"missing-workload.xml", 3, "<profile>", "missing <workload"},
      {"bad-number.xml", 4, "<trials>", "count=\"three\" is not a whole number"},
      {"count-and-dynamic.xml", 4, "<trials>", "cannot be combined with min, max or target-ci"},
      {"min-above-max.xml", 5, "<trials>", "min=\"10\" is above max=\"3\""},
      {"zero-count.xml", 4, "<trials>", "count=\"0\": must be at least 1"},
      {"bad-timeout.xml", 4, "<trials>", "timeout: \"10 minutes\": unknown unit \"minutes\""},
      {"bad-target-ci.xml", 4, "<trials>", "target-ci: \"150%\" is out of range"},
      {"requires-two-kinds.xml", 5, "<requires>", "both program and file given"},
      {"requires-nothing.xml", 4, "<requires>", "nothing required"},
      {"memory-without-size.xml", 4, "<requires>", "memory= needs size="},
      {"bad-size.xml", 5, "<requires>", "size: \"70GiG\": unknown unit \"GiG\""},
      {"unknown-memory-kind.xml", 4, "<requires>", "memory=\"vram\" is not a kind of memory"},
      {"bad-option-name.xml", 5, "<option>", "name=\"Threads\" is not a valid option name"},
      {"option-missing-name.xml", 4, "<option>", "missing attribute \"name\""},
      {"element-in-option.xml", 5, "<value>", "element inside <option>; <option> holds text"},
      {"stray-text.xml", 5, "<workload>", "unexpected text \"threads=4\""},
      {"duplicate-attribute.xml", 4, "<trials>", "attribute \"min\" given twice"},
      {"second-title.xml", 4, "<title>", "a second <title>"},
      {"second-category.xml", 4, "<category>", "a second <category>"},
      {"bad-category.xml", 3, "<category>", "category \"Large Language Models\" is not an id"},
      {"unclosed-element.xml", 7, "", "not well-formed XML: Start-end tags mismatch"},
      {"bad-attribute-syntax.xml", 3, "", "not well-formed XML: Error parsing element attribute"},
      {"two-roots.xml", 5, "<profile>", "a second root element"},
      {"unknown-root.xml", 2, "<benchmark>", "unknown root element; expected <profile> or <suite>"},
      {"not-xml.xml", 1, "", "outside any element"},
      {"empty.xml", 1, "", "empty file"},
      {"utf16.xml", 1, "", "not a UTF-8 text file"},
      {"suite-without-tests.xml", 2, "<suite>", "no <test profile=\"...\"/> members"},
      {"suite-test-without-profile.xml", 4, "<test>",
       "unknown attribute \"name\"; <test> takes profile"},
      {"suite-requires.xml", 4, "<requires>", "unknown element inside <suite>"},
      {"suite-bad-trials.xml", 4, "<trials>", "warmup=\"-1\" is not a whole number"},
  };
  for (const auto& c : cases) {
    const fs::path file = kBad / c.file;
    const auto message = profile_error([&] { load_profile_file(file); });
    INFO(c.file << " gave: " << message);
    std::string prefix = file.string() + ":" + std::to_string(c.line) + ": ";
    if (*c.element) prefix += std::string(c.element) + ": ";
    CHECK_THAT(message, StartsWith(prefix));
    CHECK_THAT(message, Contains(c.says));
  }
}

TEST_CASE("a second element points at the line of the first", "[profile]") {
  const fs::path file = kBad / "second-workload.xml";
  CHECK_THAT(profile_error([&] { load_profile(file); }), Contains("the first is on line 3"));
}

TEST_CASE("line numbers count CRLF line ends and skip a byte order mark", "[profile]") {
  const auto crlf = write_temp(
      "crlf.xml",
      "<?xml version=\"1.0\"?>\r\n<profile id=\"crlf\">\r\n  <workload plugin=\"x\"/>\r\n"
      "\r\n  <trials count=\"many\"/>\r\n</profile>\r\n");
  CHECK_THAT(profile_error([&] { load_profile(crlf); }),
             StartsWith(crlf.string() + ":5: <trials>: "));

  const auto bom = write_temp("bom.xml",
                              "\xEF\xBB\xBF<profile id=\"bom\">\n  <workload plugin=\"x\"/>\n"
                              "  <requires memory=\"ram\" size=\"1GiB\"/>\n</profile>\n");
  CHECK_THAT(profile_error([&] { load_profile(bom); }),
             StartsWith(bom.string() + ":3: <requires>: "));
  // The mark itself is no error: the same file without the mistake loads.
  const auto good_bom = write_temp(
      "good-bom.xml", "\xEF\xBB\xBF<profile id=\"bom\"><workload plugin=\"x\"/></profile>");
  CHECK(load_profile(good_bom).id == "bom");
}

TEST_CASE("a missing file or a directory is refused with its path", "[profile]") {
  const fs::path missing = kBad / "does-not-exist.xml";
  const auto not_found = profile_error([&] { load_profile_file(missing); });
  CHECK_THAT(not_found, StartsWith(missing.string() + ": cannot open: "));

  const auto directory = profile_error([&] { load_profile_file(kBad); });
  CHECK_THAT(directory, StartsWith(kBad.string() + ": is a directory"));
}

TEST_CASE("parse_size reads bytes with binary and decimal units", "[profile][size]") {
  CHECK(parse_size("0") == 0);
  CHECK(parse_size("1073741824") == 1073741824ull);
  CHECK(parse_size("512B") == 512);
  CHECK(parse_size("1KiB") == 1024);
  CHECK(parse_size("512MiB") == 512ull << 20);
  CHECK(parse_size("70GiB") == 70ull << 30);
  CHECK(parse_size("70 GiB") == 70ull << 30);
  CHECK(parse_size("2TiB") == 2ull << 40);
  CHECK(parse_size("1KB") == 1000);
  CHECK(parse_size("1kB") == 1000);
  CHECK(parse_size("20GB") == 20'000'000'000ull);
  CHECK(parse_size("3TB") == 3'000'000'000'000ull);
  CHECK(parse_size("18446744073709551615") == 18446744073709551615ull);
  CHECK(parse_size("16777215TiB") == 16777215ull << 40);
}

TEST_CASE("parse_size refuses what is not a whole size, saying why", "[profile][size]") {
  const std::pair<const char*, const char*> bad[] = {
      {"", "empty size"},
      {"lots", "is not a size"},
      {"-1", "is not a size"},
      {"+1", "is not a size"},
      {" 1", "is not a size"},
      {"1 ", "is not a size"},
      {"GiB", "is not a size"},
      {"1.5GiB", "whole numbers"},
      {"70GiG", "unknown unit \"GiG\""},
      {"70gib", "unknown unit \"gib\""},
      {"70Gb", "unknown unit \"Gb\""},
      {"18446744073709551616", "too large"},
      {"16777216TiB", "too large"},
      {"99999999999999999999999GB", "too large"},
  };
  for (const auto& [text, says] : bad) {
    INFO("parse_size(\"" << text << "\")");
    CHECK_THROWS_WITH(parse_size(text), Contains(says));
  }
  CHECK_THROWS_AS(parse_size("x"), std::invalid_argument);
}

TEST_CASE("parse_duration_s reads seconds, minutes and hours", "[profile][duration]") {
  CHECK(parse_duration_s("600") == 600.0);
  CHECK(parse_duration_s("0") == 0.0);
  CHECK(parse_duration_s("90s") == 90.0);
  CHECK(parse_duration_s("10m") == 600.0);
  CHECK(parse_duration_s("1h") == 3600.0);
  CHECK(parse_duration_s("1.5h") == 5400.0);
  CHECK(parse_duration_s("0.25s") == 0.25);
  CHECK(parse_duration_s("2 m") == 120.0);
}

TEST_CASE("parse_duration_s refuses what is not a duration, saying why", "[profile][duration]") {
  const std::pair<const char*, const char*> bad[] = {
      {"", "empty duration"},
      {"soon", "is not a duration"},
      {"-5", "is not a duration"},
      {"1e3", "unknown unit \"e3\""},
      {"inf", "is not a duration"},
      {"nan", "is not a duration"},
      {"1.2.3", "is not a duration"},
      {"10 ", "is not a duration"},
      {"10ms", "unknown unit"},
      {"10 minutes", "unknown unit \"minutes\""},
      {"1h30m", "unknown unit \"h30m\""},
  };
  for (const auto& [text, says] : bad) {
    INFO("parse_duration_s(\"" << text << "\")");
    CHECK_THROWS_WITH(parse_duration_s(text), Contains(says));
  }
}

TEST_CASE("every profile and suite shipped with benchlab loads", "[profile][shipped]") {
  // The build tree links share/benchlab/profiles to the source profiles/ directory.
  const fs::path shipped = fs::path(BUILD_DIR) / BENCHLAB_PROFILE_SUBDIR;
  REQUIRE(fs::is_directory(shipped));
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(shipped)) {
    if (entry.path().extension() != ".xml") continue;
    ++files;
    INFO(entry.path());
    CHECK_NOTHROW(load_profile_file(entry.path()));
  }
  CHECK(files > 0);  // the link to profiles/ is in place and the examples are there
}

TEST_CASE("a sweep lists one value per result, in file order", "[profile][sweep]") {
  const auto p = load_profile(write_temp("sweep.xml", R"(<profile id="serve">
  <workload plugin="serve-load">
    <option name="rate">2</option>
    <sweep name="users">1 2
      4 8</sweep>
    <sweep name="endpoint">chat completions</sweep>
  </workload>
</profile>)"));
  REQUIRE(p.sweeps.size() == 2);
  CHECK(p.sweeps[0].first == "users");
  CHECK(p.sweeps[0].second == std::vector<std::string>{"1", "2", "4", "8"});
  CHECK(p.sweeps[1].second == std::vector<std::string>{"chat", "completions"});
  REQUIRE(p.options.size() == 1);  // swept options are not plain options
}

TEST_CASE("a malformed sweep is refused with its line and what to write", "[profile][sweep]") {
  auto error = [](const std::string& body) {
    const fs::path f = write_temp("bad-sweep.xml", "<profile id=\"x\">\n<workload plugin=\"p\">\n" +
                                                       body + "\n</workload>\n</profile>");
    return profile_error([&] { load_profile(f); });
  };
  CHECK_THAT(error(R"(<sweep name="users"> </sweep>)"),
             Contains(":3: <sweep>: <sweep name=\"users\"> has no values"));
  CHECK_THAT(error(R"(<sweep name="users">1 2 1</sweep>)"), Contains("lists \"1\" twice"));
  CHECK_THAT(error("<sweep name=\"users\">1</sweep>\n<sweep name=\"users\">2</sweep>"),
             Contains(":4: <sweep>: option \"users\" is swept twice"));
  CHECK_THAT(error("<option name=\"users\">1</option>\n<sweep name=\"users\">2 4</sweep>"),
             Contains("option \"users\" is both given (<option>) and swept (<sweep>)"));
  CHECK_THAT(error(R"(<sweep>1 2</sweep>)"), Contains("name"));
}
