// SPDX-License-Identifier: MIT
// Statistics of one result's trial values. The formulas, and why these ones, are in
// docs/statistics.md; this file implements that page.
#include "stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace benchlab {
namespace {

// Significance level of the outlier test: a sample of normal values gets a flag with
// probability alpha (tests/unit/test_stats.cpp measures it).
constexpr double kOutlierAlpha = 0.05;

// ---- Median ----------------------------------------------------------------------------

// Median of an already sorted, non-empty range. std::midpoint cannot overflow.
double sorted_median(std::span<const double> sorted) {
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : std::midpoint(sorted[n / 2 - 1], sorted[n / 2]);
}

// ---- Mean and standard deviation -------------------------------------------------------

struct MeanSd {
  double mean = 0, sd = 0;  // sd: sample (n - 1), 0 for fewer than two values
};

// Two passes over non-empty `values` shifted by `shift` (the median, or any one of them):
// shifting makes the sums depend on the spread rather than the magnitude (1e9 ns timestamps
// lose no digits) and gives a constant sample exactly its value and sd 0. The second pass
// is the corrected two-pass formula (Chan, Golub & LeVeque 1983): the sum of residuals
// absorbs the rounding of the mean.
MeanSd mean_sd(std::span<const double> values, double shift) {
  const double count = static_cast<double>(values.size());
  double shifted_sum = 0;
  for (double x : values) shifted_sum += x - shift;
  MeanSd r;
  r.mean = shift + shifted_sum / count;
  if (values.size() < 2) return r;
  double squares = 0, residuals = 0;
  for (double x : values) {
    const double e = x - r.mean;
    squares += e * e;
    residuals += e;
  }
  r.sd = std::sqrt(std::max(0.0, (squares - residuals * residuals / count) / (count - 1)));
  return r;
}

}  // namespace

double sorted_quantile(std::span<const double> sorted, double p) {
  assert(!sorted.empty() && p >= 0 && p <= 1);
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(h);
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

Distribution summarize_distribution(std::vector<double> values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  d.n = values.size();
  d.mean = mean_sd(values, sorted_median(values)).mean;
  d.min = values.front();
  d.max = values.back();
  d.p50 = sorted_quantile(values, 0.50);
  d.p90 = sorted_quantile(values, 0.90);
  d.p99 = sorted_quantile(values, 0.99);
  return d;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) {
    throw std::invalid_argument(fmt::format(
        "student_t_quantile: probability p = {} is outside (0, 1); pass e.g. 0.975 for a "
        "two-sided 95% interval",
        p));
  }
  if (!(df >= 1)) {
    throw std::invalid_argument(fmt::format(
        "student_t_quantile: degrees of freedom df = {} is below 1; a CI needs n >= 2 values", df));
  }
  if (p == 0.5) return 0;
  // Boost.Math inverts the incomplete beta function (df = infinity: the normal quantile).
  // The upper tail q = min(p, 1 - p) goes in as a complement, with the sign restored after,
  // so a far tail (p = 1e-300) keeps its relative precision and the result is exactly
  // antisymmetric in p; 1 - p is exact for p >= 1/2 (Sterbenz).
  const double q = p < 0.5 ? p : 1 - p;
  const double t = boost::math::quantile(
      boost::math::complement(boost::math::students_t_distribution<double>(df), q));
  return p < 0.5 ? -t : t;
}

EsdResult generalized_esd(std::span<const double> values, std::size_t max_outliers, double alpha) {
  EsdResult r;
  const std::size_t n = values.size();
  // Each step needs three values left for its t quantile (df = remaining - 2 >= 1).
  max_outliers = n >= 3 ? std::min(max_outliers, n - 2) : 0;
  std::vector<double> left(values.begin(), values.end());
  std::vector<std::size_t> index(n);  // left[j] is values[index[j]]
  std::iota(index.begin(), index.end(), std::size_t{0});
  for (std::size_t i = 1; i <= max_outliers; ++i) {
    const double m = static_cast<double>(left.size());  // n - i + 1
    const MeanSd left_stats = mean_sd(left, left.front());
    if (!(left_stats.sd > 0)) break;  // every value left is equal: nothing stands out any more
    std::size_t at = 0;
    for (std::size_t j = 1; j < left.size(); ++j)
      if (std::fabs(left[j] - left_stats.mean) > std::fabs(left[at] - left_stats.mean)) at = j;
    const double df = m - 2;
    const double t = student_t_quantile(1 - alpha / (2 * m), df);
    r.statistic.push_back(std::fabs(left[at] - left_stats.mean) / left_stats.sd);
    r.critical.push_back((m - 1) * t / std::sqrt((df + t * t) * m));
    r.candidates.push_back(index[at]);
    if (r.statistic.back() > r.critical.back()) r.outliers = i;
    left.erase(left.begin() + static_cast<std::ptrdiff_t>(at));
    index.erase(index.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return r;
}

Summary summarize(std::span<const double> values) {
  Summary s;
  s.n = values.size();
  if (s.n == 0) return s;
  // Precondition: the caller never passes NaN or infinity (a failed trial has no value).
  assert(std::all_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); }));

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = sorted_median(sorted);

  const MeanSd stats = mean_sd(values, s.median);
  s.mean = stats.mean;
  s.sd = stats.sd;
  if (s.n >= 2) {
    const double count = static_cast<double>(s.n);
    s.ci95 = student_t_quantile(0.975, count - 1) * s.sd / std::sqrt(count);
  }
  s.cov = s.mean != 0 ? s.sd / std::fabs(s.mean) : 0;
  s.outlier.assign(s.n, false);
  if (s.n >= 3) {
    const EsdResult esd =
        generalized_esd(values, std::max<std::size_t>(1, s.n / 10), kOutlierAlpha);
    for (std::size_t k = 0; k < esd.outliers; ++k) s.outlier[esd.candidates[k]] = true;
    s.outliers = esd.outliers;
  }
  return s;
}

bool precision_reached(const Summary& s, double target) {
  if (s.n < 2) return false;
  // A mean of 0 has no relative precision; only a sample of identical values is settled.
  if (s.mean == 0) return s.sd == 0;
  return s.ci95 / std::fabs(s.mean) <= target;
}

}  // namespace benchlab
