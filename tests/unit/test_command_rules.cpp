// SPDX-License-Identifier: MIT
// The `command` workload: its rule engine (rules, numbers, placeholders, program
// lookup, option checks) tested directly on outputs captured from real programs
// (tests/fixtures/command/), the example profiles against the same captures, and the
// plugin's entry points driven through a fake host whose spawn() replays captures.
#include <sys/stat.h>
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../../plugins/workloads/command/command_config.hpp"
#include "../../plugins/workloads/command/placeholders.hpp"
#include "../../plugins/workloads/command/printed_number.hpp"
#include "../../plugins/workloads/command/program_lookup.hpp"
#include "../../plugins/workloads/command/rule.hpp"
#include "../../plugins/workloads/command/text_tail.hpp"
#include "profile.h"
#include "unit_support.hpp"

extern "C" const bl_plugin* benchlab_plugin_entry(uint32_t, uint32_t);

namespace fs = std::filesystem;
using namespace benchlab::command;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string fixture(const std::string& name) {
  const fs::path path = fs::path(FIXTURES_DIR) / "command" / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Rule rule(std::string_view text) {
  auto parsed = parse_rule(text);
  if (!parsed) FAIL("rule does not parse: " << parsed.error());
  return std::move(parsed).value();
}

std::string rule_error(std::string_view text) {
  auto parsed = parse_rule(text);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

double value_of(std::string_view rule_text, std::string_view output) {
  auto value = apply_rule(rule(rule_text), output);
  if (!value) FAIL(value.error());
  return value.value();
}

std::string match_error(std::string_view rule_text, std::string_view output) {
  auto value = apply_rule(rule(rule_text), output);
  REQUIRE_FALSE(value.ok());
  return value.error();
}

using unit::TempDir;

void write_file(const fs::path& path, const std::string& text, fs::perms perms) {
  std::ofstream(path) << text;
  fs::permissions(path, perms);
}

}  // namespace

// ---- Rule grammar ----

TEST_CASE("a rule with every key parses into its fields", "[command][rule]") {
  const Rule r = rule(
      "name=copy unit=MiB/s direction=higher scale=0.001 source=stderr match=all-mean "
      "regex=Copy: +([0-9.]+) (?:MiB/s|x)?");
  CHECK(r.name == "copy");
  CHECK(r.unit == "MiB/s");
  CHECK(r.direction == Direction::higher);
  CHECK(r.scale == Approx(0.001));
  CHECK(r.source == Source::stderr_text);
  CHECK(r.match == Match::all_mean);
  CHECK(r.regex != nullptr);
}

TEST_CASE("regex= takes the rest of the rule verbatim, blanks, '=' and '|' included",
          "[command][rule]") {
  const Rule r = rule("name=t unit=s direction=lower regex=a=b  (?:x|y) z=([0-9]+)  ");
  CHECK(r.pattern == "a=b  (?:x|y) z=([0-9]+)  ");
  CHECK(value_of("name=t unit=s direction=lower regex=a=b (?:x|y) z=([0-9]+)", "a=b y z=42") == 42);
}

TEST_CASE("rule defaults: scale 1, stdout, first match, keys in any order", "[command][rule]") {
  const Rule r = rule("direction=lower  unit=ms\tname=lat regex=lat ([0-9]+)");
  CHECK(r.scale == 1.0);
  CHECK(r.source == Source::stdout_text);
  CHECK(r.match == Match::first);
  CHECK(r.direction == Direction::lower);
}

TEST_CASE("a source=wall rule needs no regex and reports seconds times scale", "[command][rule]") {
  const Rule r = rule("name=ms unit=ms direction=lower source=wall scale=1000");
  CHECK(r.source == Source::wall);
  CHECK(r.regex == nullptr);
  CHECK(wall_value(r, 1'500'000'000) == Approx(1500.0));
}

TEST_CASE("every malformed rule is refused with what is wrong", "[command][rule]") {
  const std::string base = "name=x unit=s direction=lower ";
  CHECK_THAT(rule_error(base + "foo=1 regex=(1)"),
             Contains("unknown key 'foo' (expected name, unit, direction, scale, source, match, "
                      "regex)"));
  CHECK_THAT(rule_error("name=x unit direction=lower regex=(1)"),
             StartsWith("'unit' is not KEY=VALUE"));
  CHECK_THAT(rule_error("name=x =s direction=lower regex=(1)"),
             StartsWith("'=s' is not KEY=VALUE"));
  CHECK_THAT(rule_error(base + "unit=ms regex=(1)"), Contains("key 'unit' is given twice"));
  CHECK_THAT(rule_error("name= unit=s direction=lower regex=(1)"), Contains("name= has no value"));
  CHECK_THAT(rule_error("name=x unit=s direction=lower regex="), Contains("regex= has no value"));
  CHECK_THAT(rule_error("unit=s direction=lower regex=(1)"), StartsWith("missing name="));
  CHECK_THAT(rule_error("name=x direction=lower regex=(1)"), StartsWith("missing unit="));
  CHECK_THAT(rule_error("name=x unit=s regex=(1)"), StartsWith("missing direction="));
  CHECK_THAT(rule_error("name=x unit=s direction=lower"), StartsWith("missing regex="));
  CHECK_THAT(rule_error("name=x regex=([0-9]+) unit=s direction=lower"),
             Contains("missing unit=: it appears inside regex=") && Contains("put regex= last"));
  CHECK_THAT(rule_error("name=a/b unit=s direction=lower regex=(1)"),
             Contains("name 'a/b' may hold only letters, digits"));
  CHECK_THAT(rule_error("name=" + std::string(129, 'n') + " unit=s direction=lower regex=(1)"),
             Contains("longer than 128 characters"));
  CHECK_THAT(rule_error("name=x unit=s direction=up regex=(1)"),
             Contains("direction 'up' must be lower or higher"));
  CHECK_THAT(rule_error(base + "scale=fast regex=(1)"), Contains("scale 'fast' is not a number"));
  CHECK_THAT(rule_error(base + "scale=0 regex=(1)"), Contains("scale must not be 0"));
  CHECK_THAT(rule_error(base + "source=file regex=(1)"),
             Contains("source 'file' must be stdout, stderr or wall"));
  CHECK_THAT(rule_error(base + "match=median regex=(1)"),
             Contains("match 'median' must be first, last, all-sum or all-mean"));
  CHECK_THAT(rule_error(base + "source=wall match=last"),
             Contains("match= does not apply to source=wall"));
  CHECK_THAT(rule_error(base + "source=wall regex=(1)"), Contains("source=wall takes no regex="));
  CHECK_THAT(rule_error(base + "regex=([0-9]+"), Contains("regex '([0-9]+' does not compile"));
  CHECK_THAT(rule_error(base + "regex=[0-9]+"),
             Contains("has 0 capture groups; it needs exactly one"));
  CHECK_THAT(rule_error(base + "regex=(a)([0-9]+)"),
             Contains("has 2 capture groups") && Contains("(?:...)"));
  CHECK_THAT(rule_error(base + "regex=(x)\\1"),
             Contains("does not compile") && Contains("no back-references"));
  CHECK_THAT(rule_error(base + "regex=(?=a)([0-9]+)"), Contains("does not compile"));
  CHECK_THAT(rule_error(base + "regex=a\n([0-9]+)"), Contains("regex holds a line break"));
  CHECK_THAT(rule_error("  \t "), Contains("the rule is empty"));
  CHECK(parse_rule(base + "regex=(?:a|b)([0-9]+)").ok());  // non-capturing groups are fine
}

// Found by the command_rule fuzz target when rules were std::regex: libstdc++ multiplied
// these numbers by 10 per digit without an overflow check. RE2 has no back-references and
// caps a repetition count at 1000: the same texts are compile errors now, or (a count
// too long to be one) literal text, as RE2 reads it.
TEST_CASE("parse_rule refuses huge repetition counts and back-reference numbers",
          "[command][rule]") {
  const std::string base = "name=x unit=s direction=lower regex=";
  CHECK_THAT(rule_error(base + "a{1,1234567}(1)"),
             Contains("does not compile: invalid repetition size: {1,1234567}"));
  CHECK_THAT(rule_error(base + "\\88888888888888888888"),
             Contains("does not compile: invalid escape sequence: \\8"));
  CHECK_THAT(rule_error(base + "([0-9]+)a{1001}"), Contains("invalid repetition size: {1001}"));
  CHECK_THAT(rule_error(base + "((a{100}){100}){100}(1)"), Contains("invalid repetition size"));
  CHECK(value_of(base + "a{88888888888888888888}([0-9])", "a{88888888888888888888}7") == 7);
  // A pattern whose automaton would not fit RE2's memory budget is refused when read.
  std::string huge = "(";
  for (int i = 0; i < 200; ++i) huge += "\\w{1000}";
  CHECK_THAT(rule_error(base + huge + ")"), Contains("pattern too large"));
  // Digits elsewhere are literal text and may be as long as they like.
  CHECK(parse_rule(base + "id 12345678901234567890 took ([0-9]+) ms").ok());
  CHECK(parse_rule(base + "[{12345678901}]([0-9]+)").ok());
  CHECK(parse_rule(base + "\\{12345678901\\}([0-9]+)").ok());
  CHECK(parse_rule(base + "x{1,100}([0-9]+)").ok());
}

TEST_CASE("parse_rules numbers its errors and refuses a metric name used twice",
          "[command][rule]") {
  auto bad = parse_rules(
      {"name=a unit=s direction=lower regex=(1)", "name=b unit=s direction=lower foo=1 regex=(1)"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() ==
        "rule 2: unknown key 'foo' (expected name, unit, direction, scale, source, match, regex)");

  auto twice = parse_rules({"name=a unit=s direction=lower regex=(1)",
                            "name=b unit=s direction=lower source=wall",
                            "name=a unit=ms direction=lower source=wall"});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error() == "rule 3: name 'a' is already used by rule 1");

  auto good = parse_rules(
      {"name=a unit=s direction=lower regex=(1)", "name=b unit=s direction=lower source=wall"});
  REQUIRE(good.ok());
  CHECK(good.value().size() == 2);
}

// ---- Numbers as programs print them ----

TEST_CASE("printed numbers: signs, exponents and thousands separators", "[command][number]") {
  CHECK(parse_printed_number("6265.603") == Approx(6265.603));
  CHECK(parse_printed_number("  42 ") == 42);
  CHECK(parse_printed_number("+7") == 7);
  CHECK(parse_printed_number("-1.5") == -1.5);
  CHECK(parse_printed_number(".5") == 0.5);
  CHECK(parse_printed_number("3.") == 3);
  CHECK(parse_printed_number("1.2e-3") == Approx(0.0012));
  CHECK(parse_printed_number("4E+2") == 400);
  CHECK(parse_printed_number("131,137") == 131137);
  CHECK(parse_printed_number("1,234,567.25") == Approx(1234567.25));
  CHECK(parse_printed_number("-1,000") == -1000);

  for (const char* bad : {"",     " ",     "-",   ".",     "abc", "12abc", "1.2.3",  "1e",
                          "1e+",  "0x10",  "inf", "nan",   "1,5", "12,34", "1,2345", "1234,567",
                          ",123", "0,123", "1,",  "1e999", "1 2", "--1"}) {
    INFO("text: '" << bad << "'");
    CHECK_FALSE(parse_printed_number(bad).has_value());
  }
}

// ---- Matching captured outputs of real programs ----

TEST_CASE("mbw: MiB/s of the MEMCPY average, first, last, sum and mean", "[command][match]") {
  const std::string out = fixture("mbw-n2-64.stdout.txt");
  const std::string head = "name=copy unit=MiB/s direction=higher ";
  CHECK(value_of(head + "regex=^AVG\\s+Method: MEMCPY\\s.*Copy:\\s+([0-9.]+) MiB/s", out) ==
        Approx(6265.603));
  // The example from the documentation: lazy .*? and match=last.
  CHECK(value_of(head + "match=last regex=AVG\\s+Method: MEMCPY.*?Copy:\\s+([0-9.]+) MiB/s", out) ==
        Approx(6265.603));
  const std::string any_run = "regex=^[0-9]+\\s+Method: \\w+\\s.*Copy:\\s+([0-9.]+) MiB/s";
  CHECK(value_of(head + any_run, out) == Approx(6088.280));
  CHECK(value_of(head + "match=first " + any_run, out) == Approx(6088.280));
  CHECK(value_of(head + "match=last " + any_run, out) == Approx(8472.333));
  CHECK(value_of(head + "match=all-sum " + any_run, out) ==
        Approx(6088.280 + 6453.565 + 5652.212 + 4900.084 + 8016.032 + 8472.333));
  CHECK(value_of(head + "match=all-mean regex=^[0-9]+\\s+Method: MEMCPY\\s.*Copy:\\s+([0-9.]+)",
                 out) == Approx((6088.280 + 6453.565) / 2));
  // Scale turns MiB/s into GiB/s.
  CHECK(value_of(head + "scale=0.0009765625 regex=^AVG\\s+Method: MCBLOCK.*Copy:\\s+([0-9.]+)",
                 out) == Approx(8237.868 / 1024));
}

TEST_CASE("sysbench: events per second, total time and latency", "[command][match]") {
  const std::string out = fixture("sysbench-cpu.stdout.txt");
  CHECK(value_of("name=eps unit=events/s direction=higher regex=events per second:\\s+([0-9.]+)",
                 out) == Approx(4452.39));
  CHECK(value_of("name=t unit=s direction=lower regex=total time:\\s+([0-9.]+)s", out) ==
        Approx(2.0002));
  CHECK(value_of("name=n unit=events direction=higher regex=total number of events:\\s+([0-9]+)",
                 out) == 8912);
  // '^' and '$' anchor at each line; milliseconds scaled to seconds.
  CHECK(value_of("name=lat unit=s direction=lower scale=1e-3 regex=^\\s+avg:\\s+([0-9.]+)$", out) ==
        Approx(0.00022));
}

TEST_CASE("openssl speed: a number with a suffix, scaled from kB/s to B/s", "[command][match]") {
  const std::string out = fixture("openssl-speed-sha256.stdout.txt");
  CHECK(value_of("name=sha256 unit=B/s direction=higher scale=1000 regex=^sha256\\s+([0-9.]+)k",
                 out) == Approx(1744952500.0));
  // Its progress line goes to stderr.
  const std::string err = fixture("openssl-speed-sha256.stderr.txt");
  CHECK(value_of("name=n unit=blocks direction=higher source=stderr regex=: ([0-9]+) sha256's",
                 err) == 30886);
}

TEST_CASE("perf stat on stderr: counts with thousands separators", "[command][match]") {
  const std::string err = fixture("perf-stat-mbw.stderr.txt");
  CHECK(value_of("name=faults unit=faults direction=lower source=stderr "
                 "regex=^\\s*([0-9,]+)\\s+page-faults",
                 err) == 131137);
  CHECK(value_of("name=cpu unit=ms direction=lower source=stderr regex=([0-9.,]+) msec task-clock",
                 err) == Approx(393.12));
  CHECK(value_of("name=wall unit=s direction=lower source=stderr "
                 "regex=([0-9.]+) seconds time elapsed",
                 err) == Approx(1.283618188));
}

TEST_CASE("dd on stderr: throughput in GB/s", "[command][match]") {
  const std::string err = fixture("dd-zero.stderr.txt");
  CHECK(value_of("name=rate unit=GB/s direction=higher source=stderr regex=, ([0-9.]+) GB/s$",
                 err) == Approx(13.7));
  CHECK(value_of("name=bytes unit=B direction=higher source=stderr regex=^([0-9]+) bytes", err) ==
        536870912);
}

TEST_CASE("a rule that matches nothing says so, with the output's last lines", "[command][match]") {
  const std::string out = fixture("sysbench-cpu.stdout.txt");
  CHECK(match_error("name=eps unit=events/s direction=higher regex=events per minute: ([0-9.]+)",
                    out) ==
        "rule eps: no match for events per minute: ([0-9.]+) in stdout (last lines: "
        "\"95th percentile:                        0.24\", "
        "\"sum:                                 1996.69\", \"Threads fairness:\", "
        "\"events (avg/stddev):           8912.0000/0.00\", "
        "\"execution time (avg/stddev):   1.9967/0.00\")");
  CHECK(match_error("name=x unit=s direction=lower source=stderr regex=([0-9]+)", "") ==
        "rule x: no match for ([0-9]+) in stderr (stderr was empty)");
}

TEST_CASE("a capture that is not a number fails the rule, naming the line", "[command][match]") {
  CHECK_THAT(match_error("name=x unit=s direction=lower regex=time: (\\S+)", "a\ntime: n/a\n"),
             Contains("rule x: 'n/a' captured on line 2 of stdout is not a number"));
  CHECK_THAT(match_error("name=x unit=s direction=lower regex=v=(\\S+)", "v=1,5\n"),
             Contains("'1,5' captured on line 1"));
  CHECK_THAT(match_error("name=x unit=s direction=lower regex=v(?:=([0-9]+))?", "v\n"),
             Contains("capture group took no part"));
  // Only the selected match is read: a bad earlier capture does not hurt match=last.
  CHECK(value_of("name=x unit=s direction=lower match=last regex=t: (\\S+)", "t: n/a\nt: 3\n") ==
        3);
  CHECK_THAT(
      match_error("name=x unit=s direction=lower match=all-sum regex=t: (\\S+)", "t: n/a\nt: 3\n"),
      Contains("'n/a' captured on line 1"));
}

TEST_CASE("lines: CRLF endings, several matches per line, a value too large", "[command][match]") {
  CHECK(value_of("name=x unit=s direction=lower regex=value: ([0-9]+)$", "value: 5\r\nend\r\n") ==
        5);
  CHECK(value_of("name=x unit=n direction=lower match=all-sum regex=([0-9]+)", "1 2 3\n4\n") == 10);
  CHECK(value_of("name=x unit=n direction=lower match=last regex=([0-9]+)", "1 2 3\n4 5") == 5);
  CHECK_THAT(match_error("name=x unit=n direction=lower match=all-sum regex=([0-9.e+]+)",
                         "1e308\n1e308\n"),
             Contains("overflows"));
}

TEST_CASE("long lines are searched whole", "[command][match]") {
  // One 1 MiB line, the number at its very end: std::regex once needed a 64 KiB cut here.
  std::string line(1 << 20, 'a');
  line += " 12";
  CHECK(value_of("name=x unit=n direction=lower regex=^(?:a|b)*\\s+([0-9]+)$", line) == 12);
  CHECK(value_of("name=x unit=n direction=lower regex=^.*\\s([0-9]+)$", line + "\n") == 12);
}

// RE2 matches in time linear in the line whatever the pattern, so a hostile program
// output cannot stall a trial. A backtracking matcher takes about 2^n steps for (a+)+$ on
// n 'a's and a 'b'; here n is 30,000. No time limit is asserted: the test just has to
// finish inside ctest's timeout.
TEST_CASE("a catastrophic-backtracking pattern on hostile output finishes", "[command][match]") {
  const std::string hostile = std::string(30 * 1024, 'a') + "b\n";
  CHECK_THAT(match_error("name=x unit=n direction=lower regex=(a+)+$", hostile),
             Contains("no match for (a+)+$ in stdout"));
  CHECK_THAT(match_error("name=x unit=n direction=lower regex=^(?:a|aa)+([0-9]*)x$", hostile),
             Contains("no match"));
  CHECK_THAT(match_error("name=x unit=n direction=lower match=all-sum regex=(?:a*)*([0-9]+)",
                         hostile + hostile),
             Contains("no match"));
}

TEST_CASE("a stream larger than the rule input limit is refused", "[command][match]") {
  const std::string huge(kMaxRuleInputBytes + 1, '\n');
  CHECK_THAT(match_error("name=x unit=n direction=lower regex=([0-9]+)", huge),
             Contains("more than the 16777216 a rule searches"));
}

// ---- Placeholders ----

TEST_CASE("placeholders expand, and {{ and }} are literal braces", "[command][placeholder]") {
  PlaceholderValues v;
  v.scratch = "/s";
  v.cache = "/c";
  v.data = "/d";
  v.nproc = 8;
  CHECK(expand_placeholders("--out={scratch}/x --in={data}/in -j{nproc} {cache}", v).value() ==
        "--out=/s/x --in=/d/in -j8 /c");
  CHECK(expand_placeholders("awk {{print $1}}", v).value() == "awk {print $1}");
  CHECK(expand_placeholders("plain", v).value() == "plain");

  auto unknown = expand_placeholders("x{threads}", v);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() ==
        "unknown placeholder {threads} at column 2 (known: {scratch}, {cache}, {data}, {nproc}; "
        "write {{ and }} for literal braces)");
  CHECK_THAT(expand_placeholders("a{scratch", v).error(),
             Contains("'{' at column 2 is never closed"));
  CHECK_THAT(expand_placeholders("a}b", v).error(), Contains("single '}' at column 2"));

  v.data.reset();
  CHECK_THAT(expand_placeholders("{data}/in", v).error(),
             Contains("{data} at column 1 has no value here") && Contains("without a profile"));
}

// ---- The last lines of an output, for error messages ----

TEST_CASE("last_lines keeps the last non-blank lines, quoted and shortened", "[command][tail]") {
  CHECK(last_lines("a\n\n  b  \nc\n\n", 2) == "\"b\", \"c\"");
  CHECK(last_lines("one", 5) == "\"one\"");
  CHECK(last_lines(" \n\t\n", 5).empty());
  CHECK(last_lines(std::string(10, 'x'), 5, 4) == "\"xxxx...\"");
  CHECK(last_lines("bell\a here", 5) == "\"bell? here\"");
  CHECK(describe_tail("stderr", "") == " (stderr was empty)");
  CHECK(describe_tail("stderr", "boom\n") == " (last lines of stderr: \"boom\")");
}

// ---- Finding the program ----

TEST_CASE("find_program searches PATH and resolves paths from the working directory",
          "[command][lookup]") {
  TempDir dir;
  fs::create_directories(dir.path / "bin");
  fs::create_directories(dir.path / "other");
  fs::create_directories(dir.path / "bin" / "subdir-tool");
  write_file(dir.path / "bin" / "tool", "#!/bin/sh\n", fs::perms::owner_all);
  write_file(dir.path / "other" / "plain", "text\n", fs::perms::owner_read);
  const std::string path_list = (dir.path / "other").string() + ":" + (dir.path / "bin").string();
  const std::string cwd = dir.path.string();

  CHECK(find_program("tool", path_list, cwd) == (dir.path / "bin" / "tool").string());
  CHECK_FALSE(find_program("plain", path_list, cwd));        // not executable
  CHECK_FALSE(find_program("subdir-tool", path_list, cwd));  // a directory
  CHECK_FALSE(find_program("missing", path_list, cwd));
  CHECK_FALSE(find_program("", path_list, cwd));
  CHECK(find_program("bin/tool", "", cwd) == cwd + "/bin/tool");
  CHECK(find_program((dir.path / "bin" / "tool").string(), "", "/nonexistent").has_value());
  CHECK_FALSE(find_program("./tool", path_list, cwd));  // a path is never searched on PATH
  CHECK(find_program("tool", ":", (dir.path / "bin").string()).has_value());  // empty entry
}

// ---- Options into a configuration ----

namespace {

RawOptions minimal_options() {
  RawOptions raw;
  raw.arg = {"mbw", "-n", "{nproc}", "{scratch}/x"};
  raw.rule = {"name=copy unit=MiB/s direction=higher regex=Copy: ([0-9.]+)"};
  return raw;
}

PlaceholderValues test_values() {
  PlaceholderValues v;
  v.scratch = "/scratch";
  v.cache = "/cache";
  v.data = "/profile";
  v.nproc = 4;
  return v;
}

std::string config_error(const RawOptions& raw) {
  auto config = make_config(raw, test_values());
  REQUIRE_FALSE(config.ok());
  return config.error();
}

}  // namespace

TEST_CASE("options become a configuration with placeholders expanded", "[command][config]") {
  RawOptions raw = minimal_options();
  raw.env = {"OMP_NUM_THREADS={nproc}", "EMPTY="};
  raw.setup_arg = {"gen", "{data}/seed"};
  raw.stdin_path = "{data}/input.txt";
  raw.timeout = "2.5";
  raw.expect_exit = "3";
  auto config = make_config(raw, test_values());
  REQUIRE(config.ok());
  const CommandConfig& c = config.value();
  CHECK(c.argv == std::vector<std::string>{"mbw", "-n", "4", "/scratch/x"});
  CHECK(c.env == std::vector<std::string>{"OMP_NUM_THREADS=4", "EMPTY="});
  CHECK(c.setup_argv == std::vector<std::string>{"gen", "/profile/seed"});
  CHECK(c.stdin_path == "/profile/input.txt");
  CHECK(c.cwd == "/scratch");  // the default
  CHECK(c.timeout_s == 2.5);
  CHECK(c.expect_exit == 3);
  CHECK(c.reads_output());
}

TEST_CASE("bad options are refused naming the option and its position", "[command][config]") {
  RawOptions raw = minimal_options();
  raw.arg = {};
  CHECK_THAT(config_error(raw), StartsWith("no arg given"));

  raw = minimal_options();
  raw.arg[1] = "--threads={threads}";
  CHECK_THAT(config_error(raw), StartsWith("arg 2 '--threads={threads}': unknown placeholder "
                                           "{threads} at column 11"));

  raw = minimal_options();
  raw.env = {"A=1", "NOEQUALS"};
  CHECK_THAT(config_error(raw), StartsWith("env 2 'NOEQUALS': expected NAME=VALUE"));
  raw.env = {"1A=1"};
  CHECK_THAT(config_error(raw), StartsWith("env 1 '1A=1'"));

  raw = minimal_options();
  raw.rule = {};
  CHECK_THAT(config_error(raw), StartsWith("no rule given"));
  raw.rule = {"name=a unit=s direction=sideways regex=(1)"};
  CHECK_THAT(config_error(raw), StartsWith("rule 1: direction 'sideways'"));

  raw = minimal_options();
  raw.timeout = "-1";
  CHECK_THAT(config_error(raw), StartsWith("timeout '-1' must be a number of seconds"));
  raw = minimal_options();
  raw.expect_exit = "256";
  CHECK_THAT(config_error(raw), StartsWith("expect_exit '256' must be an exit status"));
  raw = minimal_options();
  raw.cwd = "{cache";
  CHECK_THAT(config_error(raw), StartsWith("cwd '{cache': '{' at column 1 is never closed"));
  raw = minimal_options();
  raw.arg = {"", "x"};
  CHECK_THAT(config_error(raw), StartsWith("arg 1 (the program) is empty"));
}

TEST_CASE("describe_argv quotes what a shell would split", "[command][config]") {
  CHECK(describe_argv({"mbw", "-n", "3"}) == "mbw -n 3");
  CHECK(describe_argv({"sh", "-c", "seq 1 10 > x", ""}) == "sh -c 'seq 1 10 > x' ''");
  CHECK(describe_argv({"echo", "it's"}) == "echo 'it'\\''s'");
}

// ---- The example profiles read the captured outputs ----

namespace {

const fs::path kExamples = fs::path(BUILD_DIR) / BENCHLAB_PROFILE_SUBDIR / "examples";

std::vector<std::string> option_values(const benchlab::Profile& p, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : p.options)
    if (key == name) values.push_back(value);
  return values;
}

}  // namespace

TEST_CASE("example mbw-copy.xml reads the MEMCPY average from mbw's output", "[command][profile]") {
  const benchlab::Profile p = benchlab::load_profile(kExamples / "mbw-copy.xml");
  CHECK(p.plugin == "command");
  REQUIRE(p.requirements.size() >= 1);
  CHECK(p.requirements[0].name == "mbw");
  CHECK(p.requirements[0].hint == "apt-get install mbw");
  auto rules = parse_rules(option_values(p, "rule"));
  REQUIRE(rules.ok());
  REQUIRE(rules.value().size() == 1);
  auto copy = apply_rule(rules.value()[0], fixture("mbw-n2-64.stdout.txt"));
  REQUIRE(copy.ok());
  CHECK(copy.value() == Approx(6265.603));
  RawOptions raw;
  raw.arg = option_values(p, "arg");
  raw.rule = option_values(p, "rule");
  CHECK(make_config(raw, test_values()).ok());
}

TEST_CASE("example sysbench-cpu.xml reads events/s and latency from sysbench's output",
          "[command][profile]") {
  const benchlab::Profile p = benchlab::load_profile(kExamples / "sysbench-cpu.xml");
  auto rules = parse_rules(option_values(p, "rule"));
  REQUIRE(rules.ok());
  REQUIRE(rules.value().size() == 2);
  const std::string out = fixture("sysbench-cpu.stdout.txt");
  CHECK(apply_rule(rules.value()[0], out).value() == Approx(4452.39));
  CHECK(apply_rule(rules.value()[1], out).value() == Approx(0.22));
  RawOptions raw;
  raw.arg = option_values(p, "arg");
  raw.rule = option_values(p, "rule");
  auto config = make_config(raw, test_values());
  REQUIRE(config.ok());
  CHECK(config.value().argv[2] == "--threads=4");
}

TEST_CASE("example gzip-compress.xml times gzip by its wall clock", "[command][profile]") {
  const benchlab::Profile p = benchlab::load_profile(kExamples / "gzip-compress.xml");
  RawOptions raw;
  raw.arg = option_values(p, "arg");
  raw.setup_arg = option_values(p, "setup_arg");
  raw.rule = option_values(p, "rule");
  auto config = make_config(raw, test_values());
  REQUIRE(config.ok());
  CHECK(config.value().setup_argv.back() == "seq 1 1000000 > input.txt");
  CHECK_FALSE(config.value().reads_output());
}

// ---- The plugin's entry points, through a fake host ----

namespace {

// What the fake host's spawn() pretends the program did.
struct Canned {
  std::string out, err;
  int32_t status = BL_OK;
  int32_t exit_code = 0;
  int32_t term_signal = 0;
  uint64_t wall_ns = 2'000'000'000;
};

struct SpawnCall {
  std::vector<std::string> argv, env;
  std::string cwd, stdin_path;
  uint64_t timeout_ms = 0;
  uint32_t flags = 0;
};

// A host that records what the plugin asks of it and replays canned program runs.
class FakeHost {
 public:
  explicit FakeHost(const bl_plugin* plugin) : plugin_(plugin) {
    table_.struct_size = sizeof table_;
    table_.abi_major = BL_ABI_MAJOR;
    table_.abi_minor = BL_ABI_MINOR;
    table_.cpu_count = 4;
    scratch_ = scratch_dir_.path.string();
    table_.scratch_dir = scratch_.c_str();
    table_.cache_dir = scratch_.c_str();
    table_.data_dir = nullptr;
    table_.host_data = this;
    table_.log = [](const bl_host* h, int32_t, const char* msg) { self(h).logs.push_back(msg); };
    table_.set_error = [](const bl_host* h, const char* msg) { self(h).error = msg; };
    table_.option = [](const bl_host* h, const char* name) -> const char* {
      auto& s = self(h);
      if (auto it = s.options.find(name); it != s.options.end() && !it->second.empty())
        return it->second.front().c_str();
      return s.default_of(name);
    };
    table_.option_count = [](const bl_host* h, const char* name) -> uint32_t {
      auto& s = self(h);
      auto it = s.options.find(name);
      if (it != s.options.end()) return static_cast<uint32_t>(it->second.size());
      return s.default_of(name) ? 1 : 0;
    };
    table_.option_at = [](const bl_host* h, const char* name, uint32_t i) -> const char* {
      auto& s = self(h);
      auto it = s.options.find(name);
      if (it == s.options.end()) return i == 0 ? s.default_of(name) : nullptr;
      return i < it->second.size() ? it->second[i].c_str() : nullptr;
    };
    table_.declare_metric = [](const bl_host* h, const char* name, const char* unit,
                               int32_t direction) -> int32_t {
      self(h).declared[name] = {unit, direction};
      return BL_OK;
    };
    table_.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      auto& s = self(h);
      if (!s.declared.count(name)) return BL_INVALID_ARGUMENT;
      s.metrics[name] = value;
      return BL_OK;
    };
    table_.progress = [](const bl_host*, double, const char*) {};
    table_.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).output.append(data, size);
      return BL_OK;
    };
    table_.spawn = [](const bl_host* h, const bl_spawn* req, bl_spawn_result* res) {
      return self(h).spawn(*req, *res);
    };
    table_.is_cancelled = [](const bl_host*) -> int32_t { return 0; };
    table_.now_ns = [](const bl_host*) -> uint64_t { return 0; };
    table_.get_extension = [](const bl_host*, const char*) -> const void* { return nullptr; };
    table_.append_error_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).error_output.append(data, size);
      return BL_OK;
    };
  }

  // One phase: create an instance, call `fn` on it (and parse_streams after a good run, as
  // an ABI 1.1 host does), destroy.
  int32_t phase(int32_t which) {
    table_.phase = which;
    error.clear();
    const bl_workload* w = plugin_->workload;
    void* inst = nullptr;
    REQUIRE(w->create(&table_, &inst) == BL_OK);
    int32_t status = BL_OK;
    if (which == BL_PHASE_SETUP) status = w->setup(inst);
    if (which == BL_PHASE_TEARDOWN) status = w->teardown(inst);
    if (which == BL_PHASE_RUN) {
      output.clear();
      error_output.clear();
      status = w->run(inst);
      if (status == BL_OK)
        status = w->parse_streams(inst, output.data(), output.size(), error_output.data(),
                                  error_output.size());
    }
    w->destroy(inst);
    return status;
  }

  std::map<std::string, std::vector<std::string>> options;
  std::vector<Canned> canned;  // one per spawn, in order
  std::vector<SpawnCall> calls;
  std::string error, output, error_output;
  std::vector<std::string> logs;
  std::map<std::string, std::pair<std::string, int32_t>> declared;
  std::map<std::string, double> metrics;
  std::string scratch_;

 private:
  static FakeHost& self(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }

  const char* default_of(const char* name) const {
    const bl_workload* w = plugin_->workload;
    for (uint32_t i = 0; i < w->option_count; ++i)
      if (std::string(w->options[i].name) == name) return w->options[i].default_value;
    return nullptr;
  }

  int32_t spawn(const bl_spawn& req, bl_spawn_result& res) {
    SpawnCall call;
    for (auto a = req.argv; *a; ++a) call.argv.emplace_back(*a);
    for (auto e = req.env; e && *e; ++e) call.env.emplace_back(*e);
    call.cwd = req.cwd ? req.cwd : "";
    call.stdin_path = req.stdin_path ? req.stdin_path : "";
    call.timeout_ms = req.timeout_ms;
    call.flags = req.flags;
    calls.push_back(call);
    REQUIRE(calls.size() <= canned.size());
    const Canned& c = canned[calls.size() - 1];
    last_out_ = c.out;
    last_err_ = c.err;
    res.exit_code = c.term_signal ? -1 : c.exit_code;
    res.term_signal = c.term_signal;
    res.timed_out = c.status == BL_TIMEOUT;
    res.wall_ns = c.wall_ns;
    res.out = last_out_.c_str();
    res.out_size = last_out_.size();
    res.err = last_err_.c_str();
    res.err_size = last_err_.size();
    if (req.flags & BL_SPAWN_STDOUT_TO_OUTPUT) output += c.out;
    if (req.flags & BL_SPAWN_STDERR_TO_ERROR_OUTPUT) error_output += c.err;
    return c.status;
  }

  const bl_plugin* plugin_;
  bl_host table_{};
  TempDir scratch_dir_;
  std::string last_out_, last_err_;
};

