// SPDX-License-Identifier: MIT
// The C++ plugin SDK (abi/include/benchlab/plugin.hpp) against a fake host: what a
// plugin author relies on is the status and the set_error text the host ends up with.
#include <benchlab/plugin.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace sdk = benchlab::sdk;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

namespace {

// A bl_host whose options, errors and spawns are plain members.
struct FakeHost {
  bl_host host{};
  std::map<std::string, std::vector<std::string>> options;
  std::optional<std::string> error;  // the last set_error text
  int set_error_calls = 0;

  // What the last spawn was asked, copied; and what it answers.
  std::vector<std::string> argv, env;
  bool env_null = false, cwd_null = false, stdin_null = false;
  std::string cwd, stdin_path;
  uint64_t timeout_ms = 0;
  uint32_t flags = 0, result_struct_size = 0;
  int32_t spawn_status = BL_OK;
  bl_spawn_result answer{};

  // Metrics reported, and the status report_metric answers.
  std::map<std::string, double> metrics;
  int32_t metric_status = BL_OK;

  // The trial's two raw streams (ABI 1.1), and the status their appends answer.
  std::string output, error_output;
  int32_t output_status = BL_OK;

  FakeHost() {
    host.struct_size = sizeof host;
    host.abi_major = BL_ABI_MAJOR;
    host.host_data = this;
    host.set_error = [](const bl_host* h, const char* msg) {
      of(h).error = msg;
      ++of(h).set_error_calls;
    };
    host.option = [](const bl_host* h, const char* name) -> const char* {
      const auto it = of(h).options.find(name);
      return it == of(h).options.end() || it->second.empty() ? nullptr : it->second[0].c_str();
    };
    host.option_count = [](const bl_host* h, const char* name) -> uint32_t {
      const auto it = of(h).options.find(name);
      return it == of(h).options.end() ? 0 : static_cast<uint32_t>(it->second.size());
    };
    host.option_at = [](const bl_host* h, const char* name, uint32_t i) -> const char* {
      const auto it = of(h).options.find(name);
      return it == of(h).options.end() || i >= it->second.size() ? nullptr : it->second[i].c_str();
    };
    host.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      if (of(h).metric_status == BL_OK) of(h).metrics[name] = value;
      return of(h).metric_status;
    };
    host.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      if (of(h).output_status == BL_OK) of(h).output.append(data, size);
      return of(h).output_status;
    };
    host.append_error_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      if (of(h).output_status == BL_OK) of(h).error_output.append(data, size);
      return of(h).output_status;
    };
    host.spawn = [](const bl_host* h, const bl_spawn* req, bl_spawn_result* res) -> int32_t {
      FakeHost& self = of(h);
      self.argv.clear();
      for (const char* const* a = req->argv; *a != nullptr; ++a) self.argv.emplace_back(*a);
      self.env.clear();
      self.env_null = req->env == nullptr;
      for (const char* const* e = req->env; e != nullptr && *e != nullptr; ++e)
        self.env.emplace_back(*e);
      self.cwd_null = req->cwd == nullptr;
      self.cwd = req->cwd ? req->cwd : "";
      self.stdin_null = req->stdin_path == nullptr;
      self.stdin_path = req->stdin_path ? req->stdin_path : "";
      self.timeout_ms = req->timeout_ms;
      self.flags = req->flags;
      self.result_struct_size = res->struct_size;
      *res = self.answer;
      res->struct_size = self.result_struct_size;
      return self.spawn_status;
    };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  static FakeHost& of(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }
  const bl_host* operator->() const { return &host; }
  const bl_host* get() const { return &host; }
};

struct NotAnException {};

// A library's own "cannot run", thrown by code that does not know plugin.h.
struct MissingSource : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int32_t library_status(const std::exception& e) noexcept {
  return dynamic_cast<const MissingSource*>(&e) != nullptr ? BL_CANNOT_RUN : BL_OK;
}

}  // namespace

