// Per-customer scoring: closed forms, high-precision references, CLV conventions, throughput,
// summaries, lifecycle rules and holdout metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/clv_value.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/holdout.hpp"
#include "kernels/clv/lifecycle.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/summary.hpp"
#include "kernels/common/errors.hpp"

using namespace crmpi::clv;

namespace {
const BgNbdParams kCdnowBg{0.2426, 4.4137, 0.7930, 2.4262};
const ParetoNbdParams kCdnowPn{0.55, 10.58, 0.61, 11.67};

double bg_expected(const BgNbdParams& p, double t, double x, double t_x, double T, double* alive = nullptr) {
  double out = 0, pa = 0;
  BgNbdScorer s(p, {t}, {1.0});
  s.score(std::span(&x, 1), std::span(&t_x, 1), std::span(&T, 1), std::span(&out, 1), std::span(&pa, 1));
  if (alive) *alive = pa;
  return out;
}
double pn_expected(const ParetoNbdParams& p, double t, double x, double t_x, double T) {
  double out = 0;
  pareto_nbd_expected_purchases(p, t, std::span(&x, 1), std::span(&t_x, 1), std::span(&T, 1), std::span(&out, 1));
  return out;
}
}  // namespace

TEST(ClvScoring, BgNbdMatchesHighPrecisionReference) {
  // FHL (2005) eq. 10 and P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) in
  // mpmath, 40 digits: (params, x, t_x, T, t) -> E[Y(t)], P(alive); printed by
  // `/usr/bin/python3 tests/unit/clv/mpmath_references.py`.
  struct Case {
    BgNbdParams p;
    double x, t_x, T, t, ey, alive;
  };
  const std::vector<Case> cases = {{kCdnowBg, 2, 30.43, 38.86, 39, 1.2258954857111505, 0.72660663665403844},
                                   {kCdnowBg, 0, 0, 38.86, 52, 0.25167257171992946, 1.0},
                                   {kCdnowBg, 20, 35, 38.86, 100, 22.767281166341669, 0.8030153867182999},
                                   {{1.5, 10, 2.5, 4}, 3, 20, 40, 12, 0.17863615856392717, 0.19415312838337983}};
  for (const auto& c : cases) {
    double alive = 0;
    EXPECT_NEAR(bg_expected(c.p, c.t, c.x, c.t_x, c.T, &alive), c.ey, 1e-11 * c.ey) << "x=" << c.x;
    EXPECT_NEAR(alive, c.alive, 1e-12) << "x=" << c.x;
    double pa = 0;
    bgnbd_p_alive(c.p, std::span(&c.x, 1), std::span(&c.t_x, 1), std::span(&c.T, 1), std::span(&pa, 1));
    EXPECT_NEAR(pa, c.alive, 1e-12);
  }
  // Pareto/NBD E[Y(39)] for the same customer, same mpmath script (Fader & Hardie 2005 note:
  // (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)).
  EXPECT_NEAR(pn_expected(kCdnowPn, 39, 2, 30.43, 38.86), 1.450371374791711, 1e-10);
}

TEST(ClvScoring, ClosedForms) {
  // P(alive) = 1 for x = 0 under BG/NBD.
  for (double T : {0.5, 10.0, 500.0}) {
    double alive = 0;
    bg_expected(kCdnowBg, 10, 0, 0, T, &alive);
    EXPECT_EQ(alive, 1.0);
  }
  // Expected purchases -> 0 as the horizon -> 0, linearly (rate at t = 0 is finite).
  for (double x : {0.0, 3.0, 300.0}) {
    const double e1 = bg_expected(kCdnowBg, 1e-6, x, x > 0 ? 30 : 0, 38.86);
    const double e2 = bg_expected(kCdnowBg, 2e-6, x, x > 0 ? 30 : 0, 38.86);
    EXPECT_GT(e1, 0.0);
    EXPECT_LT(e1, 1e-3);
    EXPECT_NEAR(e2 / e1, 2.0, 1e-4) << x;
    EXPECT_NEAR(pn_expected(kCdnowPn, 2e-6, x, x > 0 ? 30 : 0, 38.86) / pn_expected(kCdnowPn, 1e-6, x, x > 0 ? 30 : 0, 38.86),
                2.0, 1e-4);
    EXPECT_EQ(bg_expected(kCdnowBg, 0.0, x, x > 0 ? 30 : 0, 38.86), 0.0);
  }
  // Large x / T stay finite.
  EXPECT_TRUE(std::isfinite(bg_expected(kCdnowBg, 52, 300, 5, 500)));
  EXPECT_TRUE(std::isfinite(pn_expected(kCdnowPn, 52, 300, 5, 500)));
}

