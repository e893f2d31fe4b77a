// SPDX-License-Identifier: MIT
// Test profiles and suites from XML (format: docs/profiles.md). Strict on purpose: a typo
// that silently changes what is measured costs more than a refusal that names the line.
#include "profile.h"

#include <benchlab/plugin.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <benchlab_common/text.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <pugixml.hpp>
#include <system_error>

namespace benchlab {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSpace = " \t\r\n";

using common::trim;

bool is_blank(std::string_view s) { return trim(s).empty(); }

// Real profiles are a few KiB; the largest suite imaginable is far below this.
constexpr std::size_t kMaxProfileBytes = 4 << 20;

std::string human_bytes(std::uint64_t b) {
  if (b >= (1ull << 30)) return fmt::format("{:.1f} GiB", double(b) / (1ull << 30));
  if (b >= (1ull << 20)) return fmt::format("{:.1f} MiB", double(b) / (1ull << 20));
  return fmt::format("{} bytes", b);
}

const char* file_kind(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a file";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Whitespace runs become one space: titles are display text, and the indentation of a
// description wrapped inside the XML is not part of it.
std::string collapse_space(std::string_view s) {
  std::string out;
  bool pending = false;
  for (char c : trim(s)) {
    if (kSpace.find(c) != std::string_view::npos) {
      pending = true;
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

// Quoted and shortened, so a stray paragraph quoted in an error stays one readable line.
std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 40;
  const std::string flat = collapse_space(s);
  if (flat.size() <= kMax) return fmt::format("\"{}\"", flat);
  return fmt::format("\"{}...\"", std::string_view(flat).substr(0, kMax));
}

// "a, b or c", for the lists of what an element accepts.
std::string join_or(std::initializer_list<std::string_view> items) {
  std::string out;
  std::size_t i = 0;
  for (auto item : items) {
    if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
    out += item;
    ++i;
  }
  return out;
}

// [a-z0-9][a-z0-9._-]*: the id syntax of profiles, suites and plugins (plugin.h).
bool is_id(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_lower_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

// [a-z0-9_.-]+
bool is_option_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return is_lower_alnum(c) || c == '.' || c == '_' || c == '-';
  });
}

// Splits "70GiB" or "70 GiB" into the number and the unit.
struct NumberAndUnit {
  std::string_view number, unit;
  bool trailing_space = false;  // "70 ": spaces with no unit after them
};

NumberAndUnit split_unit(std::string_view text) {
  auto end = text.find_first_not_of("0123456789.");
  if (end == std::string_view::npos) end = text.size();
  NumberAndUnit out{text.substr(0, end), text.substr(end)};
  const auto unit_start = out.unit.find_first_not_of(' ');
  out.trailing_space = unit_start == std::string_view::npos && !out.unit.empty();
  out.unit.remove_prefix(std::min(unit_start, out.unit.size()));
  return out;
}

// A plain decimal ("12", "1.5", ".5"): digits and at most one point. Signs, exponents,
// "inf" and "nan" are refused here because std::from_chars would accept them.
std::optional<double> parse_decimal(std::string_view s) {
  if (std::count(s.begin(), s.end(), '.') > 1 || std::none_of(s.begin(), s.end(), is_digit))
    return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c) || c == '.'; }))
    return std::nullopt;
  double value = 0;
  const auto [end, ec] =
      std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::fixed);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "2%" or "0.02": the relative CI half-width at which a dynamic trial count stops.
double parse_target_ci(std::string_view text) {
  const bool percent = !text.empty() && text.back() == '%';
  const auto number = parse_decimal(percent ? text.substr(0, text.size() - 1) : text);
  if (!number)
    throw std::invalid_argument(fmt::format(
        "{} is not a precision; expected a percentage such as \"2%\" or a fraction such as "
        "\"0.02\"",
        quoted(text)));
  const double fraction = percent ? *number / 100 : *number;
  if (!(fraction > 0 && fraction < 1))
    throw std::invalid_argument(
        fmt::format("{} is out of range; expected more than 0 and less than 100%, such as \"2%\"",
                    quoted(text)));
  return fraction;
}

