// Likelihood values against high-precision references and analytic gradients against central
// finite differences, including extreme points (large x, T) and Pareto/NBD's alpha == beta seam.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/special_functions.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/table_index.hpp"
#include "reference_likelihoods.hpp"
#include "simulate.hpp"

using namespace crmpi::clv;

namespace {

// Central difference of f in log-parameter k.
template <size_t N, class F>
double fd(F f, std::array<double, N> logp, size_t k, double h = 1e-6) {
  auto up = logp, dn = logp;
  up[k] += h;
  dn[k] -= h;
  return (f(up) - f(dn)) / (2 * h);
}

template <size_t N, class F, class G>
void expect_gradient_matches(F value, G grad, std::array<double, N> logp, double rel_tol, const char* what) {
  const std::array<double, N> g = grad(logp);
  for (size_t k = 0; k < N; ++k) {
    const double num = fd<N>(value, logp, k);
    EXPECT_NEAR(g[k], num, rel_tol * std::max(1.0, std::fabs(num))) << what << " parameter " << k;
    EXPECT_TRUE(std::isfinite(g[k])) << what;
  }
}

std::vector<Triple> extreme_table() {
  return {{0, 0, 38.86, 5},  {1, 1.71, 38.86, 3}, {2, 30.43, 38.86, 2}, {7, 7, 7, 1},
          {300, 480, 500, 1}, {300, 5, 500, 1},   {50, 499.5, 500, 1},  {0, 0, 0.5, 1},
          {1, 0.01, 1000, 1}, {120, 1000, 1000, 2}};
}

}  // namespace

TEST(ClvSpecial, DigammaKnownValues) {
  // Closed forms (Abramowitz & Stegun 6.3.2, 6.3.3): psi(1) = -gamma, psi(1/2) = -gamma - 2 ln 2,
  // psi(n) = -gamma + sum_{k<n} 1/k.
  const double euler = std::numbers::egamma;
  EXPECT_NEAR(digamma(1.0), -euler, 1e-14);
  EXPECT_NEAR(digamma(0.5), -euler - 2 * std::numbers::ln2, 1e-14);
  double harmonic_9 = 0;
  for (int k = 1; k <= 9; ++k) harmonic_9 += 1.0 / k;
  EXPECT_NEAR(digamma(10.0), -euler + harmonic_9, 1e-14);
  // No closed form: mpmath.digamma('1e-3') at 40 digits (tests/unit/clv/mpmath_references.py).
  EXPECT_NEAR(digamma(1e-3), -1000.5755719318103, 1e-9);
}

TEST(ClvBgNbd, GradientMatchesFiniteDifferences) {
  const auto table = extreme_table();
  auto value = [&](std::array<double, 4> lp) {
    return bgnbd_log_likelihood({std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2]), std::exp(lp[3])}, table);
  };
  auto grad = [&](std::array<double, 4> lp) {
    std::array<double, 4> g{};
    bgnbd_log_likelihood({std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2]), std::exp(lp[3])}, table, &g);
    return g;
  };
  for (auto p : std::vector<std::array<double, 4>>{
           {0.2426, 4.4137, 0.7930, 2.4262}, {1, 1, 1, 1}, {5, 0.1, 20, 0.3}, {0.01, 200, 0.05, 50}}) {
    std::array<double, 4> lp{std::log(p[0]), std::log(p[1]), std::log(p[2]), std::log(p[3])};
    EXPECT_TRUE(std::isfinite(value(lp)));
    expect_gradient_matches<4>(value, grad, lp, 1e-6, "bgnbd");
  }
}

