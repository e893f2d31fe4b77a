// SPDX-License-Identifier: MIT
// The ggml tensor types a GGUF file may hold, with the size of their storage: how many
// elements one block packs and how many bytes that block takes (ggml's type traits).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace llama_bench {

struct GgmlTypeInfo {
  std::string_view name;     // ggml's name, e.g. "q4_K"
  std::uint32_t block_size;  // elements per block
  std::uint32_t type_size;   // bytes per block
};

// The traits of ggml type `type`, or nullopt for a number ggml does not define (or no
// longer reads from GGUF files: the removed Q4_2, Q4_3 and the repacked 4_4/4_8/8_8 ones).
std::optional<GgmlTypeInfo> ggml_type_info(std::uint32_t type);

}  // namespace llama_bench
