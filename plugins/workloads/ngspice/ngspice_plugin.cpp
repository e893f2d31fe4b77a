// SPDX-License-Identifier: MIT
// The ngspice workload plugin: the ABI glue that writes a generated circuit, runs
// `ngspice -b` on it through host->spawn, times it, and fails the trial unless every
// measured output of the circuit is at the right logic level. Every entry point runs
// inside sdk::guarded: failures reach the host as a status plus host->set_error().
#include <array>
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchmark_circuits.hpp"
#include "cmos_library.hpp"
#include "level_check.hpp"
#include "ngspice_output.hpp"

namespace ngspice_workload {
namespace {

namespace sdk = benchlab::sdk;
namespace common = benchlab::common;
using sdk::failure;

constexpr const char* kPluginVersion = "1.0.0";
constexpr char kInstallHint[] = "apt-get install ngspice";

constexpr std::array<const char*, 3> kCircuitValues{kCircuitNames[0], kCircuitNames[1], nullptr};

const std::array kOptions{
    bl_option_desc{sizeof(bl_option_desc), "circuit", BL_OPTION_ENUM, 0, "adder",
                   kCircuitValues.data(), 0, 0,
                   "which generated circuit to simulate: adder (32-bit ripple-carry) or "
                   "multiplier (8x8 array)"},
    bl_option_desc{sizeof(bl_option_desc), "threads", BL_OPTION_INT, 0, "0", nullptr, 0, 4096,
                   "ngspice's OpenMP threads for device evaluation (num_threads); 0: one per "
                   "online CPU"},
};

constexpr std::array kMetrics{
    bl_metric_desc{sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
                   "wall time of the ngspice process, start to exit"},
    bl_metric_desc{sizeof(bl_metric_desc), "analysis_seconds", "s", BL_LOWER_IS_BETTER,
                   "ngspice's own 'Total analysis time' (.options acct)"},
};

constexpr std::array kRequirements{
    bl_requirement{sizeof(bl_requirement), BL_REQ_PROGRAM, "ngspice", 0, kInstallHint},
};

// The host functions this plugin calls, up to the error output of ABI 1.1; a shorter host
// table is refused.
constexpr std::size_t kHostSizeNeeded = sdk::host_size_1_1;

// ngspice's elapsed time may exceed the process's wall time only by clock granularity.
constexpr double kClockSlackSeconds = 0.05;
constexpr double kClockSlackRatio = 0.02;

struct Instance {
  const bl_host* host;
  double wall_seconds = 0;  // of the run() in this phase, for parse()'s cross-check
};

constexpr sdk::option_texts kThreadTexts{
    .invalid =
        "option {name} = '{value}': expected a whole number from {min} to {max} (0: one "
        "per online CPU)"};

// The circuit the option names, generated; an unknown name is an invalid option.
BenchCircuit circuit_option(const bl_host* host) {
  try {
    return make_benchmark_circuit(sdk::option_string(host, "circuit"));
  } catch (const std::invalid_argument& e) {
    throw sdk::invalid_option(e.what());
  }
}

unsigned thread_option(const bl_host* host) {
  const auto threads = sdk::option_int(host, "threads", 0, 4096, kThreadTexts);
  if (threads == 0) return host->cpu_count > 0 ? host->cpu_count : 1;
  return static_cast<unsigned>(threads);
}

std::filesystem::path scratch(const bl_host* host) {
  if (host->scratch_dir == nullptr) throw std::runtime_error("the host gave no scratch directory");
  return host->scratch_dir;
}

std::filesystem::path deck_path(const bl_host* host, const std::string& circuit) {
  return scratch(host) / (circuit + ".cir");
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file)
    throw std::runtime_error("cannot write " + path.string() +
                             "; check free space and permissions of the scratch directory");
}

constexpr sdk::spawn_texts kSpawnTexts{
    .not_started = "cannot start '{program}': is it installed and on PATH? ({hint})",
    .hint = kInstallHint,
};

// Runs ngspice with the scratch directory as its working directory; throws failure unless
// it was started and waited for. The exit status is the caller's.
sdk::spawn_result spawn_ngspice(const bl_host* host, std::vector<std::string> args) {
  args.insert(args.begin(), "ngspice");
  return sdk::spawn_checked(host, {.argv = std::move(args)}, kSpawnTexts);
}

// The first line of `ngspice -v` worth showing ("** ngspice-39 : Circuit level ...").
std::string version_line(std::string_view out) {
  const std::size_t at = out.find("ngspice-");
  if (at == std::string_view::npos) return "unknown version";
  const std::size_t end = out.find('\n', at);
  return std::string(out.substr(at, end == std::string_view::npos ? end : end - at));
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the ngspice workload",
    .unknown = "unknown failure in the ngspice workload",
};

using Entry = sdk::entry_points<Instance, kGuard, kHostSizeNeeded>;

int32_t setup(const bl_host* host) {
  const BenchCircuit circuit = circuit_option(host);
  const unsigned threads = thread_option(host);
  write_file(deck_path(host, circuit.name), circuit.deck);
  // ngspice reads .spiceinit from its working directory before any in $HOME, and takes
  // its OpenMP thread count from the num_threads variable (its own default is 2; it does
  // not look at OMP_NUM_THREADS).
  write_file(scratch(host) / ".spiceinit",
             "* written by the benchlab ngspice workload\nset num_threads=" +
                 std::to_string(threads) + "\n");

  const sdk::spawn_result version = spawn_ngspice(host, {"-v"});
  const std::string info = version_line(version.out) + "; circuit " + circuit.description + "; " +
                           std::to_string(threads) + " threads";
  host->log(host, BL_LOG_INFO, info.c_str());
  // "ngspice-39": the result records which ngspice simulated.
  if (const std::string release = common::first_matching_line(version.out, R"(ngspice-(\S+))");
      !release.empty())
    common::report_program(host, "ngspice", release, common::find_on_path("ngspice"));
  return BL_OK;
}

int32_t run(Instance& inst) {
  const bl_host* host = inst.host;
  const std::string circuit = sdk::option_string(host, "circuit");
  const std::filesystem::path deck = deck_path(host, circuit);
  std::error_code ec;
  if (!std::filesystem::exists(deck, ec))
    throw failure(BL_ERROR, "the circuit file " + deck.string() + " written by setup is gone");
  host->progress(host, -1, ("simulating " + circuit).c_str());

  const std::string deck_name = deck.filename().string();
  const sdk::spawn_result res = spawn_ngspice(host, {"-b", deck_name});
  // stdout is the trial's output, stderr without its progress counter its error output.
  const std::string err = strip_progress(res.err);
  sdk::append_output(host, res.out);
  sdk::append_error_output(host, err);
  if (res.term_signal != 0)
    throw failure(BL_ERROR, "ngspice was killed by signal " + std::to_string(res.term_signal));
  if (res.exit_code != 0) {
    const NgspiceOutput parsed = parse_ngspice_output(res.out, err);
    const std::string why =
        parsed.errors.empty() ? "see the trial's output" : parsed.errors.front();
    throw failure(BL_ERROR, "ngspice -b " + deck_name + " exited with status " +
                                std::to_string(res.exit_code) + ": " + why);
  }
  inst.wall_seconds = static_cast<double>(res.wall_ns) * 1e-9;
  sdk::report_metric(host, "seconds", inst.wall_seconds);
  return BL_OK;
}

int32_t parse(Instance& inst, std::string_view out, std::string_view err) {
  const bl_host* host = inst.host;
  const NgspiceOutput parsed = parse_ngspice_output(out, err);
  if (!parsed.errors.empty())
    throw failure(BL_ERROR, "ngspice reported an error: " + parsed.errors.front());

  const BenchCircuit circuit = circuit_option(host);
  if (const std::string wrong = check_levels(circuit.checks, parsed.measures, kSupplyVolts);
      !wrong.empty())
    throw failure(BL_ERROR, "the " + circuit.name + " circuit computed wrong results: " + wrong);

  const auto elapsed = parsed.stat(kElapsedLabel);
  const auto analysis = parsed.stat(kAnalysisLabel);
  if (!elapsed || !analysis)
    throw failure(BL_ERROR, std::string("ngspice printed no '") +
                                (elapsed ? kAnalysisLabel : kElapsedLabel) +
                                "' line; the deck asks for it with .options acct");
  if (inst.wall_seconds > 0 &&
      *elapsed > inst.wall_seconds * (1 + kClockSlackRatio) + kClockSlackSeconds) {
    char why[200];
    std::snprintf(why, sizeof why,
                  "ngspice says it ran %.3f s but the process took only %.3f s of wall time; "
                  "the clocks disagree",
                  *elapsed, inst.wall_seconds);
    throw failure(BL_ERROR, why);
  }
  sdk::report_metric(host, "analysis_seconds", *analysis);
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
    nullptr,  // parse: parse_streams instead, with stdout and stderr apart (ABI 1.1)
    nullptr,
    Entry::parse_streams<parse>,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "ngspice", kPluginVersion,
    "ngspice batch transient simulation of a generated transistor-level CMOS circuit, outputs "
    "checked against the arithmetic",
    "benchlab", kWorkload);

}  // namespace
}  // namespace ngspice_workload

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(ngspice_workload::kPlugin, host_abi_major_min, host_abi_major_max);
}
