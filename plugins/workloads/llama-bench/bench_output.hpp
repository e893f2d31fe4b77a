// SPDX-License-Identifier: MIT
// llama-bench's `-o json` output: an array of test objects, one per test it ran (pp512,
// tg128, ...), each with its mean and standard deviation in tokens/s and the per-
// repetition samples, plus what it ran on (build, backends, model).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llama_bench {

struct BenchTest {
  std::uint64_t n_prompt = 0, n_gen = 0, n_depth = 0;
  double avg_ts = 0, stddev_ts = 0;  // tokens/s over the repetitions
  std::vector<double> samples_ts;    // one per repetition; empty from builds without it
  std::string build_commit, backends, model_type, gpu_info;
  std::int64_t build_number = -1, n_gpu_layers = -1;
};

// llama-bench printed something that is not its JSON: the reason names the field.
class BenchOutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The tests in `text` (llama-bench's stdout). Throws BenchOutputError on output that is
// not a JSON array of test objects with numeric n_prompt, n_gen, avg_ts and stddev_ts.
std::vector<BenchTest> parse_bench_output(std::string_view text);

// The test with exactly these sizes at depth 0, or nullptr.
const BenchTest* find_test(const std::vector<BenchTest>& tests, std::uint64_t n_prompt,
                           std::uint64_t n_gen);

// llama-bench's name of a test: "pp512", "tg128".
std::string test_name(std::uint64_t n_prompt, std::uint64_t n_gen);

}  // namespace llama_bench
