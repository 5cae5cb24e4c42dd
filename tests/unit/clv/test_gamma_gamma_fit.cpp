// Gamma-Gamma: analytic Hessian against central differences of the analytic gradient; the fit
// (thinned start + Newton on large tables) against L-BFGS from an explicit start, and recovery of
// planted parameters.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/table_index.hpp"

using namespace crmpi::clv;

namespace {

// Repeat customers with x ~ 1 + Poisson(mean_x - 1), per-customer nu ~ Gamma(q, 1/gamma) and the
// mean of x spends ~ Gamma(p x, 1/(x nu)): the model's own generative story.
std::vector<SpendPair> simulate_spend(double p, double q, double gamma, std::size_t n, std::uint64_t seed,
                                      double mean_x = 3.0) {
  std::mt19937_64 rng(seed);
  std::poisson_distribution<int> extra(mean_x - 1);
  std::gamma_distribution<double> nu_dist(q, 1.0 / gamma);
  std::vector<SpendPair> rows;
  rows.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = 1 + extra(rng), nu = nu_dist(rng);
    std::gamma_distribution<double> zbar(p * x, 1.0 / (x * nu));
    rows.push_back({x, zbar(rng), 1});
  }
  return collapse_spend(rows);
}

}  // namespace

TEST(ClvGammaGammaHessian, MatchesCentralDifferencesOfTheGradient) {
  const std::vector<SpendPair> small = {{1, 11.77, 3}, {2, 22.35, 1}, {5, 100.0, 2}, {300, 15.0, 1}, {1, 0.5, 1}};
  for (const auto& table : {small, simulate_spend(6.25, 3.74, 15.44, 5000, 3)}) {
    const SpendIndex index(table);
    for (const GammaGammaParams& p : std::vector<GammaGammaParams>{{6.25, 3.74, 15.44}, {1, 1, 1}, {0.1, 50, 1000}}) {
      std::array<double, 3> g{}, g_plain{};
      std::array<double, 9> h{};
      const double v = gamma_gamma_log_likelihood_hessian(p, index, g, h);
      EXPECT_EQ(v, gamma_gamma_log_likelihood(p, index, &g_plain));
      for (int i = 0; i < 3; ++i) EXPECT_EQ(g[i], g_plain[i]) << i;
      const std::array<double, 3> lp{std::log(p.p), std::log(p.q), std::log(p.gamma)};
      const double step = 1e-5;
      for (int j = 0; j < 3; ++j) {
        auto up = lp, dn = lp;
        up[j] += step;
        dn[j] -= step;
        std::array<double, 3> gu{}, gd{};
        gamma_gamma_log_likelihood({std::exp(up[0]), std::exp(up[1]), std::exp(up[2])}, index, &gu);
        gamma_gamma_log_likelihood({std::exp(dn[0]), std::exp(dn[1]), std::exp(dn[2])}, index, &gd);
        double scale = 1.0;
        for (int i = 0; i < 3; ++i) scale = std::max({scale, std::fabs(h[3 * i + j]), std::fabs(g[i])});
        for (int i = 0; i < 3; ++i) {
          EXPECT_NEAR(h[3 * i + j], (gu[i] - gd[i]) / (2 * step), 1e-6 * scale) << "p=" << p.p << " " << i << "," << j;
          EXPECT_EQ(h[3 * i + j], h[3 * j + i]);
        }
      }
    }
  }
}

TEST(ClvGammaGammaFit, ThinnedStartAndNewtonMatchLbfgsAndRecoverThePlantedParameters) {
  const std::vector<SpendPair> table = simulate_spend(6.25, 3.74, 15.44, 200000, 11);
  ASSERT_GT(table.size(), 60000u);  // large enough for the thinned start
  const FitResult fast = fit_gamma_gamma(table);
  FitOptions far;
  far.start = {1.0, 2.0, 30.0};  // explicit start: no thinning
  const FitResult slow = fit_gamma_gamma(table, far);
  ASSERT_TRUE(fast.converged) << fast.message;
  ASSERT_TRUE(slow.converged) << slow.message;
  EXPECT_EQ(fast.message.find("failure"), std::string::npos) << fast.message;  // Newton, no fallback
  EXPECT_LE(fast.iterations, 6) << fast.message;
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(fast.estimates[k], slow.estimates[k], 1e-5 * slow.estimates[k]) << k;
  const std::array<double, 3> planted{6.25, 3.74, 15.44};
  for (std::size_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(std::isfinite(fast.std_errors[k]) && fast.std_errors[k] > 0) << k;
    EXPECT_NEAR(fast.estimates[k], planted[k], 3 * fast.std_errors[k]) << fast.names[k];
  }
  // Deterministic: same table, same bits.
  const FitResult again = fit_gamma_gamma(table);
  EXPECT_EQ(again.estimates, fast.estimates);
  EXPECT_EQ(again.std_errors, fast.std_errors);
}