TEST(ClvParetoNbd, MatchesHighPrecisionReference) {
  // Per-customer log L and P(alive) from the textbook formula (Fader & Hardie 2005, "A note on
  // deriving the Pareto/NBD model", eq. 22, both alpha >= beta and alpha < beta forms) in mpmath
  // with 40 digits: `/usr/bin/python3 tests/unit/clv/mpmath_references.py` prints these values.
  struct Case {
    ParetoNbdParams p;
    double x, t_x, T, ll, p_alive;
  };
  const ParetoNbdParams cd{0.55, 10.58, 0.61, 11.67};
  const std::vector<Case> cases = {
      {cd, 2, 30.43, 38.86, -9.5619812608429639, 0.86841091713209172},
      {cd, 0, 0, 38.86, -0.51702515088753849, 0.29377395046742047},
      {cd, 300, 480, 500, -457.41104443154329, 0.0029299406903522621},
      {{2.0, 3.0, 0.5, 30.0}, 5, 10, 60, -13.016558549406481, 0.00042721853233638563},
      {{0.3, 40, 1.5, 2.0}, 7, 20, 52, -27.407953630009745, 0.033840400235753069},
      {{1.2, 5, 0.8, 5}, 3, 12, 30, -10.513125827819465, 0.14796064869096638},
      {cd, 50, 499.5, 500, -169.98022541952655, 0.9993887959749347},
  };
  for (const auto& c : cases) {
    const ParetoNbdRow row = pareto_nbd_row(c.p, c.x, c.t_x, c.T, true);
    EXPECT_NEAR(row.log_lik, c.ll, 1e-10 * std::fabs(c.ll)) << "x=" << c.x;
    double pa = 0;
    pareto_nbd_p_alive(c.p, std::span(&c.x, 1), std::span(&c.t_x, 1), std::span(&c.T, 1), std::span(&pa, 1));
    EXPECT_NEAR(pa, c.p_alive, 1e-10 * c.p_alive + 1e-14) << "x=" << c.x;
  }
}

TEST(ClvParetoNbd, GradientMatchesFiniteDifferencesBothBranches) {
  const auto table = extreme_table();
  auto value = [&](std::array<double, 4> lp) {
    return pareto_nbd_log_likelihood({std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2]), std::exp(lp[3])}, table);
  };
  auto grad = [&](std::array<double, 4> lp) {
    std::array<double, 4> g{};
    pareto_nbd_log_likelihood({std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2]), std::exp(lp[3])}, table, &g);
    return g;
  };
  for (auto p : std::vector<std::array<double, 4>>{{0.55, 10.58, 0.61, 11.67},  // alpha < beta
                                                  {0.55, 11.67, 0.61, 10.58},  // alpha > beta
                                                  {2.0, 3.0, 0.5, 30.0},
                                                  {0.3, 40, 1.5, 2.0},
                                                  {0.05, 0.5, 3.0, 200.0},
                                                  {8.0, 100.0, 0.1, 1.0}}) {
    std::array<double, 4> lp{std::log(p[0]), std::log(p[1]), std::log(p[2]), std::log(p[3])};
    EXPECT_TRUE(std::isfinite(value(lp)));
    expect_gradient_matches<4>(value, grad, lp, 2e-6, "pareto_nbd");
  }
}

TEST(ClvParetoNbd, AlphaEqualsBetaSeamIsContinuous) {
  const auto table = extreme_table();
  auto eval = [&](double alpha, double beta, std::array<double, 4>* g) {
    return pareto_nbd_log_likelihood({0.55, alpha, 0.61, beta}, table, g);
  };
  std::array<double, 4> g_eq{}, g_lo{}, g_hi{};
  const double v_eq = eval(11.0, 11.0, &g_eq);
  const double v_lo = eval(11.0 * (1 - 1e-9), 11.0, &g_lo);  // alpha < beta branch
  const double v_hi = eval(11.0 * (1 + 1e-9), 11.0, &g_hi);  // alpha > beta branch
  EXPECT_NEAR(v_lo, v_eq, 1e-7 * std::fabs(v_eq));
  EXPECT_NEAR(v_hi, v_eq, 1e-7 * std::fabs(v_eq));
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(g_lo[k], g_eq[k], 1e-6 * std::max(1.0, std::fabs(g_eq[k]))) << k;
    EXPECT_NEAR(g_hi[k], g_eq[k], 1e-6 * std::max(1.0, std::fabs(g_eq[k]))) << k;
  }
  // Finite differences straddling the seam agree with the analytic gradient at it.
  const double h = 1e-6;
  const double d_alpha = (pareto_nbd_log_likelihood({0.55, 11.0 * std::exp(h), 0.61, 11.0}, table) -
                          pareto_nbd_log_likelihood({0.55, 11.0 * std::exp(-h), 0.61, 11.0}, table)) / (2 * h);
  EXPECT_NEAR(g_eq[1], d_alpha, 1e-6 * std::max(1.0, std::fabs(d_alpha)));
}

