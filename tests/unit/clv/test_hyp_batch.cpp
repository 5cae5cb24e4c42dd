// Batched hypergeometric series (kernels/clv/hyp_batch.hpp) against the scalar series they
// replace on the hot paths, and the scorer's batched numerator fill against numerator().
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/clv_value.hpp"
#include "kernels/clv/hyp_batch.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/special_functions.hpp"

using namespace crmpi::clv;

namespace {
void expect_rel(double v, double ref, double rel, const char* what) {
  if (std::isnan(ref)) {
    EXPECT_TRUE(std::isnan(v)) << what;
    return;
  }
  EXPECT_NEAR(v, ref, rel * std::max(1.0, std::fabs(ref))) << what;
}

// z grid: 0, tiny, moderate, near the cap, outside the domain, NaN; unsorted on purpose.
std::vector<double> z_values() {
  return {0.0, 1e-12, 0.3, 0.999, 0.05, 0.9, 1 - 2e-4, 0.5, 1e-6, 0.99, 1.0, -0.1,
          std::numeric_limits<double>::quiet_NaN(), 0.7, 0.12, 0.0, 0.999, 0.2};
}
}  // namespace

TEST(ClvHypBatch, UnitAMatchesScalarSeries) {
  // (b, c) of Pareto/NBD's end terms: b' = r + x (alpha >= beta) or s + 1, c = r + s + x + 1;
  // x = 0, 1, 30, 300 (large x), and invalid pairs (c <= b, b <= 0).
  const std::vector<std::pair<double, double>> bc = {{0.55, 2.16}, {1.61, 2.16}, {1.55, 3.16}, {30.55, 32.16},
                                                     {300.55, 302.16}, {1.61, 301.16}, {2.0, 2.0}, {-1.0, 3.0}};
  const std::vector<double> z = z_values();
  UnitAHypBatch batch;
  std::vector<LogHyp> out(z.size());
  for (const auto& [b, c] : bc)
    for (bool grad : {true, false}) {
      batch.reset(b, c, grad);
      batch.eval(z, out);
      for (std::size_t i = 0; i < z.size(); ++i) {
        const LogHyp ref = log_hyp2f1_unit_a(b, c, z[i]);
        expect_rel(out[i].log_value, ref.log_value, 1e-13, "log_value");
        EXPECT_EQ(out[i].converged, ref.converged) << b << " " << c << " " << z[i];
        if (!grad) continue;
        expect_rel(out[i].d_b, ref.d_b, 1e-12, "d_b");
        expect_rel(out[i].d_c, ref.d_c, 1e-12, "d_c");
        expect_rel(out[i].d_z, ref.d_z, 1e-12, "d_z");
      }
    }
}

TEST(ClvHypBatch, EachZStopsOnItsOwnTerms) {
  // A z's value does not depend on the other z of its batch (or on the coefficients computed
  // before): same bits alone, in a batch, and after a longer batch extended the coefficients.
  UnitAHypBatch batch;
  batch.reset(1.61, 12.16, true);
  std::vector<LogHyp> one(1), many(5);
  const std::vector<double> z1 = {0.4}, z5 = {0.999, 0.4, 0.01, 0.9, 0.0};
  batch.eval(z1, one);
  const LogHyp first = one[0];
  batch.eval(z5, many);
  batch.eval(z1, one);
  EXPECT_EQ(first.log_value, many[1].log_value);
  EXPECT_EQ(first.d_z, many[1].d_z);
  EXPECT_EQ(first.log_value, one[0].log_value);
  EXPECT_EQ(first.d_b, one[0].d_b);
}

TEST(ClvHypBatch, MinusOneMatchesScalarSeries) {
  // (a, b, c) of BG/NBD's E[Y(t)]: a+b-1-r (may be negative), a-1 (negative for a < 1), a+b+x-1.
  const std::vector<std::array<double, 3>> abc = {{1.9766, -0.207, 2.2692},     {1.9766, -0.207, 302.2692},
                                                  {9.03, 0.2, 10.03},           {9.03, 0.2, 40.03},
                                                  {-3.0, 0.5, 2.0},             {14.3, 19.0, 19.3}};
  const std::vector<double> z = z_values();
  Hyp2f1MinusOneBatch batch;
  std::vector<double> out(z.size());
  for (const auto& p : abc) {
    batch.reset(p[0], p[1], p[2]);
    batch.eval(z, out);
    for (std::size_t i = 0; i < z.size(); ++i) {
      const double ref = hyp2f1_minus_one(p[0], p[1], p[2], z[i]);
      // relative to the value itself: 2F1 - 1 is what keeps small-z accuracy
      if (std::isnan(ref)) {
        EXPECT_TRUE(std::isnan(out[i])) << z[i];
      } else {
        EXPECT_NEAR(out[i], ref, 1e-13 * std::fabs(ref) + 1e-300) << p[0] << " " << p[2] << " z " << z[i];
      }
    }
  }
}