TEST(ClvScoring, ClvZeroDiscountEqualsExpectedPurchasesTimesSpend) {
  const std::vector<double> x = {0, 2, 7}, t_x = {0, 30.43, 35}, T = {38.86, 38.86, 38.86}, spend = {20, 22.35, 50};
  ClvSettings s;
  s.months = 12;
  s.monthly_discount_rate = 0.0;
  s.unit = TimeUnit::kWeek;
  const double horizon = 12 * 4.345;  // 12 months of 4.345 weeks (lifetimes' month factor, docs/clv.md)
  std::vector<double> clv(3), e(3);
  bgnbd_clv(kCdnowBg, s, x, t_x, T, spend, clv);
  bgnbd_expected_purchases(kCdnowBg, horizon, x, t_x, T, e);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(clv[i], e[i] * spend[i], 1e-12 * clv[i]);
  pareto_nbd_clv(kCdnowPn, s, x, t_x, T, spend, clv);
  pareto_nbd_expected_purchases(kCdnowPn, horizon, x, t_x, T, e);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(clv[i], e[i] * spend[i], 1e-12 * clv[i]);
  // With discounting: lifetimes' loop, sum_i (E(i m) - E((i-1) m)) spend / (1+d)^i.
  s.monthly_discount_rate = 0.01;
  bgnbd_clv(kCdnowBg, s, x, t_x, T, spend, clv);
  for (int c = 0; c < 3; ++c) {
    double want = 0, prev = 0;
    for (int i = 1; i <= 12; ++i) {
      const double cur = bg_expected(kCdnowBg, i * 4.345, x[c], t_x[c], T[c]);
      want += (cur - prev) * spend[c] / std::pow(1.01, i);
      prev = cur;
    }
    EXPECT_NEAR(clv[c], want, 1e-10 * want);
  }
}

TEST(ClvScoring, GammaGammaExpectedSpendAndChurn) {
  const GammaGammaParams g{6.25, 3.74, 15.44};
  const std::vector<double> x = {0, 2}, z = {0, 22.35};
  std::vector<double> out(2);
  gamma_gamma_expected_spend(g, x, z, out);
  // Fader & Hardie (2013), Gamma-Gamma note: E(M | x, zbar) = p (gamma + x zbar) / (p x + q - 1);
  // x = 0 gives the population mean p gamma / (q - 1). Here q - 1 = 2.74 and p x = 12.5.
  EXPECT_NEAR(out[0], 6.25 * 15.44 / 2.74, 1e-12);
  EXPECT_NEAR(out[1], 6.25 * (15.44 + 2 * 22.35) / (12.5 + 2.74), 1e-12);
  gamma_gamma_expected_spend({1, 0.9, 1}, x, z, out);
  EXPECT_TRUE(std::isnan(out[1]));
  EXPECT_EQ(gamma_gamma_warnings({1, 0.9, 1}, {}).size(), 1u);  // one: q <= 1 (no table, no correlation)
  std::vector<double> pa = {1.0, 0.25}, risk(2);
  churn_risk(pa, risk);
  EXPECT_EQ(risk[1], 0.75);  // 1 - P(alive) = 1 - 0.25
}

