/* SPDX-License-Identifier: MIT */
// Statistics of one result's trial values: the figures every report shows, and the
// stopping rule of the dynamic trial count. Formulas: docs/statistics.md.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace benchlab {

struct Summary {
  std::size_t n = 0;
  double mean = 0, median = 0;
  double sd = 0;    // sample standard deviation (n - 1); 0 when n < 2
  double cov = 0;   // sd / |mean|; 0 when mean == 0
  double ci95 = 0;  // half-width of the 95% confidence interval of the mean (Student t)
  double min = 0, max = 0;
  std::vector<bool> outlier;  // per value, in input order: generalized ESD test, alpha 0.05
  std::size_t outliers = 0;
};

// Summary of `values` (any order). Empty input gives n == 0 and zeros.
Summary summarize(std::span<const double> values);

// The spread of many values of one metric (every request's latency of every trial,
// benchlab/ext/values.h), pooled: percentiles by linear interpolation between order
// statistics (Hyndman & Fan type 7, numpy's default): the p-quantile of sorted x[0..n-1]
// is x[floor(h)] + (h - floor(h)) (x[floor(h)+1] - x[floor(h)]) with h = (n - 1) p.
struct Distribution {
  std::size_t n = 0;  // 0: no values, every figure 0
  double mean = 0, min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Distribution summarize_distribution(std::vector<double> values);

// The p-quantile (0 <= p <= 1) of sorted, non-empty `sorted`, as above.
double sorted_quantile(std::span<const double> sorted, double p);

// Rosner's generalized extreme studentized deviate test for up to `max_outliers` outliers
// at significance level `alpha` (docs/statistics.md). Step i removes the value farthest
// from the mean of those left; `outliers` is the largest i whose statistic R_i exceeds its
// critical value lambda_i, and the first `outliers` candidates are the outliers.
struct EsdResult {
  std::vector<double> statistic, critical;  // R_i and lambda_i, per step
  std::vector<std::size_t> candidates;      // index into the input of step i's value
  std::size_t outliers = 0;
};
EsdResult generalized_esd(std::span<const double> values, std::size_t max_outliers, double alpha);

// Quantile of Student's t distribution with `df` degrees of freedom (df >= 1), p in (0,1).
double student_t_quantile(double p, double df);

// True when the relative CI half-width ci95 / |mean| is at or below `target` (e.g. 0.02)
// with at least two values.
bool precision_reached(const Summary& s, double target);

}  // namespace benchlab
