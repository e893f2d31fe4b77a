// SPDX-License-Identifier: MIT
// The compile workload plugin: times `make -jN` of a C source tree from a clean state.
// By default the tree is generated (generated_tree.hpp) and the built program's output is
// checked; `source` points it at a real tree such as an unpacked FFmpeg instead.
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "generated_tree.hpp"

namespace {

namespace fs = std::filesystem;

constexpr char kInstallHint[] = "apt-get install build-essential";
constexpr std::size_t kErrorLines = 20;  // of a failed program's output, in the error

namespace sdk = benchlab::sdk;
namespace common = benchlab::common;
using sdk::failure;
using sdk::invalid_option;

struct Settings {
  std::string source;  // empty: the generated tree
  std::vector<std::string> configure_args;
  unsigned jobs = 1;
  std::string make, cc;
  compile_tree::TreeShape shape;
};

Settings read_settings(const bl_host* host) {
  Settings settings;
  settings.source = sdk::option_string(host, "source");
  settings.configure_args = sdk::option_values(host, "configure_arg");
  const auto jobs = static_cast<unsigned>(sdk::option_int(host, "jobs", 0, 4096));
  settings.jobs = jobs != 0 ? jobs : (host->cpu_count != 0 ? host->cpu_count : 1);
  settings.make = sdk::option_string(host, "make");
  settings.cc = sdk::option_string(host, "cc");
  if (settings.make.empty()) throw invalid_option("option make is empty: name the make program");
  if (settings.cc.empty()) throw invalid_option("option cc is empty: name the C compiler");
  settings.shape.units = static_cast<uint32_t>(sdk::option_int(host, "files", 1, 9999));
  return settings;
}

fs::path tree_dir(const bl_host* host) {
  if (host->scratch_dir == nullptr || *host->scratch_dir == '\0')
    throw std::runtime_error("the host gave no scratch directory to build in");
  return fs::path(host->scratch_dir) / "tree";
}

constexpr sdk::spawn_texts kSpawnTexts{
    .cancelled = "{command} cancelled",
    .timed_out = "{command} timed out",
    .not_started =
        "cannot start '{program}': is it installed and on PATH? ({hint}, or set "
        "option make or cc)",
    .hint = kInstallHint,
};

// Runs a program in `cwd` with CC set for make and configure alike; throws failure when
// it cannot be started, times out or is cancelled. The exit status is the caller's.
sdk::spawn_result spawn(const bl_host* host, const Settings& settings,
                        const std::vector<std::string>& argv, const fs::path& cwd) {
  // MAKEFLAGS is emptied so a benchlab started from make cannot leak -j or -k into trials.
  return sdk::spawn_checked(
      host, {.argv = argv, .env = {"CC=" + settings.cc, "MAKEFLAGS="}, .cwd = cwd.string()},
      kSpawnTexts);
}

// A program that ran but failed: its exit and the end of what it said.
void require_success(const sdk::spawn_result& done, const std::vector<std::string>& argv,
                     const fs::path& cwd, std::string_view advice = {}) {
  sdk::require_success(done, sdk::command_text(argv) + " in " + cwd.string(), advice, kErrorLines);
}

bool has_makefile(const fs::path& dir) {
  return fs::exists(dir / "Makefile") || fs::exists(dir / "makefile") ||
         fs::exists(dir / "GNUmakefile");
}

// The files a configure run leaves (autoconf; FFmpeg and its kind), which tell a
// configured tree from one that ships a Makefile yet needs configuring first.
bool is_configured(const fs::path& dir) {
  return fs::exists(dir / "config.status") || fs::exists(dir / "config.mak") ||
         fs::exists(dir / "ffbuild" / "config.mak");
}

void prepare_generated_tree(const bl_host* host, const Settings& settings, const fs::path& tree) {
  if (host->cache_dir == nullptr || *host->cache_dir == '\0') {
    compile_tree::write_tree(tree, settings.shape);
    return;
  }
  const fs::path cached = compile_tree::cached_tree(host->cache_dir, settings.shape);
  fs::copy(cached, tree, fs::copy_options::recursive);
}

void prepare_user_tree(const bl_host* host, const Settings& settings, const fs::path& tree) {
  // Every phase runs in the scratch directory, so a relative path can only mean the
  // profile's own directory.
  fs::path source = settings.source;
  if (source.is_relative()) {
    if (host->data_dir == nullptr)
      throw invalid_option("option source is the relative path '" + settings.source +
                           "' and there is no profile directory to resolve it in: give an "
                           "absolute path");
    source = fs::path(host->data_dir) / source;
  }
  if (!fs::is_directory(source))
    throw invalid_option("option source: " + source.string() +
                         " is not a directory: give the path of an unpacked source tree");
  if (!has_makefile(source) && !fs::is_regular_file(source / "configure"))
    throw invalid_option("option source: " + source.string() +
                         " has neither a Makefile nor a configure script: give a tree that "
                         "builds with make");
  host->progress(host, -1.0, "copying the source tree");
  fs::copy(source, tree, fs::copy_options::recursive | fs::copy_options::copy_symlinks);

  if (fs::is_regular_file(tree / "configure") && !is_configured(tree)) {
    std::vector<std::string> argv{"./configure"};
    argv.insert(argv.end(), settings.configure_args.begin(), settings.configure_args.end());
    host->log(host, BL_LOG_INFO, ("running " + sdk::command_text(argv)).c_str());
    host->progress(host, -1.0, "configure");
    argv[0] = (tree / "configure").string();  // absolute: the host resolves no relative path
    require_success(spawn(host, settings, argv, tree), argv, tree,
                    "fix the configure arguments (option configure_arg) or install what it "
                    "reports missing");
  } else if (!settings.configure_args.empty()) {
    host->log(host, BL_LOG_WARN,
              "option configure_arg ignored: the tree has no configure script or is already "
              "configured");
  }
  if (!has_makefile(tree))
    throw failure(BL_ERROR, "configure in " + tree.string() + " wrote no Makefile");
}

// Records a tool's version with the result: the first line of its --version banner
// ("GNU Make 4.3", "cc (Debian 12.2.0-14) 12.2.0"), under the tool's file name.
void report_banner(const bl_host* host, const std::string& program,
                   const sdk::spawn_result& banner) {
  if (!banner.succeeded()) return;
  const std::string line = common::first_matching_line(banner.out, R"(\S)");
  const std::string name = fs::path(program).filename().string();
  if (!line.empty() && !name.empty())
    common::report_program(host, name, line, common::find_on_path(program));
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the compile plugin",
    .unknown = "unknown exception in the compile plugin",
};

using Entry = sdk::entry_points<sdk::host_instance, kGuard>;

// Checks the tools, then puts a buildable (configured) tree at scratch/tree.
int32_t setup(const bl_host* host) {
  const Settings settings = read_settings(host);
  const fs::path scratch = host->scratch_dir ? host->scratch_dir : "";
  const fs::path tree = tree_dir(host);
  // Both must start; their banners say which make and compiler built the tree.
  report_banner(host, settings.make, spawn(host, settings, {settings.make, "--version"}, scratch));
  report_banner(host, settings.cc, spawn(host, settings, {settings.cc, "--version"}, scratch));

  fs::remove_all(tree);
  if (settings.source.empty()) {
    prepare_generated_tree(host, settings, tree);
  } else {
    prepare_user_tree(host, settings, tree);
  }
  host->log(host, BL_LOG_INFO, ("source tree ready in " + tree.string()).c_str());
  return BL_OK;
}

// One trial: clean (untimed), build (timed), check the program (untimed).
int32_t run(const bl_host* host) {
  const Settings settings = read_settings(host);
  const fs::path tree = tree_dir(host);
  if (!has_makefile(tree))
    throw failure(BL_ERROR, "no Makefile in " + tree.string() + ": setup did not complete");

  const std::vector<std::string> clean{settings.make, "clean"};
  host->progress(host, 0.0, "make clean");
  require_success(spawn(host, settings, clean, tree), clean, tree,
                  "every trial starts from a clean tree, so the tree needs a working "
                  "clean target");

  const std::vector<std::string> build{settings.make, "-j" + std::to_string(settings.jobs)};
  host->progress(host, -1.0, sdk::command_text(build).c_str());
  const sdk::spawn_result built = spawn(host, settings, build, tree);
  require_success(built, build, tree);

  if (settings.source.empty()) {
    const std::vector<std::string> program{(tree / compile_tree::kProgramName).string()};
    const sdk::spawn_result ran = spawn(host, settings, program, tree);
    require_success(ran, program, tree, "the build produced a program that does not run");
    const std::string expected = compile_tree::expected_output(settings.shape);
    if (ran.out != expected)
      throw failure(BL_ERROR, "the built program printed '" + sdk::last_lines(ran.out, 3) +
                                  "' instead of '" + sdk::last_lines(expected, 1) +
                                  "': " + settings.cc + " miscompiled the generated tree");
  }

  const double seconds = static_cast<double>(built.wall_ns) / 1e9;
  char summary[256];
  std::snprintf(summary, sizeof summary,
                "compile %s seconds %.6f user_s %.3f sys_s %.3f max_rss_mib %.1f\n",
                sdk::command_text(build).c_str(), seconds, static_cast<double>(built.user_ns) / 1e9,
                static_cast<double>(built.sys_ns) / 1e9,
                static_cast<double>(built.max_rss_bytes) / (1024.0 * 1024.0));
  host->append_output(host, summary, std::char_traits<char>::length(summary));
  sdk::report_metric(host, "seconds", seconds);
  return BL_OK;
}

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "source", BL_OPTION_STRING, 0, "", nullptr, 0, 0,
     "source tree to build (copied first); empty: the generated C tree"},
    {sizeof(bl_option_desc), "configure_arg", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr,
     nullptr, 0, 0, "argument for ./configure of a source tree that has one"},
    {sizeof(bl_option_desc), "jobs", BL_OPTION_INT, 0, "0", nullptr, 0, 4096,
     "parallel jobs, make -jN; 0 means one per online CPU"},
    {sizeof(bl_option_desc), "make", BL_OPTION_STRING, 0, "make", nullptr, 0, 0,
     "make program (GNU make for the generated tree)"},
    {sizeof(bl_option_desc), "cc", BL_OPTION_STRING, 0, "cc", nullptr, 0, 0,
     "C compiler, passed as CC in the environment of configure and make"},
    {sizeof(bl_option_desc), "files", BL_OPTION_INT, 0, "250", nullptr, 1, 9999,
     "number of .c files of the generated tree (12 functions each); ignored with source"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
     "wall time of make -jN from a clean tree"},
};

const bl_requirement kRequirements[] = {
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "make", 0, kInstallHint},
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "cc", 0, kInstallHint},
};

const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    sizeof kRequirements / sizeof kRequirements[0],
    kRequirements,
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,
    nullptr,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "compile", "1.0.0",
    "build time of a C source tree with make -jN (generated tree, or FFmpeg and the like)",
    "benchlab", kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