TEST_CASE("guarded() turns every exception into the status and message a host expects") {
  FakeHost fake;
  const bl_host* host = fake.get();

  SECTION("a normal return passes through and sets no error") {
    CHECK(sdk::guarded(host, [] { return BL_OK; }) == BL_OK);
    CHECK(sdk::guarded(host, [] { return BL_CANCELLED; }) == BL_CANCELLED);
    CHECK(fake.set_error_calls == 0);
  }
  SECTION("an invalid option is BL_INVALID_ARGUMENT with its text") {
    CHECK(sdk::guarded(host, []() -> int32_t {
            throw sdk::invalid_option("option size is 'x': give an integer from 1 to 9");
          }) == BL_INVALID_ARGUMENT);
    CHECK_THAT(*fake.error, Equals("option size is 'x': give an integer from 1 to 9"));
  }
  SECTION("cannot run is BL_CANNOT_RUN, not a failure") {
    CHECK(sdk::guarded(host, []() -> int32_t {
            throw sdk::cannot_run("ffmpeg not found (apt-get install ffmpeg)");
          }) == BL_CANNOT_RUN);
    CHECK_THAT(*fake.error, Equals("ffmpeg not found (apt-get install ffmpeg)"));
  }
  SECTION("a failure carries any status") {
    CHECK(sdk::guarded(host, []() -> int32_t { throw sdk::failure(BL_TIMEOUT, "slow"); }) ==
          BL_TIMEOUT);
    CHECK_THAT(*fake.error, Equals("slow"));
  }
  SECTION("bad_alloc is BL_NO_MEMORY with the plugin's text") {
    static constexpr sdk::guard_texts texts{"out of memory while rendering: choose a smaller size",
                                            "unknown exception in the test plugin", "test: "};
    CHECK(sdk::guarded(host, texts, []() -> int32_t { throw std::bad_alloc(); }) == BL_NO_MEMORY);
    CHECK_THAT(*fake.error, Equals("out of memory while rendering: choose a smaller size"));
  }
  SECTION("other std::exceptions are BL_ERROR with their what(), after the prefix") {
    static constexpr sdk::guard_texts texts{"oom", "unknown", "membw: "};
    CHECK(sdk::guarded(host, texts, []() -> int32_t { throw std::runtime_error("disk full"); }) ==
          BL_ERROR);
    CHECK_THAT(*fake.error, Equals("membw: disk full"));
    CHECK(sdk::guarded(host, []() -> int32_t { throw std::runtime_error("disk full"); }) ==
          BL_ERROR);
    CHECK_THAT(*fake.error, Equals("disk full"));
  }
  SECTION("the prefix is not put before sdk::failure texts, which are complete") {
    static constexpr sdk::guard_texts texts{"oom", "unknown", "membw: "};
    sdk::guarded(host, texts, []() -> int32_t { throw sdk::cannot_run("membw: too big"); });
    CHECK_THAT(*fake.error, Equals("membw: too big"));
  }
  SECTION("ENOMEM from the system is BL_NO_MEMORY, other system errors BL_ERROR") {
    CHECK(sdk::guarded(host, []() -> int32_t {
            throw std::system_error(ENOMEM, std::generic_category(), "mmap");
          }) == BL_NO_MEMORY);
    CHECK_THAT(*fake.error, Contains("mmap"));
    CHECK(sdk::guarded(host, []() -> int32_t {
            throw std::system_error(EACCES, std::generic_category(), "open /sys/x");
          }) == BL_ERROR);
    CHECK_THAT(*fake.error, Contains("open /sys/x"));
  }
  SECTION("status_of gives a library's own exception types their status, unprefixed") {
    static constexpr sdk::guard_texts texts{.prefix = "lulesh: ", .status_of = library_status};
    CHECK(sdk::guarded(host, texts, []() -> int32_t {
            throw MissingSource("LULESH 2.0.3 source not given: download it");
          }) == BL_CANNOT_RUN);
    CHECK_THAT(*fake.error, Equals("LULESH 2.0.3 source not given: download it"));
    // What it leaves (BL_OK) keeps the rules above: prefix, ENOMEM, BL_ERROR.
    CHECK(sdk::guarded(host, texts, []() -> int32_t { throw std::runtime_error("disk full"); }) ==
          BL_ERROR);
    CHECK_THAT(*fake.error, Equals("lulesh: disk full"));
    CHECK(sdk::guarded(host, texts, []() -> int32_t {
            throw std::system_error(ENOMEM, std::generic_category(), "mmap");
          }) == BL_NO_MEMORY);
    // failure and bad_alloc are never asked about.
    CHECK(sdk::guarded(host, texts, []() -> int32_t { throw sdk::failure(BL_TIMEOUT, "slow"); }) ==
          BL_TIMEOUT);
    CHECK(sdk::guarded(host, texts, []() -> int32_t { throw std::bad_alloc(); }) == BL_NO_MEMORY);
  }
  SECTION("something that is no std::exception still becomes BL_ERROR") {
    static constexpr sdk::guard_texts texts{"oom", "unknown exception in the x plugin", ""};
    CHECK(sdk::guarded(host, texts, []() -> int32_t { throw NotAnException{}; }) == BL_ERROR);
    CHECK_THAT(*fake.error, Equals("unknown exception in the x plugin"));
  }
}

