// The BG/NBD fit's paths: start from a thinned table + Newton with the analytic Hessian (large
// tables), Newton from the default start (small tables), L-BFGS when Newton cannot proceed, and
// standard errors from the analytic Hessian against those from differences of the gradient;
// Pareto/NBD's thinned start with fixed-Hessian Newton steps against plain L-BFGS.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <array>
#include <cmath>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/table_index.hpp"
#include "simulate.hpp"

using namespace crmpi::clv;

namespace {

// Large enough (> 60,000 distinct rows) for the fit to start from a thinned table.
const std::vector<Triple>& large_table() {
  static const std::vector<Triple> t =
      collapse_triples(clv_sim::simulate_bgnbd({1.0, 3.3, 1.2, 9.8}, 250000, 5, true, 1, 156));
  return t;
}

void expect_same_fit(const FitResult& a, const FitResult& b, double rel) {
  ASSERT_TRUE(a.converged) << a.message;
  ASSERT_TRUE(b.converged) << b.message;
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(a.estimates[k], b.estimates[k], rel * b.estimates[k]) << k;
  EXPECT_NEAR(a.log_likelihood, b.log_likelihood, 1e-9 * std::fabs(b.log_likelihood));
}

}  // namespace

TEST(ClvBgNbdFitPaths, ThinnedStartAndNewtonReachTheSameOptimum) {
  const auto& table = large_table();
  ASSERT_GT(table.size(), 60000u);
  const FitResult fast = fit_bgnbd(table);  // thinned start, Newton
  FitOptions far;
  far.start = {0.3, 30.0, 3.0, 2.0};  // explicit start: no thinning
  const FitResult slow = fit_bgnbd(table, far);
  expect_same_fit(fast, slow, 1e-6);
  EXPECT_LE(fast.iterations, 6) << fast.message;  // full-table evaluations
  EXPECT_EQ(fast.message.find("failure"), std::string::npos) << fast.message;
  // Deterministic: the same table gives the same bits.
  const FitResult again = fit_bgnbd(table);
  EXPECT_EQ(again.estimates, fast.estimates);
  EXPECT_EQ(again.std_errors, fast.std_errors);
}

TEST(ClvBgNbdFitPaths, IndexOverloadsGiveTheTableFitsBitForBit) {
  // The job builds one index for both purchase models: same bits as fitting the table.
  const auto& table = large_table();
  const TripleIndex index(table);
  const FitResult bg_table = fit_bgnbd(table), bg_index = fit_bgnbd(index);
  EXPECT_EQ(bg_index.estimates, bg_table.estimates);
  EXPECT_EQ(bg_index.std_errors, bg_table.std_errors);
  EXPECT_EQ(bg_index.log_likelihood, bg_table.log_likelihood);
  EXPECT_EQ(bg_index.n_customers, bg_table.n_customers);
  FitOptions from_bg;
  from_bg.start = {bg_table.estimates[0], bg_table.estimates[1], 1.0, bg_table.estimates[1]};
  const FitResult pn_table = fit_pareto_nbd(table, from_bg), pn_index = fit_pareto_nbd(index, from_bg);
  EXPECT_EQ(pn_index.estimates, pn_table.estimates);
  EXPECT_EQ(pn_index.log_likelihood, pn_table.log_likelihood);
  EXPECT_EQ(pn_index.iterations, pn_table.iterations);
}

TEST(ClvBgNbdFitPaths, FallsBackToLbfgsWhenNewtonCannotStart) {
  // Far from the optimum the Hessian is not negative definite: L-BFGS takes over, and the fit
  // ends where Newton from a good start ends.
  const auto table = collapse_triples(clv_sim::simulate_bgnbd({0.5, 5.0, 0.8, 2.5}, 5000, 9, true));
  FitOptions bad;
  bad.start = {50.0, 0.01, 40.0, 0.02};
  const FitResult fallback = fit_bgnbd(table, bad);
  EXPECT_NE(fallback.message.find("Newton"), std::string::npos) << fallback.message;
  expect_same_fit(fallback, fit_bgnbd(table), 1e-5);
}

TEST(ClvBgNbdFitPaths, StandardErrorsMatchDifferencesOfTheGradient) {
  const auto table = collapse_triples(clv_sim::simulate_bgnbd({0.8, 4.0, 1.2, 6.0}, 20000, 4, true, 1, 150));
  const FitResult f = fit_bgnbd(table);
  ASSERT_TRUE(f.converged) << f.message;
  const TripleIndex index(table);
  Eigen::Matrix4d info;
  const double h = 1e-5;
  for (int j = 0; j < 4; ++j) {
    std::array<double, 4> up{}, dn{}, gu{}, gd{};
    for (int i = 0; i < 4; ++i) up[i] = dn[i] = std::log(f.estimates[static_cast<std::size_t>(i)]);
    up[j] += h;
    dn[j] -= h;
    bgnbd_log_likelihood({std::exp(up[0]), std::exp(up[1]), std::exp(up[2]), std::exp(up[3])}, index, &gu);
    bgnbd_log_likelihood({std::exp(dn[0]), std::exp(dn[1]), std::exp(dn[2]), std::exp(dn[3])}, index, &gd);
    for (int i = 0; i < 4; ++i) info(i, j) = -(gu[i] - gd[i]) / (2 * h);
  }
  const Eigen::Matrix4d cov = (0.5 * (info + info.transpose())).inverse();
  for (int i = 0; i < 4; ++i) {
    const double se = f.estimates[static_cast<std::size_t>(i)] * std::sqrt(cov(i, i));
    EXPECT_NEAR(f.std_errors[static_cast<std::size_t>(i)], se, 1e-5 * se) << i;
  }
}

TEST(ClvParetoNbdFitPaths, ThinnedStartWithFixedHessianMatchesLbfgs) {
  // Pareto/NBD on a large table: thinned fit + Newton steps with its scaled information as a
  // fixed Hessian, against plain L-BFGS from the same start; standard errors from the full table
  // in both.
  const auto& table = large_table();
  FitOptions opt;
  opt.start = {1.0, 3.3, 1.0, 3.3};
  const FitResult fast = fit_pareto_nbd(table, opt);
  opt.thinned_start = false;
  const FitResult slow = fit_pareto_nbd(table, opt);
  expect_same_fit(fast, slow, 1e-5);
  EXPECT_EQ(fast.message.find("failure"), std::string::npos) << fast.message;  // no L-BFGS fallback
  EXPECT_LT(fast.iterations, slow.iterations / 2) << fast.message << " | " << slow.message;
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(fast.std_errors[k], slow.std_errors[k], 1e-3 * slow.std_errors[k]) << k;
  const FitResult again = fit_pareto_nbd(table, FitOptions{{1.0, 3.3, 1.0, 3.3}});
  EXPECT_EQ(again.estimates, fast.estimates);  // deterministic
}
