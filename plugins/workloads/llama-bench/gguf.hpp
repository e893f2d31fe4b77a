// SPDX-License-Identifier: MIT
// A bounded reader of GGUF headers (versions 2 and 3, little endian): the metadata and
// the tensor infos of a model file, without its tensor data. Built for files nobody
// vetted: every count and length is checked against the bytes left in the source before
// anything is allocated for it, large arrays (a tokenizer's vocabulary) are walked and
// counted but not kept, nesting is limited, and every error names the byte it found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llama_bench {

// Where the reader's bytes come from: a file read piece by piece, or a buffer in memory
// (tests and the fuzz target).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Total bytes in the source.
  virtual std::uint64_t size() const = 0;
  // Copies `count` bytes from `offset` into `out`; the range lies within size(). Throws
  // std::runtime_error on an I/O error.
  virtual void read(std::uint64_t offset, void* out, std::size_t count) const = 0;
};

// The bytes of a buffer the caller keeps alive.
class MemorySource : public ByteSource {
 public:
  MemorySource(const void* data, std::size_t size)
      : data_(static_cast<const unsigned char*>(data)), size_(size) {}
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, void* out, std::size_t count) const override;

 private:
  const unsigned char* data_;
  std::size_t size_;
};

// A file opened for reading (pread); closed with the object.
class FileSource : public ByteSource {
 public:
  // Throws std::system_error naming the path when it cannot be opened or is not a file.
  explicit FileSource(const std::string& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, void* out, std::size_t count) const override;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// A file that is not a GGUF header the reader accepts: the reason and the byte offset
// where it was found ("tensor info 12: n_dims 9 > 4 at byte 4711").
class GgufError : public std::runtime_error {
 public:
  GgufError(const std::string& what, std::uint64_t offset)
      : std::runtime_error(what + " at byte " + std::to_string(offset)), offset_(offset) {}
  std::uint64_t offset() const noexcept { return offset_; }

 private:
  std::uint64_t offset_;
};

// GGUF metadata value types (gguf_metadata_value_type of the spec).
enum class GgufType : std::uint32_t {
  uint8 = 0,
  int8 = 1,
  uint16 = 2,
  int16 = 3,
  uint32 = 4,
  int32 = 5,
  float32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  uint64 = 10,
  int64 = 11,
  float64 = 12,
};

// The spec's name of a value type ("uint32", "array"), or "type N" for an unknown one.
std::string gguf_type_name(std::uint32_t type);

// One metadata value as kept. Integers sit in `integer` (signed types sign-extended)
// or, for uint64 above INT64_MAX, in `uinteger` alone; floats in `real`; strings in
// `text` unless longer than the reader keeps (then `text_dropped`, with `length`);
// arrays keep their element type and count, never their elements.
struct GgufValue {
  GgufType type = GgufType::uint8;
  std::int64_t integer = 0;
  std::uint64_t uinteger = 0;
  double real = 0;
  bool boolean = false;
  std::string text;
  bool text_dropped = false;
  std::uint64_t length = 0;                 // string: its length in bytes; array: its element count
  GgufType element_type = GgufType::uint8;  // array only

  // The value as an unsigned integer when it is an integer type holding one >= 0.
  std::optional<std::uint64_t> as_unsigned() const;
};

struct GgufTensorInfo {
  std::string name;
  std::uint32_t n_dims = 0;
  std::uint64_t dims[4] = {1, 1, 1, 1};  // unused dimensions are 1
  std::uint32_t type = 0;                // ggml_type, known to ggml_type_info()
  std::uint64_t offset = 0;              // into the tensor data section
  std::uint64_t elements = 0;            // product of the dimensions
  std::uint64_t bytes = 0;               // ceil(elements / block size) * block bytes
};

struct GgufHeader {
  std::uint32_t version = 0;
  std::uint64_t tensor_count = 0;
  std::uint64_t metadata_count = 0;
  std::map<std::string, GgufValue, std::less<>> metadata;
  std::vector<GgufTensorInfo> tensors;
  std::uint32_t alignment = 32;   // general.alignment, or the default
  std::uint64_t data_offset = 0;  // start of the tensor data: after the infos, aligned
  std::uint64_t file_size = 0;

  const GgufValue* find(std::string_view key) const;
  // An integer value >= 0 of `key`, or nullopt when absent or of another type.
  std::optional<std::uint64_t> unsigned_value(std::string_view key) const;
  // A kept string value of `key`, or nullopt.
  std::optional<std::string> string_value(std::string_view key) const;
};

// What the reader keeps: past these a file is refused, whatever it says of itself.
struct GgufLimits {
  std::size_t max_kept_string = 4096;        // longer string values are counted, not kept
  std::size_t max_key_length = 65535;        // the spec's bound on a key
  std::size_t max_tensor_name = 4096;        // ggml uses 64; generous for other writers
  std::size_t max_array_depth = 4;           // arrays of arrays of ...
  std::uint64_t max_kept_bytes = 16u << 20;  // strings kept, over the whole header
};

// Reads the header of `source`. Throws GgufError on anything that is not a well-formed
// GGUF v2/v3 header whose tensors fit the file; std::runtime_error on an I/O error.
GgufHeader read_gguf(const ByteSource& source, const GgufLimits& limits = {});

}  // namespace llama_bench
