// MBG/NBD: log-likelihood against a direct per-customer evaluation of the published formula
// (lifetimes' ModifiedBetaGeoFitter), the fit (thinned start + Newton, planted parameters
// recovered) and the scores. Gradient, Hessian and row implementations: test_bgnbd_hessian.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/special_functions.hpp"
#include "kernels/clv/table_index.hpp"
#include "simulate.hpp"

using namespace crmpi::clv;

namespace {

// The formula as published, one customer at a time:
//   A1 = lgG(r+x) - lgG(r) + r log alpha,  A2 = lgG(a+b) + lgG(b+x+1) - lgG(b) - lgG(a+b+x+1),
//   A3 = -(r+x) log(alpha+T),  A4 = log a - log(b+x) + (r+x) (log(alpha+T) - log(alpha+t_x)),
//   LL = A1 + A2 + A3 + log(1 + e^A4).
double reference_ll(const BgNbdParams& p, const std::vector<Triple>& table) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  double ll = 0;
  for (const Triple& t : table) {
    const double x = t.x;
    const double a1 = std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha);
    const double a2 = std::lgamma(a + b) + std::lgamma(b + x + 1) - std::lgamma(b) - std::lgamma(a + b + x + 1);
    const double a3 = -(r + x) * std::log(alpha + t.T);
    const double a4 = std::log(a) - std::log(b + x) + (r + x) * (std::log(alpha + t.T) - std::log(alpha + t.t_x));
    const double log1p_e = a4 > 0 ? a4 + std::log1p(std::exp(-a4)) : std::log1p(std::exp(a4));
    ll += static_cast<double>(t.count) * (a1 + a2 + a3 + log1p_e);
  }
  return ll;
}

// Gauss's series 2F1(a, b; c; z) = sum_n (a)_n (b)_n / ((c)_n n!) z^n, summed term by term in long
// double until the terms stop mattering: a reference independent of the kernels' special
// functions (all arguments here are positive and 0 <= z < 0.87, so every term is positive).
double hyp2f1_series(double a, double b, double c, double z) {
  long double term = 1, sum = 1;
  for (int n = 0; n < 100000; ++n) {
    term *= (a + n) * static_cast<long double>(b + n) / ((c + n) * static_cast<long double>(n + 1)) * z;
    sum += term;
    if (term < 1e-20L * sum) break;
  }
  return static_cast<double>(sum);
}

std::vector<Triple> grid_table() {
  return collapse_triples(clv_sim::simulate_mbgnbd({0.8, 4.0, 1.2, 6.0}, 20000, 3, true, 1, 150));
}
const std::vector<Triple> kRows{{0, 0, 38.86, 5}, {1, 1.71, 38.86, 3}, {2, 30.43, 38.86, 2}, {7, 7, 7, 1},
                                {300, 5, 500, 1}, {0, 0, 0.5, 1}, {1, 0.01, 1000, 1}, {120, 1000, 1000, 2}};

}  // namespace

TEST(ClvMbgNbd, LogLikelihoodMatchesThePublishedFormula) {
  for (const auto& table : {grid_table(), collapse_triples(kRows)}) {
    const TripleIndex index(table);
    for (const BgNbdParams& p : std::vector<BgNbdParams>{{0.525, 6.183, 0.891, 1.614}, {1, 1, 1, 1}, {5, 0.1, 20, 0.3}}) {
      const double want = reference_ll(p, table);
      EXPECT_NEAR(mbgnbd_log_likelihood(p, index), want, 1e-10 * std::fabs(want)) << "r=" << p.r;
      // Unlike BG/NBD, x = 0 customers may have dropped out: the two models differ there.
      EXPECT_NE(mbgnbd_log_likelihood(p, index), bgnbd_log_likelihood(p, index));
    }
  }
}

TEST(ClvMbgNbd, FitRecoversPlantedParametersFromAThinnedStart) {
  const BgNbdParams planted{0.8, 4.0, 1.2, 6.0};
  const auto table = collapse_triples(clv_sim::simulate_mbgnbd(planted, 300000, 17, true, 1, 150));
  ASSERT_GT(table.size(), 60000u);  // thinned start
  const FitResult fast = fit_mbgnbd(table);
  ASSERT_TRUE(fast.converged) << fast.message;
  EXPECT_EQ(fast.model, "mbgnbd");
  EXPECT_EQ(fast.message.find("failure"), std::string::npos) << fast.message;
  EXPECT_LE(fast.iterations, 6) << fast.message;
  const std::array<double, 4> want{planted.r, planted.alpha, planted.a, planted.b};
  for (std::size_t k = 0; k < 4; ++k) {
    ASSERT_TRUE(std::isfinite(fast.std_errors[k]) && fast.std_errors[k] > 0) << k;
    EXPECT_NEAR(fast.estimates[k], want[k], 3 * fast.std_errors[k]) << fast.names[k];
  }
  FitOptions far;
  far.start = {0.3, 30.0, 3.0, 2.0};
  const FitResult slow = fit_mbgnbd(table, far);
  ASSERT_TRUE(slow.converged) << slow.message;
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(fast.estimates[k], slow.estimates[k], 1e-6 * slow.estimates[k]) << k;
  // The BG/NBD fit of the same data is worse: MBG/NBD's story generated it.
  EXPECT_GT(fast.log_likelihood, fit_bgnbd(table).log_likelihood);
}

TEST(ClvMbgNbd, ScoresMatchThePublishedFormulas) {
  // E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)]
  //                       / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)),  z = t/(alpha+T+t);
  // P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), below 1 also for x = 0
  // (Batislam, Denizel & Filiztekin 2007, as lifetimes' ModifiedBetaGeoFitter); 2F1 by the plain
  // series above, not by the kernel's hyp2f1_minus_one.
  const BgNbdParams p{0.525, 6.183, 0.891, 1.614};
  const double t = 39.0;
  const std::vector<double> x = {0, 0, 1, 2, 5, 12, 3}, t_x = {0, 0, 1.0 / 7, 20, 30.5, 38, 3},
                            T = {39, 1.0 / 7, 38.5, 39, 39, 39, 52};  // on the day grid: both paths
  for (double grid : {0.0, 7.0}) {
    BgNbdScorer scorer(p, {HorizonSet{{t}, {1.0}}}, BgFamily::kMbgNbd);
    scorer.set_time_grid(grid);
    std::vector<double> ey(x.size()), pa(x.size());
    const std::span<double> outs[1] = {ey};
    scorer.score_sets(x, t_x, T, outs, pa);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double r = p.r, alpha = p.alpha, a = p.a, b = p.b, xi = x[i];
      const double odds = a / (b + xi) * std::pow((alpha + T[i]) / (alpha + t_x[i]), r + xi);
      const double z = t / (alpha + T[i] + t);
      const double f = hyp2f1_series(r + xi, b + xi + 1, a + b + xi, z);
      const double want = (a + b + xi) / (a - 1) * (1 - std::pow((alpha + T[i]) / (alpha + T[i] + t), r + xi) * f) /
                          (1 + odds);
      EXPECT_NEAR(pa[i], 1 / (1 + odds), 1e-13) << "grid " << grid << " customer " << i;
      EXPECT_NEAR(ey[i], want, 1e-10 * std::fabs(want)) << "grid " << grid << " customer " << i;
    }
    EXPECT_LT(pa[0], 1.0);  // x = 0: may have dropped out after the first purchase
  }
}
