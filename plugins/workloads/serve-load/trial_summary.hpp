// SPDX-License-Identifier: MIT
// A trial's figures from its request records: the per-request distributions (TTFT, TPOT,
// ITL, end-to-end latency), throughput, goodput and the failures by reason.
#ifndef SERVE_LOAD_TRIAL_SUMMARY_HPP
#define SERVE_LOAD_TRIAL_SUMMARY_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "serve-load/load_engine.hpp"

namespace serve_load {

// Service-level objectives for goodput; 0 means none for that figure.
struct Slo {
  double ttft_ms = 0;
  double tpot_ms = 0;
  bool any() const { return ttft_ms > 0 || tpot_ms > 0; }
};

struct TrialSummary {
  std::uint32_t total = 0, succeeded = 0, failed = 0;
  double duration_s = 0;          // first send to last completion, every request counted
  double request_throughput = 0;  // successful requests / duration_s
  double output_throughput = 0;   // output tokens of successful requests / duration_s
  std::optional<double> goodput;  // requests meeting the SLOs / duration_s; with an SLO only
  std::uint64_t output_tokens = 0;
  // Per successful request (ttft, e2e), per request of more than one output token (tpot),
  // per gap between consecutive content chunks of successful requests (itl); in ms.
  std::vector<double> ttft_ms, tpot_ms, itl_ms, e2e_ms;
  std::map<std::string, std::uint32_t> failures;    // reason (failure_name) -> count
  std::map<std::string, std::string> first_detail;  // reason -> detail of its first request

  // "20 refused (connect to 127.0.0.1:9: Connection refused), 2 timeout (...)", most
  // frequent first.
  std::string failure_text() const;
};

TrialSummary summarise(const LoadResult& load, const Slo& slo);

// TPOT of one request by vLLM's definition: (e2e - ttft) / (output_tokens - 1), in ms;
// nullopt unless it succeeded with more than one output token.
std::optional<double> tpot_ms(const RequestRecord& record);

double mean_of(const std::vector<double>& values);
// Linear interpolation between closest ranks (numpy's default), p in [0, 100]; NaN if empty.
double percentile_of(std::vector<double> values, double p);

}  // namespace serve_load

#endif
