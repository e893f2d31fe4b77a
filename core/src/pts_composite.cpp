// SPDX-License-Identifier: MIT
// composite.xml, the result file of the Phoronix Test Suite: parsed strictly (an imported
// number that is silently wrong costs more than a refusal that names the line) and written
// the way pts_result_file::get_xml writes it. docs/pts.md lists the elements.
#include "pts_composite.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <benchlab_common/text.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <pugixml.hpp>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

namespace benchlab {
namespace {

namespace fs = std::filesystem;

using common::trim;

constexpr const char* kRoot = "PhoronixTestSuite";

// Length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when the bytes there are not
// one (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut off).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned min_second = 0x80, max_second = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) min_second = 0xa0;  // overlong
    if (c == 0xed) max_second = 0x9f;  // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) min_second = 0x90;  // overlong
    if (c == 0xf4) max_second = 0x8f;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(1) < min_second || b(1) > max_second) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xbf) return 0;
  return n;
}

// A control character XML 1.0 cannot hold (tab and newline it can; carriage returns are
// turned into newlines before this is asked).
bool is_forbidden_control(unsigned char c) { return c < 0x20 && c != '\t' && c != '\n'; }

// "\r\n" and a lone "\r" become "\n", as an XML parser's end-of-line handling does, so
// that text reads back the same after it is written.
std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Text that XML can hold: invalid UTF-8 and forbidden control characters become U+FFFD.
std::string xml_safe(std::string_view text) {
  const std::string s = normalize_newlines(text);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0 || (n == 1 && is_forbidden_control(static_cast<unsigned char>(s[i])))) {
      out += "\xef\xbf\xbd";
      ++i;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

// Quoted and shortened for an error message.
std::string shown(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string flat;
  for (char c : s.substr(0, kMax)) flat += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  // Do not cut a multi-byte character in half.
  if (s.size() > kMax) {
    while (!flat.empty() && (static_cast<unsigned char>(flat.back()) & 0xc0) == 0x80)
      flat.pop_back();
    if (!flat.empty() && static_cast<unsigned char>(flat.back()) >= 0xc0) flat.pop_back();
    return fmt::format("\"{}...\"", flat);
  }
  return fmt::format("\"{}\"", flat);
}

// A finite double written the way PTS and PHP write them ("12.5", "-3", "1.2e+06").
std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file, const PtsLimits& limits)
      : text_(text), file_(file), limits_(limits) {}

  PtsResultFile parse();

 private:
  // 1-based line of a byte offset; 0 when unknown. Offsets are mostly asked in document
  // order, so the count goes on from the last one asked (linear over the whole file).
  unsigned line_of(std::ptrdiff_t offset);
  unsigned line_of(pugi::xml_node node) { return line_of(node.offset_debug()); }
  [[noreturn]] void fail_at(std::ptrdiff_t offset, std::string_view what);
  // "FILE:LINE: <Element>: what"
  [[noreturn]] void fail(pugi::xml_node element, std::string_view what);

  // The trimmed text of `parent`'s first child element `name` ("" when there is none),
  // checked: valid UTF-8, no control characters, at most `max` bytes.
  std::string field(pugi::xml_node parent, const char* name, std::size_t max);
  std::string checked_text(pugi::xml_node element, std::size_t max);

  pugi::xml_node root();
  void check_counts(pugi::xml_node top);
  PtsSystem system(pugi::xml_node node);
  PtsResult result(pugi::xml_node node);
  void numbers(PtsEntry& e, pugi::xml_node node);

  std::string_view text_;
  const std::string& file_;
  const PtsLimits& limits_;
  pugi::xml_document doc_;
  std::size_t line_offset_ = 0;
  unsigned line_ = 1;
  std::unordered_set<std::string> system_ids_;
  std::size_t raw_values_ = 0;
};

unsigned Parser::line_of(std::ptrdiff_t offset) {
  if (offset < 0) return 0;
  auto end = std::min(static_cast<std::size_t>(offset), text_.size());
  // An error at the very end of a file that ends in a newline belongs to its last line.
  if (end == text_.size() && end > 0 && text_.back() == '\n') --end;
  if (end < line_offset_) {
    line_offset_ = 0;
    line_ = 1;
  }
  line_ +=
      static_cast<unsigned>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(line_offset_),
                                       text_.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
  line_offset_ = end;
  return line_;
}

void Parser::fail_at(std::ptrdiff_t offset, std::string_view what) {
  const unsigned line = line_of(offset);
  throw PtsError(line == 0 ? fmt::format("{}: {}", file_, what)
                           : fmt::format("{}:{}: {}", file_, line, what));
}

void Parser::fail(pugi::xml_node element, std::string_view what) {
  fail_at(element.offset_debug(), fmt::format("<{}>: {}", element.name(), what));
}