TEST(ClvHypBatch, ScorerFillMatchesNumerator) {
  // The scorer's batched fill (shared coefficients per x, per-T (1-z)^(a-1)) against the
  // horizon-by-horizon numerator(), on the grid and off it, including horizon 0, a tiny horizon,
  // x = 0, x >= kGridX, non-integer x, T = 0 and t_x = T, and a < 1.
  std::vector<double> clv_h, clv_w;
  clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, clv_h, clv_w);
  const std::vector<HorizonSet> sets = {{{52.14}, {1.0}}, {clv_h, clv_w}, {{0.0, 1e-6, 13.0}, {1.0, 2.0, 0.5}}};
  const std::vector<double> xs = {0, 1, 2, 7, 40, 255, 256, 300, 2.5};
  const std::vector<double> Ts = {0.0, 1 / 7.0, 38.0 / 7.0, 38.86, 156.0, 500.0};
  for (const BgNbdParams& p : {BgNbdParams{0.2426, 4.4137, 0.7930, 2.4262}, BgNbdParams{1.02, 3.26, 1.2, 9.83},
                               BgNbdParams{5, 0.1, 20, 0.3}, BgNbdParams{0.01, 200, 0.05, 50}}) {
    std::vector<double> x, t_x, T;
    for (double xv : xs)
      for (double Tv : Ts) {
        x.push_back(xv);
        t_x.push_back(xv > 0 ? Tv : 0.0);  // t_x = T
        T.push_back(Tv);
      }
    const std::size_t n = x.size();
    for (double grid : {7.0, 0.0}) {
      BgNbdScorer scorer(p, sets);
      scorer.set_time_grid(grid);
      std::vector<double> v0(n), v1(n), v2(n), pa(n);
      const std::span<double> outs[3] = {v0, v1, v2};
      scorer.score_sets(x, t_x, T, outs, pa);
      for (std::size_t i = 0; i < n; ++i) {
        const double* got[3] = {&v0[i], &v1[i], &v2[i]};
        for (std::size_t k = 0; k < 3; ++k) {
          const double ref = scorer.numerator(k, x[i], T[i]) * pa[i];
          EXPECT_NEAR(*got[k], ref, 1e-12 * std::fabs(ref) + 1e-300)
              << "set " << k << " x " << x[i] << " T " << T[i] << " grid " << grid << " r " << p.r;
        }
      }
    }
  }
}

TEST(ClvHypBatch, ParetoScoreSetsMatchSingleSetsAndRowFormula) {
  // Fused sets (batched end terms per x) equal one call per set bit for bit, and the row formula
  // to 1e-12; edge cases: x = 0, t_x = T, T = 0, horizon 0, x >= 256 and off-grid times.
  std::vector<double> clv_h, clv_w;
  clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, clv_h, clv_w);
  const std::vector<HorizonSet> sets = {{{52.14}, {1.0}}, {clv_h, clv_w}, {{0.0, 13.0}, {1.0, 0.5}}};
  std::mt19937_64 rng(5);
  std::geometric_distribution<int> xs(0.2);
  std::uniform_int_distribution<int> days(0, 1100);
  std::vector<double> x, t_x, T;
  for (int i = 0; i < 5000; ++i) {
    const int dT = days(rng);
    const double xv = i % 97 == 0 ? 300.0 : xs(rng);
    x.push_back(xv);
    T.push_back(i % 89 == 0 ? dT / 7.0 + 1e-3 : dT / 7.0);
    t_x.push_back(xv > 0 ? (i % 7 == 0 ? T.back() : std::uniform_int_distribution<int>(0, dT)(rng) / 7.0) : 0.0);
  }
  const std::size_t n = x.size();
  for (const ParetoNbdParams& p : {ParetoNbdParams{0.55, 10.58, 0.61, 11.67}, ParetoNbdParams{0.55, 11.67, 0.61, 10.58},
                                   ParetoNbdParams{1.28, 4.8, 1.1, 45.5}, ParetoNbdParams{1, 5, 1, 5}}) {
    std::vector<double> v0(n), v1(n), v2(n), pa(n);
    const std::span<double> outs[3] = {v0, v1, v2};
    pareto_nbd_score_sets(p, sets, x, t_x, T, outs, pa);
    for (std::size_t k = 0; k < sets.size(); ++k) {
      std::vector<double> single(n), pa1(n);
      pareto_nbd_score(p, sets[k].horizons, sets[k].weights, x, t_x, T, single, pa1);
      const std::vector<double>& fused = k == 0 ? v0 : k == 1 ? v1 : v2;
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(single[i], fused[i]) << k << " " << i;
        ASSERT_EQ(pa1[i], pa[i]) << i;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      const ParetoNbdRow row = pareto_nbd_row(p, x[i], t_x[i], T[i], false);
      const double alive = 1.0 / (1.0 + std::exp(row.log_dead_term - row.log_alive_term));
      ASSERT_NEAR(pa[i], alive, 1e-12 * alive + 1e-300) << i << " x " << x[i] << " T " << T[i];
      if (t_x[i] == T[i] || T[i] == 0.0) {
        ASSERT_EQ(pa[i], 1.0) << i;
      }
    }
  }
}
