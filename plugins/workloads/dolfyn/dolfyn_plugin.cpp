// SPDX-License-Identifier: MIT
// The dolfyn workload plugin: Dolfyn 0.527, an open-source CFD code in Fortran, built
// from the tarball the operator gives (benchlab cannot download it) and measured as
// Phoronix's pts/dolfyn does: the run time of its bundled demo script, demo/doit.sh.
// setup builds once per source and compiler into the cache directory; each trial runs
// the demo in a fresh copy of the built tree.
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_programs.hpp>
#include <benchlab_common/source_build.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dolfyn_output.hpp"
#include "dolfyn_tree.hpp"

namespace {

namespace fs = std::filesystem;
namespace sdk = benchlab::sdk;
using sdk::failure;

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
  s.source = sdk::option_string(host, "source");
  s.fc = sdk::option_string(host, "fc");
  if (s.fc.empty()) throw sdk::invalid_option("option fc is empty: name the Fortran compiler");
  s.make_args = sdk::option_values(host, "make_arg");
  return s;
}

fs::path run_dir(const bl_host* host) { return fs::path(host_programs::scratch_dir(host)) / "run"; }

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the dolfyn plugin",
    .unknown = "unknown exception in the dolfyn plugin",
    .status_of = host_programs::status_of,
};

// The error output of ABI 1.1 (run_to_output, parse_streams): older hosts are refused.
using Entry = sdk::entry_points<sdk::host_instance, kGuard, sdk::host_size_1_1>;

// Finds the sources, checks the tools, builds into the cache unless already built.
int32_t setup(const bl_host* host) {
  const Settings settings = read_settings(host);
  host_programs::build_in_cache(
      host,
      {.what = "Dolfyn",
       .project = dolfyn::project(),
       .source = settings.source,
       .tools = {{"make", "apt-get install make"}},
       .compiler = {settings.fc, kFortranHint},
       .name =
           [&](const std::string& source_hash, const std::string& version) {
             return dolfyn::build_name(source_hash, version, settings.fc, settings.make_args);
           },
       .build =
           [&](const source_build::Runner& run, const fs::path& source, const fs::path& dir,
               const std::string& version) {
             dolfyn::build(run, source, dir, settings.fc, settings.make_args, version);
           }},
      install_hint);
  return BL_OK;
}

// One trial: a fresh copy of the built tree (not timed), then demo/doit.sh (timed).
int32_t run(const bl_host* host) {
  const fs::path build_dir = host_programs::read_build_note(host);
  if (!fs::is_directory(dolfyn::tree_path(build_dir)))
    throw failure(BL_ERROR, build_dir.string() + " is gone from the cache: run again to rebuild");
  host->progress(host, 0.0, "copying the demo cases");
  const fs::path script = dolfyn::prepare_run(build_dir, run_dir(host));

  const source_build::Command command{{script.string()}, script.parent_path(), {}};
  host->progress(host, -1.0, "demo/doit.sh");
  const sdk::spawn_result done =
      host_programs::run_to_output(host, command, install_hint, "a demo case failed");
  sdk::report_metric(host, "seconds", static_cast<double>(done.wall_ns) / 1e9);
  return BL_OK;
}

// The solver's own CPU time per case, and a check that every case finished cleanly (a
// failure with dolfyn::OutputError's text otherwise), from the demo's stdout and stderr.
int32_t parse(sdk::host_instance& self, std::string_view out, std::string_view err) {
  const bl_host* host = self.host;
  const dolfyn::DemoReport report = dolfyn::parse_output(out, err);
  std::string names;
  for (const auto& c : report.cases) names += (names.empty() ? "" : ", ") + c.name;
  host->log(host, BL_LOG_INFO,
            (std::to_string(report.cases.size()) + " demo cases finished: " + names).c_str());
  sdk::report_metric(host, "cpu_seconds", report.cpu_s);
  return BL_OK;
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
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,  // parse: parse_streams instead (ABI 1.1)
    nullptr,
    Entry::parse_streams<parse>,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "dolfyn", "1.0.0", "Dolfyn 0.527 CFD demo cases, run time (built from the tarball you give)",
    "benchlab", kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
