// SPDX-License-Identifier: MIT
// Checks what a `libreoffice --convert-to pdf` batch left behind: one PDF per input, each
// a PDF file from header to end-of-file marker, and reads LibreOffice's own account of
// the batch from its output. Plain C++ (no plugin.h), tested on captured real output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace office_pdf {

// One "convert SOURCE -> TARGET using filter : FILTER" line of LibreOffice's stdout.
struct Conversion {
  std::string source, target, filter;
};
std::vector<Conversion> parse_conversions(std::string_view stdout_text);

// The lines of LibreOffice's stderr that report a document it gave up on
// ("Error: source file could not be loaded"); the XML parser's chatter is left out.
std::vector<std::string> conversion_errors(std::string_view stderr_text);

// Page objects (/Type /Page) in a PDF's bytes. LibreOffice writes its object dictionaries
// uncompressed, so this is the page count; a PDF packing its objects in compressed object
// streams gives 0, which is why the count is information, not a check.
unsigned count_pdf_pages(std::string_view pdf);

// Empty when `bytes` look like a whole PDF file; else what is wrong with them.
std::string pdf_defect(std::string_view bytes);

// The PDF LibreOffice writes for `input` into `outdir`: the input's stem plus ".pdf".
std::filesystem::path pdf_for(const std::filesystem::path& input,
                              const std::filesystem::path& outdir);

struct ConvertedPdf {
  std::filesystem::path path;
  std::uintmax_t bytes = 0;
  unsigned pages = 0;
};

struct BatchCheck {
  std::vector<ConvertedPdf> pdfs;  // one per input, in input order, when ok
  std::string problem;             // empty when every input has a sound PDF
  bool ok() const { return problem.empty(); }
};

// Looks for the PDF of every input in `outdir`. A missing, empty or truncated PDF makes
// `problem` name the document, what is wrong, and what LibreOffice said about it.
BatchCheck check_batch(const std::vector<std::filesystem::path>& inputs,
                       const std::filesystem::path& outdir, std::string_view stdout_text,
                       std::string_view stderr_text);

}  // namespace office_pdf
