// SPDX-License-Identifier: MIT
// The llama-bench workload's GGUF reader and memory estimate: files written by the test
// (every metadata value type, nested arrays, tensors of several quantisations) parsed
// back exactly; the estimate against sizes computed by hand; hostile and truncated files
// each a clean error naming the byte, without allocations the file does not justify.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "ggml_type.hpp"
#include "gguf.hpp"
#include "gguf_writer.hpp"
#include "memory_estimate.hpp"

using namespace llama_bench;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using gguf_test::Bytes;
using gguf_test::Tensor;
using gguf_test::Writer;

namespace {

GgufHeader parse(const std::string& bytes) {
  const MemorySource source(bytes.data(), bytes.size());
  return read_gguf(source);
}

// The error read_gguf throws for `bytes`; fails the test when it throws none.
GgufError parse_error(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const GgufError& e) {
    return e;
  }
  FAIL("no GgufError");
  return GgufError("", 0);
}

// Hand-computed sizes (elements per block, bytes per block) of the types the tests use,
// from ggml-common.h's block structs; deliberately not taken from ggml_type_info().
constexpr std::uint32_t F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, Q4_K = 12, MXFP4 = 39;

// A small llama-like model: 2 layers, width 256, 8 heads sharing 2 KV heads, tensors of
// six types. Its weights come to 4096 + 2048 + 72 + 1088 + 144 + 136 bytes (see below).
Writer small_model() {
  Writer w;
  w.string("general.architecture", "llama")
      .string("general.name", "tiny test model")
      .u32("llama.block_count", 2)
      .u32("llama.embedding_length", 256)
      .u32("llama.attention.head_count", 8)
      .u32("llama.attention.head_count_kv", 2)
      .tensor({"token_embd.weight", {32, 32}, F32, 32 * 32 * 4})           // 4096
      .tensor({"output_norm.weight", {1024}, F16, 1024 * 2})               // 2048
      .tensor({"blk.0.attn_q.weight", {64, 2}, Q4_0, 4 * 18})              // 128 el: 4 blocks
      .tensor({"blk.0.ffn_up.weight", {32, 32, 2}, Q8_0, 64 * 34})         // 2048 el: 64 blocks
      .tensor({"blk.1.attn_k.weight", {256}, Q4_K, 144})                   // 1 super-block
      .tensor({"blk.1.ffn_gate_exps.weight", {32, 4, 2}, MXFP4, 8 * 17});  // 8 blocks
  return w;
}

constexpr std::uint64_t kSmallWeights = 4096 + 2048 + 72 + 2176 + 144 + 136;

}  // namespace

TEST_CASE("ggml's block sizes and bytes for the study's quantisations", "[gguf]") {
  struct Expect {
    std::uint32_t type, block, bytes;
  };
  // From the block_* structs: q4_0 = half + 16 nibble bytes; q4_K = 2 halves + 12 scale
  // bytes + 128; q6_K = 128 + 64 + 16 + half; mxfp4 = an e8m0 byte + 16; q8_0 = half + 32.
  for (const Expect e :
       {Expect{0, 1, 4}, Expect{1, 1, 2}, Expect{2, 32, 18}, Expect{3, 32, 20}, Expect{6, 32, 22},
        Expect{7, 32, 24}, Expect{8, 32, 34}, Expect{10, 256, 84}, Expect{11, 256, 110},
        Expect{12, 256, 144}, Expect{13, 256, 176}, Expect{14, 256, 210}, Expect{15, 256, 292},
        Expect{16, 256, 66}, Expect{23, 256, 136}, Expect{29, 256, 56}, Expect{30, 1, 2},
        Expect{35, 256, 66}, Expect{39, 32, 17}}) {
    INFO("type " << e.type);
    const auto info = ggml_type_info(e.type);
    REQUIRE(info);
    CHECK(info->block_size == e.block);
    CHECK(info->type_size == e.bytes);
  }
  CHECK_FALSE(ggml_type_info(4));   // Q4_2, removed
  CHECK_FALSE(ggml_type_info(31));  // Q4_0_4_4, no longer in GGUF files
  CHECK_FALSE(ggml_type_info(1000));
}

