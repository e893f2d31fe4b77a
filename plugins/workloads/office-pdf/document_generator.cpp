// SPDX-License-Identifier: MIT
#include "document_generator.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include "base64.hpp"

namespace office_pdf {
namespace {

namespace fs = std::filesystem;

// splitmix64: tiny, fast, and the same sequence on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [low, high].
  unsigned between(unsigned low, unsigned high) {
    return low + static_cast<unsigned>(next() % (static_cast<std::uint64_t>(high - low) + 1));
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 96> kWords = {
    "account", "achieve",  "analysis",  "annual",   "approach", "balance",  "budget",   "capacity",
    "central", "change",   "client",    "compare",  "complete", "consider", "contract", "cost",
    "current", "customer", "data",      "deliver",  "demand",   "design",   "detail",   "develop",
    "direct",  "energy",   "estimate",  "evidence", "expected", "factor",   "figure",   "final",
    "focus",   "forecast", "general",   "growth",   "impact",   "improve",  "increase", "initial",
    "input",   "issue",    "journal",   "key",      "labour",   "level",    "limit",    "local",
    "machine", "manage",   "margin",    "market",   "measure",  "method",   "model",    "monthly",
    "network", "normal",   "objective", "office",   "option",   "output",   "period",   "plan",
    "policy",  "power",    "price",     "process",  "project",  "quality",  "quarter",  "range",
    "rate",    "record",   "region",    "report",   "resource", "result",   "review",   "risk",
    "sample",  "schedule", "section",   "service",  "share",    "signal",   "source",   "standard",
    "storage", "summary",  "supply",    "system",   "target",   "team",     "total",    "value",
};

std::string capitalised(std::string_view word) {
  std::string s(word);
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string_view word(Random& random) { return kWords[random.next() % kWords.size()]; }

// A sentence of 6 to 18 words; some words bold or italic through the automatic styles.
std::string sentence(Random& random) {
  const unsigned count = random.between(6, 18);
  std::string s;
  for (unsigned i = 0; i < count; ++i) {
    std::string w = i == 0 ? capitalised(word(random)) : std::string(word(random));
    const unsigned style = random.between(0, 29);
    if (style == 0) w = "<text:span text:style-name=\"Strong\">" + w + "</text:span>";
    if (style == 1) w = "<text:span text:style-name=\"Emphasis\">" + w + "</text:span>";
    s += (i == 0 ? "" : " ") + w;
  }
  return s + (random.between(0, 5) == 0 ? "; " : ". ");
}

std::string paragraph(Random& random, unsigned sentences) {
  std::string p = "<text:p text:style-name=\"Body\">";
  for (unsigned i = 0; i < sentences; ++i) p += sentence(random);
  return p + "</text:p>\n";
}

std::string title_words(Random& random, unsigned count) {
  std::string t;
  for (unsigned i = 0; i < count; ++i) t += (i ? " " : "") + capitalised(word(random));
  return t;
}

std::string bullet_list(Random& random, unsigned items) {
  std::string l = "<text:list text:style-name=\"Bullets\">\n";
  for (unsigned i = 0; i < items; ++i)
    l += "<text:list-item><text:p text:style-name=\"Body\">" + sentence(random) +
         "</text:p></text:list-item>\n";
  return l + "</text:list>\n";
}

std::string cell(std::string_view text, bool header) {
  return std::string("<table:table-cell table:style-name=\"") + (header ? "HeadCell" : "Cell") +
         "\" office:value-type=\"string\"><text:p text:style-name=\"" +
         (header ? "TableHeading" : "TableContents") + "\">" + std::string(text) +
         "</text:p></table:table-cell>";
}

std::string number_cell(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return std::string(
             "<table:table-cell table:style-name=\"Cell\" office:value-type=\"float\" "
             "office:value=\"") +
         text + "\"><text:p text:style-name=\"TableNumbers\">" + text +
         "</text:p></table:table-cell>";
}

// A table with a header row, a label column and numeric columns.
std::string table(Random& random, unsigned& table_number, unsigned rows, unsigned columns) {
  const std::string name = "Table" + std::to_string(++table_number);
  std::string t = "<table:table table:name=\"" + name + "\" table:style-name=\"Grid\">\n";
  t += "<table:table-column table:number-columns-repeated=\"" + std::to_string(columns) + "\"/>\n";
  t += "<table:table-header-rows><table:table-row>" + cell(capitalised(word(random)), true);
  for (unsigned c = 1; c < columns; ++c) t += cell("Q" + std::to_string(c), true);
  t += "</table:table-row></table:table-header-rows>\n";
  for (unsigned r = 0; r < rows; ++r) {
    t += "<table:table-row>" + cell(capitalised(word(random)), false);
    for (unsigned c = 1; c < columns; ++c)
      t += number_cell(static_cast<double>(random.next() % 10000000) / 100.0);
    t += "</table:table-row>\n";
  }
  return t + "</table:table>\n";
}

std::string figure(Random& random, unsigned& figure_number) {
  const unsigned number = ++figure_number;
  const std::string png = encode_png(figure_image(random.next(), 200, 120));
  std::string f = "<text:p text:style-name=\"Figure\"><draw:frame draw:name=\"Figure" +
                  std::to_string(number) +
                  "\" text:anchor-type=\"as-char\" svg:width=\"10cm\" svg:height=\"6cm\" "
                  "draw:z-index=\"0\"><draw:image><office:binary-data>\n";
  f += base64_encode(png, 76);
  f += "\n</office:binary-data></draw:image></draw:frame></text:p>\n";
  f += "<text:p text:style-name=\"Caption\">Figure " + std::to_string(number) + ": " +
       title_words(random, 4) + "</text:p>\n";
  return f;
}

constexpr std::string_view kHead = R"(<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:margin-bottom="0.2cm"/>
  <style:text-properties fo:font-size="11pt" fo:language="en" fo:country="GB"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
 <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="justify" fo:line-height="115%"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.5cm"/>
  <style:text-properties fo:font-size="24pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.8cm"/>
  <style:text-properties fo:font-size="14pt" fo:font-style="italic"/>
 </style:style>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
  style:parent-style-name="Standard" style:default-outline-level="1">
  <style:paragraph-properties fo:margin-top="0.6cm" fo:keep-with-next="always"/>
  <style:text-properties fo:font-size="16pt" fo:font-weight="bold" fo:color="#1f3864"/>
 </style:style>
 <style:style style:name="TableHeading" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="TableContents" style:family="paragraph" style:parent-style-name="Standard"/>
 <style:style style:name="TableNumbers" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="end"/>
 </style:style>
 <style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:keep-with-next="always"/>
 </style:style>
 <style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="9pt" fo:font-style="italic"/>
 </style:style>
 <style:style style:name="Strong" style:family="text">
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Emphasis" style:family="text">
  <style:text-properties fo:font-style="italic"/>
 </style:style>
 <text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab"
     text:list-tab-stop-position="1cm" fo:text-indent="-0.5cm" fo:margin-left="1cm"/>
   </style:list-level-properties>
  </text:list-level-style-bullet>
 </text:list-style>
</office:styles>
<office:automatic-styles>
 <style:style style:name="Grid" style:family="table">
  <style:table-properties style:width="16cm" table:align="margins" fo:margin-top="0.2cm"
   fo:margin-bottom="0.3cm"/>
 </style:style>
 <style:style style:name="HeadCell" style:family="table-cell">
  <style:table-cell-properties fo:background-color="#d9e2f3" fo:padding="0.08cm"
   fo:border="0.5pt solid #000000"/>
 </style:style>
 <style:style style:name="Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #000000"/>
 </style:style>
 <style:page-layout style:name="A4">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="2cm"
   fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="A4"/>
</office:master-styles>
<office:body>
<office:text>
)";

constexpr std::string_view kTail = "</office:text>\n</office:body>\n</office:document>\n";

void write_atomically(const fs::path& path, const std::string& text) {
  fs::path temp = path;
  temp += ".part";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + temp.string() + ": is the disk full?");
  }
  fs::rename(temp, path);
}

}  // namespace

