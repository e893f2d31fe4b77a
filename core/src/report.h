// Rendering a Comparison (comparison.h): the text formats of `benchlab compare` and the
// pages of `benchlab report`. Pure functions of the model: no store, no clock.
#pragma once

#include <string>
#include <vector>

#include "comparison.h"

namespace benchlab {

// "1.00x", "0.64x", "3.2x", "12x": three significant figures below 10, two up to 100.
std::string format_ratio(double ratio);

enum class CompareFormat { table, markdown, csv };

// `benchlab compare`: one row per test, options and metric, one column per system (the
// ratio, "≈" when its CI includes 1.0, the CI and the trial counts; "cannot run: REASON"
// cells), then the geometric means per category and overall. `table` is aligned text for
// a terminal (UTF-8 aware widths), `markdown` a GitHub table, `csv` RFC 4180 with one
// column per figure (ratio, lo, hi, mean, ci95, n, status, reason per system).
std::string format_comparison(const Comparison& c, CompareFormat format);

struct ReportMeta {
  std::string title = "benchlab report";
  std::string generated_at;      // UTC, ISO 8601
  std::string benchlab_version;
  std::vector<std::string> stores;  // the store files read
};

// A self-contained HTML5 page: no external assets, readable with JavaScript off (there
// is none), every name from a store or profile escaped. Sections: summary, one inline
// SVG bar chart per category (ratio to the baseline, CI whiskers, "cannot run" marked),
// absolute values with CI, system configuration, plugin and program versions, power and
// energy, cost of ownership.
std::string render_html(const Comparison& c, const ReportMeta& meta);

// The same report as Markdown (tables instead of charts).
std::string render_markdown(const Comparison& c, const ReportMeta& meta);

}  // namespace benchlab
