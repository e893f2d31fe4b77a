// SPDX-License-Identifier: MIT
// Rendering of a Comparison: `benchlab compare` text formats and `benchlab report` pages
// (report.h; docs/report.md). Every string of the model is untrusted: names come from
// stores, profiles and imported result files. Output is made safe per format: terminal
// text loses control characters, Markdown escapes its syntax and HTML, HTML escapes
// & < > " ' everywhere (SVG included) and the page has no script and no URL.
#include "report.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace benchlab {
namespace {

namespace json = boost::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------
// UTF-8: repair, clean, measure.

// Decodes the code point at s[i] into cp and returns its length; an invalid sequence gives
// U+FFFD and length 1 (each stray byte becomes one replacement character).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    cp = 0xFFFD;
    return 1;
  }
  if (i + len > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = 0xFFFD;
    return 1;
  }
  return len;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Control characters (C0, DEL, C1) and the bidirectional overrides and isolates that could
// make a name display as something else.
bool unsafe_code_point(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// One line of display text: invalid UTF-8 and unsafe code points become U+FFFD, line
// breaks and tabs a space (when keep_newlines, '\n' stays and "\r\n" becomes '\n').
std::string clean(std::string_view s, bool keep_newlines = false) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(s, i, cp);
    if (keep_newlines && cp == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      i += 1;
      continue;
    }
    if (cp == '\n' && keep_newlines)
      out += '\n';
    else if (cp == '\n' || cp == '\r' || cp == '\t')
      out += ' ';
    else if (unsafe_code_point(cp))
      append_utf8(out, 0xFFFD);
    else
      append_utf8(out, cp);  // an invalid sequence decoded as U+FFFD
    i += len;
  }
  return out;
}

// Only repairs invalid UTF-8 (CSV keeps the data as it is otherwise).
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    i += decode_utf8(s, i, cp);
    append_utf8(out, cp);  // an invalid sequence decoded as U+FFFD
  }
  return out;
}

// Terminal columns of one code point: 0 for combining marks and zero-width characters, 2
// for East Asian wide and fullwidth characters and most emoji, else 1.
int code_point_width(char32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF ||
      (cp >= 0xFE00 && cp <= 0xFE0F))
    return 0;
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    i += decode_utf8(s, i, cp);
    w += static_cast<std::size_t>(code_point_width(cp));
  }
  return w;
}

