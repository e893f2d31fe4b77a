// SPDX-License-Identifier: MIT
// Building a benchmark from a source tree the operator supplies (a directory or a tarball),
// once per source and compiler, into a plugin's cache directory. Shared by the lulesh and
// dolfyn plugins, whose programs benchlab can neither ship nor download. Plain C++:
// programs run through a Runner, which the plugins implement with host->spawn and the
// tests with a real process runner, so nothing here needs plugin.h.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace source_build {

namespace fs = std::filesystem;

// The machine or the options lack something the operator must provide (the sources, a
// tool); the plugin returns BL_CANNOT_RUN with this text.
struct CannotRun : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A program ran and failed (a compile error); the plugin returns BL_ERROR with this text.
struct BuildFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Command {
  std::vector<std::string> argv;  // argv[0] without '/' is searched on PATH
  fs::path cwd;
  std::vector<std::string> env;  // "NAME=VALUE" set on top of the inherited environment
};

struct Finished {
  int exit_code = 0;    // -1 when ended by a signal
  int term_signal = 0;  // 0 unless ended by a signal
  std::string out, err;
};

// Runs a command to its end. Throws CannotRun (the plugins' runner: sdk::cannot_run) when
// argv[0] cannot be started; may throw its own exceptions for timeouts or cancellation,
// which pass through untouched.
using Runner = std::function<Finished(const Command&)>;

// What a plugin builds: how to tell its source tree and what to tell an operator who did
// not give one.
struct Project {
  std::string name;     // "LULESH 2.0.3"
  std::string provide;  // the whole instruction: "download ... and run with -o source=..."
  // Empty when `dir` is the top of the project's tree, else what is missing there
  // ("no lulesh.cc").
  std::function<std::string(const fs::path& dir)> why_not_root;
};

// True for the tarball names unpacked with tar: .tar, .tar.gz, .tgz, .tar.xz, .txz,
// .tar.bz2, .tbz2.
bool is_archive(const fs::path& path);

// The `source` option as the absolute path of an existing directory or archive. A relative
// path is taken from `data_dir` (the profile's directory; null without a profile). Throws
// CannotRun, with project.provide, when the option is empty or names nothing usable; a
// directory is checked for the project's tree here already (an archive only when staged).
fs::path locate_source(const std::string& option, const char* data_dir, const Project& project);

// FNV-1a 64 of a file's bytes, or of a directory's sorted relative paths, entry kinds,
// symlink targets and file bytes; 16 hex digits. Equal trees give equal hashes wherever
// they are; a changed name or byte changes it.
std::string content_hash(const fs::path& path);

// FNV-1a 64 of a string, 16 hex digits.
std::string text_hash(std::string_view text);

// First line of `program --version` (e.g. "g++ (Debian 12.2.0-14) 12.2.0"). Throws
// CannotRun with `install_hint` when the program cannot be started or fails.
std::string tool_version(const Runner& run, const std::string& program, const fs::path& cwd,
                         const std::string& install_hint);

// Puts the top of the project's tree at `dest`, which must not exist: a directory is
// copied (the original is never touched), an archive unpacked with tar. The top is the
// source itself or the one directory below it (up to two levels) that is a root, as a
// tarball usually holds one top directory. Throws CannotRun, with project.provide, when
// there is none or several, naming what is missing.
void stage_source(const Runner& run, const fs::path& source, const fs::path& dest,
                  const Project& project);

// `cache_dir`/`name`, built first when it does not exist: `build` fills a fresh temporary
// directory beside it, which is renamed to the final name only after `build` returns, so a
// crash or a concurrent run never leaves a half-built tree under that name (a failed
// build's directory is removed). When another run finished the same build first, its tree
// is kept and this one discarded. `*built` (when given) says whether `build` ran.
fs::path cached_build(const fs::path& cache_dir, const std::string& name,
                      const std::function<void(const fs::path& tmp)>& build, bool* built = nullptr);

// Throws BuildFailed naming the command, its directory, its exit status or signal, the
// advice and the last 20 lines it printed, unless it exited with status 0.
void require_success(const Finished& done, const Command& command, std::string_view advice = {});

// The last `count` lines of `text`, without trailing newlines.
std::string last_lines(std::string_view text, std::size_t count);

// The words of a flags option ("-O3  -fopenmp" → {"-O3", "-fopenmp"}), split on blanks.
std::vector<std::string> split_words(std::string_view text);

// "a b c": argv joined with spaces, for messages.
std::string describe(const std::vector<std::string>& argv);

}  // namespace source_build