namespace {

struct Counted {
  const bl_host* host;
  static inline int alive = 0;
  explicit Counted(const bl_host* h) : host(h) { ++alive; }
  ~Counted() { --alive; }
};

struct Aggregate {
  double seconds;
  const bl_host* host;
  std::vector<std::string> kept;
};

struct Throws {
  explicit Throws(const bl_host*) { throw sdk::cannot_run("no GPU here"); }
};

constexpr sdk::guard_texts kLifecycleTexts{"lifecycle: out of memory", "lifecycle: unknown", ""};

// A workload whose phases record what they were called with.
struct Trial {
  const bl_host* host = nullptr;
  int runs = 0;
  std::string parsed = "(not parsed)";
  std::string parsed_err = "(not parsed)";
};

int32_t count_run(Trial& trial) {
  ++trial.runs;
  return BL_OK;
}
int32_t refuse_option(Trial&) { throw sdk::invalid_option("option x is 'y': give z"); }
int32_t keep_output(Trial& trial, std::string_view output) {
  trial.parsed = std::string(output);
  return BL_OK;
}
int32_t keep_streams(Trial& trial, std::string_view out, std::string_view err) {
  trial.parsed = std::string(out);
  trial.parsed_err = std::string(err);
  if (err.find("Error") != std::string_view::npos) throw sdk::failure(BL_ERROR, std::string(err));
  return BL_OK;
}
int32_t fail_on_host(const bl_host* host) {
  host->set_error(host, "about to fail");
  throw std::runtime_error("disk full");
}

constexpr sdk::guard_texts kTrialTexts{"trial: out of memory", "trial: unknown", "trial: "};
using TrialEntry = sdk::entry_points<Trial, kTrialTexts>;

// The descriptor fields, filled as a plugin fills them: the C function pointer types.
const bl_workload kTrialWorkload = {
    sizeof(bl_workload),
    0,
    0,
    nullptr,
    0,
    nullptr,
    0,
    nullptr,
    TrialEntry::create,
    TrialEntry::destroy,
    TrialEntry::call<fail_on_host>,
    TrialEntry::call<count_run>,
    TrialEntry::parse<keep_output>,
    TrialEntry::call<refuse_option>,
    TrialEntry::parse_streams<keep_streams>,
};

}  // namespace