TEST(ClvScoring, BgNbdHashedAndGridPathsAgreeOnARealisticMix) {
  // Realistic mix: x mostly small, daily cohorts over two years (in weeks), t_x <= T. Throughput
  // is measured in bench/clv_kernel_bench.cpp, not here (timed unit tests flake on shared machines
  // and under sanitizers).
  const std::size_t n = 400'000;
  std::mt19937_64 rng(5);
  std::geometric_distribution<int> xs(0.4);
  std::uniform_int_distribution<int> cohort(0, 730);
  std::vector<double> x(n), t_x(n), T(n), ey(n), pa(n);
  for (std::size_t i = 0; i < n; ++i) {
    T[i] = cohort(rng) / 7.0;
    x[i] = xs(rng);
    t_x[i] = x[i] > 0 ? std::floor(T[i] * 7 * std::uniform_real_distribution<double>(0, 1)(rng)) / 7.0 : 0.0;
  }
  BgNbdScorer scorer(kCdnowBg, {52.0}, {1.0});
  scorer.score(x, t_x, T, ey, pa);  // fills the hashed (x, T) cache
  std::vector<double> ey_again(n), pa_again(n);
  scorer.score(x, t_x, T, ey_again, pa_again);  // from the cache: same values
  EXPECT_EQ(ey_again, ey);
  EXPECT_EQ(pa_again, pa);
  for (std::size_t i = 0; i < n; i += 997) {
    ASSERT_TRUE(std::isfinite(ey[i]) && pa[i] > 0 && pa[i] <= 1);
    EXPECT_NEAR(ey[i], scorer.numerator(x[i], T[i]) * pa[i], 1e-12 * ey[i]);
  }
  // Day grid (what crmpi clv uses): dense [T day][x] numerators, per-day logs.
  BgNbdScorer grid(kCdnowBg, {52.0}, {1.0});
  grid.set_time_grid(7.0);
  std::vector<double> ey2(n), pa2(n);
  grid.score(x, t_x, T, ey2, pa2);
  for (std::size_t i = 0; i < n; i += 997) EXPECT_NEAR(ey2[i], ey[i], 1e-12 * ey[i]);
}

TEST(ClvSummary, EdgeCases) {
  // Calibration ends on day 100, holdout on day 130. A first purchase after day 100: no summary.
  SummaryWindow w{100, 130, TimeUnit::kDay};
  EXPECT_FALSE(summarize_customer(std::vector<std::int32_t>{101}, std::vector<double>{5}, w).has_value());
  // Two orders on day 10 (first day), two on day 20 (one repeat day), one on day 40, holdout days
  // 120, 120, 125, and day 200 after the holdout. Hand count: repeat days 20 and 40 -> x = 2;
  // t_x = 40 - 10 = 30; T = 100 - 10 = 90; mean repeat-day spend (3 + 4 + 5) / 2; holdout purchase
  // days 120 and 125 -> 2, holdout spend 6 + 7 + 8 = 21.
  const std::vector<std::int32_t> days = {10, 10, 20, 20, 40, 120, 120, 125, 200};
  const std::vector<double> spend = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto s = summarize_customer(days, spend, w);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->x, 2);
  EXPECT_EQ(s->t_x, 30);
  EXPECT_EQ(s->T, 90);
  EXPECT_EQ(s->mean_spend, (3 + 4 + 5) / 2.0);
  EXPECT_EQ(s->holdout_purchases, 2u);
  EXPECT_EQ(s->holdout_spend, 21);
  w.unit = TimeUnit::kWeek;
  EXPECT_NEAR(summarize_customer(days, spend, w)->T, 90 / 7.0, 1e-15);
  EXPECT_THROW(summarize_customer(std::vector<std::int32_t>{3, 2}, std::vector<double>{1, 1}, w), crmpi::DataError);
}

