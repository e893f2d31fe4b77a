// SPDX-License-Identifier: MIT
// The hmmsearch workload plugin: the ABI glue that prepares the generated families and
// database once in the cache directory (hmmbuild makes the profiles), runs `hmmsearch`
// on them through host->spawn, times it, and fails the trial unless exactly the planted
// homologs are found. Every entry point runs inside sdk::guarded: failures reach the host
// as a status plus host->set_error().
#include <array>
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dataset_cache.hpp"
#include "hit_check.hpp"
#include "search_dataset.hpp"
#include "search_summary.hpp"
#include "tblout.hpp"

namespace hmmsearch_workload {
namespace {

namespace sdk = benchlab::sdk;
namespace common = benchlab::common;
using sdk::failure;

constexpr const char* kPluginVersion = "1.0.0";
constexpr char kInstallHint[] = "apt-get install hmmer";
constexpr const char* kTableFile = "hits.tbl";
// Reporting threshold: the planted homologs score E-values below 1e-20, while a random
// sequence reaches 1e-5 about once in 100000 searches.
constexpr const char* kReportEvalue = "1e-5";

const std::array kOptions{
    bl_option_desc{sizeof(bl_option_desc), "threads", BL_OPTION_INT, 0, "0", nullptr, 0, 4096,
                   "hmmsearch --cpu worker threads; 0: one per online CPU"},
    bl_option_desc{sizeof(bl_option_desc), "database_mresidues", BL_OPTION_INT, 0, "64", nullptr, 1,
                   4096,
                   "size of the generated protein database, in millions of residues (about "
                   "1.07 MB of FASTA each); generated once per size into the cache"},
};

constexpr std::array kMetrics{
    bl_metric_desc{sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
                   "wall time of the hmmsearch process, start to exit"},
    bl_metric_desc{sizeof(bl_metric_desc), "mcells_per_s", "Mcells/s", BL_HIGHER_IS_BETTER,
                   "hmmsearch's own throughput (# Mc/sec) over all queries"},
};

constexpr std::array kRequirements{
    bl_requirement{sizeof(bl_requirement), BL_REQ_PROGRAM, "hmmsearch", 0, kInstallHint},
    bl_requirement{sizeof(bl_requirement), BL_REQ_PROGRAM, "hmmbuild", 0, kInstallHint},
};

// The host functions this plugin calls, up to the error output of ABI 1.1; a shorter host
// table is refused.
constexpr std::size_t kHostSizeNeeded = sdk::host_size_1_1;

// hmmsearch prints each query's elapsed time rounded to 1/100 s.
constexpr double kClockSlackPerQuery = 0.01;
constexpr double kClockSlackRatio = 0.02;

struct Instance {
  const bl_host* host;
  double wall_seconds = 0;  // of the run() in this phase, for parse()'s cross-check
};

constexpr sdk::option_texts kIntTexts{
    .invalid = "option {name} = '{value}': expected a whole number from {min} to {max}"};

unsigned thread_option(const bl_host* host) {
  const auto threads = sdk::option_int(host, "threads", 0, 4096, kIntTexts);
  if (threads == 0) return host->cpu_count > 0 ? host->cpu_count : 1;
  return static_cast<unsigned>(threads);
}

std::uint64_t database_residues(const bl_host* host) {
  const auto millions = sdk::option_int(host, "database_mresidues", 1, 4096, kIntTexts);
  return static_cast<std::uint64_t>(millions) * 1'000'000u;
}

std::filesystem::path cache(const bl_host* host) {
  if (host->cache_dir == nullptr) throw std::runtime_error("the host gave no cache directory");
  return host->cache_dir;
}

std::filesystem::path table_path(const bl_host* host) {
  if (host->scratch_dir == nullptr) throw std::runtime_error("the host gave no scratch directory");
  return std::filesystem::path(host->scratch_dir) / kTableFile;
}

constexpr sdk::spawn_texts kSpawnTexts{
    .not_started = "cannot start '{program}': is it installed and on PATH? ({hint})",
    .hint = kInstallHint,
};

// Runs a program by argv in `cwd` (empty: the scratch directory) and waits; throws failure
// unless it ran to exit status 0.
sdk::spawn_result run_program(const bl_host* host, const std::vector<std::string>& argv,
                              const std::string& cwd = {}) {
  sdk::spawn_result res = sdk::spawn_checked(host, {.argv = argv, .cwd = cwd}, kSpawnTexts);
  if (res.term_signal != 0)
    throw failure(BL_ERROR,
                  argv.front() + " was killed by signal " + std::to_string(res.term_signal));
  if (res.exit_code != 0) {
    // HMMER puts its reason on stderr ("Error: ..."); show its last line.
    std::string_view err = res.err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.remove_suffix(1);
    const std::size_t line = err.rfind('\n');
    const std::string_view last = line == std::string_view::npos ? err : err.substr(line + 1);
    throw failure(BL_ERROR, argv.front() + " exited with status " + std::to_string(res.exit_code) +
                                (last.empty() ? "" : ": " + std::string(last)));
  }
  return res;
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the hmmsearch workload",
    .unknown = "unknown failure in the hmmsearch workload",
};

using Entry = sdk::entry_points<Instance, kGuard, kHostSizeNeeded>;

int32_t setup(const bl_host* host) {
  const unsigned threads = thread_option(host);
  const sdk::spawn_result help_run = run_program(host, {"hmmsearch", "-h"});
  const SearchSummary help = parse_search_summary(help_run.out);
  if (!help.version.empty())  // "3.3.2 (Nov 2020)": the result records which HMMER searched
    common::report_program(host, "hmmsearch", help.version.substr(0, help.version.find(' ')),
                           common::find_on_path("hmmsearch"));
  const std::uint64_t start = host->now_ns(host);
  host->progress(host, -1, "preparing the search data (once per cache)");
  const Dataset dataset = prepare_dataset(
      cache(host), database_residues(host), [host](const std::filesystem::path& dir) {
        run_program(host, {"hmmbuild", "--amino", kModelFile, kAlignmentFile}, dir.string());
      });
  char info[300];
  std::snprintf(info, sizeof info,
                "HMMER %s; %s dataset in %s (%zu sequences, %llu residues, %zu planted) in %.1f s; "
                "%u threads",
                help.version.empty() ? "version unknown" : help.version.c_str(),
                dataset.generated ? "generated" : "cached", dataset.dir.string().c_str(),
                dataset.summary.sequences,
                static_cast<unsigned long long>(dataset.summary.residues), dataset.summary.planted,
                static_cast<double>(host->now_ns(host) - start) * 1e-9, threads);
  host->log(host, BL_LOG_INFO, info);
  return BL_OK;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("hmmsearch wrote no " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

int32_t run(Instance& inst) {
  const bl_host* host = inst.host;
  const std::uint64_t residues = database_residues(host);
  const std::filesystem::path dir = dataset_dir(cache(host), residues);
  if (!read_dataset(dir, residues))
    throw failure(BL_ERROR, "the search data in " + dir.string() +
                                " is missing or incomplete; setup should have made it");
  // A table left by an earlier trial must not pass for this one's.
  const std::filesystem::path table = table_path(host);
  std::error_code ec;
  std::filesystem::remove(table, ec);

  const unsigned threads = thread_option(host);
  host->progress(host, -1, "searching");
  const sdk::spawn_result res =
      run_program(host, {"hmmsearch", "--cpu", std::to_string(threads), "--noali", "-E",
                         kReportEvalue, "--tblout", table.string(), (dir / kModelFile).string(),
                         (dir / kDatabaseFile).string()});
  inst.wall_seconds = static_cast<double>(res.wall_ns) * 1e-9;
  sdk::append_output(host, res.out);
  sdk::append_error_output(host, res.err);
  sdk::report_metric(host, "seconds", inst.wall_seconds);
  return BL_OK;
}

// `out` is hmmsearch's main output. The hit table is not a stream of the program but a
// file: parse() runs in the same phase as run(), so it reads it where hmmsearch wrote it
// (docs/workloads/hmmsearch.md).
int32_t parse(Instance& inst, std::string_view out, std::string_view /*err*/) {
  const bl_host* host = inst.host;
  if (const std::string wrong = check_hits(parse_tblout(read_file(table_path(host))));
      !wrong.empty())
    throw failure(BL_ERROR, wrong);

  const SearchSummary summary = parse_search_summary(out);
  if (!summary.complete || summary.queries.size() != kFamilies)
    throw failure(BL_ERROR,
                  "hmmsearch's output is incomplete: " + std::to_string(summary.queries.size()) +
                      " of " + std::to_string(kFamilies) + " queries" +
                      (summary.complete ? "" : ", no closing [ok]"));
  const double throughput = summary.overall_mcells_per_second();
  const double elapsed = summary.total_elapsed_seconds();
  if (throughput <= 0 || elapsed < 0)
    throw failure(BL_ERROR, "hmmsearch printed no Elapsed or Mc/sec line for some query");
  if (inst.wall_seconds > 0 &&
      elapsed > inst.wall_seconds * (1 + kClockSlackRatio) + kClockSlackPerQuery * kFamilies) {
    char why[200];
    std::snprintf(why, sizeof why,
                  "hmmsearch says its queries took %.2f s but the process took only %.3f s of "
                  "wall time; the clocks disagree",
                  elapsed, inst.wall_seconds);
    throw failure(BL_ERROR, why);
  }
  sdk::report_metric(host, "mcells_per_s", throughput);
  return BL_OK;
}

const bl_workload kWorkload{
    sizeof(bl_workload),
    0,
    static_cast<uint32_t>(kOptions.size()),
    kOptions.data(),
    static_cast<uint32_t>(kMetrics.size()),
    kMetrics.data(),
    static_cast<uint32_t>(kRequirements.size()),
    kRequirements.data(),
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,  // parse: parse_streams instead (ABI 1.1)
    nullptr,
    Entry::parse_streams<parse>,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "hmmsearch", kPluginVersion,
    "HMMER hmmsearch of 8 generated protein-family profiles against a generated protein "
    "database with 96 planted homologs, all of which must be found",
    "benchlab", kWorkload);

}  // namespace
}  // namespace hmmsearch_workload

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(hmmsearch_workload::kPlugin, host_abi_major_min, host_abi_major_max);
}