TEST_CASE("every metadata value type is read back exactly", "[gguf]") {
  for (const std::uint32_t version : {2u, 3u}) {
    Writer w;
    w.version = version;
    const std::string vocab = Bytes().str("<s>").str("</s>").str("hello").data;
    const std::string inner = gguf_test::array_payload(
        gguf_test::INT16, 2, Bytes().raw<std::int16_t>(-3).raw<std::int16_t>(4).data);
    w.scalar<std::uint8_t>("t.u8", gguf_test::UINT8, 200)
        .scalar<std::int8_t>("t.i8", gguf_test::INT8, -100)
        .scalar<std::uint16_t>("t.u16", gguf_test::UINT16, 60000)
        .scalar<std::int16_t>("t.i16", gguf_test::INT16, -30000)
        .scalar<std::uint32_t>("t.u32", gguf_test::UINT32, 4000000000u)
        .scalar<std::int32_t>("t.i32", gguf_test::INT32, -2000000000)
        .scalar<float>("t.f32", gguf_test::FLOAT32, 0.25f)
        .scalar<std::uint8_t>("t.bool", gguf_test::BOOL, 1)
        .string("t.string", "héllo")
        .kv("t.array", gguf_test::ARRAY, gguf_test::array_payload(gguf_test::STRING, 3, vocab))
        .kv("t.nested", gguf_test::ARRAY,
            gguf_test::array_payload(gguf_test::ARRAY, 2, inner + inner))
        .scalar<std::uint64_t>("t.u64", gguf_test::UINT64, 18000000000000000000ull)
        .scalar<std::int64_t>("t.i64", gguf_test::INT64, -9000000000000000000ll)
        .scalar<double>("t.f64", gguf_test::FLOAT64, -1.5e300);
    const GgufHeader h = parse(w.build());
    CHECK(h.version == version);
    CHECK(h.metadata_count == 14);
    REQUIRE(h.metadata.size() == 14);
    CHECK(h.find("t.u8")->uinteger == 200);
    CHECK(h.find("t.i8")->integer == -100);
    CHECK(h.find("t.u16")->uinteger == 60000);
    CHECK(h.find("t.i16")->integer == -30000);
    CHECK(h.unsigned_value("t.u32") == 4000000000u);
    CHECK(h.find("t.i32")->integer == -2000000000);
    CHECK_FALSE(h.unsigned_value("t.i32"));
    CHECK(h.find("t.f32")->real == 0.25);
    CHECK(h.find("t.bool")->type == GgufType::boolean);
    CHECK(h.find("t.bool")->boolean);
    CHECK(h.string_value("t.string") == "héllo");
    const GgufValue& array = *h.find("t.array");
    CHECK(array.type == GgufType::array);
    CHECK(array.element_type == GgufType::string);
    CHECK(array.length == 3);
    const GgufValue& nested = *h.find("t.nested");
    CHECK(nested.element_type == GgufType::array);
    CHECK(nested.length == 2);
    CHECK(h.find("t.u64")->uinteger == 18000000000000000000ull);
    CHECK(h.find("t.i64")->integer == -9000000000000000000ll);
    CHECK(h.find("t.f64")->real == -1.5e300);
    CHECK(h.tensors.empty());
  }
}

TEST_CASE("tensor infos of several quantisations are read with their sizes", "[gguf]") {
  const std::string bytes = small_model().build();
  const GgufHeader h = parse(bytes);
  CHECK(h.version == 3);
  CHECK(h.alignment == 32);
  REQUIRE(h.tensors.size() == 6);
  const GgufTensorInfo& q8 = h.tensors[3];
  CHECK(q8.name == "blk.0.ffn_up.weight");
  CHECK(q8.n_dims == 3);
  CHECK(q8.dims[0] == 32);
  CHECK(q8.dims[1] == 32);
  CHECK(q8.dims[2] == 2);
  CHECK(q8.dims[3] == 1);
  CHECK(q8.type == Q8_0);
  CHECK(q8.elements == 2048);
  CHECK(q8.bytes == 2176);
  CHECK(h.tensors[0].offset == 0);
  CHECK(h.tensors[1].offset == 4096);
  CHECK(h.tensors[2].offset == 4096 + 2048);
  CHECK(h.tensors[3].offset == 4096 + 2048 + 96);  // 72 bytes padded to 96
  CHECK(h.tensors[5].type == MXFP4);
  CHECK(h.tensors[5].bytes == 136);
  CHECK(h.data_offset % 32 == 0);
  CHECK(h.file_size == bytes.size());
}

TEST_CASE("general.alignment places the data", "[gguf]") {
  Writer w = small_model();
  w.alignment = 64;
  w.u32("general.alignment", 64);
  const GgufHeader h = parse(w.build());
  CHECK(h.alignment == 64);
  CHECK(h.data_offset % 64 == 0);
  CHECK(h.tensors[3].offset == 4096 + 2048 + 128);
}

