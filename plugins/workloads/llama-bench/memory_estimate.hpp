// SPDX-License-Identifier: MIT
// The memory llama.cpp needs to run a model, estimated from its GGUF header before it is
// loaded: the weights as stored, the KV cache for the context, and a fixed allowance for
// compute buffers (docs/workloads/llama-bench.md has the formula and its accuracy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gguf.hpp"

namespace llama_bench {

struct MemoryEstimate {
  std::uint64_t weights = 0;   // sum of the tensors' stored bytes
  std::uint64_t kv_cache = 0;  // f16 K and V for n_ctx tokens in every layer
  std::uint64_t overhead = 0;  // compute buffers: 5% of the weights plus 256 MiB
  std::uint64_t total = 0;
  std::string architecture;  // general.architecture, "" when absent
  std::uint64_t n_layer = 0, n_ctx = 0, n_embd_k_gqa = 0, n_embd_v_gqa = 0;
  std::string kv_note;  // why kv_cache is 0 when the header lacks the figures
};

inline constexpr std::uint64_t kOverheadFixedBytes = 256ull << 20;
inline constexpr std::uint64_t kOverheadPercent = 5;
inline constexpr std::uint64_t kKvBytesPerValue = 2;  // f16, llama-bench's default cache type

// The estimate for a context of `n_ctx` tokens, from the header of the model's first file
// and, for a split model, the headers of its other files (their tensors only). Saturates
// at UINT64_MAX instead of wrapping (a hostile header can claim anything).
MemoryEstimate estimate_memory(const GgufHeader& header, std::uint64_t n_ctx,
                               const std::vector<GgufHeader>& other_splits = {});

// "41.2 GiB": bytes in binary units with one decimal.
std::string format_bytes(std::uint64_t bytes);

// One line for the log: the total and its parts.
std::string describe(const MemoryEstimate& estimate);

}  // namespace llama_bench