std::string Parser::checked_text(pugi::xml_node element, std::size_t max) {
  const std::string_view raw = element.text().get();
  if (raw.size() > max)
    fail(element,
         fmt::format("{} bytes of text, more than the {} this element may hold", raw.size(), max));
  std::string text(trim(normalize_newlines(raw)));
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0)
      fail(element, fmt::format("invalid UTF-8 at byte {} of its text; the file must be UTF-8", i));
    if (n == 1 && is_forbidden_control(static_cast<unsigned char>(text[i])))
      fail(element, fmt::format("control character {:#04x} in its text, which XML 1.0 does not "
                                "allow",
                                static_cast<unsigned>(static_cast<unsigned char>(text[i]))));
    i += n;
  }
  return text;
}

std::string Parser::field(pugi::xml_node parent, const char* name, std::size_t max) {
  const pugi::xml_node e = parent.child(name);
  return e ? checked_text(e, max) : std::string();
}

pugi::xml_node Parser::root() {
  if (const void* nul = std::memchr(text_.data(), '\0', text_.size()))
    fail_at(static_cast<const char*>(nul) - text_.data(),
            "NUL byte: this is not a UTF-8 text file; a composite.xml is UTF-8 XML");
  if (trim(text_).empty())
    fail_at(0, fmt::format("empty file; expected a Phoronix Test Suite result file (<{}>)", kRoot));
  // parse_doctype keeps a DOCTYPE as a node so that it can be refused below; pugixml never
  // expands entities other than the five of XML and character references either way.
  const auto result = doc_.load_buffer(
      text_.data(), text_.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!result) fail_at(result.offset, fmt::format("not well-formed XML: {}", result.description()));
  pugi::xml_node root;
  for (auto child : doc_.children()) {
    if (child.type() == pugi::node_doctype)
      fail_at(child.offset_debug(),
              "a DOCTYPE declaration; a Phoronix Test Suite result file has none, and its "
              "entity definitions are refused");
    if (child.type() != pugi::node_element) continue;
    if (root)
      fail(child, fmt::format("a second root element; a result file holds one <{}> (the first "
                              "root is on line {})",
                              kRoot, line_of(root)));
    root = child;
  }
  if (!root) fail_at(0, fmt::format("no root element; expected <{}>", kRoot));
  if (std::string_view(root.name()) != kRoot)
    fail(root, fmt::format("the root element is <{}>; expected <{}> (a Phoronix Test Suite "
                           "composite.xml)",
                           root.name(), kRoot));
  return root;
}

PtsSystem Parser::system(pugi::xml_node node) {
  PtsSystem s;
  s.line = line_of(node);
  s.identifier = field(node, "Identifier", limits_.max_text_bytes);
  if (s.identifier.empty()) fail(node, "no <Identifier>; every system needs a name");
  if (!system_ids_.insert(s.identifier).second)
    fail(node, fmt::format("a second system named {}; system identifiers must be unique",
                           shown(s.identifier)));
  s.hardware = field(node, "Hardware", limits_.max_long_text_bytes);
  s.software = field(node, "Software", limits_.max_long_text_bytes);
  s.user = field(node, "User", limits_.max_text_bytes);
  s.timestamp = field(node, "TimeStamp", limits_.max_text_bytes);
  s.client_version = field(node, "TestClientVersion", limits_.max_text_bytes);
  s.notes = field(node, "Notes", limits_.max_long_text_bytes);
  s.json = field(node, "JSON", limits_.max_long_text_bytes);
  return s;
}

