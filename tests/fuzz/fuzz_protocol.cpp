// SPDX-License-Identifier: MIT
// Fuzz target: the worker frame decoder (core/src/worker_protocol.h), which reads whatever
// a plugin manages to write on the worker's stdout (and, in the worker, the core's
// commands on its stdin: the same decoder). The input is the byte stream; the
// first byte seeds the sizes of the chunks it arrives in, as reads from a pipe would cut
// it. Checked: decoding never crashes, the result does not depend on how the stream was
// cut, and every decoded message encodes back to the exact bytes it came from.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "worker_protocol.h"

namespace {

namespace protocol = benchlab::protocol;

struct Decoded {
  std::string reencoded;  // encode() of every message, concatenated
  std::size_t messages = 0;
  std::string error;
  std::size_t pending = 0;
};

void drain(protocol::Decoder& decoder, Decoded& out) {
  while (auto message = decoder.next()) {
    out.reencoded += protocol::encode(*message);
    ++out.messages;
  }
}

Decoded decode_whole(std::string_view stream) {
  protocol::Decoder decoder;
  Decoded out;
  decoder.feed(stream);
  drain(decoder, out);
  out.error = decoder.error();
  out.pending = decoder.pending();
  return out;
}

Decoded decode_chunked(std::string_view stream, std::uint8_t seed) {
  protocol::Decoder decoder;
  Decoded out;
  unsigned state = seed | 1u;
  while (!stream.empty()) {
    state = state * 1103515245u + 12345u;  // any cut will do; this one is reproducible
    const std::size_t cut = std::min<std::size_t>(stream.size(), 1 + (state >> 16) % 64);
    decoder.feed(stream.substr(0, cut));
    stream.remove_prefix(cut);
    drain(decoder, out);
  }
  out.error = decoder.error();
  out.pending = decoder.pending();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t seed = data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

  const Decoded whole = decode_whole(stream);
  const Decoded chunked = decode_chunked(stream, seed);
  FUZZ_CHECK(whole.messages == chunked.messages);
  FUZZ_CHECK(whole.reencoded == chunked.reencoded);
  FUZZ_CHECK(whole.error == chunked.error);
  // The frames decoded are the stream's first bytes, re-encoded unchanged.
  FUZZ_CHECK(stream.starts_with(whole.reencoded));
  // Without an error, everything not decoded is an incomplete last frame.
  if (whole.error.empty()) {
    FUZZ_CHECK(whole.reencoded.size() + whole.pending == stream.size());
    FUZZ_CHECK(whole.pending < 5 + protocol::kMaxPayload);
  }
  return 0;
}
