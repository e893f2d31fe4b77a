// The ngspice workload plugin: the ABI glue that writes a generated circuit, runs
// `ngspice -b` on it through host->spawn, times it, and fails the trial unless every
// measured output of the circuit is at the right logic level. Every entry point catches
// everything; failures reach the host as a status plus host->set_error().
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
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "benchmark_circuits.hpp"
#include "cmos_library.hpp"
#include "level_check.hpp"
#include "ngspice_output.hpp"

namespace ngspice_workload {
namespace {

constexpr const char* kPluginVersion = "1.0.0";

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
    bl_requirement{sizeof(bl_requirement), BL_REQ_PROGRAM, "ngspice", 0, "apt-get install ngspice"},
};

// The host functions this plugin calls; a shorter host table is refused.
constexpr std::size_t kHostSizeNeeded = offsetof(bl_host, now_ns) + sizeof(bl_host::now_ns);

// ngspice's elapsed time may exceed the process's wall time only by clock granularity.
constexpr double kClockSlackSeconds = 0.05;
constexpr double kClockSlackRatio = 0.02;

struct Instance {
  const bl_host* host;
  double wall_seconds = 0;  // of the run() in this phase, for parse()'s cross-check
};

int32_t fail(const bl_host& host, int32_t status, const std::string& message) {
  host.set_error(&host, message.c_str());
  return status;
}

std::string circuit_option(const bl_host& host) {
  const char* value = host.option(&host, "circuit");
  return value != nullptr ? value : "adder";
}

unsigned thread_option(const bl_host& host) {
  const char* text = host.option(&host, "threads");
  const std::string value = text != nullptr ? text : "0";
  std::size_t used = 0;
  long long threads = -1;
  try {
    threads = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || threads < 0 || threads > 4096)
    throw std::invalid_argument(
        "option threads = '" + value +
        "': expected a whole number from 0 to 4096 (0: one per online CPU)");
  if (threads == 0) return host.cpu_count > 0 ? host.cpu_count : 1;
  return static_cast<unsigned>(threads);
}

std::filesystem::path scratch(const bl_host& host) {
  if (host.scratch_dir == nullptr) throw std::runtime_error("the host gave no scratch directory");
  return host.scratch_dir;
}

std::filesystem::path deck_path(const bl_host& host, const std::string& circuit) {
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

// Spawns a program by argv with the scratch directory as its working directory.
int32_t spawn(const bl_host& host, std::initializer_list<const char*> args, uint32_t flags,
              bl_spawn_result& res) {
  std::vector<const char*> argv(args);
  argv.push_back(nullptr);
  bl_spawn req{};
  req.struct_size = sizeof req;
  req.argv = argv.data();
  req.flags = flags;
  res = bl_spawn_result{};
  res.struct_size = sizeof res;
  return host.spawn(&host, &req, &res);
}

std::string_view text(const char* data, std::size_t size) {
  return data != nullptr ? std::string_view(data, size) : std::string_view();
}

// The first line of `ngspice -v` worth showing ("** ngspice-39 : Circuit level ...").
std::string version_line(std::string_view out) {
  const std::size_t at = out.find("ngspice-");
  if (at == std::string_view::npos) return "unknown version";
  const std::size_t end = out.find('\n', at);
  return std::string(out.substr(at, end == std::string_view::npos ? end : end - at));
}

int32_t do_setup(const bl_host& host) {
  const BenchCircuit circuit = make_benchmark_circuit(circuit_option(host));
  const unsigned threads = thread_option(host);
  write_file(deck_path(host, circuit.name), circuit.deck);
  // ngspice reads .spiceinit from its working directory before any in $HOME, and takes
  // its OpenMP thread count from the num_threads variable (its own default is 2; it does
  // not look at OMP_NUM_THREADS).
  write_file(scratch(host) / ".spiceinit",
             "* written by the benchlab ngspice workload\nset num_threads=" +
                 std::to_string(threads) + "\n");

  bl_spawn_result res;
  if (const int32_t s = spawn(host, {"ngspice", "-v"}, 0, res); s != BL_OK) return s;
  const std::string info = version_line(text(res.out, res.out_size)) + "; circuit " +
                           circuit.description + "; " + std::to_string(threads) + " threads";
  host.log(&host, BL_LOG_INFO, info.c_str());
  return BL_OK;
}

int32_t do_run(Instance& inst) {
  const bl_host& host = *inst.host;
  const std::string circuit = circuit_option(host);
  const std::filesystem::path deck = deck_path(host, circuit);
  std::error_code ec;
  if (!std::filesystem::exists(deck, ec))
    return fail(host, BL_ERROR, "the circuit file " + deck.string() + " written by setup is gone");
  host.progress(&host, -1, ("simulating " + circuit).c_str());

  bl_spawn_result res;
  const std::string deck_name = deck.filename().string();
  const int32_t status = spawn(host, {"ngspice", "-b", deck_name.c_str()}, 0, res);
  if (status == BL_TIMEOUT) return fail(host, BL_TIMEOUT, "ngspice ran past its timeout");
  if (status != BL_OK) return status;  // the host has said why (not started, cancelled)

  const std::string_view out = text(res.out, res.out_size);
  const std::string err = strip_progress(text(res.err, res.err_size));
  const std::string joined = join_streams(out, err);
  host.append_output(&host, joined.data(), joined.size());
  if (res.term_signal != 0)
    return fail(host, BL_ERROR, "ngspice was killed by signal " + std::to_string(res.term_signal));
  if (res.exit_code != 0) {
    const NgspiceOutput parsed = parse_ngspice_output(out, err);
    const std::string why =
        parsed.errors.empty() ? "see the trial's output" : parsed.errors.front();
    return fail(host, BL_ERROR,
                "ngspice -b " + deck_name + " exited with status " + std::to_string(res.exit_code) +
                    ": " + why);
  }
  inst.wall_seconds = static_cast<double>(res.wall_ns) * 1e-9;
  if (host.report_metric(&host, "seconds", inst.wall_seconds) != BL_OK)
    return fail(host, BL_ERROR, "the host refused the metric seconds");
  return BL_OK;
}

int32_t do_parse(const Instance& inst, std::string_view output) {
  const bl_host& host = *inst.host;
  const Streams streams = split_streams(output);
  const NgspiceOutput parsed = parse_ngspice_output(streams.out, streams.err);
  if (!parsed.errors.empty())
    return fail(host, BL_ERROR, "ngspice reported an error: " + parsed.errors.front());

  const BenchCircuit circuit = make_benchmark_circuit(circuit_option(host));
  if (const std::string wrong = check_levels(circuit.checks, parsed.measures, kSupplyVolts);
      !wrong.empty())
    return fail(host, BL_ERROR,
                "the " + circuit.name + " circuit computed wrong results: " + wrong);

  const auto elapsed = parsed.stat(kElapsedLabel);
  const auto analysis = parsed.stat(kAnalysisLabel);
  if (!elapsed || !analysis)
    return fail(host, BL_ERROR,
                std::string("ngspice printed no '") + (elapsed ? kAnalysisLabel : kElapsedLabel) +
                    "' line; the deck asks for it with .options acct");
  if (inst.wall_seconds > 0 &&
      *elapsed > inst.wall_seconds * (1 + kClockSlackRatio) + kClockSlackSeconds) {
    char why[200];
    std::snprintf(why, sizeof why,
                  "ngspice says it ran %.3f s but the process took only %.3f s of wall time; "
                  "the clocks disagree",
                  *elapsed, inst.wall_seconds);
    return fail(host, BL_ERROR, why);
  }
  if (host.report_metric(&host, "analysis_seconds", *analysis) != BL_OK)
    return fail(host, BL_ERROR, "the host refused the metric analysis_seconds");
  return BL_OK;
}

// Runs `body` and turns whatever it throws into a status and an error text.
template <typename Body>
int32_t guarded(const bl_host& host, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::invalid_argument& e) {
    // Only option values (threads, an unknown circuit) are thrown as invalid_argument.
    return fail(host, BL_INVALID_ARGUMENT, e.what());
  } catch (const std::bad_alloc&) {
    return fail(host, BL_NO_MEMORY, "out of memory in the ngspice workload");
  } catch (const std::exception& e) {
    return fail(host, BL_ERROR, e.what());
  } catch (...) {
    return fail(host, BL_ERROR, "unknown failure in the ngspice workload");
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
    "ngspice",
    kPluginVersion,
    "ngspice batch transient simulation of a generated transistor-level CMOS circuit, outputs "
    "checked against the arithmetic",
    "benchlab",
    &kWorkload,
    nullptr,
    nullptr,
};

}  // namespace
}  // namespace ngspice_workload

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  const bool speaks_ours = host_abi_major_min <= BL_ABI_MAJOR && BL_ABI_MAJOR <= host_abi_major_max;
  return speaks_ours ? &ngspice_workload::kPlugin : nullptr;
}
