// SPDX-License-Identifier: MIT
// Writes GGUF files for the llama-bench tests: metadata of every value type (arrays
// nested too), tensor infos of any ggml type with the sizes the test gives, and zeroed
// tensor data at aligned offsets, so a file can be parsed back and checked field by field.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace gguf_test {

// Little-endian encoding of the GGUF primitives.
struct Bytes {
  std::string data;
  template <class T>
  Bytes& raw(T value) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &value, sizeof b);  // the tests run on little-endian machines
    data.append(reinterpret_cast<const char*>(b), sizeof b);
    return *this;
  }
  Bytes& u8(std::uint8_t v) { return raw(v); }
  Bytes& u32(std::uint32_t v) { return raw(v); }
  Bytes& u64(std::uint64_t v) { return raw(v); }
  Bytes& str(const std::string& s) {
    u64(s.size());
    data += s;
    return *this;
  }
};

// GGUF value type numbers, as the spec defines them.
enum Type : std::uint32_t {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
};

struct Tensor {
  std::string name;
  std::vector<std::uint64_t> dims;
  std::uint32_t type = 0;
  std::uint64_t bytes = 0;  // the data's size, as the test computes it by hand
};

class Writer {
 public:
  std::uint32_t version = 3;
  std::uint32_t alignment = 32;  // where the data starts and tensors go; see alignment_kv

  // A key and an already encoded value (type then payload).
  Writer& kv(const std::string& key, std::uint32_t type, const std::string& payload) {
    Bytes b;
    b.str(key).u32(type);
    b.data += payload;
    kvs_.push_back(b.data);
    return *this;
  }
  template <class T>
  Writer& scalar(const std::string& key, std::uint32_t type, T value) {
    return kv(key, type, Bytes().raw(value).data);
  }
  Writer& u32(const std::string& key, std::uint32_t v) { return scalar(key, UINT32, v); }
  Writer& string(const std::string& key, const std::string& v) {
    return kv(key, STRING, Bytes().str(v).data);
  }
  Writer& tensor(const Tensor& t) {
    tensors_.push_back(t);
    return *this;
  }

  std::string build() const {
    std::string file = header();
    file.resize(file.size() + data_size(), '\0');
    return file;
  }

  // The file without its tensor data: what a reader reads; the data follows, data_size()
  // bytes (a test can make a huge model a sparse file of that size).
  std::string header() const {
    Bytes b;
    b.u32(0x46554747).u32(version).u64(tensors_.size()).u64(kvs_.size());
    for (const std::string& kv : kvs_) b.data += kv;
    std::uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
      b.str(t.name).u32(static_cast<std::uint32_t>(t.dims.size()));
      for (const std::uint64_t d : t.dims) b.u64(d);
      b.u32(t.type).u64(offset);
      offset = pad(offset + t.bytes);
    }
    b.data.resize(pad(b.data.size()), '\0');
    return b.data;
  }

  std::uint64_t data_size() const {
    std::uint64_t offset = 0;
    for (const Tensor& t : tensors_) offset = pad(offset + t.bytes);
    return offset;
  }

 private:
  std::uint64_t pad(std::uint64_t n) const { return (n + alignment - 1) / alignment * alignment; }
  std::vector<std::string> kvs_;
  std::vector<Tensor> tensors_;
};

// The payload of an array value: element type, count, then the encoded elements.
inline std::string array_payload(std::uint32_t elem_type, std::uint64_t count,
                                 const std::string& elements) {
  return Bytes().u32(elem_type).u64(count).data + elements;
}

}  // namespace gguf_test