TEST(ClvLifecycle, RulesInOrder) {
  // The first matching rule wins, with docs/clv.md's default thresholds (weeks): new if tenure <= 4,
  // churned if P(alive) < 0.2, at_risk if < 0.5, reactivated if the last gap > 26, loyal if
  // x >= 4 and tenure >= 26, else active. Arguments: (x, tenure, P(alive), last gap).
  const auto th = LifecycleThresholds::for_unit(TimeUnit::kWeek);
  auto cls = [&](double freq, double tenure, double p_alive, double last_gap) {
    return classify_lifecycle({0, freq, tenure, p_alive, last_gap}, th);
  };
  EXPECT_EQ(cls(0, 2, 0.05, 0), LifecycleStage::kNew);          // new wins over churned
  EXPECT_EQ(cls(3, 40, 0.1, 30), LifecycleStage::kChurned);     // churned wins over reactivated
  EXPECT_EQ(cls(3, 40, 0.3, 0), LifecycleStage::kAtRisk);
  EXPECT_EQ(cls(6, 40, 0.9, 30), LifecycleStage::kReactivated); // reactivated wins over loyal
  EXPECT_EQ(cls(6, 40, 0.9, 2), LifecycleStage::kLoyal);
  EXPECT_EQ(cls(1, 40, 0.9, 2), LifecycleStage::kActive);
  EXPECT_EQ(to_string(LifecycleStage::kAtRisk), "at_risk");
  EXPECT_EQ(LifecycleThresholds::for_unit(TimeUnit::kDay).reactivation_gap, 26 * 7);  // 26 weeks in days
  // Distinct days up to day 30: 1, 5, 19; the last two are 19 - 5 = 14 days = 2 weeks apart.
  EXPECT_EQ(last_purchase_gap(std::vector<std::int32_t>{1, 5, 5, 19, 40}, 30, TimeUnit::kWeek), 2.0);
}

TEST(ClvHoldout, MaeAndCorrelation) {
  const std::vector<double> pred = {1, 2, 3, 4}, act = {2, 2, 4, 6};
  // Hand computation. MAE = (|1-2| + |2-2| + |3-4| + |4-6|) / 4 = 4 / 4 = 1.
  EXPECT_DOUBLE_EQ(mean_absolute_error(pred, act), 1.0);
  // Deviations from the means 2.5 and 3.5: (-1.5, -0.5, 0.5, 1.5) and (-1.5, -1.5, 0.5, 2.5);
  // cross products sum to 7, squares to 5 and 11: r = 7 / sqrt(5 * 11).
  EXPECT_NEAR(pearson_correlation(pred, act), 7.0 / std::sqrt(55.0), 1e-14);
  EXPECT_TRUE(std::isnan(pearson_correlation(pred, std::vector<double>{1, 1, 1, 1})));
}

TEST(ClvScoring, BgNbdGridPathMatchesHashedPath) {
  // Customers on a day grid (weeks of whole days) with some off the grid and some x >= kGridX:
  // the dense-table path (per-step logs, per-x odds scale) agrees with the hashed path.
  std::mt19937_64 rng(9);
  std::geometric_distribution<int> xs(0.3);
  std::uniform_int_distribution<int> days(0, 1100);
  const std::size_t n = 200000;
  std::vector<double> x(n), t_x(n), T(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int dT = days(rng);
    T[i] = dT / 7.0;
    x[i] = i % 97 == 0 ? 300.0 : xs(rng);
    t_x[i] = x[i] > 0 ? std::uniform_int_distribution<int>(0, dT)(rng) / 7.0 : 0.0;
    if (i % 101 == 0) T[i] += 1e-3;  // off the grid
  }
  std::vector<double> clv_h, clv_w;
  clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, clv_h, clv_w);
  const std::vector<HorizonSet> sets = {{{52.0}, {1.0}}, {clv_h, clv_w}, {{13.0}, {1.0}}};
  std::vector<double> g0(n), g1(n), g2(n), gp(n), h0(n), h1(n), h2(n), hp(n);
  BgNbdScorer grid(kCdnowBg, sets), hashed(kCdnowBg, sets);
  grid.set_time_grid(7.0);
  const std::span<double> go[3] = {g0, g1, g2}, ho[3] = {h0, h1, h2};
  grid.score_sets(x, t_x, T, go, gp);
  hashed.score_sets(x, t_x, T, ho, hp);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_NEAR(gp[i], hp[i], 1e-12 * hp[i] + 1e-300) << i;
    ASSERT_NEAR(g0[i], h0[i], 1e-12 * h0[i] + 1e-300) << i;
    ASSERT_NEAR(g1[i], h1[i], 1e-12 * h1[i] + 1e-300) << i;
    ASSERT_NEAR(g2[i], h2[i], 1e-12 * h2[i] + 1e-300) << i;
  }
  // One set alone equals the first set of the fused scorer.
  std::vector<double> one(n);
  BgNbdScorer single(kCdnowBg, {52.0}, {1.0});
  single.set_time_grid(7.0);
  single.score(x, t_x, T, one);
  for (std::size_t i = 0; i < n; i += 7) ASSERT_EQ(one[i], g0[i]) << i;
}

