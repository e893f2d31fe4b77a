// SPDX-License-Identifier: MIT
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/host_programs.hpp>
#include <benchlab_common/program_version.hpp>
#include <filesystem>
#include <fstream>
#include <utility>

namespace host_programs {

namespace fs = std::filesystem;
namespace sdk = benchlab::sdk;

namespace {

constexpr std::size_t kErrorLines = 20;  // of a failed program's output, in the message

constexpr sdk::spawn_texts kSpawnTexts{
    .cancelled = "{command} cancelled",
    .timed_out = "{command} ran past the phase's timeout",
    .not_started = "cannot start {program}: not found on PATH or not executable ({hint})",
};
constexpr char kNotStartedNoHint[] = "cannot start {program}: not found on PATH or not executable";

// Runs a command through host->spawn with `flags` (BL_SPAWN_*). Throws sdk::failure for a
// timeout or cancellation, sdk::cannot_run (with hint(argv[0])) when it cannot be started.
sdk::spawn_result spawn(const bl_host* host, const source_build::Command& command, uint32_t flags,
                        const InstallHint& hint) {
  const std::string advice = hint ? hint(command.argv.at(0)) : std::string();
  sdk::spawn_texts texts = kSpawnTexts;
  texts.hint = advice.c_str();
  if (advice.empty()) texts.not_started = kNotStartedNoHint;
  return sdk::spawn_checked(
      host, {.argv = command.argv, .env = command.env, .cwd = command.cwd.string(), .flags = flags},
      texts);
}

// A source_build::Runner over spawn() that captures output only (nothing reaches the
// trial's raw output).
source_build::Runner runner(const bl_host* host, InstallHint hint) {
  return [host, hint = std::move(hint)](const source_build::Command& command) {
    sdk::spawn_result done = spawn(host, command, 0, hint);
    return source_build::Finished{done.exit_code, done.term_signal, std::move(done.out),
                                  std::move(done.err)};
  };
}

// Where setup leaves the build directory for read_build_note().
std::string build_note_path(const bl_host* host) {
  return (fs::path(scratch_dir(host)) / "build-dir").string();
}

void write_build_note(const bl_host* host, const std::string& build_dir) {
  std::ofstream out(build_note_path(host), std::ios::trunc);
  out << build_dir;
  if (!out) throw sdk::failure(BL_ERROR, "cannot write " + build_note_path(host));
}

}  // namespace

sdk::spawn_result run_to_output(const bl_host* host, const source_build::Command& command,
                                const InstallHint& hint, std::string_view advice) {
  sdk::spawn_result done =
      spawn(host, command, BL_SPAWN_STDOUT_TO_OUTPUT | BL_SPAWN_STDERR_TO_ERROR_OUTPUT, hint);
  sdk::require_success(done, sdk::command_text(command.argv) + " in " + command.cwd.string(),
                       advice, kErrorLines);
  return done;
}

void build_in_cache(const bl_host* host, const Recipe& recipe, const InstallHint& hint) {
  const fs::path source =
      source_build::locate_source(recipe.source, host->data_dir, recipe.project);
  const source_build::Runner run = runner(host, hint);
  const fs::path scratch = scratch_dir(host);
  // Each tool's version line ("g++ (Debian 12.2.0-14) 12.2.0") is recorded with the
  // result: a build says which compiler made the binary that was measured.
  const auto report = [host](const std::string& program, const std::string& version) {
    const std::string name = fs::path(program).filename().string();
    if (!name.empty() && !version.empty())
      benchlab::common::report_program(host, name, version,
                                       benchlab::common::find_on_path(program));
  };
  for (const Tool& tool : recipe.tools)
    report(tool.program, source_build::tool_version(run, tool.program, scratch, tool.install_hint));
  const std::string version = source_build::tool_version(run, recipe.compiler.program, scratch,
                                                         recipe.compiler.install_hint);
  report(recipe.compiler.program, version);

  host->progress(host, -1.0, ("hashing the " + recipe.what + " sources").c_str());
  const std::string name = recipe.name(source_build::content_hash(source), version);
  if (host->cache_dir == nullptr || *host->cache_dir == '\0')
    throw sdk::failure(BL_ERROR,
                       "the host gave no cache directory to build " + recipe.what + " in");
  bool built = false;
  const fs::path dir = source_build::cached_build(
      host->cache_dir, name,
      [&](const fs::path& tmp) {
        host->progress(host, -1.0,
                       ("building " + recipe.what + " with " + recipe.compiler.program).c_str());
        recipe.build(run, source, tmp, version);
      },
      &built);
  host->log(host, BL_LOG_INFO,
            ((built ? "built " + recipe.what + " in "
                    : "using the " + recipe.what + " built earlier in ") +
             dir.string())
                .c_str());
  write_build_note(host, dir.string());
}

int32_t status_of(const std::exception& e) noexcept {
  return dynamic_cast<const source_build::CannotRun*>(&e) != nullptr ? BL_CANNOT_RUN : BL_OK;
}

std::string scratch_dir(const bl_host* host) {
  if (host->scratch_dir == nullptr || *host->scratch_dir == '\0')
    throw sdk::failure(BL_ERROR, "the host gave no scratch directory");
  return host->scratch_dir;
}

std::string read_build_note(const bl_host* host) {
  std::ifstream in(build_note_path(host));
  std::string dir;
  if (!in || !std::getline(in, dir) || dir.empty())
    throw sdk::failure(
        BL_ERROR, "no build recorded in " + build_note_path(host) + ": setup did not complete");
  return dir;
}

}  // namespace host_programs
