// The byte protocol between benchlab-worker and the core: length-prefixed frames on the
// worker's stdout (the plugin's own stdout is redirected to stderr before it loads).
//
// frame   = u32 payload_size (little endian) , u8 type , payload
// string  = u32 size , bytes        f64 = IEEE 754 binary64, little endian
// The core treats everything as untrusted input: sizes are bounded and every field is
// checked, so a plugin writing garbage on fd 1 yields a protocol error, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace benchlab::protocol {

inline constexpr std::uint32_t kMaxPayload = 1u << 20;  // 1 MiB; output is sent in chunks

enum class Type : std::uint8_t {
  hello = 1,           // u32 abi_major, u32 abi_minor, string id, string version
  log = 2,             // i32 level, string text
  declare_metric = 3,  // string name, string unit, i32 direction
  metric = 4,          // string name, f64 value
  progress = 5,        // f64 fraction, string note
  output = 6,          // bytes (the rest of the payload)
  window = 7,          // u64 begin_ns, u64 end_ns: CLOCK_MONOTONIC around run()
  done = 8,            // i32 status (BL_*), string message
};

struct Hello { std::uint32_t abi_major, abi_minor; std::string id, version; };
struct Log { std::int32_t level; std::string text; };
struct DeclareMetric { std::string name, unit; std::int32_t direction; };
struct Metric { std::string name; double value; };
struct Progress { double fraction; std::string note; };
struct Output { std::string bytes; };
struct Window { std::uint64_t begin_ns, end_ns; };
struct Done { std::int32_t status; std::string message; };

using Message = std::variant<Hello, Log, DeclareMetric, Metric, Progress, Output, Window, Done>;

// Serialise one message as a complete frame.
std::string encode(const Message& m);

// Incremental decoder: feed() bytes as they arrive, next() yields complete messages.
// A malformed frame sets error() and stops decoding for good.
class Decoder {
 public:
  void feed(std::string_view bytes);
  std::optional<Message> next();
  const std::string& error() const { return error_; }
  // Bytes received but not yet part of a complete frame.
  std::size_t pending() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace benchlab::protocol
