// SPDX-License-Identifier: MIT
// The GGUF header reader: a cursor over a ByteSource that reads through a small buffer,
// checks every length against the bytes left before it allocates, and walks what it
// does not keep.
#include "gguf.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <system_error>

#include "ggml_type.hpp"

namespace llama_bench {

void MemorySource::read(std::uint64_t offset, void* out, std::size_t count) const {
  if (offset > size_ || count > size_ - offset) throw std::runtime_error("read past the buffer");
  if (count != 0) std::memcpy(out, data_ + offset, count);
}

FileSource::FileSource(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::system_error(S_ISREG(st.st_mode) ? err : EINVAL, std::generic_category(),
                            path + " is not a regular file");
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

void FileSource::read(std::uint64_t offset, void* out, std::size_t count) const {
  auto* to = static_cast<char*>(out);
  while (count > 0) {
    const ssize_t got = ::pread(fd_, to, count, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw std::system_error(errno, std::generic_category(), "reading " + path_);
    if (got == 0) throw std::runtime_error(path_ + " shrank while it was read");
    to += got;
    offset += static_cast<std::uint64_t>(got);
    count -= static_cast<std::size_t>(got);
  }
}

std::string gguf_type_name(std::uint32_t type) {
  static constexpr std::array<const char*, 13> kNames{
      "uint8", "int8",   "uint16", "int16",  "uint32", "int32",  "float32",
      "bool",  "string", "array",  "uint64", "int64",  "float64"};
  return type < kNames.size() ? kNames[type] : "type " + std::to_string(type);
}

std::optional<std::uint64_t> GgufValue::as_unsigned() const {
  switch (type) {
    case GgufType::uint8:
    case GgufType::uint16:
    case GgufType::uint32:
    case GgufType::uint64:
      return uinteger;
    case GgufType::int8:
    case GgufType::int16:
    case GgufType::int32:
    case GgufType::int64:
      if (integer < 0) return std::nullopt;
      return static_cast<std::uint64_t>(integer);
    default:
      return std::nullopt;
  }
}

const GgufValue* GgufHeader::find(std::string_view key) const {
  const auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &it->second;
}

std::optional<std::uint64_t> GgufHeader::unsigned_value(std::string_view key) const {
  const GgufValue* v = find(key);
  return v != nullptr ? v->as_unsigned() : std::nullopt;
}

std::optional<std::string> GgufHeader::string_value(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr || v->type != GgufType::string || v->text_dropped) return std::nullopt;
  return v->text;
}

namespace {

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr std::uint32_t kMaxDims = 4;         // GGML_MAX_DIMS
// The least bytes one item can take in a file, so a count is refused before anything is
// reserved for it: a KV is a key length, a type and a one-byte value; a tensor info a
// name length, n_dims, a type and an offset.
constexpr std::uint64_t kMinKvBytes = 8 + 4 + 1;
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;
constexpr std::uint64_t kMinArrayBytes = 4 + 8;  // element type and count

// Sequential reads through a 64 KiB window, so walking a vocabulary of 150k strings is
// not 300k system calls.
class Cursor {
 public:
  explicit Cursor(const ByteSource& source) : source_(source), size_(source.size()) {}

  std::uint64_t offset() const { return offset_; }
  std::uint64_t remaining() const { return size_ - offset_; }

  [[noreturn]] void fail(const std::string& what) const { throw GgufError(what, offset_); }
  [[noreturn]] void fail_at(const std::string& what, std::uint64_t at) const {
    throw GgufError(what, at);
  }

  void need(std::uint64_t bytes, const char* what) const {
    if (bytes > remaining())
      fail(std::string("the file ends inside ") + what + " (" + std::to_string(bytes) +
           " bytes needed, " + std::to_string(remaining()) + " left)");
  }

  void copy(void* out, std::size_t count, const char* what) {
    need(count, what);
    auto* to = static_cast<unsigned char*>(out);
    while (count > 0) {
      if (offset_ < window_start_ || offset_ >= window_start_ + window_size_) fill();
      const std::size_t at = static_cast<std::size_t>(offset_ - window_start_);
      const std::size_t n = std::min(count, window_size_ - at);
      std::memcpy(to, window_.data() + at, n);
      to += n;
      offset_ += n;
      count -= n;
    }
  }

  void skip(std::uint64_t count, const char* what) {
    need(count, what);
    offset_ += count;
  }

  template <class T>
  T value(const char* what) {
    unsigned char bytes[sizeof(T)];
    copy(bytes, sizeof bytes, what);
    // Little endian, whatever the machine.
    std::uint64_t raw = 0;
    for (std::size_t i = sizeof(T); i-- > 0;) raw = raw << 8 | bytes[i];
    T out;
    if constexpr (sizeof(T) == 1) {
      out = static_cast<T>(raw);
    } else {
      using U =
          std::conditional_t<sizeof(T) == 2, std::uint16_t,
                             std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
      const U narrow = static_cast<U>(raw);
      std::memcpy(&out, &narrow, sizeof out);
    }
    return out;
  }

  // A string's length, checked against the bytes left; its bytes are kept only when
  // `keep` says so and the length is at most `max_keep`.
  std::uint64_t string_length(const char* what) {
    const std::uint64_t at = offset_;
    const auto length = value<std::uint64_t>(what);
    if (length > remaining())
      fail_at(std::string(what) + " length " + std::to_string(length) + " runs past the end (" +
                  std::to_string(remaining()) + " bytes left)",
              at);
    return length;
  }

 private:
  void fill() {
    window_start_ = offset_;
    window_size_ = static_cast<std::size_t>(std::min<std::uint64_t>(window_.size(), remaining()));
    source_.read(window_start_, window_.data(), window_size_);
  }

  const ByteSource& source_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
  std::array<unsigned char, 65536> window_{};
  std::uint64_t window_start_ = 0;
  std::size_t window_size_ = 0;
};

class Reader {
 public:
  Reader(const ByteSource& source, const GgufLimits& limits)
      : cursor_(std::make_unique<Cursor>(source)), limits_(limits) {}

  GgufHeader read() {
    Cursor& in = *cursor_;
    GgufHeader h;
    h.file_size = in.remaining();
    if (in.remaining() < 4) in.fail("not a GGUF file: shorter than its magic");
    if (in.value<std::uint32_t>("the magic") != kMagic)
      in.fail_at("not a GGUF file: it does not start with \"GGUF\"", 0);
    const std::uint64_t version_at = in.offset();
    h.version = in.value<std::uint32_t>("the version");
    if (h.version == 1)
      in.fail_at("GGUF version 1 (32-bit counts) is not supported; convert the model again",
                 version_at);
    if (h.version != 2 && h.version != 3) {
      if ((h.version & 0xffffu) == 0 && h.version != 0)
        in.fail_at(
            "big-endian GGUF (version field " + std::to_string(h.version) + ") is not supported",
            version_at);
      in.fail_at("GGUF version " + std::to_string(h.version) + " is not supported (2 and 3 are)",
                 version_at);
    }
    const std::uint64_t counts_at = in.offset();
    h.tensor_count = in.value<std::uint64_t>("the tensor count");
    h.metadata_count = in.value<std::uint64_t>("the metadata count");
    if (h.metadata_count > in.remaining() / kMinKvBytes)
      in.fail_at("metadata count " + std::to_string(h.metadata_count) + " cannot fit in the " +
                     std::to_string(in.remaining()) + " bytes left",
                 counts_at + 8);
    if (h.tensor_count > in.remaining() / kMinTensorInfoBytes)
      in.fail_at("tensor count " + std::to_string(h.tensor_count) + " cannot fit in the " +
                     std::to_string(in.remaining()) + " bytes left",
                 counts_at);

    for (std::uint64_t i = 0; i < h.metadata_count; ++i) read_kv(h, i);
    read_alignment(h);

    // Checked against the bytes left again: the metadata has used some.
    if (h.tensor_count > in.remaining() / kMinTensorInfoBytes)
      in.fail("tensor count " + std::to_string(h.tensor_count) + " cannot fit in the " +
              std::to_string(in.remaining()) + " bytes left after the metadata");
    h.tensors.reserve(static_cast<std::size_t>(h.tensor_count));
    for (std::uint64_t i = 0; i < h.tensor_count; ++i) h.tensors.push_back(read_tensor_info(i));

    const std::uint64_t end = in.offset();
    h.data_offset = end + (h.alignment - end % h.alignment) % h.alignment;
    check_tensor_data(h);
    return h;
  }

 private:
  std::string read_string(std::uint64_t max, const char* what) {
    Cursor& in = *cursor_;
    const std::uint64_t at = in.offset();
    const std::uint64_t length = in.string_length(what);
    if (length > max)
      in.fail_at(std::string(what) + " is " + std::to_string(length) + " bytes, more than " +
                     std::to_string(max),
                 at);
    keep(length, at);
    std::string text(static_cast<std::size_t>(length), '\0');
    in.copy(text.data(), text.size(), what);
    return text;
  }

  void keep(std::uint64_t bytes, std::uint64_t at) {
    kept_ += bytes;
    if (kept_ > limits_.max_kept_bytes)
      cursor_->fail_at("the header's names and texts exceed " +
                           std::to_string(limits_.max_kept_bytes) + " bytes",
                       at);
  }

  void read_kv(GgufHeader& h, std::uint64_t index) {
    Cursor& in = *cursor_;
    const std::uint64_t at = in.offset();
    std::string key = read_string(limits_.max_key_length, "a metadata key");
    const std::string where = "metadata " + std::to_string(index) + " (" + printable(key) + ")";
    const std::uint64_t type_at = in.offset();
    const auto type = in.value<std::uint32_t>("a metadata value type");
    GgufValue value = read_value(type, where, type_at, 0);
    if (!h.metadata.emplace(std::move(key), std::move(value)).second)
      in.fail_at(where + ": the key appears twice", at);
  }

  GgufValue read_value(std::uint32_t type, const std::string& where, std::uint64_t type_at,
                       std::size_t depth) {
    Cursor& in = *cursor_;
    GgufValue v;
    v.type = static_cast<GgufType>(type);
    switch (v.type) {
      case GgufType::uint8:
        v.uinteger = in.value<std::uint8_t>("a uint8 value");
        break;
      case GgufType::int8:
        v.integer = in.value<std::int8_t>("an int8 value");
        break;
      case GgufType::uint16:
        v.uinteger = in.value<std::uint16_t>("a uint16 value");
        break;
      case GgufType::int16:
        v.integer = in.value<std::int16_t>("an int16 value");
        break;
      case GgufType::uint32:
        v.uinteger = in.value<std::uint32_t>("a uint32 value");
        break;
      case GgufType::int32:
        v.integer = in.value<std::int32_t>("an int32 value");
        break;
      case GgufType::uint64:
        v.uinteger = in.value<std::uint64_t>("a uint64 value");
        break;
      case GgufType::int64:
        v.integer = in.value<std::int64_t>("an int64 value");
        break;
      case GgufType::float32:
        v.real = in.value<float>("a float32 value");
        break;
      case GgufType::float64:
        v.real = in.value<double>("a float64 value");
        break;
      case GgufType::boolean: {
        const std::uint64_t at = in.offset();
        const auto b = in.value<std::uint8_t>("a bool value");
        if (b > 1)
          in.fail_at(where + ": bool value " + std::to_string(b) + " is neither 0 nor 1", at);
        v.boolean = b == 1;
        break;
      }
      case GgufType::string: {
        const std::uint64_t at = in.offset();
        v.length = in.string_length("a string value");
        if (v.length <= limits_.max_kept_string) {
          keep(v.length, at);
          v.text.resize(static_cast<std::size_t>(v.length));
          in.copy(v.text.data(), v.text.size(), "a string value");
        } else {
          v.text_dropped = true;
          in.skip(v.length, "a string value");
        }
        break;
      }
      case GgufType::array: {
        if (depth >= limits_.max_array_depth)
          in.fail_at(
              where + ": arrays nested deeper than " + std::to_string(limits_.max_array_depth),
              type_at);
        const std::uint64_t elem_at = in.offset();
        const auto elem = in.value<std::uint32_t>("an array's element type");
        v.element_type = static_cast<GgufType>(elem);
        const std::uint64_t count_at = in.offset();
        v.length = in.value<std::uint64_t>("an array's element count");
        skip_elements(elem, v.length, where, elem_at, count_at, depth + 1);
        break;
      }
      default:
        in.fail_at(where + ": unknown value type " + std::to_string(type), type_at);
    }
    return v;
  }

  // Walks `count` array elements of type `elem` without keeping them.
  void skip_elements(std::uint32_t elem, std::uint64_t count, const std::string& where,
                     std::uint64_t elem_at, std::uint64_t count_at, std::size_t depth) {
    Cursor& in = *cursor_;
    const auto too_many = [&](std::uint64_t min_bytes) {
      if (count > in.remaining() / min_bytes)
        in.fail_at(where + ": array of " + std::to_string(count) + " " + gguf_type_name(elem) +
                       " cannot fit in the " + std::to_string(in.remaining()) + " bytes left",
                   count_at);
    };
    switch (static_cast<GgufType>(elem)) {
      case GgufType::uint8:
      case GgufType::int8:
      case GgufType::boolean:
        too_many(1);
        in.skip(count, "an array");
        return;
      case GgufType::uint16:
      case GgufType::int16:
        too_many(2);
        in.skip(count * 2, "an array");
        return;
      case GgufType::uint32:
      case GgufType::int32:
      case GgufType::float32:
        too_many(4);
        in.skip(count * 4, "an array");
        return;
      case GgufType::uint64:
      case GgufType::int64:
      case GgufType::float64:
        too_many(8);
        in.skip(count * 8, "an array");
        return;
      case GgufType::string:
        too_many(8);
        for (std::uint64_t i = 0; i < count; ++i)
          in.skip(in.string_length("a string in an array"), "a string in an array");
        return;
      case GgufType::array:
        if (depth >= limits_.max_array_depth)
          in.fail_at(
              where + ": arrays nested deeper than " + std::to_string(limits_.max_array_depth),
              elem_at);
        too_many(kMinArrayBytes);
        for (std::uint64_t i = 0; i < count; ++i) {
          const std::uint64_t inner_elem_at = in.offset();
          const auto inner = in.value<std::uint32_t>("an array's element type");
          const std::uint64_t inner_count_at = in.offset();
          const auto inner_count = in.value<std::uint64_t>("an array's element count");
          skip_elements(inner, inner_count, where, inner_elem_at, inner_count_at, depth + 1);
        }
        return;
    }
    in.fail_at(where + ": unknown array element type " + std::to_string(elem), elem_at);
  }

  void read_alignment(GgufHeader& h) {
    const GgufValue* a = h.find("general.alignment");
    if (a == nullptr) return;
    const std::optional<std::uint64_t> value = a->as_unsigned();
    if (a->type != GgufType::uint32 || !value || *value == 0 || (*value & (*value - 1)) != 0)
      cursor_->fail(
          "general.alignment must be a uint32 power of two, not " +
          (value ? std::to_string(*value) : gguf_type_name(static_cast<std::uint32_t>(a->type))));
    h.alignment = static_cast<std::uint32_t>(*value);
    alignment_ = h.alignment;
  }

  GgufTensorInfo read_tensor_info(std::uint64_t index) {
    Cursor& in = *cursor_;
    const std::string where = "tensor info " + std::to_string(index);
    GgufTensorInfo t;
    t.name = read_string(limits_.max_tensor_name, "a tensor name");
    const std::string named = where + " (" + printable(t.name) + ")";
    const std::uint64_t dims_at = in.offset();
    t.n_dims = in.value<std::uint32_t>("a tensor's n_dims");
    if (t.n_dims > kMaxDims)
      in.fail_at(named + ": n_dims " + std::to_string(t.n_dims) + " > " + std::to_string(kMaxDims),
                 dims_at);
    t.elements = 1;
    for (std::uint32_t d = 0; d < t.n_dims; ++d) {
      const std::uint64_t at = in.offset();
      t.dims[d] = in.value<std::uint64_t>("a tensor dimension");
      if (t.dims[d] > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          __builtin_mul_overflow(t.elements, t.dims[d], &t.elements))
        in.fail_at(named + ": its element count overflows 64 bits", at);
    }
    const std::uint64_t type_at = in.offset();
    t.type = in.value<std::uint32_t>("a tensor type");
    const std::optional<GgmlTypeInfo> info = ggml_type_info(t.type);
    if (!info)
      in.fail_at(
          named + ": unknown ggml type " + std::to_string(t.type) + " (this reader cannot size it)",
          type_at);
    const std::uint64_t blocks =
        t.elements / info->block_size + (t.elements % info->block_size != 0);
    if (__builtin_mul_overflow(blocks, std::uint64_t{info->type_size}, &t.bytes))
      in.fail_at(named + ": its size overflows 64 bits", type_at);
    const std::uint64_t offset_at = in.offset();
    t.offset = in.value<std::uint64_t>("a tensor offset");
    if (t.offset % alignment_ != 0)
      in.fail_at(named + ": data offset " + std::to_string(t.offset) +
                     " is not a multiple of the alignment " + std::to_string(alignment_),
                 offset_at);
    offsets_at_.push_back(offset_at);
    return t;
  }

  // Each tensor's data lies in the file: a truncated download is found here, before
  // llama.cpp spends minutes on it. The error points at the tensor's offset field (the
  // data's own place may lie past the end).
  void check_tensor_data(const GgufHeader& h) const {
    const std::uint64_t data_size = h.file_size >= h.data_offset ? h.file_size - h.data_offset : 0;
    for (std::size_t i = 0; i < h.tensors.size(); ++i) {
      const GgufTensorInfo& t = h.tensors[i];
      if (t.offset > data_size || t.bytes > data_size - t.offset)
        cursor_->fail_at("tensor " + printable(t.name) + ": its " + std::to_string(t.bytes) +
                             " bytes at data offset " + std::to_string(t.offset) +
                             " run past the end of the file (is it truncated?)",
                         offsets_at_[i]);
    }
  }

  // A name from the file as a message may show it: at most 80 bytes, others as '?'.
  static std::string printable(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 80))
      out +=
          static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f ? c : '?';
    if (text.size() > 80) out += "...";
    return out;
  }

  std::unique_ptr<Cursor> cursor_;  // its window is 64 KiB: on the heap, not the stack
  GgufLimits limits_;
  std::uint64_t kept_ = 0;
  std::uint32_t alignment_ = 32;           // general.alignment, once read
  std::vector<std::uint64_t> offsets_at_;  // where each tensor info's offset field is
};

}  // namespace

GgufHeader read_gguf(const ByteSource& source, const GgufLimits& limits) {
  return Reader(source, limits).read();
}

}  // namespace llama_bench