TEST(ClvScoring, ParetoNbdGridMemoMatchesRowFormula) {
  // Day-grid customers (memoised end terms and horizon sums) against pareto_nbd_row per customer.
  std::mt19937_64 rng(4);
  std::geometric_distribution<int> xs(0.3);
  std::uniform_int_distribution<int> days(0, 900);
  const std::size_t n = 20000;
  std::vector<double> x(n), t_x(n), T(n), v(n), pa(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int dT = days(rng);
    T[i] = dT / 7.0;
    x[i] = i % 53 == 0 ? 400.0 : xs(rng);  // x >= 256: row-by-row path
    t_x[i] = x[i] > 0 ? std::uniform_int_distribution<int>(0, dT)(rng) / 7.0 : 0.0;
  }
  const std::vector<double> h = {4.345, 8.69, 52.14}, w = {0.5, 0.3, 0.2};
  for (const ParetoNbdParams& p : {kCdnowPn, ParetoNbdParams{0.55, 11.67, 0.61, 10.58}}) {
    pareto_nbd_score(p, h, w, x, t_x, T, v, pa);
    for (std::size_t i = 0; i < n; i += 3) {
      const ParetoNbdRow row = pareto_nbd_row(p, x[i], t_x[i], T[i], false);
      const double alive = 1.0 / (1.0 + std::exp(row.log_dead_term - row.log_alive_term));
      double value = 0.0;
      for (std::size_t k = 0; k < h.size(); ++k) {
        const double l = std::log1p(h[k] / (p.beta + T[i]));
        value += w[k] * (p.r + x[i]) * (p.beta + T[i]) / (p.alpha + T[i]) * -std::expm1(-(p.s - 1) * l) / (p.s - 1);
      }
      ASSERT_NEAR(pa[i], alive, 1e-12 * alive + 1e-300) << i;
      ASSERT_NEAR(v[i], value * alive, 1e-12 * value * alive + 1e-300) << i;
    }
  }
}

