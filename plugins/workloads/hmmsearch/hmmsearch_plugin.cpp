// The hmmsearch workload plugin: the ABI glue that prepares the generated families and
// database once in the cache directory (hmmbuild makes the profiles), runs `hmmsearch`
// on them through host->spawn, times it, and fails the trial unless exactly the planted
// homologs are found. Every entry point catches everything; failures reach the host as a
// status plus host->set_error().
#include <benchlab/plugin.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <new>
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
#include "trial_output.hpp"

namespace hmmsearch_workload {
namespace {

constexpr const char* kPluginVersion = "1.0.0";
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
    bl_requirement{sizeof(bl_requirement), BL_REQ_PROGRAM, "hmmsearch", 0, "apt-get install hmmer"},
    bl_requirement{sizeof(bl_requirement), BL_REQ_PROGRAM, "hmmbuild", 0, "apt-get install hmmer"},
};

// The host functions this plugin calls; a shorter host table is refused.
constexpr std::size_t kHostSizeNeeded = offsetof(bl_host, now_ns) + sizeof(bl_host::now_ns);

// hmmsearch prints each query's elapsed time rounded to 1/100 s.
constexpr double kClockSlackPerQuery = 0.01;
constexpr double kClockSlackRatio = 0.02;

struct Instance {
  const bl_host* host;
  double wall_seconds = 0;  // of the run() in this phase, for parse()'s cross-check
};

// A failure with the status the entry point returns (cancelled, timed out, invalid).
class StatusError : public std::runtime_error {
 public:
  StatusError(int32_t status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int32_t status() const { return status_; }

 private:
  int32_t status_;
};

int32_t fail(const bl_host& host, int32_t status, const std::string& message) {
  host.set_error(&host, message.c_str());
  return status;
}

std::string_view text(const char* data, std::size_t size) {
  return data != nullptr ? std::string_view(data, size) : std::string_view();
}

// An integer option within [lo, hi]; throws StatusError(BL_INVALID_ARGUMENT) otherwise.
long long int_option(const bl_host& host, const char* name, long long fallback, long long lo,
                     long long hi) {
  const char* given = host.option(&host, name);
  const std::string value = given != nullptr ? given : std::to_string(fallback);
  std::size_t used = 0;
  long long number = lo - 1;
  try {
    number = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || number < lo || number > hi)
    throw StatusError(BL_INVALID_ARGUMENT, std::string("option ") + name + " = '" + value +
                                               "': expected a whole number from " +
                                               std::to_string(lo) + " to " + std::to_string(hi));
  return number;
}

unsigned thread_option(const bl_host& host) {
  const long long threads = int_option(host, "threads", 0, 0, 4096);
  if (threads == 0) return host.cpu_count > 0 ? host.cpu_count : 1;
  return static_cast<unsigned>(threads);
}

std::uint64_t database_residues(const bl_host& host) {
  const long long millions =
      int_option(host, "database_mresidues", kDefaultDatabaseMresidues, 1, 4096);
  return static_cast<std::uint64_t>(millions) * 1'000'000u;
}

std::filesystem::path cache(const bl_host& host) {
  if (host.cache_dir == nullptr) throw std::runtime_error("the host gave no cache directory");
  return host.cache_dir;
}

std::filesystem::path table_path(const bl_host& host) {
  if (host.scratch_dir == nullptr) throw std::runtime_error("the host gave no scratch directory");
  return std::filesystem::path(host.scratch_dir) / kTableFile;
}

// Runs a program by argv and waits; throws StatusError unless it ran to exit status 0.
bl_spawn_result run_program(const bl_host& host, const std::vector<std::string>& args,
                            const char* cwd) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  bl_spawn req{};
  req.struct_size = sizeof req;
  req.argv = argv.data();
  req.cwd = cwd;
  bl_spawn_result res{};
  res.struct_size = sizeof res;
  const int32_t status = host.spawn(&host, &req, &res);
  if (status == BL_TIMEOUT) throw StatusError(BL_TIMEOUT, args.front() + " ran past its timeout");
  if (status == BL_CANCELLED) throw StatusError(BL_CANCELLED, args.front() + " was cancelled");
  if (status != BL_OK)
    throw StatusError(status, "could not start " + args.front() + " (see the log for why)");
  if (res.term_signal != 0)
    throw StatusError(BL_ERROR,
                      args.front() + " was killed by signal " + std::to_string(res.term_signal));
  if (res.exit_code != 0) {
    // HMMER puts its reason on stderr ("Error: ..."); show its last line.
    std::string_view err = text(res.err, res.err_size);
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.remove_suffix(1);
    const std::size_t line = err.rfind('\n');
    const std::string_view last = line == std::string_view::npos ? err : err.substr(line + 1);
    throw StatusError(BL_ERROR, args.front() + " exited with status " +
                                    std::to_string(res.exit_code) +
                                    (last.empty() ? "" : ": " + std::string(last)));
  }
  return res;
}

int32_t do_setup(const bl_host& host) {
  const unsigned threads = thread_option(host);
  const bl_spawn_result help_run = run_program(host, {"hmmsearch", "-h"}, nullptr);
  const SearchSummary help = parse_search_summary(text(help_run.out, help_run.out_size));
  const std::uint64_t start = host.now_ns(&host);
  host.progress(&host, -1, "preparing the search data (once per cache)");
  const Dataset dataset = prepare_dataset(
      cache(host), database_residues(host), [&host](const std::filesystem::path& dir) {
        const std::string cwd = dir.string();
        run_program(host, {"hmmbuild", "--amino", kModelFile, kAlignmentFile}, cwd.c_str());
      });
  char info[300];
  std::snprintf(info, sizeof info,
                "HMMER %s; %s dataset in %s (%zu sequences, %llu residues, %zu planted) in %.1f s; "
                "%u threads",
                help.version.empty() ? "version unknown" : help.version.c_str(),
                dataset.generated ? "generated" : "cached", dataset.dir.string().c_str(),
                dataset.summary.sequences,
                static_cast<unsigned long long>(dataset.summary.residues), dataset.summary.planted,
                static_cast<double>(host.now_ns(&host) - start) * 1e-9, threads);
  host.log(&host, BL_LOG_INFO, info);
  return BL_OK;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("hmmsearch wrote no " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

int32_t do_run(Instance& inst) {
  const bl_host& host = *inst.host;
  const std::uint64_t residues = database_residues(host);
  const std::filesystem::path dir = dataset_dir(cache(host), residues);
  if (!read_dataset(dir, residues))
    return fail(host, BL_ERROR,
                "the search data in " + dir.string() +
                    " is missing or incomplete; setup should have made it");
  // A table left by an earlier trial must not pass for this one's.
  const std::filesystem::path table = table_path(host);
  std::error_code ec;
  std::filesystem::remove(table, ec);

  const unsigned threads = thread_option(host);
  host.progress(&host, -1, "searching");
  const bl_spawn_result res = run_program(
      host,
      {"hmmsearch", "--cpu", std::to_string(threads), "--noali", "-E", kReportEvalue, "--tblout",
       table.string(), (dir / kModelFile).string(), (dir / kDatabaseFile).string()},
      nullptr);
  inst.wall_seconds = static_cast<double>(res.wall_ns) * 1e-9;
  const std::string joined = join_trial_output(text(res.out, res.out_size), read_file(table));
  host.append_output(&host, joined.data(), joined.size());
  if (host.report_metric(&host, "seconds", inst.wall_seconds) != BL_OK)
    return fail(host, BL_ERROR, "the host refused the metric seconds");
  return BL_OK;
}

int32_t do_parse(const Instance& inst, std::string_view output) {
  const bl_host& host = *inst.host;
  const TrialOutput parts = split_trial_output(output);
  if (!parts.has_table) return fail(host, BL_ERROR, "the trial's output has no hit table");
  if (const std::string wrong = check_hits(parse_tblout(parts.table)); !wrong.empty())
    return fail(host, BL_ERROR, wrong);

  const SearchSummary summary = parse_search_summary(parts.main_output);
  if (!summary.complete || summary.queries.size() != kFamilies)
    return fail(host, BL_ERROR,
                "hmmsearch's output is incomplete: " + std::to_string(summary.queries.size()) +
                    " of " + std::to_string(kFamilies) + " queries" +
                    (summary.complete ? "" : ", no closing [ok]"));
  const double throughput = summary.overall_mcells_per_second();
  const double elapsed = summary.total_elapsed_seconds();
  if (throughput <= 0 || elapsed < 0)
    return fail(host, BL_ERROR, "hmmsearch printed no Elapsed or Mc/sec line for some query");
  if (inst.wall_seconds > 0 &&
      elapsed > inst.wall_seconds * (1 + kClockSlackRatio) + kClockSlackPerQuery * kFamilies) {
    char why[200];
    std::snprintf(why, sizeof why,
                  "hmmsearch says its queries took %.2f s but the process took only %.3f s of "
                  "wall time; the clocks disagree",
                  elapsed, inst.wall_seconds);
    return fail(host, BL_ERROR, why);
  }
  if (host.report_metric(&host, "mcells_per_s", throughput) != BL_OK)
    return fail(host, BL_ERROR, "the host refused the metric mcells_per_s");
  return BL_OK;
}

// Runs `body` and turns whatever it throws into a status and an error text.
template <typename Body>
int32_t guarded(const bl_host& host, Body&& body) noexcept {
  try {
    return body();
  } catch (const StatusError& e) {
    return fail(host, e.status(), e.what());
  } catch (const std::bad_alloc&) {
    return fail(host, BL_NO_MEMORY, "out of memory in the hmmsearch workload");
  } catch (const std::exception& e) {
    return fail(host, BL_ERROR, e.what());
  } catch (...) {
    return fail(host, BL_ERROR, "unknown failure in the hmmsearch workload");
  }
}

int32_t create(const bl_host* host, void** out_instance) noexcept {
  if (out_instance != nullptr) *out_instance = nullptr;
  if (host == nullptr || out_instance == nullptr) return BL_INVALID_ARGUMENT;
  if (host->struct_size < kHostSizeNeeded) return BL_UNSUPPORTED;  // cannot even set_error
  return guarded(*host, [&] {
    *out_instance = std::make_unique<Instance>(Instance{host}).release();
    return BL_OK;
  });
}

void destroy(void* instance) noexcept {
  // Takes back the ownership handed out by create(); destroy(NULL) is a no-op.
  const std::unique_ptr<Instance> owned(static_cast<Instance*>(instance));
}

int32_t setup(void* instance) noexcept {
  const bl_host& host = *static_cast<Instance*>(instance)->host;
  return guarded(host, [&] { return do_setup(host); });
}

int32_t run(void* instance) noexcept {
  auto& inst = *static_cast<Instance*>(instance);
  return guarded(*inst.host, [&] { return do_run(inst); });
}

int32_t parse(void* instance, const char* output, size_t size) noexcept {
  const auto& inst = *static_cast<Instance*>(instance);
  return guarded(*inst.host, [&] { return do_parse(inst, text(output, size)); });
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
    create,
    destroy,
    setup,
    run,
    parse,
    nullptr,
};

const bl_plugin kPlugin{
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "hmmsearch",
    kPluginVersion,
    "HMMER hmmsearch of 8 generated protein-family profiles against a generated protein "
    "database with 96 planted homologs, all of which must be found",
    "benchlab",
    &kWorkload,
    nullptr,
    nullptr,
};

}  // namespace
}  // namespace hmmsearch_workload

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  const bool speaks_ours = host_abi_major_min <= BL_ABI_MAJOR && BL_ABI_MAJOR <= host_abi_major_max;
  return speaks_ours ? &hmmsearch_workload::kPlugin : nullptr;
}
