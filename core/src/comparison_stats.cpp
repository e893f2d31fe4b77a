// SPDX-License-Identifier: MIT
// Confidence intervals of ratios of means and of their geometric mean. Formulas and why
// these and not the bootstrap: docs/statistics.md.
#include <algorithm>
#include <cmath>
#include <limits>

#include "comparison.h"

namespace benchlab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Variance of a sample's mean: s^2 / n.
double mean_variance(const Summary& s) { return s.sd * s.sd / static_cast<double>(s.n); }

Ratio unbounded(double ratio) { return Ratio{ratio, kNaN, kNaN, false, true}; }

Ratio with_interval(double ratio, double lo, double hi) {
  return Ratio{ratio, lo, hi, true, lo <= 1.0 && hi >= 1.0};
}

// Welch-Satterthwaite degrees of freedom of a sum of independent variance terms, each
// with its own degrees of freedom; infinite (normal quantile) when every term is 0.
double welch_dof(std::initializer_list<std::pair<double, double>> terms) {
  double sum = 0, denom = 0;
  for (const auto& [v, dof] : terms) {
    sum += v;
    denom += v * v / dof;
  }
  if (denom <= 0) return std::numeric_limits<double>::infinity();
  return sum * sum / denom;
}

double t975(double dof) {
  if (!std::isfinite(dof) || dof > 1e6) return 1.959963984540054;
  return student_t_quantile(0.975, std::max(dof, 1.0));
}

}  // namespace

Ratio fieller_ratio(const Summary& num, const Summary& den) {
  if (num.n == 0 || den.n == 0 || !(num.mean > 0) || !(den.mean > 0)) return unbounded(kNaN);
  const double a = num.mean, b = den.mean, r = a / b;
  if (num.n < 2 || den.n < 2) return unbounded(r);
  const double va = mean_variance(num), vb = mean_variance(den);
  if (va == 0 && vb == 0) return with_interval(r, r, r);
  const double dof = welch_dof(
      {{va, static_cast<double>(num.n - 1)}, {r * r * vb, static_cast<double>(den.n - 1)}});
  const double t = t975(dof);
  // (a - R b)^2 <= t^2 (va + R^2 vb), solved for R: a quadratic whose roots bound R when
  // the denominator's mean is significantly above 0 (g < 1).
  const double g = t * t * vb / (b * b);
  if (g >= 1) return unbounded(r);
  const double root = (t / b) * std::sqrt(va + r * r * vb - g * va);
  return with_interval(r, (r - root) / (1 - g), (r + root) / (1 - g));
}

Ratio geometric_mean_ratio(const std::vector<RatioTerms>& terms) {
  if (terms.empty()) return Ratio{};
  double log_sum = 0, var = 0, denom = 0;
  bool known = true;
  const double k = static_cast<double>(terms.size());
  for (const auto& [num, den] : terms) {
    if (!(num.mean > 0) || !(den.mean > 0)) return unbounded(kNaN);
    log_sum += std::log(num.mean / den.mean);
    if (num.n < 2 || den.n < 2) {
      known = false;
      continue;
    }
    // Delta method: Var(log mean) ~ Var(mean) / mean^2, per side, independent.
    for (const Summary* s : {&num, &den}) {
      const double v = mean_variance(*s) / (s->mean * s->mean) / (k * k);
      var += v;
      denom += v * v / static_cast<double>(s->n - 1);
    }
  }
  const double g = std::exp(log_sum / k);
  if (!known) return unbounded(g);
  if (var == 0) return with_interval(g, g, g);
  const double half = t975(var * var / denom) * std::sqrt(var);
  return with_interval(g, std::exp(log_sum / k - half), std::exp(log_sum / k + half));
}

}  // namespace benchlab
