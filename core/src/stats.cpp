// Statistics of one result's trial values. The formulas, and why these ones, are in
// docs/statistics.md; this file implements that page.
#include "stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

namespace benchlab {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();

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

// ---- Student's t distribution ----------------------------------------------------------

// log(1 + e^z) without overflow or loss of precision at either end.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// log B(a, 1/2) = log Gamma(1/2) + log Gamma(a) - log Gamma(a + 1/2). For large a (huge df) the
// two lgamma values are ~1e7 and their difference would keep only ~9 digits, so there the
// difference comes from Stirling's series, subtracted term by term (abs. error ~1e-16).
double log_beta_half(double a) {
  const double log_gamma_half = 0.5 * std::log(std::numbers::pi);
  if (a < 100) return log_gamma_half + std::lgamma(a) - std::lgamma(a + 0.5);
  // Stirling: log Gamma(x) = (x - 1/2) log x - x + log(2 pi)/2 + S(x),
  // S(x) = 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + O(x^-9).
  const auto series = [](double x) {
    const double x2 = x * x;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * x2)) / x2) / x2) / x;
  };
  // log Gamma(a + 1/2) - log Gamma(a), rearranged so nothing large cancels.
  const double ratio =
      (a - 0.5) * std::log1p(0.5 / a) + 0.5 * std::log(a + 0.5) - 0.5 + series(a + 0.5) - series(a);
  return log_gamma_half - ratio;
}

// Continued fraction of the regularized incomplete beta function (DLMF 8.17.22):
//   I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * 1/(1+ d1/(1+ d2/(1+ ...))),
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)),
// evaluated with the modified Lentz method. It converges fast for x < (a+1)/(a+b+2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;  // keeps Lentz's ratios away from division by zero
  const auto nonzero = [](double v) { return std::fabs(v) < tiny ? tiny : v; };
  // Value of 1 + d1/(1 + d2/(1 + ...)), built as f = C_j * D_j products.
  double f = 1, c = 1, d = 0;
  for (int j = 1; j <= 100000; ++j) {
    const int m = j / 2;
    const double dj = (j % 2 == 1) ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                   : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / nonzero(1 + dj * d);
    c = nonzero(1 + dj / c);
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1) <= kEps) return 1 / f;
  }
  // Unreachable for the t distribution's arguments (a >= 1/2, b = 1/2, df < 3e5 where the
  // Cornish-Fisher expansion does not take over): a few hundred terms suffice there.
  throw std::logic_error(fmt::format(
      "incomplete beta continued fraction did not converge (a={}, b={}, x={})", a, b, x));
}

// Regularized incomplete beta I_x(a,b) and its complement 1 - I_x(a,b) = I_{1-x}(b,a), each
// accurate to relative precision where it is the smaller one. x and 1-x come in as logs so
// that neither loses digits next to 0 or 1.
struct BetaPair {
  double value, complement;
};

BetaPair incomplete_beta(double a, double b, double log_x, double log_y, double log_beta) {
  if (log_x == -kInf) return {0, 1};
  if (log_y == -kInf) return {1, 0};
  // x itself may underflow while x^a is still representable (df = 1, |t| ~ 1e200); the
  // continued fraction tends to 1 as x -> 0, so an underflowed x is harmless there.
  const double x = std::exp(log_x), y = std::exp(log_y);
  const double front = std::exp(a * log_x + b * log_y - log_beta);
  if (x < (a + 1) / (a + b + 2)) {
    const double v = front * beta_continued_fraction(a, b, x) / a;
    return {v, 1 - v};
  }
  const double w = front * beta_continued_fraction(b, a, y) / b;
  return {1 - w, w};
}

// For |t| = r sqrt(df): P(T > |t|) = I_x(df/2, 1/2) / 2 and P(0 < T < |t|) = I_y(1/2, df/2) / 2
// with x = 1/(1+r^2), y = r^2/(1+r^2). Both come from log r^2 so huge |t| neither overflows
// nor turns 1-x into 1.
struct TProbabilities {
  double upper_tail, central;
};

TProbabilities t_probabilities(double t, double df, double log_beta) {
  const double log_r2 = 2 * (std::log(t) - 0.5 * std::log(df));
  const BetaPair p = incomplete_beta(df / 2, 0.5, -softplus(log_r2), -softplus(-log_r2), log_beta);
  return {p.value / 2, p.complement / 2};
}

double t_density(double t, double df, double log_beta) {
  const double log_r2 = 2 * (std::log(t) - 0.5 * std::log(df));
  return std::exp(-log_beta - 0.5 * std::log(df) - (df + 1) / 2 * softplus(log_r2));
}

