#include "host_programs.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <new>
#include <vector>

namespace host_programs {

namespace fs = std::filesystem;

Measured spawn(const bl_host* host, const source_build::Command& command, uint32_t flags,
               const InstallHint& hint) {
  std::vector<const char*> argv;
  for (const auto& arg : command.argv) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  std::vector<const char*> env;
  for (const auto& entry : command.env) env.push_back(entry.c_str());
  env.push_back(nullptr);
  const std::string cwd = command.cwd.string();

  bl_spawn request{};
  request.struct_size = sizeof request;
  request.argv = argv.data();
  request.env = command.env.empty() ? nullptr : env.data();
  request.cwd = cwd.empty() ? nullptr : cwd.c_str();
  request.flags = flags;
  bl_spawn_result result{};
  result.struct_size = sizeof result;
  const int32_t status = host->spawn(host, &request, &result);
  const std::string what = source_build::describe(command.argv);
  if (status == BL_CANCELLED) throw PhaseStop(BL_CANCELLED, what + " cancelled");
  if (status == BL_TIMEOUT) throw PhaseStop(BL_TIMEOUT, what + " ran past the phase's timeout");
  if (status != BL_OK) {
    const std::string& program = command.argv.at(0);
    const std::string advice = hint ? hint(program) : std::string();
    throw source_build::CannotRun("cannot start " + program +
                                  ": not found on PATH or not "
                                  "executable" +
                                  (advice.empty() ? "" : " (" + advice + ")"));
  }
  Measured measured;
  measured.done.exit_code = result.exit_code;
  measured.done.term_signal = result.term_signal;
  if (result.out) measured.done.out.assign(result.out, result.out_size);
  if (result.err) measured.done.err.assign(result.err, result.err_size);
  measured.wall_ns = result.wall_ns;
  return measured;
}

Measured spawn_to_output(const bl_host* host, const source_build::Command& command,
                         const InstallHint& hint) {
  Measured measured = spawn(host, command, BL_SPAWN_STDOUT_TO_OUTPUT, hint);
  if (!measured.done.err.empty()) {
    const std::string text = "\n--- stderr ---\n" + measured.done.err;
    host->append_output(host, text.data(), text.size());
  }
  return measured;
}

source_build::Runner runner(const bl_host* host, InstallHint hint) {
  return [host, hint = std::move(hint)](const source_build::Command& command) {
    return spawn(host, command, 0, hint).done;
  };
}

int32_t guarded(const bl_host* host, const char* plugin_id,
                const std::function<int32_t()>& body) noexcept {
  try {
    return body();
  } catch (const PhaseStop& e) {
    host->set_error(host, e.what());
    return e.status;
  } catch (const source_build::CannotRun& e) {
    host->set_error(host, e.what());
    return BL_CANNOT_RUN;
  } catch (const OptionError& e) {
    host->set_error(host, e.what());
    return BL_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    host->set_error(host, (std::string("out of memory in the ") + plugin_id + " plugin").c_str());
    return BL_NO_MEMORY;
  } catch (const std::exception& e) {
    host->set_error(host, e.what());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host,
                    (std::string("unknown exception in the ") + plugin_id + " plugin").c_str());
    return BL_ERROR;
  }
}

std::string string_option(const bl_host* host, const char* name) {
  const char* value = host->option(host, name);
  return value ? value : "";
}

long long int_option(const bl_host* host, const char* name, long long min, long long max) {
  const std::string value = string_option(host, name);
  long long parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed < min ||
      parsed > max)
    throw OptionError("option " + std::string(name) + " is '" + value + "': give an integer from " +
                      std::to_string(min) + " to " + std::to_string(max));
  return parsed;
}

std::string scratch_dir(const bl_host* host) {
  if (host->scratch_dir == nullptr || *host->scratch_dir == '\0')
    throw PhaseStop(BL_ERROR, "the host gave no scratch directory");
  return host->scratch_dir;
}

std::string build_note_path(const bl_host* host) {
  return (fs::path(scratch_dir(host)) / "build-dir").string();
}

void write_build_note(const bl_host* host, const std::string& build_dir) {
  std::ofstream out(build_note_path(host), std::ios::trunc);
  out << build_dir;
  if (!out) throw PhaseStop(BL_ERROR, "cannot write " + build_note_path(host));
}

std::string read_build_note(const bl_host* host) {
  std::ifstream in(build_note_path(host));
  std::string dir;
  if (!in || !std::getline(in, dir) || dir.empty())
    throw PhaseStop(BL_ERROR,
                    "no build recorded in " + build_note_path(host) + ": setup did not complete");
  return dir;
}

}  // namespace host_programs