TEST_CASE("entry_points runs each phase's C++ function guarded, on the host's instance") {
  FakeHost fake;
  void* instance = nullptr;
  REQUIRE(kTrialWorkload.create(fake.get(), &instance) == BL_OK);
  Trial& trial = *static_cast<Trial*>(instance);

  CHECK(kTrialWorkload.run(instance) == BL_OK);
  CHECK(kTrialWorkload.run(instance) == BL_OK);
  CHECK(trial.runs == 2);
  CHECK(fake.set_error_calls == 0);

  static const char output[] = "seconds 1.5\n\0binary";
  CHECK(kTrialWorkload.parse(instance, output, sizeof output - 1) == BL_OK);
  CHECK(trial.parsed == std::string(output, sizeof output - 1));
  CHECK(kTrialWorkload.parse(instance, nullptr, 0) == BL_OK);
  CHECK(trial.parsed.empty());

  // parse_streams (ABI 1.1): stdout and stderr apart, each as the host handed it.
  static const char err[] = "warning: slow disk\n";
  CHECK(kTrialWorkload.parse_streams(instance, output, sizeof output - 1, err, sizeof err - 1) ==
        BL_OK);
  CHECK(trial.parsed == std::string(output, sizeof output - 1));
  CHECK(trial.parsed_err == "warning: slow disk\n");
  CHECK(kTrialWorkload.parse_streams(instance, nullptr, 0, nullptr, 0) == BL_OK);
  CHECK(trial.parsed.empty());
  CHECK(trial.parsed_err.empty());
  static const char bad[] = "Error: no convergence";
  CHECK(kTrialWorkload.parse_streams(instance, "", 0, bad, sizeof bad - 1) == BL_ERROR);
  CHECK_THAT(*fake.error, Equals("Error: no convergence"));

  CHECK(kTrialWorkload.setup(instance) == BL_ERROR);  // a host-only phase, prefixed text
  CHECK_THAT(*fake.error, Equals("trial: disk full"));
  CHECK(kTrialWorkload.teardown(instance) == BL_INVALID_ARGUMENT);
  CHECK_THAT(*fake.error, Equals("option x is 'y': give z"));

  kTrialWorkload.destroy(instance);
}

TEST_CASE("entry_points makes and frees one instance per create/destroy") {
  FakeHost fake;
  SECTION("a constructor type") {
    using life = sdk::entry_points<Counted>;
    void* instance = nullptr;
    REQUIRE(life::create(fake.get(), &instance) == BL_OK);
    REQUIRE(instance != nullptr);
    CHECK(static_cast<Counted*>(instance)->host == fake.get());
    CHECK(Counted::alive == 1);
    life::destroy(instance);
    CHECK(Counted::alive == 0);
    life::destroy(nullptr);  // a no-op, as plugin.h requires
  }
  SECTION("an aggregate with a host member, the rest value-initialized") {
    using life = sdk::entry_points<Aggregate, kLifecycleTexts>;
    void* instance = nullptr;
    REQUIRE(life::create(fake.get(), &instance) == BL_OK);
    CHECK(static_cast<Aggregate*>(instance)->host == fake.get());
    CHECK(static_cast<Aggregate*>(instance)->seconds == 0);
    CHECK(static_cast<Aggregate*>(instance)->kept.empty());
    life::destroy(instance);
  }
  SECTION("a throwing constructor leaves no instance and gives the reason") {
    using life = sdk::entry_points<Throws>;
    void* instance = &fake;
    CHECK(life::create(fake.get(), &instance) == BL_CANNOT_RUN);
    CHECK(instance == nullptr);
    CHECK_THAT(*fake.error, Equals("no GPU here"));
  }
  SECTION("NULL arguments and a too short host table are refused") {
    using life = sdk::entry_points<Counted, sdk::default_guard_texts, sdk::host_size_1_1>;
    void* instance = &fake;
    CHECK(life::create(fake.get(), nullptr) == BL_INVALID_ARGUMENT);
    CHECK(life::create(nullptr, &instance) == BL_INVALID_ARGUMENT);
    CHECK(instance == nullptr);
    // A 1.0 host: refused with the reason, since its table holds set_error.
    fake.host.struct_size = static_cast<uint32_t>(sdk::host_size_1_0);
    CHECK(life::create(fake.get(), &instance) == BL_UNSUPPORTED);
    CHECK(instance == nullptr);
    CHECK_THAT(fake.error.value_or(""), Contains("older than this plugin needs"));
    // A table too short to hold set_error: refused without a call past its end.
    fake.error.reset();
    fake.set_error_calls = 0;
    fake.host.struct_size = offsetof(bl_host, set_error);
    CHECK(life::create(fake.get(), &instance) == BL_UNSUPPORTED);
    CHECK(instance == nullptr);
    CHECK(fake.set_error_calls == 0);
    CHECK(Counted::alive == 0);
    fake.host.struct_size = sizeof(bl_host);
    REQUIRE(life::create(fake.get(), &instance) == BL_OK);
    life::destroy(instance);
  }
}

