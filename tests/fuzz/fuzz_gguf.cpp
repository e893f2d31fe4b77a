// SPDX-License-Identifier: MIT
// Fuzz target: llama-bench's GGUF header reader (plugins/workloads/llama-bench/), which
// reads whatever model file the operator names. Checked: it returns a header or throws
// GgufError, nothing else; it allocates in proportion to the input (a file claiming
// 2^40 tensors or a 2^63-byte string must not make it reserve them); what it returns is
// consistent (tensors in the file, kept strings no longer than the input), and the
// memory estimate of any header it accepts is defined and covers the weights.
#include <cstdint>
#include <string>

#include "../../plugins/workloads/llama-bench/gguf.hpp"
#include "../../plugins/workloads/llama-bench/memory_estimate.hpp"
#include "../unit/allocation_counter.hpp"
#include "fuzz_check.h"

namespace {

// The reader's 64 KiB window, the message of an error, and the header's maps and vectors:
// about 16 bytes kept per byte read is generous (a 13-byte KV becomes a map node).
constexpr std::size_t kFixedAllowance = 256u << 10;
constexpr std::size_t kPerInputByte = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace llama_bench;
  const MemorySource source(data, size);
  allocation_counter::reset();
  try {
    const GgufHeader h = read_gguf(source);
    FUZZ_CHECK(allocation_counter::total <= kFixedAllowance + kPerInputByte * size);
    FUZZ_CHECK(h.version == 2 || h.version == 3);
    FUZZ_CHECK(h.tensors.size() == h.tensor_count);
    FUZZ_CHECK(h.metadata.size() == h.metadata_count);
    FUZZ_CHECK(h.data_offset % h.alignment == 0);
    for (const GgufTensorInfo& t : h.tensors) {
      FUZZ_CHECK(t.n_dims <= 4);
      FUZZ_CHECK(t.offset + t.bytes <= size - h.data_offset);
    }
    for (const auto& [key, value] : h.metadata) {
      FUZZ_CHECK(key.size() <= size);
      FUZZ_CHECK(value.text.size() <= size);
    }
    for (const std::uint64_t n_ctx : {std::uint64_t{0}, std::uint64_t{640}, ~std::uint64_t{0}}) {
      const MemoryEstimate e = estimate_memory(h, n_ctx);
      FUZZ_CHECK(e.total >= e.weights);
      FUZZ_CHECK(e.total >= e.overhead);
      FUZZ_CHECK(!describe(e).empty());
    }
  } catch (const GgufError& e) {
    FUZZ_CHECK(allocation_counter::total <= kFixedAllowance + kPerInputByte * size);
    FUZZ_CHECK(e.offset() <= size);
    FUZZ_CHECK(std::string(e.what()).find(" at byte ") != std::string::npos);
  }
  return 0;
}
