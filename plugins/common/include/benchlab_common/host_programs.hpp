// SPDX-License-Identifier: MIT
// The plugin side of source_build, for the lulesh and dolfyn plugins (it needs
// plugin.hpp, source_build not): setup's build into the cache, with source_build's Runner
// over host->spawn through the SDK; the measured program of a trial; the status of
// source_build's exceptions; the note in which setup leaves the build for the run phases.
#pragma once

#include <benchlab/plugin.hpp>
#include <benchlab_common/source_build.hpp>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace host_programs {

// Says how to install a program that could not be started ("apt-get install g++"), or ""
// when there is nothing to say.
using InstallHint = std::function<std::string(const std::string& program)>;

// Runs the measured program of a trial through host->spawn: its stdout becomes the
// trial's output and its stderr the trial's error output (ABI 1.1), handed apart to
// parse_streams(). Throws sdk::cannot_run (with hint(argv[0])) when it cannot be started,
// sdk::failure for a timeout or cancellation, and for an exit other than 0 with the
// command, `advice` and its last lines.
benchlab::sdk::spawn_result run_to_output(const bl_host* host, const source_build::Command& command,
                                          const InstallHint& hint, std::string_view advice);

// A program setup runs with --version before building, and how to install it.
struct Tool {
  std::string program, install_hint;
};

// What a plugin builds from the operator's sources, for build_in_cache().
struct Recipe {
  std::string what;  // the project in progress notes and the log: "LULESH"
  const source_build::Project& project;
  std::string source;       // the plugin's source option, as given
  std::vector<Tool> tools;  // checked first (make, mpirun)
  Tool compiler;            // checked last; its version line is part of the build's name
  // The build's name in the cache, from the sources' content hash and that version line.
  std::function<std::string(const std::string& source_hash, const std::string& version)> name;
  // Builds the located sources into the fresh directory `dir` with `run`.
  std::function<void(const source_build::Runner& run, const std::filesystem::path& source,
                     const std::filesystem::path& dir, const std::string& version)>
      build;
};

// setup's work: locates the sources, checks the tools and the compiler, builds into the
// host's cache directory unless the same build is there, and leaves the build directory
// in the build note. `hint` says how to install a program that cannot be started. Throws
// source_build::CannotRun (see status_of) for missing sources or tools.
void build_in_cache(const bl_host* host, const Recipe& recipe, const InstallHint& hint);

// For sdk::guard_texts::status_of: source_build::CannotRun is BL_CANNOT_RUN, the rest is
// left to sdk::guarded() (BuildFailed and the parsers' errors are BL_ERROR there).
int32_t status_of(const std::exception& e) noexcept;

// The host's scratch directory (the working directory of every phase); throws
// sdk::failure(BL_ERROR) when the host gave none.
std::string scratch_dir(const bl_host* host);

// The build directory build_in_cache() left in the scratch directory for the run phases
// (each phase is its own process, so nothing else survives from setup); throws
// sdk::failure(BL_ERROR) when there is none.
std::string read_build_note(const bl_host* host);

}  // namespace host_programs