namespace {

// The status and text guarded() would hand the host for `read`.
template <class Read>
std::string refusal(FakeHost& fake, Read&& read) {
  fake.error.reset();
  const int32_t status = sdk::guarded(fake.get(), [&]() -> int32_t {
    read();
    return BL_OK;
  });
  CHECK(status == BL_INVALID_ARGUMENT);
  return fake.error.value_or("(no error)");
}

}  // namespace

TEST_CASE("option readers return typed values and refuse bad ones in the plugin's words") {
  FakeHost fake;
  const bl_host* host = fake.get();
  fake.options = {{"size", {"640"}},  {"neg", {"-3"}},      {"quality", {"22.5"}},
                  {"flag", {"true"}}, {"off", {"false"}},   {"kernel", {"triad"}},
                  {"empty", {""}},    {"arg", {"a", "b c"}}};

  SECTION("strings, unset options and repeated values") {
    CHECK(sdk::option_string(host, "size") == "640");
    CHECK(sdk::option_string(host, "unset").empty());
    CHECK(sdk::option(host, "size") == std::optional<std::string>("640"));
    CHECK_FALSE(sdk::option(host, "unset").has_value());
    CHECK(sdk::option(host, "empty") == std::optional<std::string>(""));
    CHECK(sdk::option_values(host, "arg") == std::vector<std::string>{"a", "b c"});
    CHECK(sdk::option_values(host, "unset").empty());
  }
  SECTION("integers within bounds") {
    CHECK(sdk::option_int(host, "size", 1, 16384) == 640);
    CHECK(sdk::option_int(host, "neg", -5, 5) == -3);
    CHECK(sdk::option_int(host, "size", 640, 640) == 640);
  }
  SECTION("integers out of bounds, malformed, empty or unset get the default text") {
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "size", 1, 100); }),
               Equals("option size is '640': give an integer from 1 to 100"));
    fake.options["size"] = {"12abc"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "size", 1, 100); }),
               Equals("option size is '12abc': give an integer from 1 to 100"));
    fake.options["size"] = {"99999999999999999999"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "size", 1, 100); }),
               Contains("'99999999999999999999'"));
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "empty", 0, 1); }),
               Equals("option empty is '': give an integer from 0 to 1"));
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "unset", 0, 1); }),
               Equals("option unset is '': give an integer from 0 to 1"));
  }
  SECTION("a plugin's own texts, with a field used twice and a separate text for unset") {
    const sdk::option_texts texts{
        "membw: option {name}=\"{value}\" is not a whole number in [{min}, {max}]: fix "
        "<option name=\"{name}\"> in the profile",
        "membw: option {name} has no value"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "size", 0, 8, texts); }),
               Equals("membw: option size=\"640\" is not a whole number in [0, 8]: fix "
                      "<option name=\"size\"> in the profile"));
    CHECK_THAT(refusal(fake, [&] { sdk::option_int(host, "unset", 0, 8, texts); }),
               Equals("membw: option unset has no value"));
  }
  SECTION("floats, with bounds printed as the text asks") {
    CHECK(sdk::option_float(host, "quality", 0, 51) == 22.5);
    CHECK_THAT(refusal(fake, [&] { sdk::option_float(host, "quality", 0, 20.25); }),
               Equals("option quality is '22.5': give a number from 0 to 20.25"));
    const sdk::option_texts fixed{
        "option {name} is '{value}': give a number from {min:f} to "
        "{max:.1f}{unknown}"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_float(host, "quality", 0, 20, fixed); }),
               Equals("option quality is '22.5': give a number from 0.000000 to 20.0{unknown}"));
    fake.options["quality"] = {"nan"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_float(host, "quality", 0, 51); }),
               Contains("'nan'"));
    fake.options["quality"] = {"1.5x"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_float(host, "quality", 0, 51); }),
               Contains("'1.5x'"));
  }
  SECTION("booleans are true or false, nothing else") {
    CHECK(sdk::option_bool(host, "flag"));
    CHECK_FALSE(sdk::option_bool(host, "off"));
    fake.options["flag"] = {"yes"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_bool(host, "flag"); }),
               Equals("option flag is 'yes': give true or false"));
  }
  SECTION("enums answer the position in the descriptor's list and list it when refused") {
    static const char* const kernels[] = {"all", "copy", "scale", "add", "triad", nullptr};
    CHECK(sdk::option_enum(host, "kernel", kernels) == 4);
    fake.options["kernel"] = {"fma"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_enum(host, "kernel", kernels); }),
               Equals("option kernel is 'fma': give one of all, copy, scale, add, triad"));
    const sdk::option_texts texts{"option {name} = '{value}' is not one of {allowed}; use one"};
    CHECK_THAT(refusal(fake, [&] { sdk::option_enum(host, "kernel", kernels, texts); }),
               Equals("option kernel = 'fma' is not one of all, copy, scale, add, triad; use one"));
  }
}

