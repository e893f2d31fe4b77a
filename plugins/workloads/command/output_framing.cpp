#include "output_framing.hpp"

#include <charconv>

namespace benchlab::command {
namespace {

constexpr std::string_view kMagic = "benchlab-command-output/1 ";

// Reads "KEY=DIGITS" at the front of `s` and moves past it.
bool take_size(std::string_view& s, std::string_view key, std::size_t& size) {
  if (s.substr(0, key.size()) != key || s.size() == key.size() || s[key.size()] != '=')
    return false;
  s.remove_prefix(key.size() + 1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), size);
  if (ec != std::errc() || end == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

}  // namespace

std::string frame_streams(std::string_view out, std::string_view err) {
  std::string framed(kMagic);
  framed += "stdout=" + std::to_string(out.size()) + " stderr=" + std::to_string(err.size()) + "\n";
  framed.reserve(framed.size() + out.size() + 1 + err.size());
  framed += out;
  framed += '\n';
  framed += err;
  return framed;
}

Outcome<Streams> split_streams(std::string_view framed) {
  const std::size_t nl = framed.find('\n');
  if (framed.substr(0, kMagic.size()) != kMagic || nl == std::string_view::npos)
    return fail("raw output does not start with a '" + std::string(kMagic) +
                "stdout=N stderr=M' line; it was not written by this plugin's run()");
  std::string_view header = framed.substr(kMagic.size(), nl - kMagic.size());
  std::size_t out_size = 0, err_size = 0;
  const bool header_ok =
      take_size(header, "stdout", out_size) && !header.empty() && header.front() == ' ' &&
      (header.remove_prefix(1), take_size(header, "stderr", err_size)) && header.empty();
  if (!header_ok)
    return fail("raw output has a malformed header line '" + std::string(framed.substr(0, nl)) +
                "'");
  const std::string_view body = framed.substr(nl + 1);
  if (out_size > body.size() || body.size() - out_size < 1 ||
      body.size() - out_size - 1 != err_size)
    return fail(
        "raw output holds " + std::to_string(body.size()) +
        " bytes after its header, but the header announces stdout=" + std::to_string(out_size) +
        " and stderr=" + std::to_string(err_size) + " (cut short by the host's output limit?)");
  if (body[out_size] != '\n') return fail("raw output lacks the line break after stdout");
  return Streams{body.substr(0, out_size), body.substr(out_size + 1)};
}

}  // namespace benchlab::command
