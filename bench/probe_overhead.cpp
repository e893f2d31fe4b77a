// SPDX-License-Identifier: MIT
// probe_overhead: what sampling costs the machine under test, and how fast samples go
// into the store. A benchmark, not a test: it prints figures measured side by side.
//
//  1. Every probe plugin of the build that opens on this machine, and the sysfs probes
//     again over each fixture tree, sampled at 10 Hz (or --interval-ms) for 30 s (or
//     --seconds), each in its own sampler worker as in a run; prints each sampler's CPU
//     time as a share of one core, and their sum.
//  2. The same number of rows through SampleWriter into a fresh store, beside Python's
//     sqlite3.executemany of the same rows into the same schema in one transaction.
//
//   probe_overhead [--seconds S] [--interval-ms MS] [--rows N]
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_context.h"
#include "catalog.h"
#include "sample_writer.h"
#include "sampler.h"
#include "store.h"
#include "subprocess.h"

namespace fs = std::filesystem;
using namespace benchlab;

namespace {

struct Sampled {
  std::string label;
  std::unique_ptr<ProbeSampler> sampler;
};

// Rows of `channels` channels at 10 Hz, values a smooth curve: what probes deliver.
std::vector<SampleRow> make_rows(std::size_t rows, std::size_t channels) {
  std::vector<SampleRow> out(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    out[i].t_ns = 1'000'000'000ull + i * 100'000'000ull;
    out[i].values.resize(channels);
    for (std::size_t c = 0; c < channels; ++c)
      out[i].values[c] = 40.0 + 10.0 * std::sin(double(i) * 0.01 + double(c));
  }
  return out;
}

double python_executemany(const std::string& db, std::size_t rows, std::size_t channels,
                          std::int64_t first_channel_id) {
  // The same schema (a copy of a fresh benchlab store, foreign keys on, WAL, synchronous
  // NORMAL) and the same rows, generated in Python before the clock starts.
  const std::string script = fmt::format(R"py(
import math, sqlite3, time
con = sqlite3.connect('{db}', isolation_level=None)
con.execute("PRAGMA foreign_keys = ON"); con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
rows = [({first} + c, 1000000000 + i * 100000000, 40.0 + 10.0 * math.sin(i * 0.01 + c))
        for i in range({rows}) for c in range({channels})]
t = time.perf_counter()
con.execute("BEGIN")
con.executemany("INSERT INTO samples(channel_id, t_ns, value) VALUES (?, ?, ?)", rows)
con.execute("COMMIT")
print(time.perf_counter() - t)
)py",
                                         fmt::arg("db", db), fmt::arg("first", first_channel_id),
                                         fmt::arg("rows", rows), fmt::arg("channels", channels));
  SpawnSpec spec;
  spec.argv = {"python3", "-c", script};
  std::string out;
  try {
    ExitInfo e = run_process(
        spec, [&](std::string_view s) { out += s; }, [](std::string_view) {});
    if (e.exit_code != 0) return NAN;
  } catch (const SpawnError&) {
    return NAN;
  }
  return std::strtod(out.c_str(), nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 30;
  unsigned interval_ms = 100;
  std::size_t rows = 50'000;
  CLI::App app{"probe_overhead: the sampler's CPU share and the sample ingest rate"};
  app.add_option("--seconds", seconds, "How long to sample");
  app.add_option("--interval-ms", interval_ms, "Sampling interval");
  app.add_option("--rows", rows, "Rows (of 8 channels) for the ingest comparison");
  CLI11_PARSE(app, argc, argv);

  SearchPaths paths = make_search_paths({BENCH_PROBE_DIR}, {}, BENCH_WORKER, false);
  Catalog catalog = discover(paths, [](const std::string&) {});
  std::vector<Sampled> sampled;
  auto start = [&](const PluginInfo& p, const std::string& sysroot, const std::string& label) {
    ProbeSettings s;
    s.sysroot = sysroot;
    s.interval = std::chrono::milliseconds(interval_ms);
    ProbeCallbacks cb;
    cb.on_samples = [](const std::vector<SampleRow>&) {};
    cb.on_stopped = [label](const std::string& why) { fmt::print("  {}: {}\n", label, why); };
    try {
      sampled.push_back(
          Sampled{label, std::make_unique<ProbeSampler>(BENCH_WORKER, p, s, std::move(cb))});
    } catch (const ProbeUnavailable& e) {
      fmt::print("  {:<28} unavailable: {}\n", label, e.reason());
    }
  };
  fmt::print("Sampling at {} ms for {:.0f} s:\n", interval_ms, seconds);
  for (const auto& p : catalog.plugins) {
    if (p.kind != BL_KIND_PROBE) continue;
    start(p, "/", p.id + " (this machine)");
    // The fixture trees made for this probe (rapl-*, hwmon-*, cpufreq-*, memory).
    for (const auto& fixture : fs::directory_iterator(BENCH_SYSFS_FIXTURES)) {
      const std::string name = fixture.path().filename().string();
      if (name.rfind(p.id, 0) == 0 && name != "rapl-unreadable")
        start(p, fixture.path().string(), fmt::format("{} ({})", p.id, name));
    }
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  double total_cpu = 0;
  std::uint64_t total_samples = 0, total_skipped = 0;
  for (auto& s : sampled) {
    s.sampler->stop();
    const double share = double(s.sampler->cpu_ns()) / (seconds * 1e9);
    total_cpu += share;
    total_samples += s.sampler->samples();
    total_skipped += s.sampler->skipped();
    fmt::print("  {:<28} {:>6} samples {:>4} skipped  CPU {:.3f}% of one core\n", s.label,
               s.sampler->samples(), s.sampler->skipped(), 100 * share);
  }
  fmt::print("All {} samplers together: {:.3f}% of one core ({} samples, {} skipped)\n",
             sampled.size(), 100 * total_cpu, total_samples, total_skipped);
  if (!sampled.empty())
    fmt::print("Per sampler: {:.3f}% of one core (target: under 0.5%)\n\n",
               100 * total_cpu / double(sampled.size()));

  // Ingest: SampleWriter beside Python's executemany, same schema, same rows.
  constexpr std::size_t kChannels = 8;
  bench::TempStore tmp("probe-overhead");
  std::vector<ChannelInfo> chans(kChannels);
  for (std::size_t c = 0; c < kChannels; ++c) {
    chans[c].probe = "bench";
    chans[c].id = fmt::format("ch{}", c);
    chans[c].quantity = BL_QUANTITY_POWER;
    chans[c].domain = BL_DOMAIN_OTHER;
  }
  std::int64_t first_id = 0;
  for (const char* name : {"ours.db", "python.db"}) {
    Store st(tmp.file(name));
    const auto sys = st.upsert_system("bench", "{}");
    const auto run = st.create_run(sys, "bench", "{}", "{}", "0");
    first_id = st.add_channels(run, chans).front();
  }
  auto ids = std::make_shared<const std::vector<std::int64_t>>([&] {
    std::vector<std::int64_t> v;
    for (std::size_t c = 0; c < kChannels; ++c) v.push_back(first_id + std::int64_t(c));
    return v;
  }());
  auto data = make_rows(rows, kChannels);
  double ours = 0;
  {
    SampleWriter w(tmp.file("ours.db"), [](const std::string& e) { fmt::print("{}\n", e); });
    const auto t0 = monotonic_ns();
    // As samplers deliver them: batches of 10 rows (one second of one probe at 10 Hz).
    for (std::size_t i = 0; i < data.size(); i += 10)
      w.add(ids,
            std::vector<SampleRow>(data.begin() + std::ptrdiff_t(i),
                                   data.begin() + std::ptrdiff_t(std::min(i + 10, data.size()))));
    w.flush();
    ours = double(monotonic_ns() - t0) / 1e9;
    fmt::print("SampleWriter: {} values in {:.3f} s ({} transactions): {:.0f} values/s\n",
               rows * kChannels, ours, w.batches(), double(rows * kChannels) / ours);
  }
  const double py = python_executemany(tmp.file("python.db"), rows, kChannels, first_id);
  if (std::isnan(py)) {
    fmt::print("python3 sqlite3: not available (apt-get install -y python3)\n");
    return 0;
  }
  fmt::print("python3 sqlite3.executemany, one transaction: {:.3f} s: {:.0f} values/s\n", py,
             double(rows * kChannels) / py);
  fmt::print("Ingest rate, SampleWriter / Python executemany: {:.2f}x (target: at least 1.5x)\n",
             py / ours);
  return 0;
}
