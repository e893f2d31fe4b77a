// The compile workload plugin: times `make -jN` of a C source tree from a clean state.
// By default the tree is generated (generated_tree.hpp) and the built program's output is
// checked; `source` points it at a real tree such as an unpacked FFmpeg instead.
#include <benchlab/plugin.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "generated_tree.hpp"

namespace {

namespace fs = std::filesystem;

constexpr char kInstallHint[] = "apt-get install build-essential";
constexpr std::size_t kErrorLines = 20;  // of a failed program's output, in the error

// A setting a user got wrong; becomes BL_INVALID_ARGUMENT.
struct OptionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A status other than BL_OK with its reason, raised deep inside a phase.
struct PhaseStop : std::runtime_error {
  PhaseStop(int32_t status, const std::string& reason)
      : std::runtime_error(reason), status(status) {}
  int32_t status;
};

struct Settings {
  std::string source;  // empty: the generated tree
  std::vector<std::string> configure_args;
  unsigned jobs = 1;
  std::string make, cc;
  compile_tree::TreeShape shape;
};

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

Settings read_settings(const bl_host* host) {
  Settings settings;
  settings.source = string_option(host, "source");
  for (uint32_t i = 0, n = host->option_count(host, "configure_arg"); i < n; ++i)
    if (const char* arg = host->option_at(host, "configure_arg", i))
      settings.configure_args.emplace_back(arg);
  const auto jobs = static_cast<unsigned>(int_option(host, "jobs", 0, 4096));
  settings.jobs = jobs != 0 ? jobs : (host->cpu_count != 0 ? host->cpu_count : 1);
  settings.make = string_option(host, "make");
  settings.cc = string_option(host, "cc");
  if (settings.make.empty()) throw OptionError("option make is empty: name the make program");
  if (settings.cc.empty()) throw OptionError("option cc is empty: name the C compiler");
  settings.shape.units = static_cast<uint32_t>(int_option(host, "files", 1, 9999));
  return settings;
}

fs::path tree_dir(const bl_host* host) {
  if (host->scratch_dir == nullptr || *host->scratch_dir == '\0')
    throw std::runtime_error("the host gave no scratch directory to build in");
  return fs::path(host->scratch_dir) / "tree";
}

// What a finished program left, copied out of the host's buffers (which the next spawn
// reuses).
struct Finished {
  int32_t exit_code = 0, term_signal = 0;
  uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0, max_rss_bytes = 0;
  std::string out, err;
};

std::string describe(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::string last_lines(std::string_view text, std::size_t count) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++lines == count) break;
  return std::string(text.substr(start));
}

// Runs a program in `cwd` with CC set for make and configure alike; throws PhaseStop when
// it cannot be started, times out or is cancelled. The exit status is the caller's.
Finished spawn(const bl_host* host, const Settings& settings, const std::vector<std::string>& argv,
               const fs::path& cwd) {
  std::vector<const char*> args;
  for (const auto& arg : argv) args.push_back(arg.c_str());
  args.push_back(nullptr);
  // MAKEFLAGS is emptied so a benchlab started from make cannot leak -j or -k into trials.
  const std::string cc = "CC=" + settings.cc;
  const char* env[] = {cc.c_str(), "MAKEFLAGS=", nullptr};
  const std::string dir = cwd.string();

  bl_spawn request{};
  request.struct_size = sizeof request;
  request.argv = args.data();
  request.env = env;
  request.cwd = dir.c_str();
  bl_spawn_result result{};
  result.struct_size = sizeof result;
  const int32_t status = host->spawn(host, &request, &result);
  if (status == BL_CANCELLED) throw PhaseStop(BL_CANCELLED, describe(argv) + " cancelled");
  if (status == BL_TIMEOUT) throw PhaseStop(BL_TIMEOUT, describe(argv) + " timed out");
  if (status != BL_OK)
    throw PhaseStop(BL_CANNOT_RUN, "cannot start '" + argv[0] +
                                       "': is it installed and on PATH? (" + kInstallHint +
                                       ", or set option make or cc)");
  Finished done;
  done.exit_code = result.exit_code;
  done.term_signal = result.term_signal;
  done.wall_ns = result.wall_ns;
  done.user_ns = result.user_ns;
  done.sys_ns = result.sys_ns;
  done.max_rss_bytes = result.max_rss_bytes;
  if (result.out) done.out.assign(result.out, result.out_size);
  if (result.err) done.err.assign(result.err, result.err_size);
  return done;
}

