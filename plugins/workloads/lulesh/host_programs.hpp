// The plugin side of source_build: programs run through host->spawn, and the exceptions
// of a phase turned into the status and message the host expects. Used by the lulesh and
// dolfyn plugins (compiled into each; it needs plugin.h, the source_build library not).
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "source_build.hpp"

namespace host_programs {

// A stop the host asked for or a status decided deep inside a phase.
struct PhaseStop : std::runtime_error {
  PhaseStop(int32_t status, const std::string& reason)
      : std::runtime_error(reason), status(status) {}
  int32_t status;
};

// An option value the plugin refuses; becomes BL_INVALID_ARGUMENT.
struct OptionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Measured {
  source_build::Finished done;
  uint64_t wall_ns = 0;  // as the host measured the program
};

// Says how to install a program that could not be started ("apt-get install g++").
using InstallHint = std::function<std::string(const std::string& program)>;

// Runs a command through host->spawn with `flags` (BL_SPAWN_*). Throws PhaseStop for a
// timeout or cancellation, source_build::CannotRun when the program cannot be started.
Measured spawn(const bl_host* host, const source_build::Command& command, uint32_t flags,
               const InstallHint& hint);

// Runs the measured program of a trial: its stdout becomes the trial's raw output (what
// parse() gets), then its stderr, if any, after a "--- stderr ---" line. Not
// BL_SPAWN_MERGE_STDERR, which would keep the two in order: the host's spawn cannot start
// any program with that flag yet (core/src/subprocess.cpp sends both streams into one
// Boost.Process pipe and the start fails with EBADF). Throws like spawn().
Measured spawn_to_output(const bl_host* host, const source_build::Command& command,
                         const InstallHint& hint);

// A source_build::Runner over spawn() that captures output only (nothing reaches the
// trial's raw output).
source_build::Runner runner(const bl_host* host, InstallHint hint);

// Calls `body` and turns what it throws into a status with set_error: PhaseStop → its
// status, CannotRun → BL_CANNOT_RUN, OptionError → BL_INVALID_ARGUMENT, bad_alloc →
// BL_NO_MEMORY, anything else → BL_ERROR. Never throws.
int32_t guarded(const bl_host* host, const char* plugin_id,
                const std::function<int32_t()>& body) noexcept;

// The value of a string option, "" when unset.
std::string string_option(const bl_host* host, const char* name);

// An integer option within [min, max]; throws OptionError otherwise.
long long int_option(const bl_host* host, const char* name, long long min, long long max);

// The host's scratch directory (the working directory of every phase); throws
// PhaseStop(BL_ERROR) when the host gave none.
std::string scratch_dir(const bl_host* host);

// Path of the file in which setup leaves the build directory for the run phases (each
// phase is its own process, so nothing else survives from setup).
std::string build_note_path(const bl_host* host);
void write_build_note(const bl_host* host, const std::string& build_dir);
// The build directory setup left; throws PhaseStop(BL_ERROR) when there is none.
std::string read_build_note(const bl_host* host);

}  // namespace host_programs