// A parsed file together with its text: pugixml reports positions as byte offsets, and
// the text turns them into the line numbers a user can jump to.
class XmlFile {
 public:
  explicit XmlFile(const fs::path& path);

  const fs::path& path() const { return path_; }
  pugi::xml_node root() const { return root_; }

  // 1-based line of a byte offset; 0 when unknown (offset -1).
  unsigned line_of(std::ptrdiff_t offset) const;
  unsigned line_of(pugi::xml_node node) const { return line_of(node.offset_debug()); }

  // "FILE:LINE: <element>: what"; a text node is reported as its parent element.
  [[noreturn]] void fail(pugi::xml_node node, std::string_view what) const;
  // "FILE:LINE: what", for problems outside any element.
  [[noreturn]] void fail_at(std::ptrdiff_t offset, std::string_view what) const;

 private:
  std::string where(std::ptrdiff_t offset) const;
  // A text node's offset points at its leading whitespace, often the previous line's end;
  // the line of its first visible character is the one to report.
  std::ptrdiff_t skip_space(std::ptrdiff_t offset) const;

  fs::path path_;
  std::string text_;
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

XmlFile::XmlFile(const fs::path& path) : path_(path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat() below refuses it.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    throw ProfileError(
        fmt::format("{}: cannot open: {}; check that the file exists and is readable",
                    path.string(), std::generic_category().message(err)));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0)
    throw ProfileError(fmt::format("{}: cannot stat: {}", path.string(), std::strerror(errno)));
  if (S_ISDIR(st.st_mode))
    throw ProfileError(
        fmt::format("{}: is a directory; expected a profile or suite XML file", path.string()));
  if (!S_ISREG(st.st_mode))
    throw ProfileError(
        fmt::format("{}: not a regular file ({}); expected a profile or suite XML file",
                    path.string(), file_kind(st.st_mode)));
  // Refused before a byte is read: a stray disk image must cost neither memory nor time.
  if (static_cast<std::uint64_t>(st.st_size) > kMaxProfileBytes)
    throw ProfileError(fmt::format(
        "{}: {}, larger than the {} a profile or suite file may be; refused unread (is it one?)",
        path.string(), human_bytes(static_cast<std::uint64_t>(st.st_size)),
        human_bytes(kMaxProfileBytes)));
  // Read up to the limit (the file may have grown since fstat) and stop at the first NUL:
  // UTF-16 text and binary files both contain NUL bytes; refusing them keeps the byte
  // offsets of the parser equal to offsets in the file, which the line numbers need.
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw ProfileError(fmt::format("{}: read error: {}; check the file and the disk",
                                     path.string(), std::strerror(errno)));
    if (n == 0) break;
    const std::size_t start = text_.size();
    text_.append(buf, static_cast<std::size_t>(n));
    if (const void* nul = std::memchr(buf, '\0', static_cast<std::size_t>(n)))
      fail_at(static_cast<std::ptrdiff_t>(start + (static_cast<const char*>(nul) - buf)),
              "NUL byte: this is not a UTF-8 text file; save the profile as UTF-8 XML");
    if (text_.size() > kMaxProfileBytes)
      throw ProfileError(fmt::format("{}: larger than the {} a profile or suite file may be",
                                     path.string(), human_bytes(kMaxProfileBytes)));
  }

  if (is_blank(text_))
    fail_at(0, "empty file; expected an XML document whose root element is <profile> or <suite>");

  // parse_fragment keeps text outside the root element as nodes, so a stray line after
  // </profile> or a file that is not XML at all is reported instead of silently dropped.
  const auto result = doc_.load_buffer(
      text_.data(), text_.size(), pugi::parse_default | pugi::parse_fragment, pugi::encoding_utf8);
  if (!result)
    fail_at(result.offset,
            fmt::format("not well-formed XML: {}; fix the markup here or just before",
                        result.description()));
  for (auto child : doc_.children()) {
    if (child.type() == pugi::node_element) {
      if (root_)
        fail(child, fmt::format("a second root element; a file holds one <profile> or one <suite> "
                                "(the first root is <{}> on line {})",
                                root_.name(), line_of(root_)));
      root_ = child;
    } else if (!is_blank(child.value())) {
      fail_at(skip_space(child.offset_debug()),
              fmt::format("text {} outside any element; expected an XML file whose root "
                          "element is <profile> or <suite>",
                          quoted(child.value())));
    }
  }
  if (!root_) fail_at(0, "no root element; expected <profile> or <suite>");
}