// A program that ran but failed: its exit and the end of what it said.
void require_success(const Finished& done, const std::vector<std::string>& argv,
                     const fs::path& cwd, std::string_view advice = {}) {
  if (done.exit_code == 0 && done.term_signal == 0) return;
  std::string reason = describe(argv) + " in " + cwd.string() + " failed (" +
                       (done.term_signal != 0 ? "signal " + std::to_string(done.term_signal)
                                              : "exit status " + std::to_string(done.exit_code)) +
                       ")";
  if (!advice.empty()) reason += ": " + std::string(advice);
  const std::string& said = done.err.empty() ? done.out : done.err;
  if (!said.empty()) reason += "; its last lines:\n" + last_lines(said, kErrorLines);
  throw PhaseStop(BL_ERROR, reason);
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
      throw OptionError("option source is the relative path '" + settings.source +
                        "' and there is no profile directory to resolve it in: give an "
                        "absolute path");
    source = fs::path(host->data_dir) / source;
  }
  if (!fs::is_directory(source))
    throw OptionError("option source: " + source.string() +
                      " is not a directory: give the path of an unpacked source tree");
  if (!has_makefile(source) && !fs::is_regular_file(source / "configure"))
    throw OptionError("option source: " + source.string() +
                      " has neither a Makefile nor a configure script: give a tree that "
                      "builds with make");
  host->progress(host, -1.0, "copying the source tree");
  fs::copy(source, tree, fs::copy_options::recursive | fs::copy_options::copy_symlinks);

  if (fs::is_regular_file(tree / "configure") && !is_configured(tree)) {
    std::vector<std::string> argv{"./configure"};
    argv.insert(argv.end(), settings.configure_args.begin(), settings.configure_args.end());
    host->log(host, BL_LOG_INFO, ("running " + describe(argv)).c_str());
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
    throw PhaseStop(BL_ERROR, "configure in " + tree.string() + " wrote no Makefile");
}

template <typename Body>
int32_t guarded(const bl_host* host, Body&& body) noexcept {
  try {
    return body();
  } catch (const PhaseStop& e) {
    host->set_error(host, e.what());
    return e.status;
  } catch (const OptionError& e) {
    host->set_error(host, e.what());
    return BL_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    host->set_error(host, "out of memory in the compile plugin");
    return BL_NO_MEMORY;
  } catch (const std::exception& e) {
    host->set_error(host, e.what());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host, "unknown exception in the compile plugin");
    return BL_ERROR;
  }
}

struct Instance {
  const bl_host* host;
};

int32_t create(const bl_host* host, void** out_instance) {
  *out_instance = nullptr;
  return guarded(host, [&] {
    *out_instance = std::make_unique<Instance>(Instance{host}).release();
    return BL_OK;
  });
}

void destroy(void* instance) { std::unique_ptr<Instance>(static_cast<Instance*>(instance)); }

// Checks the tools, then puts a buildable (configured) tree at scratch/tree.
int32_t setup(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    const Settings settings = read_settings(host);
    const fs::path scratch = host->scratch_dir ? host->scratch_dir : "";
    const fs::path tree = tree_dir(host);
    // Only whether they start matters; a version banner is not a build.
    spawn(host, settings, {settings.make, "--version"}, scratch);
    spawn(host, settings, {settings.cc, "--version"}, scratch);

    fs::remove_all(tree);
    if (settings.source.empty()) {
      prepare_generated_tree(host, settings, tree);
    } else {
      prepare_user_tree(host, settings, tree);
    }
    host->log(host, BL_LOG_INFO, ("source tree ready in " + tree.string()).c_str());
    return BL_OK;
  });
}

// One trial: clean (untimed), build (timed), check the program (untimed).
int32_t run(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    const Settings settings = read_settings(host);
    const fs::path tree = tree_dir(host);
    if (!has_makefile(tree))
      throw PhaseStop(BL_ERROR, "no Makefile in " + tree.string() + ": setup did not complete");

    const std::vector<std::string> clean{settings.make, "clean"};
    host->progress(host, 0.0, "make clean");
    require_success(spawn(host, settings, clean, tree), clean, tree,
                    "every trial starts from a clean tree, so the tree needs a working "
                    "clean target");

    const std::vector<std::string> build{settings.make, "-j" + std::to_string(settings.jobs)};
    host->progress(host, -1.0, describe(build).c_str());
    const Finished built = spawn(host, settings, build, tree);
    require_success(built, build, tree);

    if (settings.source.empty()) {
      const std::vector<std::string> program{(tree / compile_tree::kProgramName).string()};
      const Finished ran = spawn(host, settings, program, tree);
      require_success(ran, program, tree, "the build produced a program that does not run");
      const std::string expected = compile_tree::expected_output(settings.shape);
      if (ran.out != expected)
        throw PhaseStop(BL_ERROR, "the built program printed '" + last_lines(ran.out, 3) +
                                      "' instead of '" + last_lines(expected, 1) +
                                      "': " + settings.cc + " miscompiled the generated tree");
    }

    const double seconds = static_cast<double>(built.wall_ns) / 1e9;
    char summary[256];
    std::snprintf(summary, sizeof summary,
                  "compile %s seconds %.6f user_s %.3f sys_s %.3f max_rss_mib %.1f\n",
                  describe(build).c_str(), seconds, static_cast<double>(built.user_ns) / 1e9,
                  static_cast<double>(built.sys_ns) / 1e9,
                  static_cast<double>(built.max_rss_bytes) / (1024.0 * 1024.0));
    host->append_output(host, summary, std::char_traits<char>::length(summary));
    host->report_metric(host, "seconds", seconds);
    return BL_OK;
  });
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
    create,
    destroy,
    setup,
    run,
    nullptr,
    nullptr,
};

const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "compile",
    "1.0.0",
    "build time of a C source tree with make -jN (generated tree, or FFmpeg and the like)",
    "benchlab",
    &kWorkload,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  if (host_abi_major_min > BL_ABI_MAJOR || host_abi_major_max < BL_ABI_MAJOR) return nullptr;
  return &kPlugin;
}
