// SPDX-License-Identifier: MIT
// The lulesh workload plugin: LULESH 2.0.3 (Livermore Unstructured Lagrangian Explicit
// Shock Hydrodynamics), built from sources the operator gives (benchlab cannot download
// them), run at the study's problem size, its figure of merit (zones per second) parsed
// from its output. setup builds once per source and compiler into the cache directory;
// each trial runs the built program.
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_programs.hpp>
#include <benchlab_common/source_build.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lulesh_output.hpp"
#include "lulesh_tree.hpp"
#include "mpi_ranks.hpp"

namespace {

namespace fs = std::filesystem;
namespace sdk = benchlab::sdk;
using sdk::failure;

constexpr char kCompilerHint[] = "apt-get install g++";
constexpr char kMpiHint[] = "apt-get install openmpi-bin libopenmpi-dev";

std::string install_hint(const std::string& program) {
  if (program == "mpicxx" || program == "mpirun") return kMpiHint;
  if (program == "tar") return "apt-get install tar xz-utils";
  if (program == "g++") return kCompilerHint;
  if (program.rfind("clang", 0) == 0) return "apt-get install clang";
  return "install " + program + " or name another compiler with option cxx";
}

struct Settings {
  std::string source;
  long long size = 0, iterations = 0;
  unsigned ranks = 0;    // 0: no MPI
  unsigned threads = 0;  // OMP_NUM_THREADS, resolved
  lulesh::BuildSettings build;
};

Settings read_settings(const bl_host* host) {
  Settings s;
  s.source = sdk::option_string(host, "source");
  s.size = sdk::option_int(host, "size", 1, 1000);
  s.iterations = sdk::option_int(host, "iterations", 1, 100000000);
  const unsigned cores = lulesh::physical_cores("/sys/devices/system/cpu");
  try {
    s.ranks = lulesh::parse_ranks(sdk::option_string(host, "ranks"),
                                  cores != 0 ? cores : host->cpu_count);
  } catch (const lulesh::RanksError& e) {
    throw sdk::invalid_option(e.what());
  }
  const auto threads = static_cast<unsigned>(sdk::option_int(host, "threads", 0, 4096));
  // As pts/lulesh does: one thread per MPI rank; without MPI, one per online CPU.
  s.threads = threads != 0  ? threads
              : s.ranks > 0 ? 1
                            : (host->cpu_count != 0 ? host->cpu_count : 1);
  s.build.mpi = s.ranks > 0;
  s.build.cxx = sdk::option_string(host, "cxx");
  if (s.build.cxx.empty()) throw sdk::invalid_option("option cxx is empty: name the C++ compiler");
  s.build.flags = source_build::split_words(sdk::option_string(host, "cxxflags"));
  return s;
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the lulesh plugin",
    .unknown = "unknown exception in the lulesh plugin",
    .status_of = host_programs::status_of,
};

// The error output of ABI 1.1 (run_to_output, parse_streams): older hosts are refused.
using Entry = sdk::entry_points<sdk::host_instance, kGuard, sdk::host_size_1_1>;

// Finds the sources, checks the tools, builds into the cache unless already built.
int32_t setup(const bl_host* host) {
  const Settings settings = read_settings(host);
  const std::string compiler = lulesh::compiler(settings.build);
  std::vector<host_programs::Tool> tools;
  if (settings.build.mpi) tools.push_back({"mpirun", kMpiHint});
  host_programs::build_in_cache(
      host,
      {.what = "LULESH",
       .project = lulesh::project(),
       .source = settings.source,
       .tools = tools,
       .compiler = {compiler, install_hint(compiler)},
       .name =
           [&](const std::string& source_hash, const std::string& version) {
             return lulesh::build_name(source_hash, version, settings.build);
           },
       .build =
           [&](const source_build::Runner& run, const fs::path& source, const fs::path& dir,
               const std::string& version) {
             lulesh::build(run, source, dir, settings.build, version);
           }},
      install_hint);
  return BL_OK;
}

// One trial: the built program at the chosen size; its output goes to parse().
int32_t run(const bl_host* host) {
  const Settings settings = read_settings(host);
  const fs::path program = lulesh::program_path(host_programs::read_build_note(host));
  if (!fs::is_regular_file(program))
    throw failure(BL_ERROR, program.string() + " is gone from the cache: run again to rebuild");

  source_build::Command command{
      lulesh::run_argv(program, settings.ranks, settings.size, settings.iterations),
      host_programs::scratch_dir(host),
      {"OMP_NUM_THREADS=" + std::to_string(settings.threads)}};
  if (settings.ranks > 0) {
    // Open MPI refuses to start as root without these (pts/lulesh passes
    // --allow-run-as-root, which other MPIs reject); other MPIs ignore them.
    command.env.push_back("OMPI_ALLOW_RUN_AS_ROOT=1");
    command.env.push_back("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1");
  }
  host->progress(host, -1.0, sdk::command_text(command.argv).c_str());
  host_programs::run_to_output(
      host, command, install_hint,
      settings.ranks > 0 ? "mpirun or LULESH failed (Open MPI starts no more ranks than there "
                           "are cores)"
                         : "LULESH aborted (too little memory for this size?)");
  return BL_OK;
}

// Metrics from LULESH's final report on stdout, checked against what was asked for. A
// report that does not parse is a failure with lulesh::OutputError's text. stderr (MPI's
// notes) is kept by the host as the trial's error output and not read.
int32_t parse(sdk::host_instance& self, std::string_view out, std::string_view /*err*/) {
  const bl_host* host = self.host;
  const Settings settings = read_settings(host);
  const lulesh::RunReport report = lulesh::parse_output(out);
  const unsigned tasks = settings.ranks > 0 ? settings.ranks : 1;
  if (report.problem_size != settings.size || report.mpi_tasks != static_cast<int>(tasks))
    throw failure(BL_ERROR, "LULESH ran problem size " + std::to_string(report.problem_size) +
                                " on " + std::to_string(report.mpi_tasks) +
                                " MPI tasks, but size " + std::to_string(settings.size) + " on " +
                                std::to_string(tasks) + " was asked for");
  if (report.iterations != settings.iterations)
    host->log(host, BL_LOG_INFO,
              ("LULESH reached its stop time after " + std::to_string(report.iterations) + " of " +
               std::to_string(settings.iterations) + " iterations")
                  .c_str());
  if (!report.threads && settings.ranks == 0 && settings.threads > 1)
    host->log(host, BL_LOG_WARN,
              "LULESH printed no \"Num threads\" line: it was built without OpenMP and ran on "
              "one thread (keep -fopenmp in option cxxflags)");
  sdk::report_metric(host, "fom", report.fom_zones_per_s);
  sdk::report_metric(host, "elapsed", report.elapsed_s);
  sdk::report_metric(host, "grind_time", report.grind_us_overall);
  return BL_OK;
}

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "source", BL_OPTION_STRING, 0, "", nullptr, 0, 0,
     "LULESH 2.0.3 source directory or tarball (relative: from the profile's directory)"},
    {sizeof(bl_option_desc), "size", BL_OPTION_INT, 0, "128", nullptr, 1, 1000,
     "problem size -s: zones along each edge of a domain's cube (pts/lulesh: 128)"},
    {sizeof(bl_option_desc), "iterations", BL_OPTION_INT, 0, "3", nullptr, 1, 100000000,
     "cycles to run, -i (pts/lulesh: 3)"},
    {sizeof(bl_option_desc), "ranks", BL_OPTION_STRING, 0, "0", nullptr, 0, 0,
     "MPI ranks: 0 = no MPI (OpenMP), a cube (1, 8, 27, ...), or cube = largest cube <= "
     "physical cores (as pts/lulesh)"},
    {sizeof(bl_option_desc), "threads", BL_OPTION_INT, 0, "0", nullptr, 0, 4096,
     "OpenMP threads per process; 0 = one per online CPU without MPI, 1 per rank with MPI"},
    {sizeof(bl_option_desc), "cxx", BL_OPTION_STRING, 0, "g++", nullptr, 0, 0,
     "C++ compiler without MPI (with MPI: mpicxx)"},
    {sizeof(bl_option_desc), "cxxflags", BL_OPTION_STRING, 0, "-O3 -fopenmp", nullptr, 0, 0,
     "compiler flags (LULESH's Makefile: -O3 -fopenmp, plus -g -Wall)"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "fom", "z/s", BL_HIGHER_IS_BETTER,
     "figure of merit: zones updated per second over all ranks (what pts/lulesh reports)"},
    {sizeof(bl_metric_desc), "elapsed", "s", BL_LOWER_IS_BETTER,
     "time of the time-step loop as LULESH measures it (Elapsed time)"},
    {sizeof(bl_metric_desc), "grind_time", "us/z/c", BL_LOWER_IS_BETTER,
     "microseconds per zone per cycle over all ranks (Grind time, overall)"},
};

const bl_requirement kRequirements[] = {
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "g++", 0, kCompilerHint},
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
    "lulesh", "1.0.0",
    "LULESH 2.0.3 hydrodynamics proxy app, zones/s (built from sources you give)", "benchlab",
    kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