TEST_CASE("spawn() hands the host an ABI request and copies what it answers") {
  FakeHost fake;
  const bl_host* host = fake.get();
  static const char out[] = "line 1\nline\0two\n";  // binary-safe: sizes, not NULs
  fake.answer.exit_code = 3;
  fake.answer.wall_ns = 1500;
  fake.answer.user_ns = 1000;
  fake.answer.sys_ns = 200;
  fake.answer.max_rss_bytes = 4096;
  fake.answer.truncated = 1;
  fake.answer.out = out;
  fake.answer.out_size = sizeof out - 1;
  fake.answer.err = "boom\n";
  fake.answer.err_size = 5;

  SECTION("every field reaches the host; empty ones as NULL") {
    sdk::spawn_request request;
    request.argv = {"make", "-j2"};
    request.env = {"CC=cc", "MAKEFLAGS="};
    request.cwd = "/tmp/tree";
    request.timeout_ms = 2500;
    request.stdin_path = "/tmp/in";
    request.flags = BL_SPAWN_STDOUT_TO_OUTPUT;
    const sdk::spawn_result r = sdk::spawn(host, request);
    CHECK(fake.argv == std::vector<std::string>{"make", "-j2"});
    CHECK(fake.env == std::vector<std::string>{"CC=cc", "MAKEFLAGS="});
    CHECK(fake.cwd == "/tmp/tree");
    CHECK(fake.timeout_ms == 2500);
    CHECK(fake.stdin_path == "/tmp/in");
    CHECK(fake.flags == BL_SPAWN_STDOUT_TO_OUTPUT);
    CHECK(fake.result_struct_size == sizeof(bl_spawn_result));
    CHECK(r.status == BL_OK);
    CHECK(r.exit_code == 3);
    CHECK_FALSE(r.succeeded());
    CHECK(r.truncated);
    CHECK(r.wall_ns == 1500);
    CHECK(r.user_ns == 1000);
    CHECK(r.sys_ns == 200);
    CHECK(r.max_rss_bytes == 4096);
    CHECK(r.out == std::string(out, sizeof out - 1));
    CHECK(r.err == "boom\n");
    CHECK(r.said() == "boom\n");

    sdk::spawn(host, sdk::spawn_request{{"true"}});
    CHECK(fake.env_null);  // inherit the environment unchanged
    CHECK(fake.cwd_null);  // the scratch directory
    CHECK(fake.stdin_null);
  }
  SECTION("spawn_checked() throws the plugin's texts when the program did not run") {
    static constexpr sdk::spawn_texts texts{"{command} cancelled", "{command} timed out",
                                            "cannot start '{program}': is it installed? (hint)"};
    const sdk::spawn_request request{{"ffmpeg", "-i", "in.mp4"}};
    const auto thrown = [&](int32_t status) -> std::pair<int32_t, std::string> {
      fake.spawn_status = status;
      try {
        sdk::spawn_checked(host, request, texts);
      } catch (const sdk::failure& e) {
        return {e.status(), e.what()};
      }
      return {BL_OK, ""};
    };
    CHECK(thrown(BL_CANCELLED) ==
          std::pair<int32_t, std::string>{BL_CANCELLED, "ffmpeg -i in.mp4 cancelled"});
    CHECK(thrown(BL_TIMEOUT) ==
          std::pair<int32_t, std::string>{BL_TIMEOUT, "ffmpeg -i in.mp4 timed out"});
    CHECK(thrown(BL_ERROR) == std::pair<int32_t, std::string>{
                                  BL_CANNOT_RUN, "cannot start 'ffmpeg': is it installed? (hint)"});
    CHECK(thrown(BL_OK).first == BL_OK);  // ran: its exit status 3 is the caller's to judge
  }
}