// s cut to at most `max` columns, "…" marking a cut.
std::string truncate_width(std::string_view s, std::size_t max) {
  if (display_width(s) <= max) return std::string(s);
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(s, i, cp);
    const auto cw = static_cast<std::size_t>(code_point_width(cp));
    if (w + cw + 1 > max) break;
    out.append(s.substr(i, len));
    w += cw;
    i += len;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

// ---------------------------------------------------------------------------------------
// Escaping per output format.

// HTML text and attribute values (double or single quoted), SVG included.
std::string esc(std::string_view raw) {
  const std::string s = clean(raw);
  std::string out;
  out.reserve(s.size() + 16);
  for (const char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// A Markdown table cell or inline text: Markdown syntax characters are backslash-escaped,
// < and > become entities (no raw HTML gets through), line breaks become <br>.
std::string md(std::string_view raw) {
  const std::string s = clean(raw, true);
  std::string out;
  out.reserve(s.size() + 8);
  for (const char ch : s) {
    switch (ch) {
      case '\n':
        out += "<br>";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '~':
        out += '\\';
        out += ch;
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space.
std::string csv_field(std::string_view raw) {
  const std::string s = valid_utf8(raw);
  const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// ---------------------------------------------------------------------------------------
// Numbers.

std::string fixed(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (!s.empty() && s.front() == '-' && s.find_first_of("123456789") == std::string::npos)
    s.erase(0, 1);  // "-0.00"
  return s;
}

// The ratio without its "x" (format_ratio's bands, also used for CI bounds).
std::string ratio_number(double r) {
  if (std::isnan(r)) return "n/a";
  if (std::isinf(r)) return r > 0 ? "∞" : "-∞";
  const double a = std::fabs(r);
  const std::string sign = r < 0 ? "-" : "";
  if (a >= 99.95) return sign + fixed(a, 0);
  if (a >= 9.995) return sign + fixed(a, 1);
  if (a >= 0.0995) return sign + fixed(a, 2);
  if (a == 0) return "0.00";
  // two significant figures below 0.1: 0.064, 0.0042
  const int decimals = std::min(9, 1 - static_cast<int>(std::floor(std::log10(a))));
  return sign + fixed(a, decimals);
}

std::string ci_text(const Ratio& r) {
  return "[" + ratio_number(r.lo) + "–" + ratio_number(r.hi) + "]";
}

// Decimals that show a measured value with three to four significant figures; -1 asks for
// scientific notation (very large or very small values).
int value_decimals(double v) {
  const double a = std::fabs(v);
  if (a == 0) return 0;
  if (a >= 1e15 || a < 1e-4) return -1;
  if (a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a >= 10) return 2;
  if (a >= 1) return 3;
  return std::min(9, 2 - static_cast<int>(std::floor(std::log10(a))));
}

std::string format_value(double v) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
  const int d = value_decimals(v);
  return d < 0 ? fmt::format("{:.3e}", v) : fixed(v, d);
}

// "12.34 ± 0.41 s": the interval with as many decimals as the mean (more when that would
// show a non-zero interval as 0).
std::string value_with_ci(const Summary& s, const std::string& unit) {
  std::string out = format_value(s.mean);
  if (s.n >= 2 && std::isfinite(s.ci95)) {
    const int d = value_decimals(s.mean);
    std::string ci = d < 0 ? fmt::format("{:.2e}", s.ci95) : fixed(s.ci95, d);
    if (s.ci95 > 0 && ci.find_first_of("123456789") == std::string::npos) ci = format_value(s.ci95);
    out += " ± " + ci;
  }
  if (!unit.empty()) out += " " + clean(unit);
  return out;
}

// Round-trip number for CSV; empty for NaN.
std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

// "$3,999", "$12.50"
std::string money(double usd) {
  if (!std::isfinite(usd)) return "n/a";
  const bool neg = usd < 0;
  const double a = std::fabs(usd);
  std::string digits = a >= 1000 ? fixed(a, 0) : fixed(a, 2);
  const std::size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : digits.substr(dot);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3)
    whole.insert(static_cast<std::size_t>(i), ",");
  return std::string(neg ? "-" : "") + "$" + whole + frac;
}

// "$2.50", "$0.0350": a rate, with enough decimals for cents of a cent.
std::string money_rate(double usd) {
  if (!std::isfinite(usd)) return "n/a";
  if (std::fabs(usd) >= 0.1) return money(usd);
  return "$" + fixed(usd, 4);
}

std::string trim_zero(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string gib(double bytes) {
  return trim_zero(fixed(bytes / (1024.0 * 1024 * 1024), 1)) + " GiB";
}

std::string disk_size(double bytes) {
  if (bytes >= 1e12) return trim_zero(fixed(bytes / 1e12, 1)) + " TB";
  if (bytes >= 1e9) return fixed(bytes / 1e9, 0) + " GB";
  return fixed(bytes / 1e6, 0) + " MB";
}

std::string watts(double w) { return format_value(w) + " W"; }

// ---------------------------------------------------------------------------------------
// The model, read defensively.

bool is_baseline(const Comparison& c, std::size_t i) {
  return c.systems[i].baseline || (!c.baseline.empty() && c.systems[i].name == c.baseline);
}

std::string baseline_name(const Comparison& c) {
  if (!c.baseline.empty()) return c.baseline;
  for (const auto& s : c.systems)
    if (s.baseline) return s.name;
  return c.systems.empty() ? std::string() : c.systems.front().name;
}

const CompareCell* cell_of(const CompareRow& row, std::size_t i) {
  return i < row.cells.size() ? &row.cells[i] : nullptr;
}

bool has_values(const CompareCell& cell) {
  return (cell.status == "ok" || cell.status == "partial") && cell.summary.n > 0;
}

bool has_ratio(const CompareCell& cell) {
  return has_values(cell) && cell.ratio && !std::isnan(cell.ratio->ratio);
}

std::string direction_text(int direction) {
  return direction < 0 ? "lower is better" : "higher is better";
}

// "runtime (s, lower is better)"
std::string metric_label(const CompareRow& row) {
  std::string out = clean(row.metric.empty() ? std::string("value") : row.metric) + " (";
  if (!row.unit.empty()) out += clean(row.unit) + ", ";
  return out + direction_text(row.direction) + ")";
}

std::string category_of(const CompareRow& row) {
  return row.category.empty() ? std::string("other") : row.category;
}

// Distinct categories of the rows, in row order.
std::vector<std::string> row_categories(const Comparison& c) {
  std::vector<std::string> out;
  for (const auto& row : c.rows) {
    const std::string cat = category_of(row);
    if (std::find(out.begin(), out.end(), cat) == out.end()) out.push_back(cat);
  }
  return out;
}

std::vector<const CompareRow*> rows_of(const Comparison& c, const std::string& category) {
  std::vector<const CompareRow*> out;
  for (const auto& row : c.rows)
    if (category_of(row) == category) out.push_back(&row);
  return out;
}

const CategoryMean* overall_mean(const Comparison& c) {
  for (const auto& m : c.categories)
    if (m.category == "overall") return &m;
  return nullptr;
}

// Ratio text of a mean: "≈1.02x [0.97–1.08]".
std::string ratio_text(const Ratio& r, bool baseline) {
  std::string out = (!baseline && r.includes_one ? "≈" : "") + format_ratio(r.ratio);
  if (r.bounded && !baseline) out += " " + ci_text(r);
  return out;
}

std::string reason_text(const std::string& reason, std::size_t max_width) {
  const std::string r = clean(reason);
  return max_width ? truncate_width(r, max_width) : r;
}

// The text of one cell for a table: baseline "12.3 ± 0.4 s n=5", others "≈1.02x [0.97–1.08]
// n=5", "cannot run: REASON", "failed: REASON", "—". max_reason 0: the whole reason.
std::string cell_text(const Comparison& c, const CompareRow& row, std::size_t i,
                      std::size_t max_reason) {
  const CompareCell* cell = cell_of(row, i);
  if (!cell || cell->status == "missing" || cell->status.empty()) return "—";
  if (cell->status == "cannot_run")
    return cell->reason.empty() ? "cannot run"
                                : "cannot run: " + reason_text(cell->reason, max_reason);
  if (cell->status == "failed")
    return cell->reason.empty() ? "failed" : "failed: " + reason_text(cell->reason, max_reason);
  if (!has_values(*cell)) {
    std::string s = clean(cell->status);
    if (!cell->reason.empty()) s += ": " + reason_text(cell->reason, max_reason);
    return s;
  }
  std::string out;
  if (!is_baseline(c, i) && has_ratio(*cell))
    out = ratio_text(*cell->ratio, false);
  else
    out = value_with_ci(cell->summary, row.unit);
  out += fmt::format(" n={}", cell->summary.n);
  if (cell->status == "partial") out += " partial";
  if (cell->throttled > 0) out += fmt::format(" throttled={}", cell->throttled);
  return out;
}

std::string mean_cell_text(const CategoryMean& m, std::size_t i, bool baseline) {
  if (i >= m.per_system.size()) return "—";
  const unsigned count = i < m.count.size() ? m.count[i] : 0;
  if (count == 0) return "—";
  return ratio_text(m.per_system[i], baseline) + fmt::format(" ({})", count);
}

// ---------------------------------------------------------------------------------------
// Inventory JSON.

std::string jstr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  return std::string(v->get_string());
}

std::optional<double> jnum(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double() && std::isfinite(v->get_double())) return v->get_double();
  return std::nullopt;
}

std::optional<bool> jbool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

const json::array* jarr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

bool known(const std::string& s) { return !s.empty() && s != "unknown"; }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// "3x A, B": equal consecutive-or-not entries counted, first-seen order kept.
std::vector<std::string> counted(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, int>> groups;
  for (const auto& it : items) {
    auto g =
        std::find_if(groups.begin(), groups.end(), [&](const auto& p) { return p.first == it; });
    if (g == groups.end())
      groups.emplace_back(it, 1);
    else
      ++g->second;
  }
  std::vector<std::string> out;
  for (const auto& [text, n] : groups) out.push_back(n > 1 ? fmt::format("{}x {}", n, text) : text);
  return out;
}

// One line per property; each value is a list of lines (unescaped, cleaned).
struct ConfigRow {
  std::string label;
  std::vector<std::vector<std::string>> per_system;
};

std::string cluster_summary(const json::object& inv) {
  std::vector<std::string> parts;
  if (const json::array* clusters = jarr(inv, "clusters")) {
    for (const auto& v : *clusters) {
      if (!v.is_object()) continue;
      const auto& cl = v.get_object();
      const std::string name = jstr(cl, "name");
      const auto cores = jnum(cl, "cores");
      if (name.empty()) continue;
      parts.push_back(cores && *cores > 0 ? fmt::format("{}x {}", *cores, name) : name);
    }
  }
  return join(parts, " + ");
}

std::string cluster_clocks(const json::object& inv) {
  std::vector<std::string> parts;
  if (const json::array* clusters = jarr(inv, "clusters")) {
    for (const auto& v : *clusters) {
      if (!v.is_object()) continue;
      const auto mhz = jnum(v.get_object(), "max_mhz");
      if (mhz && *mhz > 0) parts.push_back(fixed(*mhz / 1000, 2) + " GHz");
    }
  }
  return join(parts, " / ");
}

std::vector<std::string> cpu_lines(const json::object& inv) {
  std::vector<std::string> lines;
  const std::string model = jstr(inv, "cpu_model");
  // the core clusters ("10x Cortex-X925 + 10x Cortex-A725") unless they only repeat the model
  std::string clusters = cluster_summary(inv);
  if (clusters.empty()) clusters = jstr(inv, "cpu_summary");
  const json::array* cl = jarr(inv, "clusters");
  const bool one_cluster = cl && cl->size() == 1 && cl->front().is_object() &&
                           jstr(cl->front().get_object(), "name") == model;
  if (known(model)) lines.push_back(model);
  if (known(clusters) && clusters != model && !one_cluster &&
      clusters.find(model) == std::string::npos)
    lines.push_back(clusters);
  if (lines.empty()) lines.push_back("unknown");
  std::vector<std::string> counts;
  const auto sockets = jnum(inv, "sockets"), cores = jnum(inv, "cores"),
             threads = jnum(inv, "threads");
  if (cores && *cores > 0) counts.push_back(fmt::format("{} cores", *cores));
  if (threads && *threads > 0) counts.push_back(fmt::format("{} threads", *threads));
  if (sockets && *sockets > 1) counts.push_back(fmt::format("{} sockets", *sockets));
  const std::string clocks = cluster_clocks(inv);
  if (!clocks.empty()) counts.push_back("max " + clocks);
  const std::string arch = jstr(inv, "arch");
  if (known(arch)) counts.push_back(arch);
  if (!counts.empty()) lines.push_back(join(counts, ", "));
  return lines;
}

std::vector<std::string> gpu_lines(const json::object& inv) {
  std::vector<std::string> items;
  if (const json::array* gpus = jarr(inv, "gpus")) {
    for (const auto& v : *gpus) {
      if (!v.is_object()) continue;
      const auto& g = v.get_object();
      std::string text = known(jstr(g, "name")) ? jstr(g, "name") : std::string("unknown GPU");
      std::vector<std::string> details;
      const auto mem = jnum(g, "memory_bytes");
      const auto unified = jbool(g, "unified");
      std::string memory = mem && *mem > 0 ? gib(*mem) : "";
      if (unified)
        memory += std::string(memory.empty() ? "" : " ") + (*unified ? "unified" : "discrete");
      if (!memory.empty()) details.push_back(memory);
      if (known(jstr(g, "driver"))) details.push_back("driver " + jstr(g, "driver"));
      if (!details.empty()) text += ", " + join(details, ", ");
      items.push_back(text);
    }
  }
  if (items.empty()) return {"none reported"};
  return counted(items);
}

std::vector<std::string> memory_lines(const json::object& inv) {
  std::vector<std::string> parts;
  const auto bytes = jnum(inv, "memory_bytes");
  parts.push_back(bytes && *bytes > 0 ? gib(*bytes) : "unknown size");
  const std::string type = jstr(inv, "memory_type");
  parts.push_back(known(type) ? type : "unknown type");
  const auto speed = jnum(inv, "memory_speed_mts");
  if (speed && *speed > 0) parts.push_back(fmt::format("{} MT/s", *speed));
  std::vector<std::string> lines{join(parts, ", ")};
  std::vector<std::string> modules;
  if (const json::array* mods = jarr(inv, "memory_modules")) {
    for (const auto& v : *mods) {
      if (!v.is_object()) continue;
      const auto& m = v.get_object();
      std::vector<std::string> d;
      const auto size = jnum(m, "size_bytes");
      if (size && *size > 0) d.push_back(gib(*size));
      for (const char* key : {"form_factor", "manufacturer", "part_number"})
        if (known(jstr(m, key))) d.push_back(jstr(m, key));
      modules.push_back(d.empty() ? std::string("module of unknown size") : join(d, " "));
    }
  }
  if (!modules.empty()) lines.push_back(join(counted(modules), ", "));
  return lines;
}

std::vector<std::string> storage_lines(const json::object& inv) {
  std::vector<std::string> items;
  if (const json::array* disks = jarr(inv, "storage")) {
    for (const auto& v : *disks) {
      if (!v.is_object()) continue;
      const auto& d = v.get_object();
      std::string text = known(jstr(d, "model")) ? jstr(d, "model") : jstr(d, "name");
      if (text.empty()) text = "disk";
      std::vector<std::string> details;
      const auto bytes = jnum(d, "bytes");
      if (bytes && *bytes > 0) details.push_back(disk_size(*bytes));
      const auto rotational = jbool(d, "rotational");
      if (rotational) details.push_back(*rotational ? "HDD" : "SSD");
      if (!details.empty()) text += " (" + join(details, ", ") + ")";
      items.push_back(text);
    }
  }
  if (items.empty()) return {"unknown"};
  return counted(items);
}

std::string or_unknown(std::string s) { return known(s) ? s : std::string("unknown"); }

std::vector<ConfigRow> config_rows(const Comparison& c) {
  std::vector<ConfigRow> rows;
  auto add = [&](std::string label, auto&& fn) {
    ConfigRow r{std::move(label), {}};
    for (const auto& sys : c.systems) r.per_system.push_back(fn(sys, sys.inventory));
    rows.push_back(std::move(r));
  };
  using L = std::vector<std::string>;
  add("Host", [](const SystemSummary&, const json::object& inv) {
    return L{or_unknown(jstr(inv, "hostname"))};
  });
  add("Product", [](const SystemSummary&, const json::object& inv) {
    const std::string s = join({jstr(inv, "product"), jstr(inv, "board")}, " / ");
    return L{or_unknown(s)};
  });
  add("CPU", [](const SystemSummary&, const json::object& inv) { return cpu_lines(inv); });
  add("GPU", [](const SystemSummary&, const json::object& inv) { return gpu_lines(inv); });
  add("Memory", [](const SystemSummary&, const json::object& inv) { return memory_lines(inv); });
  add("Storage", [](const SystemSummary&, const json::object& inv) { return storage_lines(inv); });
  add("BIOS", [](const SystemSummary&, const json::object& inv) {
    return L{or_unknown(
        join({jstr(inv, "bios_vendor"), jstr(inv, "bios_version"), jstr(inv, "bios_date")}, " "))};
  });
  add("OS", [](const SystemSummary&, const json::object& inv) {
    return L{or_unknown(jstr(inv, "os_name"))};
  });
  add("Kernel", [](const SystemSummary&, const json::object& inv) {
    return L{or_unknown(jstr(inv, "kernel"))};
  });
  add("Compiler", [](const SystemSummary&, const json::object& inv) {
    return L{or_unknown(jstr(inv, "compiler"))};
  });
  add("Idle power", [](const SystemSummary& s, const json::object&) {
    return L{s.idle_power_w ? watts(*s.idle_power_w) : std::string("not measured")};
  });
  add("Source", [](const SystemSummary& s, const json::object&) {
    std::vector<std::string> runs;
    for (const auto r : s.runs) runs.push_back(std::to_string(r));
    L lines{s.imported ? std::string("imported results") : std::string("benchlab runs")};
    if (!runs.empty()) lines.push_back((runs.size() > 1 ? "runs " : "run ") + join(runs, ", "));
    for (const auto& st : s.stores) lines.push_back(st);
    return lines;
  });
  for (auto& r : rows)
    for (auto& lines : r.per_system)
      for (auto& l : lines) l = clean(l);
  return rows;
}

// Versions: (kind, name) rows in kind then name order, one version per system.
struct VersionTable {
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> cells;
};

VersionTable version_table(const Comparison& c) {
  VersionTable t;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& v : c.versions) {
    const auto key = std::make_pair(v.kind, v.name);
    if (seen.insert(key).second) t.keys.push_back(key);
    auto& cell = t.cells[key][v.system];
    cell = cell.empty() ? v.version : cell + ", " + v.version;
  }
  std::stable_sort(t.keys.begin(), t.keys.end(), [](const auto& a, const auto& b) {
    const int ka = a.first == "plugin" ? 0 : 1, kb = b.first == "plugin" ? 0 : 1;
    if (ka != kb) return ka < kb;
    return a < b;
  });
  return t;
}

// Power: (test, options, metric, unit) rows, one summary per system name.
struct PowerKey {
  std::string test, options, metric, unit;
  auto operator<=>(const PowerKey&) const = default;
};

struct PowerTable {
  std::vector<PowerKey> keys;
  std::map<PowerKey, std::map<std::string, Summary>> cells;
};

PowerTable power_table(const Comparison& c) {
  PowerTable t;
  for (const auto& p : c.power) {
    const PowerKey key{p.test, p.options_text, p.metric, p.unit};
    if (!t.cells.count(key)) t.keys.push_back(key);
    t.cells[key][p.system] = p.summary;
  }
  return t;
}

std::string power_cell(const Summary& s, const std::string& unit) {
  return value_with_ci(s, unit) + fmt::format(" n={}", s.n);
}

std::string breakeven_text(const Tco& t) {
  if (!t.breakeven_days || !std::isfinite(*t.breakeven_days) || *t.breakeven_days < 0)
    return "never";
  const double d = *t.breakeven_days;
  std::string out = fixed(d, d < 10 ? 1 : 0) + " days";
  if (d >= 60) out += " (" + trim_zero(fixed(d / (kHoursPerMonth / 24), 1)) + " months)";
  return out;
}

std::string hours_text(double h) { return trim_zero(fixed(h, 2)) + " h"; }

std::string electricity_text(const Tco& t) {
  if (!t.input.electricity_usd_kwh || !t.input.power_w) return "not counted";
  return money_rate(t.electricity_per_day) + " (" + watts(*t.input.power_w) + " at " +
         money_rate(*t.input.electricity_usd_kwh) + "/kWh)";
}

constexpr const char* kTcoHint = "benchlab report --price SYSTEM=USD --cloud-rate USD_PER_H";

// ---------------------------------------------------------------------------------------
// Plain text table.

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string text_table(const std::vector<std::vector<std::string>>& grid) {
  std::vector<std::size_t> widths;
  for (const auto& r : grid) {
    if (r.size() > widths.size()) widths.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], display_width(r[i]));
  }
  std::string out;
  for (std::size_t ri = 0; ri < grid.size(); ++ri) {
    std::string line;
    for (std::size_t i = 0; i < grid[ri].size(); ++i)
      line += i + 1 == grid[ri].size() ? grid[ri][i] : pad(grid[ri][i], widths[i]) + "  ";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (ri == 0) {
      std::string rule;
      for (std::size_t i = 0; i < widths.size(); ++i)
        rule += std::string(widths[i], '-') + (i + 1 == widths.size() ? "" : "  ");
      out += rule + "\n";
    }
  }
  return out;
}

std::string system_header(const Comparison& c, std::size_t i) {
  return clean(c.systems[i].name) + (is_baseline(c, i) ? " (baseline)" : "");
}

std::vector<std::vector<std::string>> compare_grid(const Comparison& c, std::size_t max_reason,
                                                   std::string (*fix)(std::string_view)) {
  std::vector<std::vector<std::string>> grid;
  std::vector<std::string> header{"Category", "Test", "Options", "Metric"};
  for (std::size_t i = 0; i < c.systems.size(); ++i) header.push_back(fix(system_header(c, i)));
  grid.push_back(header);
  for (const auto& row : c.rows) {
    std::vector<std::string> r{fix(category_of(row)), fix(row.test), fix(row.options_text),
                               fix(metric_label(row))};
    for (std::size_t i = 0; i < c.systems.size(); ++i)
      r.push_back(fix(cell_text(c, row, i, max_reason)));
    grid.push_back(std::move(r));
  }
  return grid;
}

std::vector<std::vector<std::string>> mean_grid(const Comparison& c,
                                                std::string (*fix)(std::string_view)) {
  std::vector<std::vector<std::string>> grid;
  std::vector<std::string> header{"Category"};
  for (std::size_t i = 0; i < c.systems.size(); ++i) header.push_back(fix(system_header(c, i)));
  grid.push_back(header);
  for (const auto& m : c.categories) {
    std::vector<std::string> r{fix(m.category)};
    for (std::size_t i = 0; i < c.systems.size(); ++i)
      r.push_back(fix(mean_cell_text(m, i, is_baseline(c, i))));
    grid.push_back(std::move(r));
  }
  return grid;
}

std::string plain(std::string_view s) { return clean(s); }

std::string markdown_table(const std::vector<std::vector<std::string>>& grid) {
  std::string out;
  for (std::size_t ri = 0; ri < grid.size(); ++ri) {
    out += "|";
    for (const auto& cellv : grid[ri])
      out += " " + (cellv.empty() ? std::string(" ") : cellv) + " |";
    out += "\n";
    if (ri == 0) {
      out += "|";
      for (std::size_t i = 0; i < grid[ri].size(); ++i) out += " --- |";
      out += "\n";
    }
  }
  return out;
}

constexpr const char* kLegend =
    "Ratios above 1 mean better than the baseline, whatever the metric's direction; "
    "[lo–hi] is the 95% confidence interval; ≈ marks a ratio whose interval includes 1 "
    "(no evidence of a difference) or could not be bounded; (N) counts the results behind "
    "a geometric mean.";

// ---------------------------------------------------------------------------------------
// CSV.

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\n";
}

