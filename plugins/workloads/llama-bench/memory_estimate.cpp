// SPDX-License-Identifier: MIT
// The memory estimate: weights from the tensor infos, the KV cache from the
// architecture's keys ({arch}.block_count, .embedding_length, .attention.head_count,
// .attention.head_count_kv, .attention.key_length, .attention.value_length).
#include "memory_estimate.hpp"

#include <cstdio>
#include <limits>

namespace llama_bench {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? kMax : out;
}

std::uint64_t mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? kMax : out;
}

}  // namespace

MemoryEstimate estimate_memory(const GgufHeader& header, std::uint64_t n_ctx,
                               const std::vector<GgufHeader>& other_splits) {
  MemoryEstimate e;
  for (const GgufTensorInfo& t : header.tensors) e.weights = add(e.weights, t.bytes);
  for (const GgufHeader& split : other_splits)
    for (const GgufTensorInfo& t : split.tensors) e.weights = add(e.weights, t.bytes);
  e.n_ctx = n_ctx;
  e.architecture = header.string_value("general.architecture").value_or("");

  const std::string arch = e.architecture;
  const auto key = [&](const char* suffix) { return header.unsigned_value(arch + "." + suffix); };
  const auto n_layer = key("block_count");
  const auto n_embd = key("embedding_length");
  const auto n_head = key("attention.head_count");
  const auto n_head_kv = key("attention.head_count_kv").value_or(n_head.value_or(0));
  const auto key_length = key("attention.key_length");
  const auto value_length = key("attention.value_length");

  if (arch.empty()) {
    e.kv_note = "no general.architecture";
  } else if (!n_layer) {
    e.kv_note = "no " + arch + ".block_count";
  } else if ((!key_length || !value_length) && (!n_embd || !n_head || *n_head == 0)) {
    e.kv_note = "no " + arch + ".embedding_length and .attention.head_count";
  } else {
    const std::uint64_t head_dim = n_embd && n_head && *n_head != 0 ? *n_embd / *n_head : 0;
    e.n_layer = *n_layer;
    e.n_embd_k_gqa = mul(key_length.value_or(head_dim), n_head_kv);
    e.n_embd_v_gqa = mul(value_length.value_or(head_dim), n_head_kv);
    e.kv_cache =
        mul(mul(mul(e.n_layer, n_ctx), add(e.n_embd_k_gqa, e.n_embd_v_gqa)), kKvBytesPerValue);
  }
  e.overhead = add(e.weights / 100 * kOverheadPercent + e.weights % 100 * kOverheadPercent / 100,
                   kOverheadFixedBytes);
  e.total = add(add(e.weights, e.kv_cache), e.overhead);
  return e;
}

std::string format_bytes(std::uint64_t bytes) {
  char text[64];
  const double b = static_cast<double>(bytes);
  if (bytes >= (1ull << 30))
    std::snprintf(text, sizeof text, "%.1f GiB", b / static_cast<double>(1ull << 30));
  else if (bytes >= (1ull << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", b / static_cast<double>(1ull << 20));
  else
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  return text;
}

std::string describe(const MemoryEstimate& e) {
  std::string text = "estimated memory " + format_bytes(e.total) + ": weights " +
                     format_bytes(e.weights) + ", KV cache " + format_bytes(e.kv_cache);
  if (e.kv_note.empty())
    text += " (" + std::to_string(e.n_layer) + " layers x " + std::to_string(e.n_ctx) +
            " tokens x " + std::to_string(e.n_embd_k_gqa) + "+" + std::to_string(e.n_embd_v_gqa) +
            " f16)";
  else
    text += " (not counted: " + e.kv_note + ")";
  text += ", compute buffers " + format_bytes(e.overhead) + " (5% of the weights + 256 MiB)";
  return text;
}

}  // namespace llama_bench
