// SPDX-License-Identifier: MIT
// Statistics every report shows (docs/statistics.md). Expected numbers were computed
// independently of this code, as each comment says:
//  - "statistics": Python 3.11's statistics module (mean, median, stdev) on the same list;
//  - "mpmath": 40-digit mpmath, t quantile as the root of betainc(df/2, 1/2, 0, df/(df+t^2),
//    regularized=True)/2 = min(p, 1-p), found by mp.findroot and checked to 1e-30;
//  - "table": printed t tables (4 decimals); "closed form": the exact t quantile for df 1, 2.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "stats.h"

using benchlab::Distribution;
using benchlab::precision_reached;
using benchlab::student_t_quantile;
using benchlab::summarize;
using benchlab::summarize_distribution;
using benchlab::Summary;

namespace {

Approx rel(double expected, double epsilon = 1e-12) {
  return Approx(expected).epsilon(epsilon).margin(0);
}

std::size_t count_flags(const Summary& s) {
  std::size_t n = 0;
  for (bool b : s.outlier) n += b ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("t quantile matches the printed t table", "[stats][t]") {
  // table: two-sided 95% critical values.
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062).margin(5e-5));
  CHECK(student_t_quantile(0.975, 2) == Approx(4.3027).margin(5e-5));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.7764).margin(5e-5));
  CHECK(student_t_quantile(0.975, 10) == Approx(2.2281).margin(5e-5));
  CHECK(student_t_quantile(0.975, 30) == Approx(2.0423).margin(5e-5));
  CHECK(student_t_quantile(0.975, 100) == Approx(1.9840).margin(5e-5));
}

TEST_CASE("t quantile agrees with mpmath to 12 digits, integer and fractional df", "[stats][t]") {
  struct Case {
    double p, df, t;
  };
  // mpmath (see top of file): small, fractional and large df, central and far tails.
  const std::vector<Case> cases = {
      {0.975, 1, 12.706204736174693314},     {0.975, 2, 4.3026527297494617894},
      {0.975, 4, 2.7764451051977934898},     {0.975, 6, 2.4469118511449693171},
      {0.975, 10, 2.2281388519862742245},    {0.975, 30, 2.0422724563012378878},
      {0.975, 100, 1.9839715185235518946},   {0.975, 1.5, 6.0166631044279282546},
      {0.975, 2.5, 3.5746548420036817607},   {0.025, 7.3, -2.345066736547703607},
      {0.999, 17.5, 3.6275502225513471678},  {0.3, 3, -0.58438972743981870658},
      {0.6, 250, 0.25361688158193905595},    {1e-12, 5, -393.95695957760377025},
      {0.975, 999, 1.9623414611334495975},   {0.975, 1001, 1.9623367052808795374},
      {0.9995, 5000, 3.2924737233708823141}, {0.975, 123456, 1.9599832002451864645},
      {1e-9, 1e6, -5.9978624557108954639},
  };
  for (const Case& c : cases) {
    INFO("p = " << c.p << ", df = " << c.df);
    CHECK(student_t_quantile(c.p, c.df) == rel(c.t));
  }
}

TEST_CASE("t quantile equals the closed forms for df 1 and 2, far tails included", "[stats][t]") {
  // closed form: df = 1 is Cauchy, t = tan(pi (p - 1/2)) = -1 / tan(pi p) for p < 1/2;
  // df = 2: t = (2p - 1) / sqrt(2 p (1 - p)).
  for (double p : {1e-300, 1e-100, 1e-20, 1e-6, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4, 0.45, 0.499}) {
    INFO("p = " << p);
    CHECK(student_t_quantile(p, 1) == rel(-1 / std::tan(std::numbers::pi * p)));
    CHECK(student_t_quantile(p, 2) == rel((2 * p - 1) / std::sqrt(2 * p * (1 - p))));
  }
}

