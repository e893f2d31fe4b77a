// SPDX-License-Identifier: MIT
// membw_vs_peers: membw's Copy beside mbw (glibc memcpy) and sysbench memory, on the same
// array size and thread counts, in one run, trials interleaved so that drift in machine
// load hits every tool alike. Prints raw peer figures, the same figures converted to
// STREAM's counting (bytes read + written, 10^6 B/s), and membw's Copy as a ratio of the
// best peer. A benchmark, not a test: it prints, it does not judge.
//
// Needs: apt-get install -y mbw sysbench (a missing peer is reported and skipped).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/process.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "membw/bandwidth_run.hpp"
#include "membw/cache_size.hpp"
#include "membw/cpu_affinity.hpp"

namespace bp = boost::process;

namespace {

constexpr double mb_per_mib = 1.048576;  // 2^20 / 10^6

struct series {
  std::vector<double> values;
  double median() const {
    if (values.empty()) return NAN;
    std::vector<double> v = values;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  double cov() const {  // sample standard deviation over mean
    if (values.size() < 2) return NAN;
    double mean = 0;
    for (double x : values) mean += x;
    mean /= static_cast<double>(values.size());
    double ss = 0;
    for (double x : values) ss += (x - mean) * (x - mean);
    return std::sqrt(ss / static_cast<double>(values.size() - 1)) / mean;
  }
};

// Runs a program (argv only) and returns its stdout, or nullopt when it cannot be found,
// started, or exits non-zero.
std::optional<std::string> run_program(const std::vector<std::string>& argv) {
  const auto exe = bp::search_path(argv.front());
  if (exe.empty()) return {};
  try {
    bp::ipstream out;
    bp::child child(exe, std::vector<std::string>(argv.begin() + 1, argv.end()), bp::std_out > out,
                    bp::std_err > bp::null);
    std::string text, line;
    while (std::getline(out, line)) text += line + "\n";
    child.wait();
    if (child.exit_code() != 0) return {};
    return text;
  } catch (const std::exception&) {
    return {};
  }
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string load_average() {
  double load[3] = {NAN, NAN, NAN};
  if (getloadavg(load, 3) != 3) return "unknown";
  char text[64];
  std::snprintf(text, sizeof text, "%.2f %.2f %.2f", load[0], load[1], load[2]);
  return text;
}

// membw's Copy, best pass of one trial, in MB/s.
double membw_copy(std::size_t elements, unsigned threads, unsigned passes,
                  membw::store_kind stores) {
  membw::run_config config;
  config.elements = elements;
  config.threads = threads;
  config.passes = passes;
  config.kernels = {membw::kernel::copy};
  config.stores = stores;
  membw::run_observer observer;
  const auto r = membw::run_bandwidth(config, observer);
  if (r.check.mismatches != 0 || r.check.checked != elements) {
    std::fprintf(stderr, "membw: verification failed, %zu wrong\n", r.check.mismatches);
    std::exit(1);
  }
  return membw::mb_per_s(membw::kernel::copy, elements, r.timings.front().best_seconds());
}

// mbw -t0 (MEMCPY): the best of its `passes` iterations, in its own unit (MiB copied/s).
std::optional<double> mbw_copy_mib_s(unsigned size_mib, unsigned passes) {
  const auto out =
      run_program({"mbw", "-q", "-n", std::to_string(passes), "-t0", std::to_string(size_mib)});
  if (!out) return {};
  // "0	Method: MEMCPY	Elapsed: 0.01141	MiB: 256.00000	Copy: 22436.330 MiB/s"
  static const std::regex line(R"(^\d+\s+Method: MEMCPY.*Copy:\s*([0-9.]+) MiB/s)");
  std::optional<double> best;
  std::istringstream lines(*out);
  std::string l;
  std::smatch m;
  while (std::getline(lines, l)) {
    if (std::regex_search(l, m, line)) best = std::max(best.value_or(0.0), std::stod(m[1]));
  }
  return best;
}

// sysbench memory, sequential, one local block of size/threads per thread: MiB/sec as it
// prints it (bytes read, or written, counted once).
std::optional<double> sysbench_mib_s(const char* oper, unsigned size_mib, unsigned threads,
                                     unsigned passes) {
  const unsigned block_kib = size_mib * 1024 / threads;
  const auto out = run_program(
      {"sysbench", "memory", "--memory-oper=" + std::string(oper), "--memory-access-mode=seq",
       "--memory-scope=local", "--memory-block-size=" + std::to_string(block_kib) + "K",
       "--memory-total-size=" + std::to_string(4 * passes * size_mib) + "M",
       "--threads=" + std::to_string(threads), "--time=0", "run"});
  if (!out) return {};
  static const std::regex rate(R"(MiB transferred \(([0-9.]+) MiB/sec\))");
  std::smatch m;
  if (!std::regex_search(*out, m, rate)) return {};
  return std::stod(m[1]);
}

void row(const char* tool, unsigned threads, const char* what, const std::string& raw,
         double stream_mb_s, const std::string& note = "") {
  std::printf("%-9s %7u  %-38s %20s %14.0f  %s\n", tool, threads, what, raw.c_str(), stream_mb_s,
              note.c_str());
}

std::string mib(double v) {
  char text[48];
  std::snprintf(text, sizeof text, "%.0f MiB/s", v);
  return text;
}

std::string pct(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "CoV %.1f%%", 100 * v);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"membw Copy beside mbw and sysbench memory, same size and threads"};
  unsigned size_mib = 0, threads = 0, trials = 5, passes = 5;
  app.add_option("--size-mb", size_mib, "MiB per array (0: membw's automatic size)");
  app.add_option("--threads", threads, "threads of the all-threads rows (0: every allowed CPU)");
  app.add_option("--trials", trials, "trials per configuration (median reported)")
      ->check(CLI::Range(1u, 100u));
  app.add_option("--passes", passes, "passes per trial (best pass kept, as membw does)")
      ->check(CLI::Range(1u, 1000u));
  CLI11_PARSE(app, argc, argv);

