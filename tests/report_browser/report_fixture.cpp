// SPDX-License-Identifier: MIT
// report-fixture PATH [markdown]: writes the HTML report (or with "markdown", the Markdown
// report) of the hand-built comparison of sample_comparison.hpp to PATH and prints its
// categories, one a line; for the browser test (report_browser.sh) and for looking at the
// page by hand.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "report.h"
#include "sample_comparison.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string(argv[2]) != "markdown")) {
    std::cerr << "usage: report-fixture PATH [markdown]\n";
    return 2;
  }
  benchlab::ReportMeta meta;
  meta.title = "benchlab report: Ryzen 9 7950X vs DGX Spark";
  meta.generated_at = "2025-06-01T12:00:00Z";
  meta.benchlab_version = BENCHLAB_VERSION;
  meta.stores = {"ryzen.sqlite", "spark.sqlite", "imported.sqlite"};
  const benchlab::Comparison c = report_sample::comparison();
  const std::string page =
      argc == 3 ? benchlab::render_markdown(c, meta) : benchlab::render_html(c, meta);
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << page;
  out.close();
  if (!out) {
    std::cerr << "report-fixture: cannot write " << argv[1] << "\n";
    return 1;
  }
  // the categories, one a line, for the browser test to count the charts
  std::vector<std::string> categories;
  for (const auto& row : c.rows)
    if (std::find(categories.begin(), categories.end(), row.category) == categories.end())
      categories.push_back(row.category);
  for (const auto& cat : categories) std::cout << cat << "\n";
  return 0;
}
