// The dolfyn workload plugin: Dolfyn 0.527, an open-source CFD code in Fortran, built
// from the tarball the operator gives (benchlab cannot download it) and measured as
// Phoronix's pts/dolfyn does: the run time of its bundled demo script, demo/doit.sh.
// setup builds once per source and compiler into the cache directory; each trial runs
// the demo in a fresh copy of the built tree.
#include <benchlab/plugin.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dolfyn_output.hpp"
#include "dolfyn_tree.hpp"
#include "host_programs.hpp"
#include "source_build.hpp"

namespace {

namespace fs = std::filesystem;
using host_programs::OptionError;
using host_programs::PhaseStop;

constexpr char kPluginId[] = "dolfyn";
constexpr char kFortranHint[] = "apt-get install gfortran";

std::string install_hint(const std::string& program) {
  if (program == "make") return "apt-get install make";
  if (program == "tar") return "apt-get install tar gzip";
  if (program.find("fortran") != std::string::npos) return kFortranHint;
  return {};
}

struct Settings {
  std::string source, fc;
  std::vector<std::string> make_args;
};

Settings read_settings(const bl_host* host) {
  Settings s;
  s.source = host_programs::string_option(host, "source");
  s.fc = host_programs::string_option(host, "fc");
  if (s.fc.empty()) throw OptionError("option fc is empty: name the Fortran compiler");
  for (uint32_t i = 0, n = host->option_count(host, "make_arg"); i < n; ++i)
    if (const char* arg = host->option_at(host, "make_arg", i)) s.make_args.emplace_back(arg);
  return s;
}

fs::path run_dir(const bl_host* host) { return fs::path(host_programs::scratch_dir(host)) / "run"; }

struct Instance {
  const bl_host* host;
};

int32_t create(const bl_host* host, void** out_instance) {
  *out_instance = nullptr;
  return host_programs::guarded(host, kPluginId, [&] {
    *out_instance = std::make_unique<Instance>(Instance{host}).release();
    return BL_OK;
  });
}

void destroy(void* instance) { std::unique_ptr<Instance>(static_cast<Instance*>(instance)); }

// Finds the sources, checks the tools, builds into the cache unless already built.
int32_t setup(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return host_programs::guarded(host, kPluginId, [&] {
    const Settings settings = read_settings(host);
    const fs::path source =
        source_build::locate_source(settings.source, host->data_dir, dolfyn::project());
    const auto run = host_programs::runner(host, install_hint);
    const fs::path scratch = host_programs::scratch_dir(host);
    source_build::tool_version(run, "make", scratch, "apt-get install make");
    const std::string version = source_build::tool_version(run, settings.fc, scratch, kFortranHint);

    host->progress(host, -1.0, "hashing the Dolfyn sources");
    const std::string name = dolfyn::build_name(source_build::content_hash(source), version,
                                                settings.fc, settings.make_args);
    if (host->cache_dir == nullptr || *host->cache_dir == '\0')
      throw PhaseStop(BL_ERROR, "the host gave no cache directory to build Dolfyn in");
    bool built = false;
    const fs::path dir = source_build::cached_build(
        host->cache_dir, name,
        [&](const fs::path& tmp) {
          host->progress(host, -1.0, ("building Dolfyn with " + settings.fc).c_str());
          dolfyn::build(run, source, tmp, settings.fc, settings.make_args, version);
        },
        &built);
    host->log(host, BL_LOG_INFO,
              ((built ? "built Dolfyn in " : "using the Dolfyn built earlier in ") + dir.string())
                  .c_str());
    host_programs::write_build_note(host, dir.string());
    return BL_OK;
  });
}

// One trial: a fresh copy of the built tree (not timed), then demo/doit.sh (timed).
int32_t run(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return host_programs::guarded(host, kPluginId, [&] {
    const fs::path build_dir = host_programs::read_build_note(host);
    if (!fs::is_directory(dolfyn::tree_path(build_dir)))
      throw PhaseStop(BL_ERROR,
                      build_dir.string() + " is gone from the cache: run again to rebuild");
    host->progress(host, 0.0, "copying the demo cases");
    const fs::path script = dolfyn::prepare_run(build_dir, run_dir(host));

    const source_build::Command command{{script.string()}, script.parent_path(), {}};
    host->progress(host, -1.0, "demo/doit.sh");
    const auto measured = host_programs::spawn_to_output(host, command, install_hint);
    source_build::require_success(measured.done, command, "a demo case failed");
    host->report_metric(host, "seconds", static_cast<double>(measured.wall_ns) / 1e9);
    return BL_OK;
  });
}

// The solver's own CPU time per case, and a check that every case finished cleanly.
int32_t parse(void* instance, const char* output, size_t size) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return host_programs::guarded(host, kPluginId, [&] {
    dolfyn::DemoReport report;
    try {
      report = dolfyn::parse_output(std::string_view(output, size));
    } catch (const dolfyn::OutputError& e) {
      throw PhaseStop(BL_ERROR, e.what());
    }
    std::string names;
    for (const auto& c : report.cases) names += (names.empty() ? "" : ", ") + c.name;
    host->log(host, BL_LOG_INFO,
              (std::to_string(report.cases.size()) + " demo cases finished: " + names).c_str());
    host->report_metric(host, "cpu_seconds", report.cpu_s);
    return BL_OK;
  });
}

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "source", BL_OPTION_STRING, 0, "", nullptr, 0, 0,
     "Dolfyn 0.527 source directory or dolfyn-cfd_0.527.tgz (relative: from the profile's "
     "directory)"},
    {sizeof(bl_option_desc), "fc", BL_OPTION_STRING, 0, "gfortran", nullptr, 0, 0,
     "Fortran compiler, passed to make as F90"},
    {sizeof(bl_option_desc), "make_arg", BL_OPTION_STRING, BL_OPTION_REPEATED, nullptr, nullptr, 0,
     0, "extra argument for make in src/, e.g. F90FLAGS=-O3"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
     "wall time of demo/doit.sh (what pts/dolfyn reports)"},
    {sizeof(bl_metric_desc), "cpu_seconds", "s", BL_LOWER_IS_BETTER,
     "CPU time of the solver summed over the demo cases (Dolfyn's Elapsed time lines)"},
};

const bl_requirement kRequirements[] = {
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "gfortran", 0, kFortranHint},
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "make", 0, "apt-get install make"},
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
    parse,
    nullptr,
};

const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    kPluginId,
    "1.0.0",
    "Dolfyn 0.527 CFD demo cases, run time (built from the tarball you give)",
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