unsigned XmlFile::line_of(std::ptrdiff_t offset) const {
  if (offset < 0) return 0;
  auto end = std::min(static_cast<std::size_t>(offset), text_.size());
  // An error at the very end of a file that ends in a newline belongs to its last line.
  if (end == text_.size() && end > 0 && text_.back() == '\n') --end;
  return 1 + static_cast<unsigned>(std::count(text_.begin(), text_.begin() + end, '\n'));
}

std::string XmlFile::where(std::ptrdiff_t offset) const {
  const unsigned line = line_of(offset);
  return line == 0 ? path_.string() : fmt::format("{}:{}", path_.string(), line);
}

std::ptrdiff_t XmlFile::skip_space(std::ptrdiff_t offset) const {
  if (offset < 0) return offset;
  const auto next = text_.find_first_not_of(kSpace, static_cast<std::size_t>(offset));
  return next == std::string::npos ? offset : static_cast<std::ptrdiff_t>(next);
}

void XmlFile::fail(pugi::xml_node node, std::string_view what) const {
  const auto element = node.type() == pugi::node_element ? node : node.parent();
  auto offset =
      node.type() == pugi::node_element ? node.offset_debug() : skip_space(node.offset_debug());
  if (offset < 0) offset = element.offset_debug();
  throw ProfileError(fmt::format("{}: <{}>: {}", where(offset), element.name(), what));
}

void XmlFile::fail_at(std::ptrdiff_t offset, std::string_view what) const {
  throw ProfileError(fmt::format("{}: {}", where(offset), what));
}

bool is_text(pugi::xml_node node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

// Unknown and repeated attributes are errors: pugixml keeps both copies of a repeat.
void check_attributes(const XmlFile& f, pugi::xml_node node,
                      std::initializer_list<std::string_view> allowed) {
  for (auto a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      if (allowed.size() == 0)
        f.fail(node, fmt::format("unknown attribute \"{}\"; <{}> takes no attributes", name,
                                 node.name()));
      f.fail(node, fmt::format("unknown attribute \"{}\"; <{}> takes {}", name, node.name(),
                               join_or(allowed)));
    }
    for (auto b = node.first_attribute(); b != a; b = b.next_attribute())
      if (name == b.name())
        f.fail(node, fmt::format("attribute \"{}\" given twice; give it once", name));
  }
}

// Elements that carry only attributes (<trials>, <requires>, <test>).
void expect_empty(const XmlFile& f, pugi::xml_node node) {
  for (auto child : node.children()) {
    if (child.type() == pugi::node_element)
      f.fail(child, fmt::format("element inside <{}>; <{}> takes attributes only", node.name(),
                                node.name()));
    if (is_text(child) && !is_blank(child.value()))
      f.fail(child, fmt::format("unexpected text {}; <{}> takes attributes only",
                                quoted(child.value()), node.name()));
  }
}

// Elements that hold text only (<title>, <description>, <option>); CDATA counts as text.
std::string text_only(const XmlFile& f, pugi::xml_node node) {
  std::string text;
  for (auto child : node.children()) {
    if (is_text(child))
      text += child.value();
    else if (child.type() == pugi::node_element)
      f.fail(child,
             fmt::format("element inside <{}>; <{}> holds text only", node.name(), node.name()));
  }
  return std::string(trim(text));
}

// Text directly inside a container element is a mistake (often a value put in the wrong
// place), so it is reported rather than ignored.
void reject_text(const XmlFile& f, pugi::xml_node child, std::string_view holds) {
  if (!is_blank(child.value()))
    f.fail(child, fmt::format("unexpected text {}; <{}> holds {}", quoted(child.value()),
                              child.parent().name(), holds));
}