TEST_CASE("require_success() explains a failed program with the end of what it said") {
  sdk::spawn_result r;
  r.status = BL_OK;
  r.exit_code = 2;
  r.err = "a\nb\nc\nunit_0001.c:3: error: expected ';'\n\n";
  const auto reason = [](const sdk::spawn_result& result, std::string_view advice,
                         sdk::tail_function tail = &sdk::last_lines) {
    try {
      sdk::require_success(result, "make -j1 in /tmp/tree", advice, 2, tail);
    } catch (const sdk::failure& e) {
      CHECK(e.status() == BL_ERROR);
      return std::string(e.what());
    }
    return std::string("(succeeded)");
  };
  CHECK_THAT(reason(r, ""), Equals("make -j1 in /tmp/tree failed (exit status 2); its last "
                                   "lines:\nc\nunit_0001.c:3: error: expected ';'"));
  CHECK_THAT(reason(r, "fix the tree"),
             Equals("make -j1 in /tmp/tree failed (exit status 2): fix the tree; its last "
                    "lines:\nc\nunit_0001.c:3: error: expected ';'"));
  const auto first_line = [](std::string_view text, std::size_t) {
    return std::string(text.substr(0, text.find('\n')));
  };
  CHECK_THAT(reason(r, "", first_line),
             Equals("make -j1 in /tmp/tree failed (exit status 2); its last lines:\na"));

  r.term_signal = 9;
  r.exit_code = -1;
  r.err.clear();
  r.out = "only stdout\n";
  CHECK_THAT(reason(r, ""),
             Equals("make -j1 in /tmp/tree failed (signal 9); its last lines:\nonly stdout"));
  r.out.clear();
  CHECK_THAT(reason(r, ""), Equals("make -j1 in /tmp/tree failed (signal 9)"));

  r.term_signal = 0;
  r.exit_code = 0;
  CHECK_THAT(reason(r, ""), Equals("(succeeded)"));
  r.status = BL_ERROR;
  CHECK_THAT(reason(r, ""), Equals("make -j1 in /tmp/tree failed (not started)"));
}

TEST_CASE("report_metric() passes the value on and fails the phase when the host refuses it") {
  FakeHost fake;
  const bl_host* host = fake.get();
  CHECK(sdk::guarded(host, [&] {
          sdk::report_metric(host, "seconds", 1.25);
          return BL_OK;
        }) == BL_OK);
  CHECK(fake.metrics == std::map<std::string, double>{{"seconds", 1.25}});
  CHECK(fake.set_error_calls == 0);

  fake.metric_status = BL_INVALID_ARGUMENT;  // e.g. a name the descriptor does not declare
  CHECK(sdk::guarded(host, [&] {
          sdk::report_metric(host, "secs", 1.25);
          return BL_OK;
        }) == BL_ERROR);
  CHECK_THAT(*fake.error, Equals("the host refused the metric secs"));
}