TEST(ClvScoring, BgNbdInstalledGridValuesMatchSelfFilling) {
  // The shared fill (crmpi clv at several ranks): keys of two halves of the customers, their
  // union filled by two other scorers in two slices, installed: the scores are bit-identical to
  // a scorer filling its own table entry by entry during score_sets, and to one scoring the
  // customers one at a time (a series lane's value does not depend on the batch it runs in).
  std::mt19937_64 rng(11);
  std::geometric_distribution<int> xs(0.25);
  std::uniform_int_distribution<int> days(0, 800);
  const std::size_t n = 30000;
  std::vector<double> x(n), t_x(n), T(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int dT = days(rng);
    T[i] = dT / 7.0;
    x[i] = i % 89 == 0 ? 260.0 : xs(rng);
    t_x[i] = x[i] > 0 ? std::uniform_int_distribution<int>(0, dT)(rng) / 7.0 : 0.0;
    if (i % 103 == 0) t_x[i] += 1e-3;  // t_x off the grid: hashed path for P(alive), table for T
  }
  std::vector<double> clv_h, clv_w;
  clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, clv_h, clv_w);
  const std::vector<HorizonSet> sets = {{{52.0}, {1.0}}, {clv_h, clv_w}, {{13.0}, {1.0}}};
  auto make = [&] {
    BgNbdScorer s(kCdnowBg, sets);
    s.set_time_grid(7.0);
    return s;
  };
  std::vector<double> a0(n), a1(n), a2(n), ap(n), b0(n), b1(n), b2(n), bp(n);
  BgNbdScorer self = make();
  const std::span<double> ao[3] = {a0, a1, a2}, bo[3] = {b0, b1, b2};
  self.score_sets(x, t_x, T, ao, ap);

  const std::size_t half = n / 2;
  BgNbdScorer shared = make(), filler0 = make(), filler1 = make();
  std::vector<BgNbdScorer::GridKey> keys = shared.grid_keys(std::span(x).first(half), std::span(T).first(half));
  const std::vector<BgNbdScorer::GridKey> more = shared.grid_keys(std::span(x).subspan(half), std::span(T).subspan(half));
  ASSERT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  keys.insert(keys.end(), more.begin(), more.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  ASSERT_GT(keys.size(), 1000u);
  const std::size_t cut = keys.size() / 3;
  std::vector<double> values = filler0.grid_values(std::span(keys).first(cut));
  const std::vector<double> rest = filler1.grid_values(std::span(keys).subspan(cut));
  values.insert(values.end(), rest.begin(), rest.end());
  ASSERT_EQ(values.size(), keys.size() * shared.set_count());
  shared.install(keys, values);
  shared.score_sets(x, t_x, T, bo, bp);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(ap[i], bp[i]) << i;
    ASSERT_EQ(a0[i], b0[i]) << i;
    ASSERT_EQ(a1[i], b1[i]) << i;
    ASSERT_EQ(a2[i], b2[i]) << i;
  }
  BgNbdScorer one = make();
  for (std::size_t i = 0; i < n; i += 13) {
    double v[3], pa = 0;
    const std::span<double> vo[3] = {{&v[0], 1}, {&v[1], 1}, {&v[2], 1}};
    one.score_sets(std::span(x).subspan(i, 1), std::span(t_x).subspan(i, 1), std::span(T).subspan(i, 1), vo,
                   std::span(&pa, 1));
    ASSERT_EQ(pa, ap[i]) << i;
    ASSERT_EQ(v[0], a0[i]) << i;
    ASSERT_EQ(v[1], a1[i]) << i;
    ASSERT_EQ(v[2], a2[i]) << i;
  }
}

TEST(ClvScoring, BgNbdSharedHorizonComputedOnce) {
  // crmpi clv's 12-month horizon is also the CLV's last month: the fused scorer sums that series
  // once for both sets, and each set's values equal those of a scorer of that set alone.
  std::vector<double> clv_h, clv_w;
  clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, clv_h, clv_w);
  const double horizon = 12.0 * month_length(TimeUnit::kWeek);
  ASSERT_EQ(clv_h.back(), horizon);
  std::mt19937_64 rng(5);
  std::geometric_distribution<int> xs(0.2);
  std::uniform_int_distribution<int> days(0, 700);
  const std::size_t n = 5000;
  std::vector<double> x(n), t_x(n), T(n), f0(n), f1(n), s0(n), s1(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int dT = days(rng);
    T[i] = dT / 7.0;
    x[i] = xs(rng);
    t_x[i] = x[i] > 0 ? std::uniform_int_distribution<int>(0, dT)(rng) / 7.0 : 0.0;
  }
  BgNbdScorer fused(kCdnowBg, {{{horizon}, {1.0}}, {clv_h, clv_w}}), first(kCdnowBg, {horizon}, {1.0}),
      second(kCdnowBg, clv_h, clv_w);
  for (BgNbdScorer* s : {&fused, &first, &second}) s->set_time_grid(7.0);
  const std::span<double> fo[2] = {f0, f1};
  fused.score_sets(x, t_x, T, fo, {});
  first.score(x, t_x, T, s0);
  second.score(x, t_x, T, s1);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(f0[i], s0[i]) << i;
    ASSERT_EQ(f1[i], s1[i]) << i;
  }
}