void Parser::numbers(PtsEntry& e, pugi::xml_node node) {
  const pugi::xml_node raw_node = node.child("RawString");
  if (!e.raw_string.empty()) {
    std::string_view rest = e.raw_string;
    for (;;) {
      const auto colon = rest.find(':');
      const std::string_view piece = rest.substr(0, colon);
      const auto x = parse_number(piece);
      if (!x)
        fail(raw_node, fmt::format("{} is not a finite number (RawString holds the values of "
                                   "the runs joined by ':')",
                                   shown(trim(piece))));
      if (e.raw.size() >= limits_.max_raw_values)
        fail(raw_node, fmt::format("more than {} values", limits_.max_raw_values));
      if (++raw_values_ > limits_.max_total_raw_values)
        fail(raw_node, fmt::format("more than {} raw values in the whole file",
                                   limits_.max_total_raw_values));
      e.raw.push_back(*x);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  if (!e.value.empty()) {
    e.number = parse_number(e.value);
    if (!e.number)
      fail(node.child("Value"), fmt::format("{} is not a finite number", shown(e.value)));
  } else if (!e.raw.empty()) {
    double sum = 0;
    for (double x : e.raw) sum += x;
    const double mean = sum / static_cast<double>(e.raw.size());
    if (!std::isfinite(mean)) fail(raw_node, "the mean of its values is not a finite number");
    e.number = mean;
  }
}

PtsResult Parser::result(pugi::xml_node node) {
  PtsResult r;
  r.line = line_of(node);
  r.identifier = field(node, "Identifier", limits_.max_text_bytes);
  r.title = field(node, "Title", limits_.max_text_bytes);
  r.app_version = field(node, "AppVersion", limits_.max_text_bytes);
  r.arguments = field(node, "Arguments", limits_.max_long_text_bytes);
  r.description = field(node, "Description", limits_.max_long_text_bytes);
  r.scale = field(node, "Scale", limits_.max_text_bytes);
  r.proportion = field(node, "Proportion", limits_.max_text_bytes);
  r.display_format = field(node, "DisplayFormat", limits_.max_text_bytes);
  if (r.numeric()) {
    std::string upper = r.proportion;
    for (char& c : upper)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (upper.empty()) upper = "HIB";
    if (upper != "HIB" && upper != "LIB")
      fail(node.child("Proportion"),
           fmt::format("{} is not a proportion; expected HIB (higher is better) or LIB (lower "
                       "is better)",
                       shown(r.proportion)));
    r.proportion = upper;
  }
  std::unordered_set<std::string> named;
  for (auto entry : node.child("Data").children("Entry")) {
    PtsEntry e;
    e.line = line_of(entry);
    e.identifier = field(entry, "Identifier", limits_.max_text_bytes);
    if (e.identifier.empty()) fail(entry, "no <Identifier>; an entry names the system it is of");
    if (!system_ids_.count(e.identifier))
      fail(entry, fmt::format("names the system {}, which no <System> of the file has",
                              shown(e.identifier)));
    if (!named.insert(e.identifier).second)
      fail(entry,
           fmt::format("a second entry of the system {} in this result", shown(e.identifier)));
    e.value = field(entry, "Value", limits_.max_long_text_bytes);
    e.raw_string = field(entry, "RawString", limits_.max_long_text_bytes);
    e.json = field(entry, "JSON", limits_.max_long_text_bytes);
    if (r.numeric()) numbers(e, entry);
    r.entries.push_back(std::move(e));
  }
  return r;
}

void Parser::check_counts(pugi::xml_node top) {
  // Counted before anything else is read, so that a file far beyond a limit costs one walk
  // over its elements and names the first element too many.
  std::size_t systems = 0, results = 0, entries = 0;
  for (auto node : top.children("System"))
    if (++systems > limits_.max_systems)
      fail(node, fmt::format("more than {} <System> elements", limits_.max_systems));
  for (auto node : top.children("Result")) {
    if (++results > limits_.max_results)
      fail(node, fmt::format("more than {} <Result> elements", limits_.max_results));
    for (auto entry : node.child("Data").children("Entry"))
      if (++entries > limits_.max_entries)
        fail(entry, fmt::format("more than {} <Entry> elements in the file", limits_.max_entries));
  }
}

PtsResultFile Parser::parse() {
  const pugi::xml_node top = root();
  check_counts(top);
  PtsResultFile out;
  // Systems first: an entry may name a system written after its result.
  for (auto node : top.children("System")) out.systems.push_back(system(node));
  if (const auto g = top.child("Generated")) {
    out.generated.title = field(g, "Title", limits_.max_text_bytes);
    out.generated.last_modified = field(g, "LastModified", limits_.max_text_bytes);
    out.generated.test_client = field(g, "TestClient", limits_.max_text_bytes);
    out.generated.description = field(g, "Description", limits_.max_long_text_bytes);
    out.generated.notes = field(g, "Notes", limits_.max_long_text_bytes);
  }
  for (auto node : top.children("Result")) out.results.push_back(result(node));
  return out;
}

const char* file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string human_bytes(std::uint64_t b) {
  if (b >= (1ull << 30)) return fmt::format("{:.1f} GiB", double(b) / (1ull << 30));
  if (b >= (1ull << 20)) return fmt::format("{:.1f} MiB", double(b) / (1ull << 20));
  return fmt::format("{} bytes", b);
}

void add_text(pugi::xml_node parent, const char* name, std::string_view text) {
  auto e = parent.append_child(name);
  const std::string safe = xml_safe(text);
  if (!safe.empty()) e.text().set(safe.c_str());
}

// PTS's addXmlNodeWNE: the element only when it has text.
void add_text_if(pugi::xml_node parent, const char* name, std::string_view text) {
  if (!trim(text).empty()) add_text(parent, name, text);
}

}  // namespace

const PtsSystem* PtsResultFile::system(std::string_view identifier) const {
  for (const auto& s : systems)
    if (s.identifier == identifier) return &s;
  return nullptr;
}

PtsResultFile parse_pts_composite(std::string_view xml, const std::string& file_name,
                                  const PtsLimits& limits) {
  if (xml.size() > limits.max_file_bytes)
    throw PtsError(fmt::format("{}: {}, larger than the {} a result file may be", file_name,
                               human_bytes(xml.size()), human_bytes(limits.max_file_bytes)));
  return Parser(xml, file_name, limits).parse();
}

std::string read_pts_file(const fs::path& file, const PtsLimits& limits) {
  const std::string name = file.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat() below refuses it.
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    throw PtsError(fmt::format("{}: cannot open: {}; check that the file exists and is readable",
                               name, std::generic_category().message(err)));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0)
    throw PtsError(fmt::format("{}: cannot stat: {}", name, std::strerror(errno)));
  if (!S_ISREG(st.st_mode))
    throw PtsError(fmt::format("{}: {}; expected a Phoronix Test Suite composite.xml", name,
                               file_kind(st.st_mode)));
  if (static_cast<std::uint64_t>(st.st_size) > limits.max_file_bytes)
    throw PtsError(fmt::format("{}: {}, larger than the {} a result file may be; refused unread",
                               name, human_bytes(static_cast<std::uint64_t>(st.st_size)),
                               human_bytes(limits.max_file_bytes)));
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw PtsError(fmt::format("{}: read error: {}", name, std::strerror(errno)));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    // The file may have grown since fstat().
    if (text.size() > limits.max_file_bytes)
      throw PtsError(fmt::format("{}: larger than the {} a result file may be", name,
                                 human_bytes(limits.max_file_bytes)));
  }
  return text;
}

