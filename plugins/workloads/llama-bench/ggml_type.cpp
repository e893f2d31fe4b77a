// SPDX-License-Identifier: MIT
// ggml's type traits for the types a GGUF file stores: numbers from ggml.h's enum
// ggml_type, block sizes and block bytes from the block_* structs of ggml-common.h.
#include "ggml_type.hpp"

#include <array>

namespace llama_bench {
namespace {

constexpr std::uint32_t kQK = 256;  // QK_K: elements of a k-quant super-block

struct Entry {
  std::uint32_t type;
  GgmlTypeInfo info;
};

// Bytes per block written as the struct's members add up, so each line can be checked
// against ggml-common.h.
constexpr std::array kTypes{
    Entry{0, {"f32", 1, 4}},
    Entry{1, {"f16", 1, 2}},
    Entry{2, {"q4_0", 32, 2 + 16}},
    Entry{3, {"q4_1", 32, 2 + 2 + 16}},
    Entry{6, {"q5_0", 32, 2 + 4 + 16}},
    Entry{7, {"q5_1", 32, 2 + 2 + 4 + 16}},
    Entry{8, {"q8_0", 32, 2 + 32}},
    Entry{9, {"q8_1", 32, 2 + 2 + 32}},
    Entry{10, {"q2_K", kQK, kQK / 16 + kQK / 4 + 2 + 2}},
    Entry{11, {"q3_K", kQK, kQK / 8 + kQK / 4 + 12 + 2}},
    Entry{12, {"q4_K", kQK, 2 + 2 + 12 + kQK / 2}},
    Entry{13, {"q5_K", kQK, 2 + 2 + 12 + kQK / 8 + kQK / 2}},
    Entry{14, {"q6_K", kQK, kQK / 2 + kQK / 4 + kQK / 16 + 2}},
    Entry{15, {"q8_K", kQK, 4 + kQK + kQK / 16 * 2}},
    Entry{16, {"iq2_xxs", kQK, 2 + kQK / 8 * 2}},
    Entry{17, {"iq2_xs", kQK, 2 + kQK / 8 * 2 + kQK / 32}},
    Entry{18, {"iq3_xxs", kQK, 2 + 3 * kQK / 8}},
    Entry{19, {"iq1_s", kQK, 2 + kQK / 8 + kQK / 32 * 2}},
    Entry{20, {"iq4_nl", 32, 2 + 16}},
    Entry{21, {"iq3_s", kQK, 2 + kQK / 4 + kQK / 32 + kQK / 8 + kQK / 64}},
    Entry{22, {"iq2_s", kQK, 2 + kQK / 4 + kQK / 32 + kQK / 32}},
    Entry{23, {"iq4_xs", kQK, 2 + 2 + kQK / 64 + kQK / 2}},
    Entry{24, {"i8", 1, 1}},
    Entry{25, {"i16", 1, 2}},
    Entry{26, {"i32", 1, 4}},
    Entry{27, {"i64", 1, 8}},
    Entry{28, {"f64", 1, 8}},
    Entry{29, {"iq1_m", kQK, kQK / 8 + kQK / 16 + kQK / 32}},
    Entry{30, {"bf16", 1, 2}},
    Entry{34, {"tq1_0", kQK, (kQK - 4 * kQK / 64) / 5 + kQK / 64 + 2}},
    Entry{35, {"tq2_0", kQK, kQK / 4 + 2}},
    Entry{39, {"mxfp4", 32, 1 + 16}},
};

}  // namespace

std::optional<GgmlTypeInfo> ggml_type_info(std::uint32_t type) {
  for (const Entry& e : kTypes)
    if (e.type == type) return e.info;
  return std::nullopt;
}

}  // namespace llama_bench
