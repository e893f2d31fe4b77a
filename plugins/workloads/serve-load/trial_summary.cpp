// SPDX-License-Identifier: MIT
// A trial's figures from its request records (see trial_summary.hpp).
#include "serve-load/trial_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace serve_load {
namespace {

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

std::optional<double> tpot_ms(const RequestRecord& r) {
  if (!r.ok() || r.output_tokens() <= 1 || r.first_content_ns == 0) return std::nullopt;
  return ms(r.end_ns - r.first_content_ns) / static_cast<double>(r.output_tokens() - 1);
}

double mean_of(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double percentile_of(std::vector<double> values, double p) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (rank - static_cast<double>(below));
}

TrialSummary summarise(const LoadResult& load, const Slo& slo) {
  TrialSummary s;
  s.total = static_cast<std::uint32_t>(load.requests.size());
  std::uint64_t first = std::numeric_limits<std::uint64_t>::max(), last = 0;
  std::uint32_t good = 0;
  for (const RequestRecord& r : load.requests) {
    if (r.start_ns != 0) first = std::min(first, r.start_ns);
    if (r.finished) last = std::max(last, r.end_ns);
    if (!r.ok()) {
      ++s.failed;
      const std::string reason = failure_name(r);
      if (s.failures[reason]++ == 0) s.first_detail[reason] = r.detail;
      continue;
    }
    ++s.succeeded;
    s.output_tokens += r.output_tokens();
    const double ttft = ms(r.first_content_ns - r.written_ns);
    s.ttft_ms.push_back(ttft);
    s.e2e_ms.push_back(ms(r.end_ns - r.written_ns));
    const std::optional<double> tpot = tpot_ms(r);
    if (tpot) s.tpot_ms.push_back(*tpot);
    for (std::size_t i = 1; i < r.content_ns.size(); ++i)
      s.itl_ms.push_back(ms(r.content_ns[i] - r.content_ns[i - 1]));
    // A request of one token has no TPOT, so it cannot miss a TPOT objective.
    const bool meets = (slo.ttft_ms <= 0 || ttft <= slo.ttft_ms) &&
                       (slo.tpot_ms <= 0 || !tpot || *tpot <= slo.tpot_ms);
    if (meets) ++good;
  }
  if (last > first) s.duration_s = static_cast<double>(last - first) / 1e9;
  if (s.duration_s > 0) {
    s.request_throughput = s.succeeded / s.duration_s;
    s.output_throughput = static_cast<double>(s.output_tokens) / s.duration_s;
    if (slo.any()) s.goodput = good / s.duration_s;
  } else if (slo.any()) {
    s.goodput = 0;
  }
  return s;
}

std::string TrialSummary::failure_text() const {
  std::vector<std::pair<std::string, std::uint32_t>> sorted(failures.begin(), failures.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [reason, count] : sorted) {
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + reason;
    const std::string& detail = first_detail.at(reason);
    if (!detail.empty()) text += " (" + detail + ")";
  }
  return text;
}

}  // namespace serve_load