const bl_plugin* command_plugin() {
  const bl_plugin* p = benchlab_plugin_entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  REQUIRE(p != nullptr);
  return p;
}

}  // namespace

TEST_CASE("the descriptor: a workload with dynamic metrics and repeated options",
          "[command][plugin]") {
  const bl_plugin* p = command_plugin();
  CHECK(std::string(p->id) == "command");
  CHECK(p->kind == BL_KIND_WORKLOAD);
  CHECK(p->abi_major == BL_ABI_MAJOR);
  REQUIRE(p->workload != nullptr);
  CHECK(p->probe == nullptr);
  CHECK((p->workload->flags & BL_WORKLOAD_DYNAMIC_METRICS) != 0);
  std::map<std::string, uint32_t> flags;
  for (uint32_t i = 0; i < p->workload->option_count; ++i)
    flags[p->workload->options[i].name] = p->workload->options[i].flags;
  CHECK(flags.at("arg") == (BL_OPTION_REQUIRED | BL_OPTION_REPEATED));
  CHECK(flags.at("rule") == (BL_OPTION_REQUIRED | BL_OPTION_REPEATED));
  for (const char* repeated : {"env", "setup_arg", "teardown_arg"})
    CHECK(flags.at(repeated) == BL_OPTION_REPEATED);
  for (const char* single : {"timeout", "expect_exit", "cwd", "stdin", "hint"})
    CHECK(flags.at(single) == 0);
  CHECK(benchlab_plugin_entry(BL_ABI_MAJOR + 1, BL_ABI_MAJOR + 2) == nullptr);
}