TEST_CASE("the estimate is weights, f16 KV cache for the context and the fixed overhead",
          "[gguf][estimate]") {
  const GgufHeader h = parse(small_model().build());
  const MemoryEstimate e = estimate_memory(h, 512 + 128);
  CHECK(e.weights == kSmallWeights);
  // n_embd_k_gqa = 256 / 8 * 2 = 64; 2 layers x 640 tokens x (64 + 64) x 2 bytes.
  CHECK(e.n_embd_k_gqa == 64);
  CHECK(e.kv_cache == 2 * 640 * 128 * 2);
  CHECK(e.overhead == kSmallWeights * 5 / 100 + (256u << 20));
  CHECK(e.total == e.weights + e.kv_cache + e.overhead);
  CHECK(e.kv_note.empty());
  CHECK_THAT(describe(e), Contains("KV cache 320.0 KiB") || Contains("KV cache 327680 bytes"));
}

TEST_CASE("key_length and value_length replace embedding / heads when present",
          "[gguf][estimate]") {
  Writer w = small_model();
  w.u32("llama.attention.key_length", 128).u32("llama.attention.value_length", 96);
  const MemoryEstimate e = estimate_memory(parse(w.build()), 1000);
  CHECK(e.n_embd_k_gqa == 256);
  CHECK(e.n_embd_v_gqa == 192);
  CHECK(e.kv_cache == 2ull * 1000 * (256 + 192) * 2);
}

TEST_CASE("a study-sized model: 80 layers, 8 KV heads of 128, 8k context", "[gguf][estimate]") {
  // Llama 3.3 70B's attention shape.
  Writer w;
  w.string("general.architecture", "llama")
      .u32("llama.block_count", 80)
      .u32("llama.embedding_length", 8192)
      .u32("llama.attention.head_count", 64)
      .u32("llama.attention.head_count_kv", 8);
  const std::string head = w.build();
  // One of its FFN weights, 8192 x 28672 in Q4_K: 917504 super-blocks of 144 bytes. The
  // file holds the info but not the 126 MiB of data, as a cut-off download would.
  w.tensor({"blk.0.ffn_up.weight", {8192, 28672}, Q4_K, 0});
  const GgufError err = parse_error(w.build());
  CHECK_THAT(err.what(), Contains("tensor blk.0.ffn_up.weight: its 132120576 bytes at data "
                                  "offset 0 run past the end of the file (is it truncated?)"));

  // The estimate for 40 GiB of weights (the infos' sizes, without the file around them).

  GgufHeader h = parse(head);
  GgufTensorInfo t;
  t.bytes = 40ull << 30;
  h.tensors.push_back(t);
  const MemoryEstimate e = estimate_memory(h, 8192);
  CHECK(e.n_embd_k_gqa == 1024);
  CHECK(e.kv_cache == 80ull * 8192 * 2048 * 2);  // 2.5 GiB
  CHECK(e.total == (40ull << 30) + e.kv_cache + (2ull << 30) + (256ull << 20));
  CHECK(format_bytes(e.total) == "44.8 GiB");
}

TEST_CASE("without the architecture's keys the KV cache is not counted, and says why",
          "[gguf][estimate]") {
  Writer w;
  w.string("general.architecture", "mamba").tensor({"x", {32}, F32, 128});
  const MemoryEstimate e = estimate_memory(parse(w.build()), 640);
  CHECK(e.weights == 128);
  CHECK(e.kv_cache == 0);
  CHECK(e.kv_note == "no mamba.block_count");
  CHECK_THAT(describe(e), Contains("not counted: no mamba.block_count"));
}

// ---- Hostile and broken files ----

TEST_CASE("bad magic, version 1, unknown versions and big-endian files are refused",
          "[gguf][hostile]") {
  CHECK_THAT(parse_error("GGML....").what(), StartsWith("not a GGUF file"));
  CHECK_THAT(parse_error("GG").what(), Contains("shorter than its magic"));
  CHECK_THAT(parse_error("").what(), Contains("shorter than its magic"));
  Writer w;
  w.version = 1;
  GgufError e = parse_error(w.build());
  CHECK(std::string(e.what()) ==
        "GGUF version 1 (32-bit counts) is not supported; convert the model again at byte 4");
  w.version = 4;
  CHECK_THAT(parse_error(w.build()).what(), Contains("GGUF version 4 is not supported"));
  w.version = 3u << 24;  // 3 written big-endian
  CHECK_THAT(parse_error(w.build()).what(), Contains("big-endian GGUF"));
}