DocumentKind document_kind(unsigned index) {
  switch (index % 3) {
    case 1:
      return DocumentKind::report;
    case 2:
      return DocumentKind::tables;
    default:
      return DocumentKind::figures;
  }
}

std::string document_file_name(unsigned index) {
  char name[32];
  std::snprintf(name, sizeof name, "doc%02u.fodt", index);
  return name;
}

RgbImage figure_image(std::uint64_t seed, std::uint32_t width, std::uint32_t height) {
  Random random(seed);
  RgbImage image{width, height, std::vector<std::uint8_t>(std::size_t{width} * height * 3)};
  const unsigned bars = random.between(4, 9);
  std::vector<std::uint32_t> tops(bars);
  std::vector<std::array<std::uint8_t, 3>> colours(bars);
  for (unsigned b = 0; b < bars; ++b) {
    tops[b] = random.between(height / 10, height * 8 / 10);
    colours[b] = {static_cast<std::uint8_t>(random.between(20, 200)),
                  static_cast<std::uint8_t>(random.between(20, 200)),
                  static_cast<std::uint8_t>(random.between(20, 200))};
  }
  const std::uint32_t slot = width / bars;
  for (std::uint32_t y = 0; y < height; ++y)
    for (std::uint32_t x = 0; x < width; ++x) {
      std::uint8_t* px = &image.pixels[(std::size_t{y} * width + x) * 3];
      // Background: a soft vertical gradient, so the image is not one flat colour.
      px[0] = static_cast<std::uint8_t>(235 - y * 40 / height);
      px[1] = static_cast<std::uint8_t>(240 - y * 30 / height);
      px[2] = 250;
      const std::uint32_t b =
          std::min<std::uint32_t>(x / std::max<std::uint32_t>(slot, 1), bars - 1);
      const bool in_bar = x % slot > slot / 6 && x % slot < slot * 5 / 6;
      if (in_bar && y >= tops[b] && y < height - 4)
        for (int c = 0; c < 3; ++c) px[c] = colours[b][c];
      if (y >= height - 4) px[0] = px[1] = px[2] = 40;  // the axis
    }
  return image;
}