TEST_CASE("t quantile is 0 at p = 1/2 and antisymmetric in p", "[stats][t]") {
  for (double df : {1.0, 2.5, 7.0, 40.0, 3000.0, 1e9}) {
    INFO("df = " << df);
    CHECK(student_t_quantile(0.5, df) == 0.0);
    // 0.125 and 0.875 are exact in binary, so symmetry must hold to the last bits.
    CHECK(student_t_quantile(0.125, df) == rel(-student_t_quantile(0.875, df), 1e-15));
    CHECK(student_t_quantile(0.025, df) == rel(-student_t_quantile(0.975, df), 1e-12));
  }
  // p a hair away from 1/2 keeps its relative precision (no cancellation in 1/2 - tail);
  // closed form for df = 2 as above.
  const double p = 0.5 + 1e-9;
  CHECK(student_t_quantile(p, 2) == rel((2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-12));
}

TEST_CASE("t quantile approaches the normal quantile as df grows, without jumps", "[stats][t]") {
  constexpr double z975 = 1.9599639845400538556;  // mpmath: sqrt(2) * erfinv(0.95)
  CHECK(student_t_quantile(0.975, 1e12) == rel(z975, 1e-11));
  CHECK(student_t_quantile(0.975, std::numeric_limits<double>::infinity()) == rel(z975, 1e-15));
  // A CI must shrink as trials are added: the quantile decreases strictly with df, and
  // smoothly (df = 1000 is where a hand-written version once switched methods).
  double previous = student_t_quantile(0.975, 1);
  for (double df = 1.25; df < 1e8; df *= 1.25) {
    const double t = student_t_quantile(0.975, df);
    INFO("df = " << df);
    CHECK(t < previous);
    CHECK(t > z975);
    previous = t;
  }
  // The step to the left equals the step to the right (a jump would not).
  const double left = student_t_quantile(0.975, 999.999), at = student_t_quantile(0.975, 1000),
               right = student_t_quantile(0.975, 1000.001);
  CHECK(left - at == Approx(at - right).margin(5e-14));
}

TEST_CASE("t quantile rejects arguments outside its domain with a reason", "[stats][t]") {
  CHECK_THROWS_AS(student_t_quantile(0, 5), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(1, 5), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(std::nan(""), 5), std::invalid_argument);
  CHECK_THROWS_WITH(student_t_quantile(1.5, 5), Catch::Contains("p = 1.5"));
  CHECK_THROWS_WITH(student_t_quantile(0.975, 0.5), Catch::Contains("df = 0.5"));
  CHECK_THROWS_AS(student_t_quantile(0.975, std::nan("")), std::invalid_argument);
}

TEST_CASE("summary of a known sample", "[stats][summary]") {
  const std::vector<double> v = {12.1, 11.8, 12.4, 12.0, 11.9, 12.6, 12.2};
  const Summary s = summarize(v);
  // statistics: mean 12.142857142857142, median 12.1, stdev 0.28199966227605555.
  CHECK(s.n == 7);
  CHECK(s.mean == rel(12.142857142857142, 1e-14));
  CHECK(s.median == 12.1);
  CHECK(s.sd == rel(0.28199966227605555, 1e-13));
  CHECK(s.cov == rel(0.023223501599204575, 1e-13));  // stdev / mean
  // ci95 = t(0.975, 6) * stdev / sqrt(7), t from mpmath = 2.4469118511449693.
  CHECK(s.ci95 == rel(0.26080618868313343, 1e-12));
  CHECK(s.min == 11.8);
  CHECK(s.max == 12.6);
  CHECK(s.outlier == std::vector<bool>(7, false));
  CHECK(s.outliers == 0);
}

TEST_CASE("an even count takes the median between the middle values", "[stats][summary]") {
  const std::vector<double> v = {4, 1, 3, 2};
  CHECK(summarize(v).median == 2.5);  // statistics.median([4, 1, 3, 2]) == 2.5
}

TEST_CASE("large offsets lose no digits (values like nanosecond timestamps)", "[stats][summary]") {
  // The textbook sum-of-squares formula gives a visibly wrong sd here.
  const std::vector<double> v = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
  const Summary s = summarize(v);
  CHECK(s.mean == 1e9 + 10);
  CHECK(s.sd == rel(5.477225575051661, 1e-14));  // statistics.stdev: sqrt(30)
  // ci95 = t(0.975, 3) * sqrt(30) / 2, t from mpmath = 3.1824463052837096.
  CHECK(s.ci95 == rel(8.7154881472643, 1e-12));
}

TEST_CASE("a constant sample has zero spread and no outliers", "[stats][summary]") {
  const std::vector<double> v(6, 0.1);
  const Summary s = summarize(v);
  CHECK(s.n == 6);
  CHECK(s.mean == 0.1);  // exactly, not 0.09999999999999999
  CHECK(s.median == 0.1);
  CHECK(s.sd == 0.0);
  CHECK(s.cov == 0.0);
  CHECK(s.ci95 == 0.0);
  CHECK(s.min == 0.1);
  CHECK(s.max == 0.1);
  CHECK(s.outliers == 0);
  CHECK(count_flags(s) == 0);
  CHECK(precision_reached(s, 0.0));
}

TEST_CASE("an obvious outlier is flagged, high or low, and still counted", "[stats][outliers]") {
  // R_1 = (25 - 12.14) / 5.67 = 2.27 against lambda_1 = 2.02 for n = 7; then the six
  // values left are within 1.42 sd of their mean (lambda_2 = 1.89).
  const std::vector<double> high = {10.1, 10.0, 9.9, 10.2, 9.8, 10.0, 25.0};
  const Summary s = summarize(high);
  CHECK(s.outliers == 1);
  CHECK(s.outlier == std::vector<bool>{false, false, false, false, false, false, true});
  // Flags are information, not filtering: statistics.mean / stdev of all seven values.
  CHECK(s.mean == rel(12.142857142857142, 1e-14));
  CHECK(s.sd == rel(5.670936766489626, 1e-13));
  CHECK(s.max == 25.0);

  const std::vector<double> low = {50.2, 50.0, 49.9, 50.1, 50.0, 12.0, 50.3};
  const Summary l = summarize(low);
  CHECK(l.outliers == 1);
  CHECK(l.outlier == std::vector<bool>{false, false, false, false, false, true, false});
}

TEST_CASE("the generalized ESD test reproduces Rosner's example, masking included",
          "[stats][outliers]") {
  // Rosner (1983), Technometrics 25(2), the 54 values of the worked example in the
  // NIST/SEMATECH e-Handbook (1.3.5.17.3), up to 10 outliers at alpha 0.05. The handbook
  // prints R_i and lambda_i cut to 3 decimals (3.1189 as 3.118); R_1 < lambda_1 (6.01 is masked
  // by 5.42 and 5.34), yet R_3 > lambda_3, so there are 3 outliers.
  const std::vector<double> x = {-0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49,
                                 1.49,  1.55, 1.56, 1.58, 1.65, 1.69, 1.70, 1.76, 1.77, 1.81, 1.91,
                                 1.94,  1.96, 1.99, 2.06, 2.09, 2.10, 2.14, 2.15, 2.23, 2.24, 2.26,
                                 2.35,  2.37, 2.40, 2.47, 2.54, 2.62, 2.64, 2.90, 2.92, 2.92, 2.93,
                                 3.21,  3.26, 3.30, 3.59, 3.68, 4.30, 4.64, 5.34, 5.42, 6.01};
  const benchlab::EsdResult r = benchlab::generalized_esd(x, 10, 0.05);
  const std::vector<double> statistic = {3.118, 2.942, 3.179, 2.810, 2.815,
                                         2.848, 2.279, 2.310, 2.101, 2.067};
  const std::vector<double> critical = {3.158, 3.151, 3.143, 3.136, 3.128,
                                        3.120, 3.111, 3.103, 3.094, 3.085};
  REQUIRE(r.statistic.size() == 10);
  REQUIRE(r.critical.size() == 10);
  for (std::size_t i = 0; i < 10; ++i) {
    INFO("step " << i + 1);
    CHECK(r.statistic[i] == Approx(statistic[i] + 5e-4).margin(5e-4));
    CHECK(r.critical[i] == Approx(critical[i] + 5e-4).margin(5e-4));
  }
  CHECK(r.outliers == 3);
  CHECK(r.candidates[0] == 53);  // 6.01
  CHECK(r.candidates[1] == 52);  // 5.42
  CHECK(r.candidates[2] == 51);  // 5.34
  // summarize() asks for up to n / 10 = 5 outliers and finds the same three.
  const Summary s = summarize(x);
  CHECK(s.outliers == 3);
  CHECK(count_flags(s) == 3);
  CHECK((s.outlier[51] && s.outlier[52] && s.outlier[53]));
}

TEST_CASE("equal values leave nothing to test, and ticks of a coarse timer are not outliers",
          "[stats][outliers]") {
  // Nine equal values and one far away: step 1 flags 100; step 2 sees nine equal values.
  std::vector<double> v(9, 5.0);
  v.push_back(100.0);
  const Summary s = summarize(v);
  CHECK(s.outliers == 1);
  CHECK(s.outlier.back());
  // 5, 5, 5, 6, 6: R_1 = 0.6 / 0.5477 = 1.095 against lambda_1 = 1.715. (A second step
  // would compare 6 among 5, 5, 5, 6 with lambda_2 = 1.48 and flag it: R = 1.5, the most
  // four values allow. That is why summarize() tests one outlier below n = 20.)
  const std::vector<double> ticks = {5, 5, 5, 6, 6};
  CHECK(summarize(ticks).outliers == 0);
  // Two values can have no outlier.
  const std::vector<double> two = {1, 1000};
  CHECK(summarize(two).outliers == 0);
}

TEST_CASE("normal samples get an outlier flag about alpha = 5% of the time, at any n",
          "[stats][outliers]") {
  // Deterministic normal values: mt19937_64 (its output is fixed by the standard) and the
  // Box-Muller transform. 20000 samples per n: the binomial sd of a 5% rate is 0.15%.
  // Up to n / 10 outliers are tested; testing (n - 1) / 2 would flag 9.5% at n = 5 and
  // 10% at n = 10, because the ESD critical values are approximations for small samples.
  // The modified z-score rule used before flagged 29% of these at n = 3, 21% at n = 5 and
  // 13% at n = 10.
  std::mt19937_64 rng(20261126);
  const auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53; };
  const auto normal = [&] {
    return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * std::numbers::pi * uniform());
  };
  for (std::size_t n : {3, 5, 10, 20, 50}) {
    constexpr int kSamples = 20000;
    int flagged = 0;
    std::vector<double> v(n);
    for (int k = 0; k < kSamples; ++k) {
      for (double& x : v) x = 100 + normal();
      flagged += summarize(v).outliers > 0;
    }
    const double rate = static_cast<double>(flagged) / kSamples;
    INFO("n = " << n << ": " << 100 * rate << "% of normal samples flagged");
    CHECK(rate > 0.04);
    CHECK(rate < 0.065);
  }
}