TEST_CASE("setup: a missing program cannot run, with the profile's hint", "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"benchlab-test-no-such-program"};
  host.options["rule"] = {"name=t unit=s direction=lower source=wall"};
  host.options["hint"] = {"apt-get install no-such-program"};
  CHECK(host.phase(BL_PHASE_SETUP) == BL_CANNOT_RUN);
  CHECK(host.error ==
        "benchlab-test-no-such-program not found on PATH (hint: apt-get install no-such-program)");
  CHECK(host.calls.empty());
}

TEST_CASE("setup: bad rules are invalid arguments with the rule's number", "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"sh"};
  host.options["rule"] = {"name=a unit=s direction=lower source=wall",
                          "name=b unit=s direction=lower foo=1 regex=(1)"};
  CHECK(host.phase(BL_PHASE_SETUP) == BL_INVALID_ARGUMENT);
  CHECK(host.error ==
        "rule 2: unknown key 'foo' (expected name, unit, direction, scale, source, match, regex)");
}

TEST_CASE("setup: setup_arg runs once, and its failure fails setup with its stderr",
          "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"sh"};
  host.options["setup_arg"] = {"sh", "-c", "make input"};
  host.options["rule"] = {"name=t unit=s direction=lower source=wall"};
  host.canned = {Canned{"", "no rule to make target\n", BL_OK, 2}};
  CHECK(host.phase(BL_PHASE_SETUP) == BL_ERROR);
  CHECK(host.error ==
        "setup_arg sh -c 'make input' exited with status 2, expected 0 (last lines of "
        "stderr: \"no rule to make target\")");
  REQUIRE(host.calls.size() == 1);
  CHECK(host.calls[0].argv == std::vector<std::string>{"sh", "-c", "make input"});

  host.canned.push_back(Canned{});
  CHECK(host.phase(BL_PHASE_SETUP) == BL_OK);
}