std::string flat_odt_document(unsigned index, unsigned sections) {
  Random random(0x0ff1ce00ull + index * 7919ull + kDocumentGeneratorVersion);
  const DocumentKind kind = document_kind(index);
  unsigned tables = 0, figures = 0;
  std::string doc(kHead);
  doc += "<text:p text:style-name=\"Title\">" + title_words(random, 3) + " " +
         (kind == DocumentKind::report   ? "Report"
          : kind == DocumentKind::tables ? "Figures Sheet"
                                         : "Brief") +
         "</text:p>\n";
  doc += "<text:p text:style-name=\"Subtitle\">Document " + std::to_string(index) + ", " +
         title_words(random, 2) + "</text:p>\n";
  for (unsigned s = 1; s <= sections; ++s) {
    doc += "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">" +
           std::to_string(s) + " " + title_words(random, random.between(2, 4)) + "</text:h>\n";
    switch (kind) {
      case DocumentKind::report:
        for (unsigned p = random.between(4, 6); p > 0; --p)
          doc += paragraph(random, random.between(4, 8));
        doc += bullet_list(random, random.between(3, 5));
        doc += table(random, tables, 4, 3);
        doc += paragraph(random, random.between(3, 6));
        break;
      case DocumentKind::tables:
        doc += paragraph(random, random.between(2, 4));
        doc += table(random, tables, random.between(12, 20), 6);
        doc += paragraph(random, random.between(1, 3));
        doc += table(random, tables, random.between(6, 10), 4);
        break;
      case DocumentKind::figures:
        doc += paragraph(random, random.between(3, 5));
        doc += figure(random, figures);
        doc += paragraph(random, random.between(2, 4));
        if (s % 2 == 0) doc += figure(random, figures);
        doc += bullet_list(random, 3);
        break;
    }
  }
  doc += kTail;
  return doc;
}

std::vector<fs::path> write_documents(const fs::path& dir, const DocumentSet& set) {
  std::vector<fs::path> paths;
  for (unsigned i = 1; i <= set.documents; ++i) {
    paths.push_back(dir / document_file_name(i));
    write_atomically(paths.back(), flat_odt_document(i, set.sections));
  }
  return paths;
}

}  // namespace office_pdf
