// SPDX-License-Identifier: MIT
// benchlab_common/program_version.hpp: a wrapped program's version line found in its
// banner, asked through host->spawn with a deadline and stderr merged, and reported with
// the host's programs extension only where the host offers one.
#include <benchlab/ext/programs.h>

#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

namespace common = benchlab::common;

namespace {

// A host whose spawn answers `out` (recording the request) and whose programs extension
// records each report, when `offer_programs` is set.
struct FakeHost {
  bl_host host{};
  bool offer_programs = true;
  int32_t spawn_status = BL_OK;
  bool timed_out = false;
  std::string out;
  int spawns = 0;
  std::vector<std::string> argv;
  std::uint64_t timeout_ms = 0;
  std::uint32_t flags = 0;
  struct Report {
    std::string name, version, path;
    bool path_null;
  };
  std::vector<Report> reports;
  bl_host_programs_ext programs{sizeof(bl_host_programs_ext), nullptr};

  FakeHost() {
    host.struct_size = sizeof host;
    host.host_data = this;
    host.spawn = [](const bl_host* h, const bl_spawn* req, bl_spawn_result* res) -> int32_t {
      FakeHost& self = of(h);
      ++self.spawns;
      self.argv.clear();
      for (const char* const* a = req->argv; *a != nullptr; ++a) self.argv.emplace_back(*a);
      self.timeout_ms = req->timeout_ms;
      self.flags = req->flags;
      res->exit_code = 0;
      res->timed_out = self.timed_out ? 1 : 0;
      res->out = self.out.c_str();
      res->out_size = self.out.size();
      res->err = "";
      res->err_size = 0;
      return self.spawn_status;
    };
    host.get_extension = [](const bl_host* h, const char* id) -> const void* {
      FakeHost& self = of(h);
      return self.offer_programs && std::strcmp(id, BL_EXT_HOST_PROGRAMS) == 0 ? &self.programs
                                                                               : nullptr;
    };
    programs.report_program = [](const bl_host* h, const char* name, const char* version,
                                 const char* path) -> int32_t {
      of(h).reports.push_back({name, version, path ? path : "", path == nullptr});
      return BL_OK;
    };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  static FakeHost& of(const bl_host* h) { return *static_cast<FakeHost*>(h->host_data); }
};

}  // namespace

TEST_CASE("the version is the first matching line, or its first capture group") {
  const std::string ffmpeg =
      "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\n"
      "built with gcc 12 (Debian 12.2.0-14+deb12u1)\n";
  CHECK(common::first_matching_line(ffmpeg, R"(^ffmpeg version (\S+))") == "5.1.9-0+deb12u1");
  CHECK(common::first_matching_line(ffmpeg, "built with") ==
        "built with gcc 12 (Debian 12.2.0-14+deb12u1)");
  const std::string hmmer =
      "# hmmsearch :: search profile(s) against a sequence database\n"
      "# HMMER 3.3.2 (Nov 2020); http://hmmer.org/\n";
  CHECK(common::first_matching_line(hmmer, R"(HMMER (\S+))") == "3.3.2");
  CHECK(common::first_matching_line("******\n** ngspice-39 : Circuit level\n",
                                    R"(ngspice-(\S+))") == "39");
  CHECK(common::first_matching_line(ffmpeg, "HandBrake").empty());
  CHECK(common::first_matching_line(ffmpeg, "(unclosed").empty());  // not a regex: no match
  CHECK(common::first_matching_line("", R"(\S)").empty());
}

TEST_CASE("find_on_path finds a program by PATH, and a path as itself") {
  const std::string sh = common::find_on_path("sh");
  CHECK_FALSE(sh.empty());
  CHECK(sh.front() == '/');
  CHECK(common::find_on_path(sh) == sh);
  CHECK(common::find_on_path("no-such-program-benchlab").empty());
  CHECK(common::find_on_path("/nonexistent/bin/sh").empty());
  CHECK(common::find_on_path("").empty());
}

TEST_CASE("program_version asks with a deadline and stderr merged, whatever the exit status") {
  FakeHost fake;
  fake.out = "# HMMER 3.4 (Aug 2023); http://hmmer.org/\n";
  CHECK(common::program_version(&fake.host, {"hmmsearch", "-h"}, R"(HMMER (\S+))", 3000) == "3.4");
  CHECK(fake.argv == std::vector<std::string>{"hmmsearch", "-h"});
  CHECK(fake.timeout_ms == 3000);
  CHECK(fake.flags == BL_SPAWN_MERGE_STDERR);

  fake.timed_out = true;  // a banner printed before a hang is not trusted
  CHECK(common::program_version(&fake.host, {"hmmsearch", "-h"}, R"(HMMER (\S+))").empty());
  fake.timed_out = false;
  fake.spawn_status = BL_ERROR;  // not started
  CHECK(common::program_version(&fake.host, {"hmmsearch", "-h"}, R"(HMMER (\S+))").empty());
}

TEST_CASE("report_program_version reports what it found, and runs nothing without the extension") {
  FakeHost fake;
  fake.out = "GNU Make 4.3\nBuilt for x86_64-pc-linux-gnu\n";
  CHECK(common::report_program_version(&fake.host, "make", {"sh", "--version"},
                                       R"(^GNU Make (\S+))") == "4.3");
  REQUIRE(fake.reports.size() == 1);
  CHECK(fake.reports[0].name == "make");
  CHECK(fake.reports[0].version == "4.3");
  CHECK(fake.reports[0].path == common::find_on_path("sh"));

  fake.out = "no banner here\n";
  CHECK(common::report_program_version(&fake.host, "make", {"sh"}, "GNU Make").empty());
  CHECK(fake.reports.size() == 1);  // nothing found, nothing reported

  FakeHost old_host;
  old_host.offer_programs = false;
  old_host.out = "GNU Make 4.3\n";
  CHECK(common::report_program_version(&old_host.host, "make", {"make", "--version"}, "GNU Make")
            .empty());
  CHECK(old_host.spawns == 0);

  // A shorter extension table than this plugin knows is no extension at all.
  FakeHost short_table;
  short_table.programs.struct_size = 4;
  CHECK(common::programs_extension(&short_table.host) == nullptr);
  CHECK_FALSE(common::report_program(&short_table.host, "make", "4.3", ""));
  CHECK(common::report_program(&fake.host, "cc", "GCC 12.2.0", ""));
  CHECK(fake.reports.back().path_null);  // "" is sent as NULL
}