// Solves g(t) = 0 for t > 0, where g decreases with g'(t) = -density(t) and g(0+) > 0, by
// Newton's method safeguarded with a bracket [lo, hi]: a step that leaves the bracket or
// does not at least halve the previous one is replaced by a bisection (geometric while the
// bracket spans orders of magnitude), so convergence is guaranteed and is quadratic near the
// root. hi is unknown at first; until g goes negative the "bisection" doubles t instead.
template <class G, class Density>
double solve_decreasing(G g, Density density, double guess) {
  double lo = 0, hi = kInf, t = guess, previous_step = kInf;
  for (int i = 0; i < 2000; ++i) {
    const double f = g(t);
    if (f == 0) return t;
    (f > 0 ? lo : hi) = t;
    const double newton = t + f / density(t);
    double next;
    if (newton > lo && newton < hi && std::fabs(newton - t) < 0.5 * previous_step) {
      next = newton;
      if (std::fabs(next - t) <= 2 * kEps * next) return next;
    } else if (hi == kInf) {
      next = 2 * lo;
      if (next == kInf) return kInf;  // beyond the largest double
    } else {
      next = lo > 0 && hi > 4 * lo ? std::sqrt(lo) * std::sqrt(hi) : lo + (hi - lo) / 2;
    }
    if (hi < kInf && hi - lo <= 2 * kEps * hi) return next;
    previous_step = std::fabs(next - t);
    t = next;
  }
  throw std::logic_error("student_t_quantile: root finder did not converge");
}

// The root is computed from the smaller of the two probabilities on each side of it: the
// upper tail q when q < 1/4 (far tails keep full relative precision), else the central mass
// 1/2 - q (so p near 1/2 does not lose digits in 1/2 - tail).
template <class Probabilities, class Density>
double positive_quantile(double q, double central, Probabilities probabilities, Density density,
                         double guess) {
  if (q < 0.25) {
    return solve_decreasing([&](double t) { return probabilities(t).upper_tail - q; }, density,
                            guess);
  }
  return solve_decreasing([&](double t) { return central - probabilities(t).central; }, density,
                          guess);
}

// Standard normal quantile of the upper tail q <= 1/2, from erfc / erf.
double normal_upper_quantile(double q, double central) {
  const auto probabilities = [](double z) {
    return TProbabilities{0.5 * std::erfc(z / std::numbers::sqrt2),
                          0.5 * std::erf(z / std::numbers::sqrt2)};
  };
  const auto density = [](double z) {
    return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi);
  };
  return positive_quantile(q, central, probabilities, density, 1.0);
}

// Cornish-Fisher expansion of t around the normal quantile z in powers of 1/df: terms 1-4
// from Abramowitz & Stegun 26.7.5, term 5 from Fisher & Cornish (1960), which we checked
// against 60-digit quantiles from mpmath. Its terms shrink like z (z^2/df)^k, so it is
// used where z^2 <= kCornishFisherMaxRatio * df and df >= kCornishFisherMinDf: there the
// first omitted term is below 1e-16 relative. That is exactly where the incomplete beta
// continued fraction is weak: it loses digits in proportion to 1/(1-x) ~ df / t^2.
constexpr double kCornishFisherMinDf = 1000;
constexpr double kCornishFisherMaxRatio = 0.005;

double cornish_fisher(double z, double df) {
  const double z2 = z * z;
  const double g1 = z * (z2 + 1) / 4;
  const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
  const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const double g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  const double g5 =
      z * (((((27 * z2 + 339) * z2 + 930) * z2 - 1782) * z2 - 765) * z2 + 17955) / 368640;
  return z + (g1 + (g2 + (g3 + (g4 + g5 / df) / df) / df) / df) / df;
}

}  // namespace

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
  // Solve for the upper quantile of q = min(p, 1-p) and restore the sign. 1 - p and p - 1/2
  // are exact for p >= 1/2 and p >= 1/4 respectively (Sterbenz).
  const double q = p < 0.5 ? p : 1 - p;
  const double central = std::fabs(p - 0.5);
  const double sign = p < 0.5 ? -1 : 1;

  const double z = normal_upper_quantile(q, central);
  if (df >= kCornishFisherMinDf && z * z <= kCornishFisherMaxRatio * df) {
    return sign * cornish_fisher(z, df);  // also df = infinity, where it returns z
  }

  const double log_beta = log_beta_half(df / 2);
  const auto probabilities = [&](double t) { return t_probabilities(t, df, log_beta); };
  const auto density = [&](double t) { return t_density(t, df, log_beta); };
  // Start from the first Cornish-Fisher term; the safeguards cover small df where it is poor.
  const double guess = z + z * (z * z + 1) / (4 * df);
  return sign * positive_quantile(q, central, probabilities, density, guess);
}

EsdResult generalized_esd(std::span<const double> values, std::size_t max_outliers,
                          double alpha) {
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
    const EsdResult esd = generalized_esd(values, std::max<std::size_t>(1, s.n / 10), kOutlierAlpha);
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