PtsResultFile load_pts_composite(const fs::path& file, const PtsLimits& limits) {
  return parse_pts_composite(read_pts_file(file, limits), file.string(), limits);
}

std::string write_pts_composite(const PtsResultFile& file) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child(kRoot);
  auto g = root.append_child("Generated");
  add_text(g, "Title", file.generated.title);
  add_text(g, "LastModified", file.generated.last_modified);
  add_text(g, "TestClient", file.generated.test_client);
  add_text(g, "Description", file.generated.description);
  add_text_if(g, "Notes", file.generated.notes);
  for (const auto& s : file.systems) {
    auto n = root.append_child("System");
    add_text(n, "Identifier", s.identifier);
    add_text(n, "Hardware", s.hardware);
    add_text(n, "Software", s.software);
    add_text(n, "User", s.user);
    add_text(n, "TimeStamp", s.timestamp);
    add_text(n, "TestClientVersion", s.client_version);
    add_text(n, "Notes", s.notes);
    add_text_if(n, "JSON", s.json);
  }
  for (const auto& r : file.results) {
    if (r.entries.empty()) continue;  // as PTS: a result without values is not written
    auto n = root.append_child("Result");
    add_text(n, "Identifier", r.identifier);
    add_text(n, "Title", r.title);
    add_text(n, "AppVersion", r.app_version);
    add_text(n, "Arguments", r.arguments);
    add_text(n, "Description", r.description);
    add_text(n, "Scale", r.scale);
    add_text(n, "Proportion", r.proportion);
    add_text(n, "DisplayFormat", r.display_format);
    auto data = n.append_child("Data");
    for (const auto& e : r.entries) {
      auto en = data.append_child("Entry");
      add_text(en, "Identifier", e.identifier);
      add_text(en, "Value", e.value);
      add_text(en, "RawString", e.raw_string);
      add_text_if(en, "JSON", e.json);
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

std::string pts_number(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return fmt::format("{:.17g}", value);
  return std::string(buf, end);
}

std::vector<std::pair<std::string, std::string>> pts_components(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(", ", pos);
    const std::string_view piece =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    const auto colon = piece.find(": ");
    if (colon != std::string_view::npos && !trim(piece.substr(0, colon)).empty()) {
      out.emplace_back(std::string(trim(piece.substr(0, colon))),
                       std::string(trim(piece.substr(colon + 2))));
    } else if (!out.empty()) {
      out.back().second += ", ";
      out.back().second += trim(piece);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 2;
  }
  return out;
}

std::string pts_component_string(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string out;
  for (const auto& [key, value] : parts) {
    const std::string_view v = trim(value);
    if (v.empty()) continue;
    if (!out.empty()) out += ", ";
    out += key;
    out += ": ";
    for (std::size_t i = 0; i < v.size(); ++i) {
      // ", " would split the value; ";" cannot form a new ", " with what precedes it
      out += (v[i] == ',' && i + 1 < v.size() && v[i + 1] == ' ') ? ';' : v[i];
    }
  }
  return out;
}

}  // namespace benchlab