// A second copy of an element allowed once is an error pointing at the first.
void remember_once(const XmlFile& f, pugi::xml_node& seen, pugi::xml_node child,
                   std::string_view rule) {
  if (seen)
    f.fail(child, fmt::format("a second <{}>; {} (the first is on line {})", child.name(), rule,
                              f.line_of(seen)));
  seen = child;
}

std::string_view required_attribute(const XmlFile& f, pugi::xml_node node, const char* name,
                                    std::string_view example) {
  const auto attribute = node.attribute(name);
  if (!attribute)
    f.fail(node, fmt::format("missing attribute \"{}\"; expected e.g. {}", name, example));
  const std::string_view value = attribute.value();
  if (value.empty()) f.fail(node, fmt::format("empty {}; expected e.g. {}", name, example));
  return value;
}

std::string required_id(const XmlFile& f, pugi::xml_node node, const char* name,
                        std::string_view example) {
  const auto value = required_attribute(f, node, name, example);
  if (!is_id(value))
    f.fail(node, fmt::format("{}={} is not a valid id; an id is a lowercase letter or digit "
                             "followed by lowercase letters, digits, '.', '_' or '-' (e.g. {})",
                             name, quoted(value), example));
  return std::string(value);
}

std::optional<unsigned> count_attribute(const XmlFile& f, pugi::xml_node node, const char* name,
                                        bool zero_allowed) {
  const auto attribute = node.attribute(name);
  if (!attribute) return std::nullopt;
  const std::string_view text = attribute.value();
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range && all_digits(text))
    f.fail(node, fmt::format("{}={} is too large; expected a count such as {}=\"3\"", name,
                             quoted(text), name));
  if (!all_digits(text) || ec != std::errc{} || end != text.data() + text.size())
    f.fail(node, fmt::format("{}={} is not a whole number; expected e.g. {}=\"3\"", name,
                             quoted(text), name));
  if (value == 0 && !zero_allowed) f.fail(node, fmt::format("{}=\"0\": must be at least 1", name));
  return value;
}

TrialPolicy parse_trials(const XmlFile& f, pugi::xml_node node) {
  check_attributes(f, node, {"count", "min", "max", "target-ci", "warmup", "timeout"});
  expect_empty(f, node);
  TrialPolicy policy;
  policy.trials = count_attribute(f, node, "count", false);
  policy.min_trials = count_attribute(f, node, "min", false);
  policy.max_trials = count_attribute(f, node, "max", false);
  policy.warmup = count_attribute(f, node, "warmup", true);
  if (const auto ci = node.attribute("target-ci")) {
    try {
      policy.target_ci = parse_target_ci(ci.value());
    } catch (const std::invalid_argument& e) {
      f.fail(node, fmt::format("target-ci: {}", e.what()));
    }
  }
  if (const auto timeout = node.attribute("timeout")) {
    try {
      policy.timeout_s = parse_duration_s(timeout.value());
    } catch (const std::invalid_argument& e) {
      f.fail(node, fmt::format("timeout: {}", e.what()));
    }
    if (*policy.timeout_s <= 0)
      f.fail(node, "timeout: must be more than 0 seconds; expected e.g. timeout=\"10m\"");
  }
  if (policy.trials && (policy.min_trials || policy.max_trials || policy.target_ci))
    f.fail(node,
           "count fixes the number of trials and cannot be combined with min, max or target-ci; "
           "use either count or min/max/target-ci");
  if (policy.min_trials && policy.max_trials && *policy.min_trials > *policy.max_trials)
    f.fail(node, fmt::format("min=\"{}\" is above max=\"{}\"; expected min <= max",
                             *policy.min_trials, *policy.max_trials));
  return policy;
}