  const auto llc = membw::read_last_level_cache("/sys/devices/system/cpu");
  if (size_mib == 0) size_mib = static_cast<unsigned>(membw::auto_array_bytes(llc) >> 20);
  if (threads == 0)
    threads = static_cast<unsigned>(std::max<std::size_t>(membw::allowed_cpus().size(), 1));
  const std::size_t elements = std::size_t{size_mib} << 20 >> 3;

  std::printf("membw_vs_peers: %s, %u CPUs allowed, L%u %u x %llu KiB\n", cpu_model().c_str(),
              static_cast<unsigned>(membw::allowed_cpus().size()), llc.level, llc.instances,
              static_cast<unsigned long long>(llc.bytes >> 10));
  std::printf(
      "arrays of %u MiB, threads 1 and %u, %u trials of %u passes; load average before: %s\n\n",
      size_mib, threads, trials, passes, load_average().c_str());
  std::fflush(stdout);  // the header before the progress lines on stderr

  std::vector<unsigned> thread_counts{1};
  if (threads > 1) thread_counts.push_back(threads);
  struct ours {
    series streaming, regular;
  };
  std::vector<ours> membw_rows(thread_counts.size());
  series mbw_best;
  std::vector<series> sb_read(thread_counts.size()), sb_write(thread_counts.size());
  bool have_mbw = true, have_sysbench = true;

  for (unsigned trial = 0; trial < trials; ++trial) {
    std::fprintf(stderr, "trial %u/%u\n", trial + 1, trials);
    for (std::size_t i = 0; i < thread_counts.size(); ++i) {
      membw_rows[i].streaming.values.push_back(
          membw_copy(elements, thread_counts[i], passes, membw::store_kind::streaming));
      membw_rows[i].regular.values.push_back(
          membw_copy(elements, thread_counts[i], passes, membw::store_kind::regular));
      if (have_sysbench) {
        const auto r = sysbench_mib_s("read", size_mib, thread_counts[i], passes);
        const auto w = sysbench_mib_s("write", size_mib, thread_counts[i], passes);
        have_sysbench = r && w;
        if (have_sysbench) {
          sb_read[i].values.push_back(*r);
          sb_write[i].values.push_back(*w);
        }
      }
    }
    if (have_mbw) {
      const auto m = mbw_copy_mib_s(size_mib, passes);
      have_mbw = m.has_value();
      if (have_mbw) mbw_best.values.push_back(*m);
    }
  }

  std::printf("%-9s %7s  %-38s %20s %14s\n", "tool", "threads", "what (median of trials)",
              "raw (tool's unit)", "STREAM MB/s");
  std::vector<double> best_peer(thread_counts.size(), 0.0);
  for (std::size_t i = 0; i < thread_counts.size(); ++i) {
    const unsigned t = thread_counts[i];
    row("membw", t, "copy c=a, streaming stores (default)", "-", membw_rows[i].streaming.median(),
        pct(membw_rows[i].streaming.cov()));
    row("membw", t, "copy c=a, regular stores", "-", membw_rows[i].regular.median(),
        pct(membw_rows[i].regular.cov()));
    if (t == 1) {
      if (have_mbw) {
        // mbw counts each copied byte once, in MiB: x2 for read + write, MiB -> MB.
        const double converted = mbw_best.median() * 2 * mb_per_mib;
        row("mbw", 1, "-t0 MEMCPY, best of -n passes", mib(mbw_best.median()), converted,
            pct(mbw_best.cov()));
        best_peer[i] = std::max(best_peer[i], converted);
      } else {
        std::printf("%-9s %7u  not found: apt-get install -y mbw\n", "mbw", 1u);
      }
    }
    if (have_sysbench) {
      const double r = sb_read[i].median(), w = sb_write[i].median();
      row("sysbench", t, "memory seq read", mib(r), r * mb_per_mib, pct(sb_read[i].cov()));
      row("sysbench", t, "memory seq write", mib(w), w * mb_per_mib, pct(sb_write[i].cov()));
      // No copy in sysbench: a copy reads and writes each byte once, so its time is
      // bytes/R + bytes/W and its STREAM rate (2 x bytes over that time) the harmonic mean.
      const double copy_equivalent = 2 / (1 / r + 1 / w) * mb_per_mib;
      row("sysbench", t, "read+write as one copy (harmonic mean)", "-", copy_equivalent);
      best_peer[i] = std::max(best_peer[i], copy_equivalent);
    } else {
      std::printf("%-9s %7u  not found or failed: apt-get install -y sysbench\n", "sysbench", t);
    }
  }

  std::printf("\nmembw copy (streaming stores) / best peer, STREAM counting (target >= 0.95):\n");
  for (std::size_t i = 0; i < thread_counts.size(); ++i) {
    if (best_peer[i] <= 0) continue;
    const double ratio = membw_rows[i].streaming.median() / best_peer[i];
    std::printf("  threads=%-3u %.3f%s\n", thread_counts[i], ratio,
                ratio >= 0.95 ? "" : "  (below target)");
  }
  std::printf("membw copy CoV over %u trials: ", trials);
  for (std::size_t i = 0; i < thread_counts.size(); ++i)
    std::printf("threads=%u %.2f%%  ", thread_counts[i], 100 * membw_rows[i].streaming.cov());
  std::printf("\nload average after: %s\n", load_average().c_str());
  return 0;
}
