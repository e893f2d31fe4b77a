// SPDX-License-Identifier: MIT
#include "pdf_batch_check.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

namespace office_pdf {
namespace {

namespace fs = std::filesystem;

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool is_pdf_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The defect check needs only the ends, but the page count needs the whole file; PDFs of
// office documents are small enough to read whole.
std::string read_whole_file(const fs::path& path, std::uintmax_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(size));
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return bytes;
}

}  // namespace

std::vector<Conversion> parse_conversions(std::string_view stdout_text) {
  constexpr std::string_view kStart = "convert ", kArrow = " -> ", kFilter = " using filter : ";
  std::vector<Conversion> conversions;
  for (const std::string_view line : lines_of(stdout_text)) {
    if (line.substr(0, kStart.size()) != kStart) continue;
    // Paths may contain spaces, so split on the separators, the filter one from the right.
    const std::size_t arrow = line.find(kArrow);
    const std::size_t filter = line.rfind(kFilter);
    if (arrow == std::string_view::npos || filter == std::string_view::npos || filter < arrow)
      continue;
    conversions.push_back(
        {std::string(line.substr(kStart.size(), arrow - kStart.size())),
         std::string(line.substr(arrow + kArrow.size(), filter - arrow - kArrow.size())),
         std::string(line.substr(filter + kFilter.size()))});
  }
  return conversions;
}

std::vector<std::string> conversion_errors(std::string_view stderr_text) {
  std::vector<std::string> errors;
  for (const std::string_view line : lines_of(stderr_text))
    if (line.substr(0, 6) == "Error:") errors.emplace_back(line);
  return errors;
}

unsigned count_pdf_pages(std::string_view pdf) {
  constexpr std::string_view kType = "/Type", kPage = "/Page";
  unsigned pages = 0;
  for (std::size_t at = pdf.find(kType); at != std::string_view::npos;
       at = pdf.find(kType, at + kType.size())) {
    std::size_t pos = at + kType.size();
    while (pos < pdf.size() && is_pdf_space(pdf[pos])) ++pos;
    if (pdf.substr(pos, kPage.size()) != kPage) continue;
    pos += kPage.size();
    // "/Pages" is the page tree, not a page.
    if (pos < pdf.size() && is_name_char(pdf[pos])) continue;
    ++pages;
  }
  return pages;
}

std::string pdf_defect(std::string_view bytes) {
  if (bytes.empty()) return "is empty";
  if (bytes.substr(0, 5) != "%PDF-") return "does not start with %PDF- (not a PDF file)";
  // The end-of-file marker sits in the last kilobyte (PDF 1.7, 7.5.5); without it the
  // file was cut short.
  const std::string_view tail = bytes.substr(bytes.size() > 1024 ? bytes.size() - 1024 : 0);
  if (tail.find("%%EOF") == std::string_view::npos)
    return "has no %%EOF marker at its end (written only in part)";
  return {};
}

fs::path pdf_for(const fs::path& input, const fs::path& outdir) {
  fs::path name = input.filename();
  name.replace_extension(".pdf");
  return outdir / name;
}

BatchCheck check_batch(const std::vector<fs::path>& inputs, const fs::path& outdir,
                       std::string_view stdout_text, std::string_view stderr_text) {
  BatchCheck check;
  const std::vector<Conversion> reported = parse_conversions(stdout_text);
  const std::vector<std::string> errors = conversion_errors(stderr_text);
  std::vector<std::string> failures;
  for (const fs::path& input : inputs) {
    const fs::path pdf = pdf_for(input, outdir);
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(pdf, ec);
    std::string defect;
    ConvertedPdf converted{pdf, 0, 0};
    if (ec) {
      defect = pdf.string() + " does not exist";
    } else {
      const std::string bytes = read_whole_file(pdf, size);
      defect = pdf_defect(bytes);
      if (!defect.empty()) defect = pdf.string() + " " + defect;
      converted.bytes = bytes.size();
      converted.pages = count_pdf_pages(bytes);
    }
    if (defect.empty()) {
      check.pdfs.push_back(std::move(converted));
      continue;
    }
    bool mentioned = false;
    for (const Conversion& c : reported)
      mentioned |= fs::path(c.source).filename() == input.filename();
    failures.push_back(input.filename().string() + " was not converted: " + defect +
                       (mentioned ? " although LibreOffice reported converting it"
                                  : " and LibreOffice did not report converting it"));
  }
  if (failures.empty()) return check;

  std::ostringstream problem;
  problem << failures.size() << " of " << inputs.size() << " documents have no sound PDF: ";
  for (std::size_t i = 0; i < failures.size() && i < 5; ++i)
    problem << (i ? "; " : "") << failures[i];
  if (failures.size() > 5) problem << "; and " << failures.size() - 5 << " more";
  if (!errors.empty()) {
    problem << ". LibreOffice said:";
    for (std::size_t i = 0; i < errors.size() && i < 5; ++i) problem << "\n" << errors[i];
  }
  check.pdfs.clear();
  check.problem = problem.str();
  return check;
}

}  // namespace office_pdf