TEST_CASE("a 100-byte file claiming 2^40 tensors or KVs fails at once, allocating nothing big",
          "[gguf][hostile]") {
  for (const bool tensors : {true, false}) {
    Bytes b;
    b.u32(0x46554747).u32(3).u64(tensors ? 1ull << 40 : 0).u64(tensors ? 0 : 1ull << 40);
    b.data.resize(100, '\0');
    allocation_counter::reset();
    const auto start = std::chrono::steady_clock::now();
    const GgufError e = parse_error(b.data);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    CHECK(allocation_counter::largest < 100'000);  // the 64 KiB read window is the largest
    CHECK_THAT(e.what(), Contains(tensors ? "tensor count 1099511627776 cannot fit"
                                          : "metadata count 1099511627776 cannot fit"));
    CHECK(e.offset() == (tensors ? 8u : 16u));
  }
}

TEST_CASE("a string or array length past the end is refused before it is allocated",
          "[gguf][hostile]") {
  SECTION("a key of 2^63 bytes") {
    Bytes b;
    b.u32(0x46554747).u32(3).u64(0).u64(1).u64(1ull << 63).u32(4).u64(0);
    allocation_counter::reset();
    const GgufError e = parse_error(b.data);
    CHECK(allocation_counter::largest < 100'000);
    CHECK(std::string(e.what()) ==
          "a metadata key length 9223372036854775808 runs past the end (12 bytes left) at byte 24");
  }
  SECTION("a string value of 2^63 bytes") {
    Writer w;
    w.kv("k", gguf_test::STRING, Bytes().u64(1ull << 63).data);
    allocation_counter::reset();
    CHECK_THAT(parse_error(w.build()).what(),
               Contains("a string value length 9223372036854775808"));
    CHECK(allocation_counter::largest < 100'000);
  }
  SECTION("an array of 2^62 uint64") {
    Writer w;
    w.kv("k", gguf_test::ARRAY, gguf_test::array_payload(gguf_test::UINT64, 1ull << 62, ""));
    CHECK_THAT(parse_error(w.build()).what(),
               Contains("metadata 0 (k): array of 4611686018427387904 uint64 cannot fit"));
  }
  SECTION("an array of 2^40 strings") {
    Writer w;
    w.kv("k", gguf_test::ARRAY, gguf_test::array_payload(gguf_test::STRING, 1ull << 40, ""));
    CHECK_THAT(parse_error(w.build()).what(), Contains("array of 1099511627776 string cannot fit"));
  }
  SECTION("arrays nested five deep") {
    std::string payload = gguf_test::array_payload(gguf_test::UINT8, 0, "");
    for (int i = 0; i < 4; ++i) payload = gguf_test::array_payload(gguf_test::ARRAY, 1, payload);
    Writer w;
    w.kv("deep", gguf_test::ARRAY, payload);
    CHECK_THAT(parse_error(w.build()).what(),
               Contains("metadata 0 (deep): arrays nested deeper than 4"));
  }
}

TEST_CASE("unknown value types, ggml types and bad tensor infos name where they are",
          "[gguf][hostile]") {
  SECTION("an unknown metadata value type") {
    Writer w;
    w.kv("general.odd", 13, "");
    const GgufError e = parse_error(w.build());
    CHECK(std::string(e.what()) ==
          "metadata 0 (general.odd): unknown value type 13 at byte " + std::to_string(24 + 8 + 11));
  }
  SECTION("an unknown array element type") {
    Writer w;
    w.kv("a", gguf_test::ARRAY, gguf_test::array_payload(77, 1, "x"));
    CHECK_THAT(parse_error(w.build()).what(),
               Contains("metadata 0 (a): unknown array element type 77"));
  }
  SECTION("a bool that is neither 0 nor 1") {
    Writer w;
    w.scalar<std::uint8_t>("b", gguf_test::BOOL, 7);
    CHECK_THAT(parse_error(w.build()).what(), Contains("bool value 7 is neither 0 nor 1"));
  }
  SECTION("an unknown ggml type") {
    Writer w;
    w.tensor({"blk.0.weird", {32}, 99, 32});
    const GgufError e = parse_error(w.build());
    CHECK_THAT(e.what(), StartsWith("tensor info 0 (blk.0.weird): unknown ggml type 99 (this "
                                    "reader cannot size it)"));
    CHECK(e.offset() == 24 + 8 + 11 + 4 + 8);
  }
  SECTION("n_dims 9") {
    Writer w;
    w.tensor({"x", {1, 1, 1, 1, 1, 1, 1, 1, 1}, F32, 4});
    CHECK(std::string(parse_error(w.build()).what()) ==
          "tensor info 0 (x): n_dims 9 > 4 at byte " + std::to_string(24 + 9));
  }
  SECTION("dimensions whose product overflows") {
    Writer w;
    w.tensor({"x", {1ull << 40, 1ull << 40}, F32, 4});
    CHECK_THAT(parse_error(w.build()).what(), Contains("element count overflows 64 bits"));
  }
  SECTION("a duplicate key") {
    Writer w;
    w.u32("k", 1).u32("k", 2);
    CHECK_THAT(parse_error(w.build()).what(), Contains("the key appears twice"));
  }
  SECTION("a tensor offset off the alignment") {
    Writer w;
    w.alignment = 16;  // places the second tensor at 16, without saying general.alignment
    w.tensor({"a", {4}, F32, 16}).tensor({"b", {4}, F32, 16});
    const GgufError e = parse_error(w.build());
    CHECK_THAT(e.what(), StartsWith("tensor info 1 (b): data offset 16 is not a multiple of the "
                                    "alignment 32"));
  }
  SECTION("an alignment that is not a power of two") {
    Writer w;
    w.u32("general.alignment", 24);
    CHECK_THAT(parse_error(w.build()).what(),
               Contains("general.alignment must be a uint32 power of two, not 24"));
  }
}

TEST_CASE("a file cut at every byte is an error, never a crash", "[gguf][hostile]") {
  Writer w = small_model();
  w.kv("tokenizer.ggml.tokens", gguf_test::ARRAY,
       gguf_test::array_payload(gguf_test::STRING, 2, Bytes().str("a").str("bc").data));
  const std::string whole = w.build();
  const GgufHeader h = parse(whole);
  // The last tensor's data ends before the file's final padding, which a cut may lose.
  const std::uint64_t needed = h.data_offset + h.tensors.back().offset + h.tensors.back().bytes;
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    INFO("cut at " << cut);
    if (cut >= needed) {
      CHECK_NOTHROW(parse(whole.substr(0, cut)));
      continue;
    }
    const GgufError e = parse_error(whole.substr(0, cut));
    CHECK(e.offset() <= cut);
  }
}

TEST_CASE("a file reader reads the same header as the memory reader", "[gguf]") {
  const std::string bytes = small_model().build();
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("benchlab-gguf-" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << bytes;
  const GgufHeader h = read_gguf(FileSource(path.string()));
  std::filesystem::remove(path);
  CHECK(h.tensors.size() == 6);
  CHECK(estimate_memory(h, 640).weights == kSmallWeights);
  CHECK_THROWS_AS(FileSource("/nonexistent/model.gguf"), std::system_error);
}

// The fuzz target's seed corpus (tests/fuzz/corpus/gguf) is what this writer makes, and
// each seed parses. With GGUF_SEED_DIR set the files are written there instead: that is
// how the corpus is made again after the writer changes.
TEST_CASE("the fuzz seed corpus is the writer's output and parses", "[gguf]") {
  const char* out_dir = std::getenv("GGUF_SEED_DIR");
  const std::filesystem::path corpus =
      std::filesystem::path(FIXTURES_DIR).parent_path() / "fuzz" / "corpus" / "gguf";
  const auto write = [&](const std::string& name, const std::string& bytes) {
    CHECK_NOTHROW(parse(bytes));
    if (out_dir != nullptr) {
      std::ofstream(std::filesystem::path(out_dir) / name, std::ios::binary) << bytes;
      return;
    }
    std::ifstream file(corpus / name, std::ios::binary);
    INFO(name << ": regenerate with GGUF_SEED_DIR=tests/fuzz/corpus/gguf test_gguf");
    REQUIRE(file);
    const std::string committed((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
    CHECK(committed == bytes);
  };
  write("small-model.gguf", small_model().build());
  Writer v2 = small_model();
  v2.version = 2;
  v2.u32("general.alignment", 64);
  v2.alignment = 64;
  write("v2-aligned-64.gguf", v2.build());
  Writer arrays;
  arrays.string("general.architecture", "llama")
      .kv("tokenizer.ggml.tokens", gguf_test::ARRAY,
          gguf_test::array_payload(gguf_test::STRING, 3, Bytes().str("a").str("b").str("cd").data))
      .kv("n", gguf_test::ARRAY,
          gguf_test::array_payload(
              gguf_test::ARRAY, 1,
              gguf_test::array_payload(gguf_test::FLOAT32, 1, Bytes().raw(1.0f).data)))
      .scalar<double>("f", gguf_test::FLOAT64, 2.5)
      .scalar<std::int64_t>("i", gguf_test::INT64, -1);
  write("arrays.gguf", arrays.build());
}