TEST_CASE("a single value has no spread and no interval", "[stats][summary]") {
  const std::vector<double> v = {42.5};
  const Summary s = summarize(v);
  CHECK(s.n == 1);
  CHECK(s.mean == 42.5);
  CHECK(s.median == 42.5);
  CHECK(s.min == 42.5);
  CHECK(s.max == 42.5);
  CHECK(s.sd == 0.0);
  CHECK(s.cov == 0.0);
  CHECK(s.ci95 == 0.0);
  CHECK(s.outlier == std::vector<bool>{false});
  CHECK_FALSE(precision_reached(s, 1e9));  // one value proves nothing about precision
}

TEST_CASE("empty input gives n 0 and zeros", "[stats][summary]") {
  const Summary s = summarize({});
  CHECK(s.n == 0);
  CHECK(s.mean == 0.0);
  CHECK(s.median == 0.0);
  CHECK(s.sd == 0.0);
  CHECK(s.ci95 == 0.0);
  CHECK(s.min == 0.0);
  CHECK(s.max == 0.0);
  CHECK(s.outlier.empty());
  CHECK(s.outliers == 0);
  CHECK_FALSE(precision_reached(s, 1.0));
}

TEST_CASE("precision is reached when ci95 / |mean| is at or below the target",
          "[stats][precision]") {
  const std::vector<double> v = {12.1, 11.8, 12.4, 12.0, 11.9, 12.6, 12.2};
  const Summary s = summarize(v);
  // 0.26080618868313343 / 12.142857142857142 = 0.02147815671508158 (values from above).
  CHECK(precision_reached(s, 0.0215));
  CHECK_FALSE(precision_reached(s, 0.0214));
  CHECK_FALSE(precision_reached(s, 0.02));

  // Negative means (e.g. a temperature delta) use |mean|.
  const std::vector<double> negative = {-12.1, -11.8, -12.4, -12.0, -11.9, -12.6, -12.2};
  CHECK(precision_reached(summarize(negative), 0.0215));
  CHECK_FALSE(precision_reached(summarize(negative), 0.0214));
}

