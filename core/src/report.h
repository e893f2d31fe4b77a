/* SPDX-License-Identifier: MIT */
// Rendering a Comparison (comparison.h): the text formats of `benchlab compare` and the
// pages of `benchlab report`. Pure functions of the model: no store, no clock.
#pragma once

#include <string>
#include <vector>

#include "comparison.h"

namespace benchlab {

// "0.64x", "1.00x", "3.21x" (two decimals from 0.1 to 10), "12.3x" (one decimal up to
// 100), "150x" (none above), "0.042x" (two significant figures below 0.1); the band is
// chosen after rounding (9.996 gives "10.0x"). NaN gives "n/a", infinities "∞x" / "-∞x".
std::string format_ratio(double ratio);

enum class CompareFormat { table, markdown, csv };

// `benchlab compare`: one row per test, options and metric, one column per system (the
// ratio, "≈" when its CI includes 1.0, the CI and the trial counts; the baseline's mean ±
// ci95; "cannot run: REASON", "failed: REASON", "—" cells), then the geometric means per
// category and overall. `table` is aligned text for a terminal (UTF-8 aware widths, control
// characters removed, reasons cut to 40 columns), `markdown` a GitHub table, `csv` RFC 4180
// in long form: one record per row and system (category, test, options, metric, unit,
// direction, primary, system, baseline, status, reason, mean, ci95, n, ratio, ratio_lo,
// ratio_hi, includes_one), then one per category mean and system with test "(geomean)".
// docs/report.md describes every format.
std::string format_comparison(const Comparison& c, CompareFormat format);

struct ReportMeta {
  std::string title = "benchlab report";
  std::string generated_at;  // UTC, ISO 8601
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