TEST(ClvParetoNbd, NoNanAtLargeXAndT) {
  for (double x : {0.0, 1.0, 300.0, 2000.0}) {
    for (double T : {500.0, 5000.0}) {
      for (auto p : std::vector<ParetoNbdParams>{{0.55, 10.58, 0.61, 11.67}, {0.55, 11.67, 0.61, 10.58}, {5, 1, 5, 1000}}) {
        const double t_x = x > 0 ? 0.9 * T : 0.0;
        const ParetoNbdRow row = pareto_nbd_row(p, x, t_x, T, true);
        EXPECT_TRUE(std::isfinite(row.log_lik)) << x << " " << T;
        for (double g : row.grad) EXPECT_TRUE(std::isfinite(g)) << x << " " << T;
      }
    }
  }
}

TEST(ClvGammaGamma, GradientMatchesFiniteDifferences) {
  const std::vector<SpendPair> table = {{1, 11.77, 3}, {2, 22.35, 1}, {5, 100.0, 2}, {300, 15.0, 1}, {1, 0.5, 1}};
  auto value = [&](std::array<double, 3> lp) {
    return gamma_gamma_log_likelihood({std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2])}, table);
  };
  auto grad = [&](std::array<double, 3> lp) {
    std::array<double, 3> g{};
    gamma_gamma_log_likelihood({std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2])}, table, &g);
    return g;
  };
  for (auto p : std::vector<std::array<double, 3>>{{6.25, 3.74, 15.44}, {1, 1, 1}, {0.1, 50, 1000}}) {
    expect_gradient_matches<3>(value, grad, {std::log(p[0]), std::log(p[1]), std::log(p[2])}, 1e-6, "gamma_gamma");
  }
}

// ---- cached (per-x, per-time-value) kernels against the row-by-row references ----------------

namespace {

// Relative agreement of value and gradient (scale: the largest of |value|, |gradient| and 1).
template <size_t N>
void expect_same(double v, const std::array<double, N>& g, double v_ref, const std::array<double, N>& g_ref,
                 double rel, const std::string& what) {
  EXPECT_NEAR(v, v_ref, rel * std::max(1.0, std::fabs(v_ref))) << what;
  for (size_t k = 0; k < N; ++k)
    EXPECT_NEAR(g[k], g_ref[k], rel * std::max({1.0, std::fabs(g_ref[k]), std::fabs(v_ref) * 1e-3})) << what << " grad " << k;
}

std::vector<Triple> grid_table(std::size_t n, std::uint64_t seed) {  // day grid, as real data
  return collapse_triples(clv_sim::simulate_bgnbd({0.8, 4.0, 1.2, 6.0}, n, seed, true, 1, 150));
}

std::vector<Triple> off_grid_table() {  // continuous times: nearly every value distinct
  auto t = collapse_triples(clv_sim::simulate_bgnbd({0.5, 5.0, 0.8, 2.5}, 3000, 11, false));
  for (const auto& e : extreme_table()) t.push_back(e);  // unsorted tail: runs of equal x repeat
  return t;
}

}  // namespace

TEST(ClvCached, BgNbdMatchesRowByRow) {
  for (const auto& table : {grid_table(50000, 1), off_grid_table(), extreme_table()}) {
    const TripleIndex index(table);
    for (const BgNbdParams& p : std::vector<BgNbdParams>{{0.2426, 4.4137, 0.7930, 2.4262}, {1, 1, 1, 1},
                                                         {5, 0.1, 20, 0.3}, {0.01, 200, 0.05, 50}, {0.8, 4, 1.2, 6}}) {
      std::array<double, 4> g{}, g_span{}, g_ref{};
      const double v = bgnbd_log_likelihood(p, index, &g);
      const double v_span = bgnbd_log_likelihood(p, table, &g_span);
      const double v_ref = clv_ref::bgnbd_ll(p, table, &g_ref);
      expect_same<4>(v, g, v_ref, g_ref, 1e-12, "bgnbd r=" + std::to_string(p.r));
      EXPECT_EQ(v, v_span);
      EXPECT_EQ(v, bgnbd_log_likelihood(p, index));  // value alone: same sums
    }
  }
}