Requirement parse_requirement(const XmlFile& f, pugi::xml_node node) {
  check_attributes(f, node, {"program", "memory", "size", "device", "file", "hint"});
  expect_empty(f, node);
  constexpr std::array<const char*, 4> kKinds = {"program", "memory", "device", "file"};
  const char* kind = nullptr;
  for (const char* candidate : kKinds) {
    if (!node.attribute(candidate)) continue;
    if (kind)
      f.fail(node, fmt::format("both {} and {} given; one <requires> states one requirement, so "
                               "write one element for each",
                               kind, candidate));
    kind = candidate;
  }
  if (!kind)
    f.fail(node,
           "nothing required; expected exactly one of program=, memory= (with size=), device= "
           "or file=");
  const std::string_view which = kind;
  const std::string_view value = node.attribute(kind).value();
  if (value.empty()) f.fail(node, fmt::format("empty {}; expected a value", which));
  if (which != "memory" && node.attribute("size"))
    f.fail(node, "size goes with memory= only; expected e.g. memory=\"gpu\" size=\"70GiB\"");

  Requirement req;
  req.hint = node.attribute("hint").value();
  if (which == "program") {
    if (value.find('/') != std::string_view::npos)
      f.fail(node, fmt::format("program={} is a path; program= names a command found on PATH, "
                               "use file= for a path",
                               quoted(value)));
    req.kind = BL_REQ_PROGRAM;
    req.name = value;
  } else if (which == "memory") {
    if (value == "system")
      req.kind = BL_REQ_MEMORY_SYSTEM;
    else if (value == "gpu")
      req.kind = BL_REQ_MEMORY_GPU;
    else if (value == "gpu-or-unified")
      req.kind = BL_REQ_MEMORY_GPU_OR_UNIFIED;
    else
      f.fail(node, fmt::format("memory={} is not a kind of memory; expected system, gpu or "
                               "gpu-or-unified",
                               quoted(value)));
    const auto size = node.attribute("size");
    if (!size) f.fail(node, "memory= needs size=; expected e.g. size=\"70GiB\"");
    try {
      req.amount = parse_size(size.value());
    } catch (const std::invalid_argument& e) {
      f.fail(node, fmt::format("size: {}", e.what()));
    }
    if (req.amount == 0) f.fail(node, "size: must be more than 0 bytes; expected e.g. \"70GiB\"");
  } else if (which == "device") {
    if (value.front() != '/')
      f.fail(node, fmt::format("device={} is not an absolute path; expected e.g. "
                               "device=\"/dev/kfd\"",
                               quoted(value)));
    req.kind = BL_REQ_DEVICE;
    req.name = value;
  } else {
    req.kind = BL_REQ_FILE;
    req.name = value;
  }
  return req;
}

// The words of `text`, separated by runs of whitespace.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text + ' ') {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  return words;
}

void parse_workload(const XmlFile& f, pugi::xml_node node, Profile& profile) {
  check_attributes(f, node, {"plugin"});
  profile.plugin = required_id(f, node, "plugin", "<workload plugin=\"raytrace\">");
  for (auto child : node.children()) {
    if (is_text(child)) {
      reject_text(f, child, "only <option name=\"...\">value</option> elements");
      continue;
    }
    const std::string_view element = child.name();
    if (element != "option" && element != "sweep")
      f.fail(child,
             "unknown element inside <workload>; expected <option name=\"...\">value</option> "
             "or <sweep name=\"...\">value value ...</sweep>");
    check_attributes(f, child, {"name"});
    const auto name = required_attribute(f, child, "name", "<option name=\"resolution\">");
    if (!is_option_name(name))
      f.fail(child, fmt::format("name={} is not a valid option name; expected lowercase letters, "
                                "digits, '_', '.' or '-' (e.g. name=\"resolution\")",
                                quoted(name)));
    if (element == "option") {
      profile.options.emplace_back(std::string(name), text_only(f, child));
      continue;
    }
    std::vector<std::string> values;
    for (const std::string& w : split_words(text_only(f, child))) {
      if (std::find(values.begin(), values.end(), w) != values.end())
        f.fail(child, fmt::format("<sweep name={}> lists {} twice", quoted(name),
                                  quoted(std::string_view(w))));
      values.push_back(w);
    }
    if (values.empty())
      f.fail(child, fmt::format("<sweep name={}> has no values; expected values separated by "
                                "spaces, e.g. <sweep name=\"users\">1 2 4 8</sweep>",
                                quoted(name)));
    for (const auto& [swept, unused] : profile.sweeps)
      if (swept == name)
        f.fail(child, fmt::format("option {} is swept twice; list every value in one <sweep>",
                                  quoted(name)));
    profile.sweeps.emplace_back(std::string(name), std::move(values));
  }
  for (const auto& [swept, unused] : profile.sweeps)
    for (const auto& [given, value] : profile.options)
      if (given == swept)
        f.fail(node, fmt::format("option {} is both given (<option>) and swept (<sweep>); keep "
                                 "one",
                                 quoted(std::string_view(swept))));
}