TEST_CASE("run and parse: mbw's stdout becomes the copy metric", "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"mbw", "-n", "{nproc}", "--out={scratch}/x"};
  host.options["env"] = {"OMP_NUM_THREADS={nproc}"};
  host.options["timeout"] = {"1.5"};
  host.options["rule"] = {
      "name=copy unit=MiB/s direction=higher match=last "
      "regex=AVG\\s+Method: MEMCPY.*?Copy:\\s+([0-9.]+) MiB/s",
      "name=ms unit=ms direction=lower source=wall scale=1000"};
  host.canned = {Canned{fixture("mbw-n2-64.stdout.txt"), "", BL_OK, 0, 0, 1'250'000'000}};
  REQUIRE(host.phase(BL_PHASE_RUN) == BL_OK);

  REQUIRE(host.calls.size() == 1);
  const SpawnCall& call = host.calls[0];
  CHECK(call.argv == std::vector<std::string>{"mbw", "-n", "4", "--out=" + host.scratch_ + "/x"});
  CHECK(call.env == std::vector<std::string>{"OMP_NUM_THREADS=4"});
  CHECK(call.cwd == host.scratch_);
  CHECK(call.timeout_ms == 1500);
  CHECK(call.flags == (BL_SPAWN_STDOUT_TO_OUTPUT | BL_SPAWN_STDERR_TO_ERROR_OUTPUT));
  CHECK(host.declared.at("copy") == std::make_pair(std::string("MiB/s"), BL_HIGHER_IS_BETTER));
  CHECK(host.declared.at("ms") == std::make_pair(std::string("ms"), BL_LOWER_IS_BETTER));
  CHECK(host.metrics.at("copy") == Approx(6265.603));
  CHECK(host.metrics.at("ms") == Approx(1250.0));
  CHECK(host.output == fixture("mbw-n2-64.stdout.txt"));  // stored as the program printed it
}

TEST_CASE("run and parse_streams: a stderr rule reads the error output", "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"perf", "stat", "--", "mbw", "-q", "-n", "1", "-t", "0", "256"};
  host.options["rule"] = {
      "name=faults unit=faults direction=lower source=stderr regex=^\\s*([0-9,]+)\\s+page-faults",
      "name=copy unit=MiB/s direction=higher regex=^AVG.*Copy:\\s+([0-9.]+)"};
  host.canned = {Canned{fixture("perf-stat-mbw.stdout.txt"), fixture("perf-stat-mbw.stderr.txt")}};
  REQUIRE(host.phase(BL_PHASE_RUN) == BL_OK);
  // Both streams stored as the program printed them, each rule reading its own.
  CHECK(host.output == fixture("perf-stat-mbw.stdout.txt"));
  CHECK(host.error_output == fixture("perf-stat-mbw.stderr.txt"));
  CHECK(host.metrics.at("faults") == 131137);
  CHECK(host.metrics.at("copy") == Approx(3151.584));

  SECTION("a stdout rule does not see stderr, nor a stderr rule stdout") {
    host.options["rule"] = {
        "name=copy unit=MiB/s direction=higher source=stderr regex=^AVG.*Copy:\\s+([0-9.]+)"};
    host.canned.push_back(
        Canned{fixture("perf-stat-mbw.stdout.txt"), fixture("perf-stat-mbw.stderr.txt")});
    CHECK(host.phase(BL_PHASE_RUN) == BL_ERROR);
    CHECK_THAT(host.error,
               StartsWith("rule copy: no match for ^AVG.*Copy:") && Contains("in stderr"));
  }
}

TEST_CASE("create: a host older than ABI 1.1 is refused with a reason", "[command][plugin]") {
  bl_host old{};
  old.struct_size = static_cast<uint32_t>(benchlab::sdk::host_size_1_0);
  std::string said;
  old.host_data = &said;
  old.set_error = [](const bl_host* h, const char* msg) {
    *static_cast<std::string*>(h->host_data) = msg;
  };
  void* inst = reinterpret_cast<void*>(1);
  CHECK(command_plugin()->workload->create(&old, &inst) == BL_UNSUPPORTED);
  CHECK(inst == nullptr);
  CHECK_THAT(said, Contains("older than this plugin needs"));
}

TEST_CASE("run: an unexpected exit status fails the trial with stderr's last lines",
          "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"sysbench", "cpu", "run"};
  host.options["rule"] = {"name=eps unit=events/s direction=higher regex=per second:\\s+([0-9.]+)"};
  host.canned = {Canned{"", "FATAL: unknown option\n", BL_OK, 1}};
  CHECK(host.phase(BL_PHASE_RUN) == BL_ERROR);
  CHECK(host.error ==
        "sysbench cpu run exited with status 1, expected 0 (last lines of stderr: "
        "\"FATAL: unknown option\")");
  CHECK(host.metrics.empty());

  SECTION("a silent stderr points at stdout") {
    host.canned.push_back(Canned{"usage: sysbench ...\n", "", BL_OK, 1});
    CHECK(host.phase(BL_PHASE_RUN) == BL_ERROR);
    CHECK_THAT(host.error, Contains("(stderr was empty; last lines of stdout: \"usage: "
                                    "sysbench ...\")"));
  }
  SECTION("expect_exit accepts another status") {
    host.options["expect_exit"] = {"1"};
    host.canned.push_back(Canned{fixture("sysbench-cpu.stdout.txt"), "", BL_OK, 1});
    CHECK(host.phase(BL_PHASE_RUN) == BL_OK);
    CHECK(host.metrics.at("eps") == Approx(4452.39));
  }
  SECTION("a signal and a timeout are named") {
    host.canned.push_back(Canned{"", "", BL_OK, 0, 9});
    CHECK(host.phase(BL_PHASE_RUN) == BL_ERROR);
    CHECK_THAT(host.error, StartsWith("sysbench cpu run was killed by signal 9") &&
                               Contains("(it printed nothing)"));
    host.options["timeout"] = {"2"};
    host.canned.push_back(Canned{"", "still working\n", BL_TIMEOUT});
    CHECK(host.phase(BL_PHASE_RUN) == BL_TIMEOUT);
    CHECK_THAT(host.error, Contains("ran past its timeout of 2 s and was killed") &&
                               Contains("(last lines of stderr: \"still working\")"));
  }
}

TEST_CASE("parse: a rule without a match fails the trial naming the rule and regex",
          "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"sysbench"};
  host.options["rule"] = {"name=eps unit=events/s direction=higher regex=per minute: ([0-9.]+)"};
  host.canned = {Canned{"events per second:  12.5\n", ""}};
  CHECK(host.phase(BL_PHASE_RUN) == BL_ERROR);
  CHECK(host.error ==
        "rule eps: no match for per minute: ([0-9.]+) in stdout (last lines: \"events per "
        "second:  12.5\")");
}

TEST_CASE("teardown runs teardown_arg only when given", "[command][plugin]") {
  FakeHost host(command_plugin());
  host.options["arg"] = {"sh"};
  host.options["rule"] = {"name=t unit=s direction=lower source=wall"};
  CHECK(host.phase(BL_PHASE_TEARDOWN) == BL_OK);
  CHECK(host.calls.empty());
  host.options["teardown_arg"] = {"sh", "-c", "rm -f {scratch}/big"};
  host.canned = {Canned{}};
  CHECK(host.phase(BL_PHASE_TEARDOWN) == BL_OK);
  REQUIRE(host.calls.size() == 1);
  CHECK(host.calls[0].argv.back() == "rm -f " + host.scratch_ + "/big");
}