TEST_CASE("a zero mean reaches precision only with zero spread", "[stats][precision]") {
  const std::vector<double> symmetric = {-1, 1};
  CHECK_FALSE(precision_reached(summarize(symmetric), 1e9));
  CHECK(summarize(symmetric).cov == 0.0);  // defined as 0, not infinity
  const std::vector<double> zeros = {0, 0, 0};
  CHECK(precision_reached(summarize(zeros), 0.01));
}

TEST_CASE("distribution percentiles interpolate between order statistics (type 7)",
          "[stats][distribution]") {
  // numpy.percentile([15, 20, 35, 40, 50], [50, 90, 99]) = 35, 46, 49.6
  const Distribution d = summarize_distribution({50, 15, 40, 20, 35});
  CHECK(d.n == 5);
  CHECK(d.min == 15);
  CHECK(d.max == 50);
  CHECK(d.mean == Approx(32));
  CHECK(d.p50 == Approx(35));
  CHECK(d.p90 == Approx(46));
  CHECK(d.p99 == Approx(49.6));
  // 1..1000: p99 = 1 + 0.99 * 999 = 990.01
  std::vector<double> v;
  for (int i = 1000; i >= 1; --i) v.push_back(i);
  const Distribution e = summarize_distribution(v);
  CHECK(e.p50 == Approx(500.5));
  CHECK(e.p90 == Approx(900.1));
  CHECK(e.p99 == Approx(990.01));
  const Distribution one = summarize_distribution({7});
  CHECK((one.p50 == 7 && one.p99 == 7 && one.min == 7 && one.max == 7));
  CHECK(summarize_distribution({}).n == 0);
}