std::string csv_bool(bool b) { return b ? "true" : "false"; }

std::string format_csv(const Comparison& c) {
  std::string out = csv_line({"category", "test", "options", "metric", "unit", "direction",
                              "primary", "system", "baseline", "status", "reason", "mean", "ci95",
                              "n", "ratio", "ratio_lo", "ratio_hi", "includes_one"});
  for (const auto& row : c.rows) {
    for (std::size_t i = 0; i < c.systems.size(); ++i) {
      const CompareCell* cell = cell_of(row, i);
      const bool values = cell && has_values(*cell);
      const bool ratio = cell && has_ratio(*cell);
      out += csv_line({category_of(row), row.test, row.options_text, row.metric, row.unit,
                       row.direction < 0 ? "lower" : "higher", csv_bool(row.primary),
                       c.systems[i].name, csv_bool(is_baseline(c, i)),
                       cell && !cell->status.empty() ? cell->status : "missing",
                       cell ? cell->reason : "", values ? csv_number(cell->summary.mean) : "",
                       values ? csv_number(cell->summary.ci95) : "",
                       cell ? std::to_string(cell->summary.n) : "0",
                       ratio ? csv_number(cell->ratio->ratio) : "",
                       ratio && cell->ratio->bounded ? csv_number(cell->ratio->lo) : "",
                       ratio && cell->ratio->bounded ? csv_number(cell->ratio->hi) : "",
                       ratio ? csv_bool(cell->ratio->includes_one) : ""});
    }
  }
  for (const auto& m : c.categories) {
    for (std::size_t i = 0; i < c.systems.size(); ++i) {
      const bool has = i < m.per_system.size();
      const unsigned count = i < m.count.size() ? m.count[i] : 0;
      const Ratio r = has ? m.per_system[i] : Ratio{kNaN, kNaN, kNaN, false, true};
      out += csv_line(
          {m.category, "(geomean)", "", "", "", "higher", "", c.systems[i].name,
           csv_bool(is_baseline(c, i)), has ? "ok" : "missing", "", "", "", std::to_string(count),
           has ? csv_number(r.ratio) : "", has && r.bounded ? csv_number(r.lo) : "",
           has && r.bounded ? csv_number(r.hi) : "", has ? csv_bool(r.includes_one) : ""});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// SVG bar charts.

const char* const kPalette[] = {"#2b6cb0", "#dd6b20", "#2f855a", "#c53030",
                                "#6b46c1", "#b7791f", "#d53f8c", "#319795"};
constexpr const char* kBaselineColor = "#8a8f98";

std::string system_color(const Comparison& c, std::size_t i) {
  if (is_baseline(c, i)) return kBaselineColor;
  std::size_t k = 0;  // index among the non-baseline systems
  for (std::size_t j = 0; j < i; ++j) k += is_baseline(c, j) ? 0 : 1;
  return kPalette[k % (sizeof kPalette / sizeof kPalette[0])];
}

struct Bar {
  enum Kind { ratio, cannot_run, note } kind = note;
  Ratio r;
  bool baseline = false;
  std::string label;    // right of the bar (unescaped)
  std::string tooltip;  // <title> (unescaped)
};

struct BarGroup {
  std::string title, subtitle, detail;  // up to three label lines (unescaped)
  std::string tooltip;
  std::vector<Bar> bars;  // one per system
};

std::string num(double v) { return trim_zero(fixed(v, 1)); }

// A "nice" tick step for an axis from 0 to max with about 5 to 8 ticks.
double tick_step(double max) {
  const double raw = max / 6;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string tick_label(double v) {
  if (v == 0) return "0";
  return trim_zero(fixed(v, v < 1 ? 2 : (v < 10 ? 2 : 0))) + "x";
}

std::string svg_chart(const Comparison& c, const std::vector<BarGroup>& groups,
                      const std::string& svg_class, const std::string& data_category,
                      const std::string& title, int index) {
  constexpr double W = 960, label_w = 300, x0 = 312, x1 = W - 150;
  constexpr double bar_h = 14, bar_gap = 3, line_h = 14, group_gap = 14;
  const std::size_t n = c.systems.size();

  double dmax = 1;
  for (const auto& g : groups)
    for (const auto& b : g.bars) {
      if (b.kind != Bar::ratio || !std::isfinite(b.r.ratio)) continue;
      dmax = std::max(dmax, b.r.ratio);
      if (b.r.bounded && std::isfinite(b.r.hi)) dmax = std::max(dmax, b.r.hi);
    }
  const double step = tick_step(dmax * 1.04);
  const double axis_max = std::ceil(dmax * 1.04 / step) * step;
  auto sx = [&](double v) { return x0 + std::clamp(v, 0.0, axis_max) / axis_max * (x1 - x0); };

  std::string out;
  // legend: one row of swatches, wrapped
  std::string legend;
  double lx = 0, ly = 28;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name =
        truncate_width(clean(c.systems[i].name), 32) + (is_baseline(c, i) ? " (baseline)" : "");
    const double w = 26 + 7.0 * static_cast<double>(display_width(name));
    if (lx > 0 && lx + w > W) lx = 0, ly += 18;
    legend += fmt::format(
        "<g class=\"legend-item\"><rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
        num(lx), num(ly - 10), system_color(c, i), num(lx + 17), num(ly), esc(name));
    lx += w + 14;
  }
  double y = ly + 16;
  const double plot_top = y;

  std::string body;
  for (const auto& g : groups) {
    const double bars_h = static_cast<double>(n) * (bar_h + bar_gap);
    const int lines = 1 + (g.subtitle.empty() ? 0 : 1) + (g.detail.empty() ? 0 : 1);
    const double gh = std::max(bars_h, lines * line_h + 2);
    body += "<g class=\"group\">";
    if (!g.tooltip.empty()) body += "<title>" + esc(g.tooltip) + "</title>";
    double ty = y + 11;
    body += fmt::format(
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"600\">{}</text>",
        num(label_w), num(ty), esc(truncate_width(clean(g.title), 42)));
    for (const std::string* line : {&g.subtitle, &g.detail}) {
      if (line->empty()) continue;
      ty += line_h;
      body += fmt::format(
          "<text class=\"sublabel\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555\" "
          "font-size=\"11\">{}</text>",
          num(label_w), num(ty), esc(truncate_width(clean(*line), 48)));
    }
    for (std::size_t i = 0; i < g.bars.size() && i < n; ++i) {
      const Bar& b = g.bars[i];
      const double by = y + static_cast<double>(i) * (bar_h + bar_gap);
      const double cy = by + bar_h / 2;
      body += "<g class=\"bar-row\">";
      if (!b.tooltip.empty()) body += "<title>" + esc(b.tooltip) + "</title>";
      double label_x = x0 + 6;
      if (b.kind == Bar::ratio && std::isfinite(b.r.ratio)) {
        const double xe = sx(b.r.ratio);
        body += fmt::format(
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            num(x0), num(by), num(std::max(xe - x0, 1.0)), num(bar_h), system_color(c, i));
        label_x = xe + 6;
        if (b.r.bounded && !b.baseline && std::isfinite(b.r.lo) && std::isfinite(b.r.hi)) {
          const double xl = sx(b.r.lo), xh = sx(b.r.hi);
          body += fmt::format(
              "<path class=\"ci\" d=\"M{0} {1}H{2}M{0} {3}V{4}M{2} {3}V{4}\" stroke=\"#1a202c\" "
              "stroke-width=\"1.3\" fill=\"none\"/>",
              num(xl), num(cy), num(xh), num(cy - 4), num(cy + 4));
          label_x = std::max(label_x, xh + 6);
        }
      } else if (b.kind == Bar::cannot_run) {
        body += fmt::format(
            "<rect class=\"cannot-run\" x=\"{}\" y=\"{}\" width=\"56\" height=\"{}\" "
            "fill=\"url(#hatch-{})\" stroke=\"#c53030\" stroke-width=\"1\"/>",
            num(x0), num(by), num(bar_h), index);
        label_x = x0 + 62;
      }
      const char* cls = b.kind == Bar::cannot_run ? "value cannot-run-label"
                                                  : (b.kind == Bar::note ? "value note" : "value");
      std::string attrs = b.kind == Bar::ratio ? "" : " fill=\"#9b2c2c\" font-style=\"italic\"";
      const double label_w_est = 6.6 * static_cast<double>(display_width(b.label));
      if (b.kind == Bar::ratio && label_x + label_w_est > W - 4) {
        // no room right of the bar: inside it, right-aligned, white
        label_x = std::max(x0 + 4, sx(b.r.ratio) - 4);
        attrs = " text-anchor=\"end\" fill=\"#fff\"";
      }
      body += fmt::format("<text class=\"{}\" x=\"{}\" y=\"{}\"{}>{}</text></g>", cls, num(label_x),
                          num(by + 11), attrs, esc(b.label));
    }
    body += "</g>\n";
    y += gh + group_gap;
    body += fmt::format(
        "<line class=\"sep\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e2e8f0\"/>\n",
        num(20), num(y - group_gap / 2), num(W - 20), num(y - group_gap / 2));
  }
  const double plot_bottom = y - group_gap / 2;

  // grid, ticks and the line at 1.0 (drawn under the bars: emitted first below)
  std::string grid;
  const int ticks = static_cast<int>(std::lround(axis_max / step));
  for (int k = 0; k <= ticks; ++k) {
    const double t = k * step;
    const double x = sx(t);
    grid += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#edf2f7\"/>"
        "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\" fill=\"#555\" "
        "font-size=\"11\">{4}</text>\n",
        num(x), num(plot_top - 4), num(plot_bottom), num(plot_bottom + 14), tick_label(t));
  }
  const std::string one = fmt::format(
      "<line class=\"one\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#1a202c\" "
      "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n",
      num(sx(1.0)), num(plot_top - 6), num(plot_bottom + 2));
  const double H = plot_bottom + 38;
  const std::string caption = "ratio to " + truncate_width(clean(baseline_name(c)), 40) +
                              " (longer is better; whiskers: 95% CI)";

  out += fmt::format(
      "<svg class=\"{}\" data-category=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" "
      "aria-labelledby=\"chart-{}-title\" font-family=\"system-ui, -apple-system, 'Segoe UI', "
      "Roboto, sans-serif\" font-size=\"12\">\n",
      svg_class, esc(data_category), num(W), num(H), num(W), num(H), index);
  out += fmt::format("<title id=\"chart-{}-title\">{}</title>\n", index, esc(title));
  out += fmt::format(
      "<defs><pattern id=\"hatch-{}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\">"
      "<rect width=\"6\" height=\"6\" fill=\"#fff5f5\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
      "stroke=\"#c53030\" stroke-width=\"2\"/></pattern></defs>\n",
      index);
  out += legend + grid + body + one;
  out += fmt::format(
      "<text class=\"axis-caption\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
      "fill=\"#333\">{}</text>\n",
      num((x0 + x1) / 2), num(plot_bottom + 32), esc(caption));
  out += "</svg>\n";
  return out;
}

std::string cell_tooltip(const Comparison& c, const CompareRow& row, std::size_t i) {
  std::string t = clean(c.systems[i].name) + ": " + cell_text(c, row, i, 0);
  const CompareCell* cell = cell_of(row, i);
  if (cell && has_values(*cell) && !is_baseline(c, i))
    t += "; " + value_with_ci(cell->summary, row.unit);
  return t;
}

std::vector<BarGroup> row_groups(const Comparison& c, const std::vector<const CompareRow*>& rows) {
  std::vector<BarGroup> groups;
  for (const CompareRow* row : rows) {
    BarGroup g;
    g.title = row->test;
    g.subtitle = row->options_text;
    g.detail = metric_label(*row);
    g.tooltip = join(
        {clean(row->test), clean(row->options_text), metric_label(*row), clean(row->description)},
        " · ");
    for (std::size_t i = 0; i < c.systems.size(); ++i) {
      Bar b;
      b.baseline = is_baseline(c, i);
      b.tooltip = cell_tooltip(c, *row, i);
      const CompareCell* cell = cell_of(*row, i);
      if (cell && has_ratio(*cell)) {
        b.kind = Bar::ratio;
        b.r = *cell->ratio;
        b.label = b.baseline ? "1.00x baseline (" + value_with_ci(cell->summary, row->unit) + ")"
                             : (b.r.includes_one ? "≈" : "") + format_ratio(b.r.ratio);
        if (b.baseline) b.r = Ratio{1, 1, 1, false, true};
      } else if (cell && b.baseline && has_values(*cell)) {
        b.kind = Bar::ratio;
        b.r = Ratio{1, 1, 1, false, true};
        b.label = "1.00x baseline (" + value_with_ci(cell->summary, row->unit) + ")";
      } else if (cell && cell->status == "cannot_run") {
        b.kind = Bar::cannot_run;
        b.label =
            cell->reason.empty() ? "cannot run" : "cannot run: " + reason_text(cell->reason, 48);
      } else if (cell && has_values(*cell)) {
        b.label = "no baseline value (" + value_with_ci(cell->summary, row->unit) + ")";
      } else {
        b.label = cell_text(c, *row, i, 48);
        if (b.label == "—") b.label = "no result";
      }
      g.bars.push_back(std::move(b));
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<BarGroup> mean_groups(const Comparison& c) {
  std::vector<BarGroup> groups;
  for (const auto& m : c.categories) {
    BarGroup g;
    g.title = m.category;
    g.subtitle = "geometric mean";
    for (std::size_t i = 0; i < c.systems.size(); ++i) {
      Bar b;
      b.baseline = is_baseline(c, i);
      const unsigned count = i < m.count.size() ? m.count[i] : 0;
      if (i < m.per_system.size() && count > 0 && std::isfinite(m.per_system[i].ratio)) {
        b.kind = Bar::ratio;
        b.r = m.per_system[i];
        b.label = (b.baseline ? std::string("1.00x baseline") : ratio_text(b.r, false)) +
                  fmt::format(" ({})", count);
      } else {
        b.label = "no results";
      }
      b.tooltip = clean(c.systems[i].name) + ": " + b.label;
      g.bars.push_back(std::move(b));
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

// ---------------------------------------------------------------------------------------
// HTML.

constexpr const char* kCss = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; color: #1a202c; background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
header { border-bottom: 3px solid #2b6cb0; margin-bottom: 12px; }
h1 { font-size: 1.9em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #cbd5e0; }
h3 { font-size: 1.1em; margin: 22px 0 6px; }
p.meta, p.note, figcaption, .small { color: #4a5568; font-size: 0.88em; }
nav ul { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
nav a { color: #2b6cb0; text-decoration: none; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 0.9em; width: 100%; }
th, td { border: 1px solid #e2e8f0; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #edf2f7; }
tbody tr:nth-child(even) { background: #f7fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.cannot-run, td.failed { color: #9b2c2c; font-style: italic; }
td.missing { color: #a0aec0; }
th[scope=row] { background: #f7fafc; white-space: nowrap; }
.baseline-tag { font-size: 0.75em; color: #fff; background: #718096; border-radius: 3px; padding: 0 4px; margin-left: 4px; }
figure { margin: 10px 0 22px; break-inside: avoid; page-break-inside: avoid; }
svg.chart, svg.geomean-chart { display: block; width: 100%; max-width: 1124px; height: auto; }
code { background: #edf2f7; padding: 1px 4px; border-radius: 3px; font-size: 0.9em; }
footer { margin-top: 36px; border-top: 1px solid #cbd5e0; color: #4a5568; font-size: 0.85em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, figure { break-inside: avoid; page-break-inside: avoid; }
  @page { margin: 14mm; }
}
)css";

std::string lines_html(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "<br>" : "") + esc(lines[i]);
  return out;
}

std::string system_th(const Comparison& c, std::size_t i) {
  return "<th scope=\"col\">" + esc(c.systems[i].name) +
         (is_baseline(c, i) ? "<span class=\"baseline-tag\">baseline</span>" : "") + "</th>";
}

std::string systems_thead(const Comparison& c, const std::vector<std::string>& first) {
  std::string out = "<thead><tr>";
  for (const auto& h : first) out += "<th scope=\"col\">" + esc(h) + "</th>";
  for (std::size_t i = 0; i < c.systems.size(); ++i) out += system_th(c, i);
  return out + "</tr></thead>";
}

// Slug for ids: letters, digits and '-' only.
std::string slug(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) && u < 0x80)
      out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

std::string html_summary(const Comparison& c) {
  std::string out = "<section id=\"summary\">\n<h2>Summary</h2>\n";
  const CategoryMean* overall = overall_mean(c);
  out += "<p>Baseline: <strong class=\"baseline-name\">" + esc(baseline_name(c)) + "</strong>. " +
         fmt::format("{} systems, {} results in {} categories.", c.systems.size(), c.rows.size(),
                     row_categories(c).size()) +
         " Every ratio is relative to the baseline and greater than 1 when a system did better, "
         "whether the metric is higher or lower is better. <span class=\"small\">[lo–hi]: 95% "
         "confidence interval; ≈: the interval includes 1 (no evidence of a difference) or "
         "could not be bounded.</span></p>\n";
  out += "<table class=\"systems-summary\">" + systems_thead(c, {""});
  out += "<tbody>";
  auto row = [&](const std::string& label, auto&& fn, const char* cls = "num") {
    out += "<tr><th scope=\"row\">" + esc(label) + "</th>";
    for (std::size_t i = 0; i < c.systems.size(); ++i)
      out += fmt::format("<td class=\"{}\">", cls) + fn(i) + "</td>";
    out += "</tr>";
  };
  row("Overall geometric mean", [&](std::size_t i) {
    return overall ? esc(mean_cell_text(*overall, i, is_baseline(c, i))) : std::string("—");
  });
  auto count = [&](std::size_t i, auto pred) {
    unsigned n = 0;
    for (const auto& r : c.rows) {
      const CompareCell* cell = cell_of(r, i);
      n += pred(cell) ? 1 : 0;
    }
    return std::to_string(n);
  };
  row("Results with values", [&](std::size_t i) {
    return count(i, [](const CompareCell* x) { return x && has_values(*x); });
  });
  row("Cannot run", [&](std::size_t i) {
    return count(i, [](const CompareCell* x) { return x && x->status == "cannot_run"; });
  });
  row("Failed", [&](std::size_t i) {
    return count(i, [](const CompareCell* x) { return x && x->status == "failed"; });
  });
  row("Missing", [&](std::size_t i) {
    return count(
        i, [](const CompareCell* x) { return !x || x->status == "missing" || x->status.empty(); });
  });
  row(
      "Source",
      [&](std::size_t i) { return std::string(c.systems[i].imported ? "imported" : "benchlab"); },
      "");
  out += "</tbody></table>\n";
  if (!c.categories.empty()) {
    out += "<figure class=\"geomeans\">\n" +
           svg_chart(c, mean_groups(c), "geomean-chart", "geomean", "Geometric means per category",
                     0) +
           "<figcaption>Geometric mean of the ratios of each category's primary metrics; "
           "(N): results behind the mean.</figcaption>\n</figure>\n";
    out += "<table class=\"geomeans\">" + systems_thead(c, {"Category"}) + "<tbody>";
    for (const auto& m : c.categories) {
      out += "<tr><th scope=\"row\">" + esc(m.category) + "</th>";
      for (std::size_t i = 0; i < c.systems.size(); ++i)
        out += "<td class=\"num\">" + esc(mean_cell_text(m, i, is_baseline(c, i))) + "</td>";
      out += "</tr>";
    }
    out += "</tbody></table>\n";
  }
  return out + "</section>\n";
}

std::string html_charts(const Comparison& c) {
  std::string out = "<section id=\"charts\">\n<h2>Relative performance</h2>\n";
  const auto cats = row_categories(c);
  if (cats.empty()) out += "<p class=\"note\">No results to compare.</p>\n";
  std::set<std::string> ids;
  int index = 1;
  for (const auto& cat : cats) {
    std::string id = "cat-" + slug(cat);
    while (!ids.insert(id).second) id += "-" + std::to_string(index);
    out += "<figure class=\"category\" id=\"" + id + "\">\n<h3>" + esc(cat) + "</h3>\n";
    out += svg_chart(c, row_groups(c, rows_of(c, cat)), "chart", cat,
                     "Ratio to the baseline, category " + clean(cat), index);
    out += "</figure>\n";
    ++index;
  }
  return out + "</section>\n";
}

std::string value_cell_html(const Comparison& c, const CompareRow& row, std::size_t i) {
  const CompareCell* cell = cell_of(row, i);
  if (!cell || cell->status == "missing" || cell->status.empty())
    return "<td class=\"missing\">—</td>";
  if (!has_values(*cell)) {
    const char* cls = cell->status == "cannot_run" ? "cannot-run" : "failed";
    return fmt::format("<td class=\"{}\">", cls) + esc(cell_text(c, row, i, 0)) + "</td>";
  }
  std::string out = "<td class=\"num\">" + esc(value_with_ci(cell->summary, row.unit));
  std::vector<std::string> notes{fmt::format("n={}", cell->summary.n)};
  if (!is_baseline(c, i) && has_ratio(*cell)) notes.push_back(ratio_text(*cell->ratio, false));
  if (cell->status == "partial") notes.push_back("partial");
  if (cell->throttled) notes.push_back(fmt::format("throttled in {}", cell->throttled));
  if (cell->imported) notes.push_back("imported");
  return out + "<br><span class=\"small\">" + esc(join(notes, " · ")) + "</span></td>";
}

std::string html_results(const Comparison& c) {
  std::string out =
      "<section id=\"results\">\n<h2>Measured values</h2>\n"
      "<p class=\"note\">Mean ± half-width of its 95% confidence interval, number of "
      "measured trials, and the ratio to the baseline.</p>\n";
  for (const auto& cat : row_categories(c)) {
    out += "<h3>" + esc(cat) + "</h3>\n<table class=\"values\" data-category=\"" + esc(cat) +
           "\">" + systems_thead(c, {"Test", "Options", "Metric"}) + "<tbody>\n";
    for (const CompareRow* row : rows_of(c, cat)) {
      out += "<tr><td>" + esc(row->test) + "</td><td>" + esc(row->options_text) + "</td><td>" +
             esc(metric_label(*row)) + "</td>";
      for (std::size_t i = 0; i < c.systems.size(); ++i) out += value_cell_html(c, *row, i);
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
  }
  return out + "</section>\n";
}

std::string html_systems(const Comparison& c) {
  std::string out =
      "<section id=\"systems\">\n<h2>System configuration</h2>\n<table class=\"config\">" +
      systems_thead(c, {""}) + "<tbody>\n";
  for (const auto& r : config_rows(c)) {
    out += "<tr><th scope=\"row\">" + esc(r.label) + "</th>";
    for (const auto& lines : r.per_system) out += "<td>" + lines_html(lines) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string html_versions(const Comparison& c) {
  std::string out = "<section id=\"versions\">\n<h2>Versions</h2>\n";
  const VersionTable t = version_table(c);
  if (t.keys.empty())
    return out + "<p class=\"note\">No plugin or program versions recorded.</p>\n</section>\n";
  out += "<table class=\"versions\">" + systems_thead(c, {"Kind", "Name"}) + "<tbody>\n";
  for (const auto& key : t.keys) {
    out += "<tr><td>" + esc(key.first) + "</td><td>" + esc(key.second) + "</td>";
    const auto& per = t.cells.at(key);
    for (const auto& sys : c.systems) {
      const auto it = per.find(sys.name);
      out += it == per.end() ? "<td class=\"missing\">—</td>" : "<td>" + esc(it->second) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n</section>\n";
}

bool any_wall_or_idle(const Comparison& c) {
  for (const auto& s : c.systems)
    if (s.idle_power_w || s.wall_power_w) return true;
  return false;
}

std::string html_power(const Comparison& c) {
  std::string out = "<section id=\"power\">\n<h2>Power and energy</h2>\n";
  const PowerTable t = power_table(c);
  if (any_wall_or_idle(c)) {
    out += "<table class=\"power-systems\">" + systems_thead(c, {""}) + "<tbody>";
    out += "<tr><th scope=\"row\">Idle power</th>";
    for (const auto& s : c.systems)
      out += "<td class=\"num\">" + (s.idle_power_w ? esc(watts(*s.idle_power_w)) : "—") + "</td>";
    out += "</tr><tr><th scope=\"row\">Wall power (mean over measured trials)</th>";
    for (const auto& s : c.systems)
      out += "<td class=\"num\">" + (s.wall_power_w ? esc(watts(*s.wall_power_w)) : "—") + "</td>";
    out += "</tr></tbody></table>\n";
  }
  if (t.keys.empty()) {
    if (!any_wall_or_idle(c))
      out +=
          "<p class=\"note\">No power or energy measurements: the runs had no power probe.</p>\n";
    return out + "</section>\n";
  }
  out += "<table class=\"power\">" + systems_thead(c, {"Test", "Options", "Metric"}) + "<tbody>\n";
  for (const auto& key : t.keys) {
    out += "<tr><td>" + esc(key.test) + "</td><td>" + esc(key.options) + "</td><td>" +
           esc(key.metric) + "</td>";
    const auto& per = t.cells.at(key);
    for (const auto& sys : c.systems) {
      const auto it = per.find(sys.name);
      out += it == per.end()
                 ? "<td class=\"missing\">—</td>"
                 : "<td class=\"num\">" + esc(power_cell(it->second, key.unit)) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string html_tco(const Comparison& c) {
  std::string out = "<section id=\"tco\">\n<h2>Cost of ownership</h2>\n";
  if (c.tco.empty())
    return out +
           "<p class=\"note\">No prices given. For the breakeven of buying a system against "
           "renting a cloud instance, run <code>" +
           esc(kTcoHint) + "</code>.</p>\n</section>\n";
  out +=
      "<p class=\"note\">Breakeven: days of use after which buying costs less than renting, "
      "price / (cloud cost per day − electricity per day). A month is " +
      fmt::format("{}", kHoursPerMonth) + " hours.</p>\n";
  out +=
      "<table class=\"tco\"><thead><tr><th scope=\"col\">System</th><th scope=\"col\">Price</th>"
      "<th scope=\"col\">Cloud rate</th><th scope=\"col\">Use per day</th><th scope=\"col\">Cloud "
      "per week</th>"
      "<th scope=\"col\">Cloud per month</th><th scope=\"col\">Electricity per day</th>"
      "<th scope=\"col\">Breakeven</th></tr></thead><tbody>\n";
  for (const auto& t : c.tco) {
    out += "<tr><td>" + esc(t.input.system.empty() ? std::string("—") : t.input.system) + "</td>";
    out += "<td class=\"num\">" + esc(money(t.input.price_usd)) + "</td>";
    out += "<td class=\"num\">" + esc(money_rate(t.input.cloud_rate_usd_h)) + "/h</td>";
    out += "<td class=\"num\">" + esc(hours_text(t.input.hours_per_day)) + "</td>";
    out += "<td class=\"num\">" + esc(money(t.cloud_per_week)) + "</td>";
    out += "<td class=\"num\">" + esc(money(t.cloud_per_month)) + "</td>";
    out += "<td>" + esc(electricity_text(t));
    if (t.input.power_w && !t.input.power_source.empty())
      out += "<br><span class=\"small\">power: " + esc(t.input.power_source) + "</span>";
    out += "</td>";
    out += "<td class=\"num breakeven\">" + esc(breakeven_text(t)) + "</td></tr>\n";
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string meta_line(const ReportMeta& meta) {
  std::vector<std::string> parts;
  if (!meta.generated_at.empty()) parts.push_back("Generated " + clean(meta.generated_at));
  if (!meta.benchlab_version.empty()) parts.push_back("benchlab " + clean(meta.benchlab_version));
  if (!meta.stores.empty()) {
    std::vector<std::string> stores;
    for (const auto& s : meta.stores) stores.push_back(clean(s));
    parts.push_back((meta.stores.size() > 1 ? "stores " : "store ") + join(stores, ", "));
  }
  return join(parts, " · ");
}

// ---------------------------------------------------------------------------------------
// Markdown report sections.

std::vector<std::string> md_header(const Comparison& c, std::vector<std::string> first) {
  for (auto& f : first) f = md(f);
  for (std::size_t i = 0; i < c.systems.size(); ++i) first.push_back(md(system_header(c, i)));
  return first;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Public functions.

std::string format_ratio(double ratio) {
  const std::string n = ratio_number(ratio);
  return n == "n/a" ? n : n + "x";
}

std::string format_comparison(const Comparison& c, CompareFormat format) {
  if (format == CompareFormat::csv) return format_csv(c);
  if (format == CompareFormat::markdown) {
    std::string out = "Baseline: **" + md(baseline_name(c)) + "**\n\n";
    if (c.rows.empty()) return out + "No results to compare.\n";
    out += markdown_table(compare_grid(c, 0, md));
    if (!c.categories.empty())
      out += "\n**Geometric means**\n\n" + markdown_table(mean_grid(c, md));
    return out + "\n" + md(kLegend) + "\n";
  }
  std::string out = "Baseline: " + clean(baseline_name(c)) + "\n\n";
  if (c.rows.empty()) return out + "No results to compare.\n";
  out += text_table(compare_grid(c, 40, plain));
  if (!c.categories.empty()) out += "\nGeometric means\n" + text_table(mean_grid(c, plain));
  return out + "\n" + kLegend + "\n";
}

std::string render_html(const Comparison& c, const ReportMeta& meta) {
  std::string out;
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"benchlab\">\n<title>" +
      esc(meta.title) +
      "</title>\n"
      "<style>" +
      kCss + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1 id=\"title\">" + esc(meta.title) + "</h1>\n";
  const std::string line = meta_line(meta);
  if (!line.empty()) out += "<p class=\"meta\">" + esc(line) + "</p>\n";
  out +=
      "<nav><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#charts\">Relative "
      "performance</a></li>"
      "<li><a href=\"#results\">Measured values</a></li><li><a href=\"#systems\">Systems</a></li>"
      "<li><a href=\"#versions\">Versions</a></li><li><a href=\"#power\">Power and energy</a></li>"
      "<li><a href=\"#tco\">Cost of ownership</a></li></ul></nav>\n</header>\n<main>\n";
  out += html_summary(c);
  out += html_charts(c);
  out += html_results(c);
  out += html_systems(c);
  out += html_versions(c);
  out += html_power(c);
  out += html_tco(c);
  out +=
      "</main>\n<footer>\n<p>Ratios and their 95% confidence intervals follow Fieller's theorem on "
      "the raw trial values; geometric means use the delta method on the log ratios "
      "(benchlab's docs/statistics.md). This page has no scripts and no external resources.</p>\n";
  if (!line.empty()) out += "<p>" + esc(line) + "</p>\n";
  out += "</footer>\n</body>\n</html>\n";
  return out;
}

std::string render_markdown(const Comparison& c, const ReportMeta& meta) {
  std::string out = "# " + md(meta.title) + "\n\n";
  const std::string line = meta_line(meta);
  if (!line.empty()) out += "_" + md(line) + "_\n\n";

  out += "## Summary\n\nBaseline: **" + md(baseline_name(c)) + "**. " +
         fmt::format("{} systems, {} results in {} categories.\n\n", c.systems.size(),
                     c.rows.size(), row_categories(c).size()) +
         md(kLegend) + "\n\n";
  {
    std::vector<std::vector<std::string>> grid{md_header(c, {""})};
    const CategoryMean* overall = overall_mean(c);
    auto add = [&](const std::string& label, auto&& fn) {
      std::vector<std::string> r{md(label)};
      for (std::size_t i = 0; i < c.systems.size(); ++i) r.push_back(md(fn(i)));
      grid.push_back(std::move(r));
    };
    add("Overall geometric mean", [&](std::size_t i) {
      return overall ? mean_cell_text(*overall, i, is_baseline(c, i)) : std::string("—");
    });
    auto count = [&](std::size_t i, auto pred) {
      unsigned n = 0;
      for (const auto& r : c.rows) n += pred(cell_of(r, i)) ? 1 : 0;
      return std::to_string(n);
    };
    add("Results with values", [&](std::size_t i) {
      return count(i, [](const CompareCell* x) { return x && has_values(*x); });
    });
    add("Cannot run", [&](std::size_t i) {
      return count(i, [](const CompareCell* x) { return x && x->status == "cannot_run"; });
    });
    add("Failed", [&](std::size_t i) {
      return count(i, [](const CompareCell* x) { return x && x->status == "failed"; });
    });
    add("Missing", [&](std::size_t i) {
      return count(i, [](const CompareCell* x) {
        return !x || x->status == "missing" || x->status.empty();
      });
    });
    add("Source", [&](std::size_t i) {
      return std::string(c.systems[i].imported ? "imported" : "benchlab");
    });
    out += markdown_table(grid) + "\n";
  }
  if (!c.categories.empty())
    out += "### Geometric means\n\n" + markdown_table(mean_grid(c, md)) + "\n";

  out += "## Relative performance\n\n";
  const auto cats = row_categories(c);
  if (cats.empty()) out += "No results to compare.\n\n";
  for (const auto& cat : cats) {
    std::vector<std::vector<std::string>> grid{md_header(c, {"Test", "Options", "Metric"})};
    for (const CompareRow* row : rows_of(c, cat)) {
      std::vector<std::string> r{md(row->test), md(row->options_text), md(metric_label(*row))};
      for (std::size_t i = 0; i < c.systems.size(); ++i) r.push_back(md(cell_text(c, *row, i, 0)));
      grid.push_back(std::move(r));
    }
    out += "### " + md(cat) + "\n\n" + markdown_table(grid) + "\n";
  }

  out +=
      "## Measured values\n\nMean ± half-width of its 95% confidence interval and number of "
      "measured trials.\n\n";
  for (const auto& cat : cats) {
    std::vector<std::vector<std::string>> grid{md_header(c, {"Test", "Options", "Metric"})};
    for (const CompareRow* row : rows_of(c, cat)) {
      std::vector<std::string> r{md(row->test), md(row->options_text), md(metric_label(*row))};
      for (std::size_t i = 0; i < c.systems.size(); ++i) {
        const CompareCell* cell = cell_of(*row, i);
        r.push_back(md(cell && has_values(*cell) ? value_with_ci(cell->summary, row->unit) +
                                                       fmt::format(" n={}", cell->summary.n) +
                                                       (cell->status == "partial" ? " partial" : "")
                                                 : cell_text(c, *row, i, 0)));
      }
      grid.push_back(std::move(r));
    }
    out += "### " + md(cat) + "\n\n" + markdown_table(grid) + "\n";
  }

  out += "## System configuration\n\n";
  {
    std::vector<std::vector<std::string>> grid{md_header(c, {""})};
    for (const auto& r : config_rows(c)) {
      std::vector<std::string> row{md(r.label)};
      for (const auto& lines : r.per_system) {
        std::string joined;
        for (std::size_t k = 0; k < lines.size(); ++k) joined += (k ? "\n" : "") + lines[k];
        row.push_back(md(joined));
      }
      grid.push_back(std::move(row));
    }
    out += markdown_table(grid) + "\n";
  }

  out += "## Versions\n\n";
  {
    const VersionTable t = version_table(c);
    if (t.keys.empty()) {
      out += "No plugin or program versions recorded.\n\n";
    } else {
      std::vector<std::vector<std::string>> grid{md_header(c, {"Kind", "Name"})};
      for (const auto& key : t.keys) {
        std::vector<std::string> r{md(key.first), md(key.second)};
        const auto& per = t.cells.at(key);
        for (const auto& sys : c.systems) {
          const auto it = per.find(sys.name);
          r.push_back(it == per.end() ? std::string("—") : md(it->second));
        }
        grid.push_back(std::move(r));
      }
      out += markdown_table(grid) + "\n";
    }
  }

  out += "## Power and energy\n\n";
  {
    const PowerTable t = power_table(c);
    if (any_wall_or_idle(c)) {
      std::vector<std::vector<std::string>> grid{md_header(c, {""})};
      std::vector<std::string> idle{"Idle power"}, wall{"Wall power (mean over measured trials)"};
      for (const auto& s : c.systems) {
        idle.push_back(s.idle_power_w ? md(watts(*s.idle_power_w)) : "—");
        wall.push_back(s.wall_power_w ? md(watts(*s.wall_power_w)) : "—");
      }
      grid.push_back(idle);
      grid.push_back(wall);
      out += markdown_table(grid) + "\n";
    }
    if (!t.keys.empty()) {
      std::vector<std::vector<std::string>> grid{md_header(c, {"Test", "Options", "Metric"})};
      for (const auto& key : t.keys) {
        std::vector<std::string> r{md(key.test), md(key.options), md(key.metric)};
        const auto& per = t.cells.at(key);
        for (const auto& sys : c.systems) {
          const auto it = per.find(sys.name);
          r.push_back(it == per.end() ? std::string("—") : md(power_cell(it->second, key.unit)));
        }
        grid.push_back(std::move(r));
      }
      out += markdown_table(grid) + "\n";
    } else if (!any_wall_or_idle(c)) {
      out += "No power or energy measurements: the runs had no power probe.\n\n";
    }
  }

  out += "## Cost of ownership\n\n";
  if (c.tco.empty()) {
    out += std::string(
               "No prices given. For the breakeven of buying a system against renting a cloud "
               "instance, run `") +
           kTcoHint + "`.\n";
  } else {
    out +=
        "Breakeven: days of use after which buying costs less than renting, price / (cloud cost "
        "per day − electricity per day). A month is " +
        fmt::format("{}", kHoursPerMonth) + " hours.\n\n";
    std::vector<std::vector<std::string>> grid{{"System", "Price", "Cloud rate", "Use per day",
                                                "Cloud per week", "Cloud per month",
                                                "Electricity per day", "Breakeven"}};
    for (const auto& t : c.tco) {
      std::string elec = electricity_text(t);
      if (t.input.power_w && !t.input.power_source.empty())
        elec += "; power: " + t.input.power_source;
      grid.push_back({md(t.input.system.empty() ? std::string("—") : t.input.system),
                      md(money(t.input.price_usd)), md(money_rate(t.input.cloud_rate_usd_h) + "/h"),
                      md(hours_text(t.input.hours_per_day)), md(money(t.cloud_per_week)),
                      md(money(t.cloud_per_month)), md(elec), md(breakeven_text(t))});
    }
    out += markdown_table(grid);
  }
  return out;
}

}  // namespace benchlab