TEST_CASE("append_output() and append_error_output() fill the two raw streams, or fail") {
  FakeHost fake;
  const bl_host* host = fake.get();
  CHECK(sdk::has_error_output(host));
  CHECK(sdk::guarded(host, [&] {
          sdk::append_output(host, "Copy: 1 MiB/s\n");
          sdk::append_error_output(host, "warning\n");
          return BL_OK;
        }) == BL_OK);
  CHECK(fake.output == "Copy: 1 MiB/s\n");
  CHECK(fake.error_output == "warning\n");

  fake.output_status = BL_ERROR;
  CHECK(sdk::guarded(host, [&] {
          sdk::append_error_output(host, "x");
          return BL_OK;
        }) == BL_ERROR);
  CHECK_THAT(*fake.error, Equals("the host refused the trial's error output"));
  CHECK(sdk::guarded(host, [&] {
          sdk::append_output(host, "x");
          return BL_OK;
        }) == BL_ERROR);
  CHECK_THAT(*fake.error, Equals("the host refused the trial's output"));

  SECTION("a 1.0 host has no error output, and the plugin is told so") {
    fake.host.struct_size = static_cast<uint32_t>(sdk::host_size_1_0);
    fake.host.abi_minor = 0;
    CHECK_FALSE(sdk::has_error_output(host));
    CHECK(sdk::guarded(host, [&] {
            sdk::append_error_output(host, "x");
            return BL_OK;
          }) == BL_UNSUPPORTED);
    CHECK_THAT(*fake.error, Contains("plugin ABI 1.0") && Contains("needs 1.1 or later"));
  }
  SECTION("a 1.1-sized table without the function counts as none") {
    fake.host.append_error_output = nullptr;
    CHECK_FALSE(sdk::has_error_output(host));
  }
}

TEST_CASE("last_lines() and command_text() format programs and their output for messages") {
  CHECK(sdk::last_lines("a\nb\nc\n\n", 2) == "b\nc");
  CHECK(sdk::last_lines("a\nb", 5) == "a\nb");
  CHECK(sdk::last_lines("LibreOffice 7.4.7.2\n", 1) == "LibreOffice 7.4.7.2");
  CHECK(sdk::last_lines("a\nb", 0).empty());
  CHECK(sdk::last_lines("", 3).empty());
  CHECK(sdk::command_text({"make", "-j2"}) == "make -j2");
  CHECK(sdk::command_text({"./configure", "--prefix=/a b"}) == "./configure --prefix=/a b");
  CHECK(sdk::command_text({}).empty());
}

TEST_CASE("workload_plugin() fills the descriptor and offer() answers only a host of our major") {
  static constexpr bl_plugin plugin =
      sdk::workload_plugin("trial", "2.1.0", "records its calls", "benchlab", kTrialWorkload);
  CHECK(plugin.struct_size == sizeof(bl_plugin));
  CHECK(plugin.abi_major == BL_ABI_MAJOR);
  CHECK(plugin.abi_minor == BL_ABI_MINOR);
  CHECK(plugin.kind == BL_KIND_WORKLOAD);
  CHECK_THAT(plugin.id, Equals("trial"));
  CHECK_THAT(plugin.version, Equals("2.1.0"));
  CHECK_THAT(plugin.description, Equals("records its calls"));
  CHECK_THAT(plugin.vendor, Equals("benchlab"));
  CHECK(plugin.workload == &kTrialWorkload);
  CHECK(plugin.probe == nullptr);
  CHECK(plugin.get_extension == nullptr);

  CHECK(sdk::offer(plugin, BL_ABI_MAJOR, BL_ABI_MAJOR) == &plugin);
  CHECK(sdk::offer(plugin, 0, BL_ABI_MAJOR + 5) == &plugin);
  CHECK(sdk::offer(plugin, BL_ABI_MAJOR + 1, BL_ABI_MAJOR + 2) == nullptr);  // only newer
  CHECK(sdk::offer(plugin, 0, BL_ABI_MAJOR - 1) == nullptr);                 // only older
}