TEST(ClvCached, ParetoNbdMatchesRowByRow) {
  for (const auto& table : {grid_table(5000, 2), off_grid_table(), extreme_table()}) {
    const TripleIndex index(table);
    for (const ParetoNbdParams& p : std::vector<ParetoNbdParams>{{0.55, 10.58, 0.61, 11.67}, {0.55, 11.67, 0.61, 10.58},
                                                                 {2.0, 3.0, 0.5, 30.0}, {0.3, 40, 1.5, 2.0}, {1, 5, 1, 5}}) {
      std::array<double, 4> g{}, g_ref{};
      const double v = pareto_nbd_log_likelihood(p, index, &g);
      const double v_ref = clv_ref::pareto_ll(p, table, &g_ref);
      expect_same<4>(v, g, v_ref, g_ref, 1e-12, "pareto r=" + std::to_string(p.r));
    }
  }
}

TEST(ClvCached, GammaGammaMatchesRowByRow) {
  std::vector<SpendPair> table = {{1, 11.77, 3}, {2, 22.35, 1}, {5, 100.0, 2}, {300, 15.0, 1}, {1, 0.5, 1}};
  for (int i = 0; i < 5000; ++i) table.push_back({1.0 + i % 17, 5.0 + 0.37 * i, 1u + static_cast<unsigned>(i % 3)});
  const auto collapsed = collapse_spend(table);
  for (const auto& t : {table, collapsed}) {
    const SpendIndex index(t);
    for (const GammaGammaParams& p : std::vector<GammaGammaParams>{{6.25, 3.74, 15.44}, {1, 1, 1}, {0.1, 50, 1000}}) {
      std::array<double, 3> g{}, g_ref{};
      const double v = gamma_gamma_log_likelihood(p, index, &g);
      const double v_ref = clv_ref::gamma_gamma_ll(p, t, &g_ref);
      expect_same<3>(v, g, v_ref, g_ref, 1e-12, "gamma_gamma p=" + std::to_string(p.p));
    }
  }
}

TEST(ClvGuards, NonFiniteParametersReturnNanAtOnce) {
  const auto table = extreme_table();
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  std::array<double, 4> g{};
  EXPECT_TRUE(std::isnan(bgnbd_log_likelihood({nan, 1, 1, 1}, table, &g)));
  EXPECT_TRUE(std::isnan(g[0]));
  EXPECT_TRUE(std::isnan(pareto_nbd_log_likelihood({1, inf, 1, 1}, table, &g)));
  EXPECT_TRUE(std::isnan(pareto_nbd_log_likelihood({1, 1e300, 1, 1e-300}, table, &g)));  // z -> 1
  std::array<double, 3> g3{};
  EXPECT_TRUE(std::isnan(gamma_gamma_log_likelihood({1, nan, 1}, std::vector<SpendPair>{{1, 2, 1}}, &g3)));
  // The series stop at once on non-finite input or z too close to 1, instead of summing up to
  // their term cap: a series that did not stop would show as this test running into ctest's
  // timeout.
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(log_hyp2f1_unit_a(1.5, 3.0, nan).converged);
    EXPECT_FALSE(log_hyp2f1_unit_a(nan, 3.0, 0.5).converged);
    EXPECT_FALSE(log_hyp2f1_unit_a(1.5, 3.0, 1.0 - 1e-9).converged);
    EXPECT_TRUE(std::isnan(hyp2f1_minus_one(1.5, 2.0, 3.0, nan)));
  }
  EXPECT_TRUE(log_hyp2f1_unit_a(1.5, 3.0, 0.999).converged);  // still fine inside the domain
}