// Fails unless the root element is `expected`, with a clear word when it is the other kind.
void expect_root(const XmlFile& f, std::string_view expected) {
  const std::string_view name = f.root().name();
  if (name == expected) return;
  if (name == "profile" || name == "suite")
    f.fail(f.root(), fmt::format("this file is a {}, not a {}; expected a <{}> root element", name,
                                 expected, expected));
  f.fail(f.root(), "unknown root element; expected <profile> or <suite>");
}

bool valid_category(const std::string& c) {
  if (c.empty() || c.size() > 32) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

Profile parse_profile(const XmlFile& f) {
  expect_root(f, "profile");
  const auto root = f.root();
  check_attributes(f, root, {"id"});
  Profile profile;
  profile.path = f.path();
  profile.id = required_id(f, root, "id", "<profile id=\"raytrace-1080p\">");
  pugi::xml_node title, description, category, workload, trials;
  for (auto child : root.children()) {
    if (is_text(child)) {
      reject_text(f, child,
                  "only elements: <title>, <description>, <category>, <workload>, <trials>, "
                  "<requires>");
      continue;
    }
    const std::string_view name = child.name();
    if (name == "title" || name == "description") {
      remember_once(f, name == "title" ? title : description, child, "expected at most one");
      check_attributes(f, child, {});
      (name == "title" ? profile.title : profile.description) = collapse_space(text_only(f, child));
    } else if (name == "category") {
      remember_once(f, category, child, "expected at most one");
      check_attributes(f, child, {});
      profile.category = collapse_space(text_only(f, child));
      if (!valid_category(profile.category))
        f.fail(child, fmt::format("category \"{}\" is not an id: lower-case letters, digits, "
                                  "'-' and '_', at most 32, e.g. <category>cpu</category>",
                                  profile.category));
    } else if (name == "workload") {
      remember_once(f, workload, child, "a profile runs exactly one workload");
      parse_workload(f, child, profile);
    } else if (name == "trials") {
      remember_once(f, trials, child, "expected at most one");
      profile.policy = parse_trials(f, child);
    } else if (name == "requires") {
      profile.requirements.push_back(parse_requirement(f, child));
    } else {
      f.fail(child,
             "unknown element inside <profile>; expected <title>, <description>, <category>, "
             "<workload>, <trials> or <requires>");
    }
  }
  if (!workload)
    f.fail(root, "missing <workload plugin=\"...\">; a profile names the plugin that runs it");
  return profile;
}

Suite parse_suite(const XmlFile& f) {
  expect_root(f, "suite");
  const auto root = f.root();
  check_attributes(f, root, {"id"});
  Suite suite;
  suite.path = f.path();
  suite.id = required_id(f, root, "id", "<suite id=\"quick\">");
  pugi::xml_node title, description, trials;
  for (auto child : root.children()) {
    if (is_text(child)) {
      reject_text(f, child, "only elements: <title>, <description>, <trials>, <test>");
      continue;
    }
    const std::string_view name = child.name();
    if (name == "title" || name == "description") {
      remember_once(f, name == "title" ? title : description, child, "expected at most one");
      check_attributes(f, child, {});
      (name == "title" ? suite.title : suite.description) = collapse_space(text_only(f, child));
    } else if (name == "trials") {
      remember_once(f, trials, child, "expected at most one");
      suite.policy = parse_trials(f, child);
    } else if (name == "test") {
      check_attributes(f, child, {"profile"});
      expect_empty(f, child);
      suite.members.push_back(
          required_id(f, child, "profile", "<test profile=\"raytrace-1080p\"/>"));
    } else {
      f.fail(child,
             "unknown element inside <suite>; expected <title>, <description>, <trials> or "
             "<test profile=\"...\"/>");
    }
  }
  if (suite.members.empty())
    f.fail(root, "no <test profile=\"...\"/> members; a suite lists at least one profile");
  return suite;
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  constexpr std::string_view kExpected =
      "expected a whole number of bytes, optionally with a unit: B, KiB, MiB, GiB, TiB "
      "(powers of 1024) or KB, MB, GB, TB (powers of 1000), e.g. \"70GiB\"";
  if (text.empty()) throw std::invalid_argument(fmt::format("empty size; {}", kExpected));
  const auto parts = split_unit(text);
  if (parts.number.find('.') != std::string_view::npos && all_digits(parts.number.substr(0, 1)))
    throw std::invalid_argument(
        fmt::format("{}: sizes are whole numbers; use a smaller unit, e.g. \"1536MiB\" for 1.5GiB",
                    quoted(text)));
  if (!all_digits(parts.number) || parts.trailing_space)
    throw std::invalid_argument(fmt::format("{} is not a size; {}", quoted(text), kExpected));

  struct Unit {
    std::string_view name;
    std::uint64_t bytes;
  };
  constexpr std::uint64_t kKi = 1024, kK = 1000;
  constexpr std::array<Unit, 11> kUnits = {{{"", 1},
                                            {"B", 1},
                                            {"KiB", kKi},
                                            {"MiB", kKi * kKi},
                                            {"GiB", kKi * kKi * kKi},
                                            {"TiB", kKi * kKi * kKi * kKi},
                                            {"KB", kK},
                                            {"kB", kK},
                                            {"MB", kK * kK},
                                            {"GB", kK * kK * kK},
                                            {"TB", kK * kK * kK * kK}}};
  const auto unit = std::find_if(kUnits.begin(), kUnits.end(),
                                 [&](const Unit& u) { return u.name == parts.unit; });
  if (unit == kUnits.end())
    throw std::invalid_argument(
        fmt::format("{}: unknown unit {}; {}", quoted(text), quoted(parts.unit), kExpected));

  std::uint64_t count = 0;
  const auto [end, ec] =
      std::from_chars(parts.number.data(), parts.number.data() + parts.number.size(), count);
  if (ec == std::errc::result_out_of_range ||
      count > std::numeric_limits<std::uint64_t>::max() / unit->bytes)
    throw std::invalid_argument(
        fmt::format("{} is too large; the limit is 2^64-1 bytes (16EiB)", quoted(text)));
  if (ec != std::errc{} || end != parts.number.data() + parts.number.size())
    throw std::invalid_argument(fmt::format("{} is not a size; {}", quoted(text), kExpected));
  return count * unit->bytes;
}

double parse_duration_s(std::string_view text) {
  constexpr std::string_view kExpected =
      "expected seconds, optionally with a unit s, m or h, e.g. \"600\", \"90s\", \"10m\" or "
      "\"1h\"";
  if (text.empty()) throw std::invalid_argument(fmt::format("empty duration; {}", kExpected));
  const auto parts = split_unit(text);
  const auto number = parse_decimal(parts.number);
  if (!number || parts.trailing_space)
    throw std::invalid_argument(fmt::format("{} is not a duration; {}", quoted(text), kExpected));
  double scale = 0;
  if (parts.unit.empty() || parts.unit == "s")
    scale = 1;
  else if (parts.unit == "m")
    scale = 60;
  else if (parts.unit == "h")
    scale = 3600;
  else
    throw std::invalid_argument(
        fmt::format("{}: unknown unit {}; {}", quoted(text), quoted(parts.unit), kExpected));
  const double seconds = *number * scale;
  if (!std::isfinite(seconds))
    throw std::invalid_argument(fmt::format("{} is too large", quoted(text)));
  return seconds;
}

Profile load_profile(const std::filesystem::path& file) { return parse_profile(XmlFile(file)); }

Suite load_suite(const std::filesystem::path& file) { return parse_suite(XmlFile(file)); }

ProfileOrSuite load_profile_file(const std::filesystem::path& file) {
  const XmlFile xml(file);
  ProfileOrSuite out;
  const std::string_view root = xml.root().name();
  if (root == "suite")
    out.suite = parse_suite(xml);
  else
    out.profile = parse_profile(xml);  // reports an unknown root element
  return out;
}

}  // namespace benchlab
