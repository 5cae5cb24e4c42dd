// CDNOW (Fader & Hardie's 2357-customer sample, 39-week calibration): summaries from raw orders,
// and BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma fits against published values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cdnow_data.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/summary.hpp"

using namespace crmpi::clv;

namespace {

// Ends the calling test when the summary file is absent (a skip; a failure under CI=true). 2357
// customers: the 1/10 sample of Fader, Hardie & Lee (2005) (shared/data/README.md, cdnow/).
#define LOAD_SUMMARY_OR_SKIP(rows)                                                  \
  const std::string summary_path_ = cdnow::data_path("cdnow_summary_39w.csv");      \
  CRMPI_SKIP_WITHOUT_DATA(summary_path_, "cdnow/cdnow_summary_39w.csv");            \
  const auto rows = cdnow::read_summary(summary_path_);                             \
  ASSERT_EQ(rows.size(), 2357u) << summary_path_ << ": Fader & Hardie's sample has 2357 customers"

std::vector<Triple> triples(const std::vector<cdnow::SummaryRow>& rows) {
  std::vector<Triple> t;
  for (const auto& r : rows) t.push_back({r.x, r.t_x, r.T, 1});
  return collapse_triples(t);
}

void expect_rel(double got, double want, double rel, const char* what) {
  EXPECT_NEAR(got, want, rel * std::fabs(want)) << what << ": got " << got << " want " << want
                                                << " rel err " << std::fabs(got - want) / std::fabs(want);
}

}  // namespace

TEST(ClvCdnow, BgNbdFitMatchesPublished) {
  LOAD_SUMMARY_OR_SKIP(rows);
  const FitResult f = fit_bgnbd(triples(rows));
  ASSERT_TRUE(f.converged) << f.message;
  // Published: Fader, Hardie & Lee (2005), "Counting your customers the easy way" (Marketing
  // Science 24(2)), CDNOW estimates r = 0.2426, alpha = 4.4137, a = 0.7930, b = 2.4262,
  // LL = -9582.43, as quoted in shared/data/README.md.
  expect_rel(f.estimates[0], 0.2426, 1e-3, "r");
  expect_rel(f.estimates[1], 4.4137, 1e-3, "alpha");
  expect_rel(f.estimates[2], 0.7930, 1e-3, "a");
  expect_rel(f.estimates[3], 2.4262, 1e-3, "b");
  expect_rel(f.log_likelihood, -9582.43, 1e-3, "LL");
  // Independent scipy fit (per-customer likelihood, Nelder-Mead then BFGS):
  // `/usr/bin/python3 bench/clv_reference.py ../shared/data/cdnow/cdnow_summary_39w.csv --model bgnbd`
  // -> r=0.242593 alpha=4.413532 a=0.792886 b=2.425754 LL=-9582.425561.
  EXPECT_NEAR(f.log_likelihood, -9582.4256, 1e-3);
  EXPECT_EQ(f.n_customers, 2357u);  // the summary's rows (README)
  for (double se : f.std_errors) EXPECT_TRUE(std::isfinite(se) && se > 0);
  std::printf("BG/NBD CDNOW: r=%.6f alpha=%.6f a=%.6f b=%.6f LL=%.6f se=(%.4f %.4f %.4f %.4f) it=%d\n",
              f.estimates[0], f.estimates[1], f.estimates[2], f.estimates[3], f.log_likelihood, f.std_errors[0],
              f.std_errors[1], f.std_errors[2], f.std_errors[3], f.iterations);
}

TEST(ClvCdnow, ParetoNbdFitMatchesReference) {
  LOAD_SUMMARY_OR_SKIP(rows);
  const FitResult f = fit_pareto_nbd(triples(rows));
  ASSERT_TRUE(f.converged) << f.message;
  // Reference: independent scipy fit (per-customer textbook likelihood with
  // scipy.special.hyp2f1, Nelder-Mead then BFGS):
  // `/usr/bin/python3 bench/clv_reference.py ../shared/data/cdnow/cdnow_summary_39w.csv --model pnbd`
  // -> r=0.553275, alpha=10.577612, s=0.606214, beta=11.667919, LL=-9594.973930 (rerun for this
  // comment; an earlier run gave beta=11.667913, both well inside the 1e-3 tolerance). Published
  // (BTYD/CLVTools documentation on CDNOW): r=0.55, alpha=10.58, s=0.61, beta=11.67, LL=-9594.98.
  expect_rel(f.estimates[0], 0.553275, 1e-3, "r");
  expect_rel(f.estimates[1], 10.577612, 1e-3, "alpha");
  expect_rel(f.estimates[2], 0.606214, 1e-3, "s");
  expect_rel(f.estimates[3], 11.667913, 1e-3, "beta");
  EXPECT_NEAR(f.log_likelihood, -9594.973930, 1e-3);
  std::printf("Pareto/NBD CDNOW: r=%.6f alpha=%.6f s=%.6f beta=%.6f LL=%.6f it=%d\n", f.estimates[0],
              f.estimates[1], f.estimates[2], f.estimates[3], f.log_likelihood, f.iterations);
}

TEST(ClvCdnow, GammaGammaFitMatchesPublished) {
  LOAD_SUMMARY_OR_SKIP(rows);
  std::vector<SpendPair> pairs;
  for (const auto& r : rows)
    if (r.x > 0) pairs.push_back({r.x, r.zbar, 1});
  const FitResult f = fit_gamma_gamma(collapse_spend(pairs));
  ASSERT_TRUE(f.converged) << f.message;
  // Repeat customers (x > 0) of the summary: counted with pandas,
  // `python3 -c "import pandas as pd; print((pd.read_csv('cdnow_summary_39w.csv').x > 0).sum())"` -> 946.
  EXPECT_EQ(f.n_customers, 946u);
  // Fader & Hardie (2013), "The Gamma-Gamma model of monetary value" (note, brucehardie.com):
  // p=6.25, q=3.74, gamma=15.44, LL=-4055.92 (also quoted in shared/data/README.md).
  expect_rel(f.estimates[0], 6.25, 1e-2, "p");
  expect_rel(f.estimates[1], 3.74, 1e-2, "q");
  expect_rel(f.estimates[2], 15.44, 1e-2, "gamma");
  std::printf("Gamma-Gamma CDNOW: p=%.6f q=%.6f gamma=%.6f LL=%.6f corr=%.4f warnings=%zu\n", f.estimates[0],
              f.estimates[1], f.estimates[2], f.log_likelihood, frequency_spend_correlation(collapse_spend(pairs)),
              f.warnings.size());
  for (const auto& w : f.warnings) std::printf("  warning: %s\n", w.c_str());
  // Our LL is the density of zbar (lifetimes/BTYD convention) and reproduces the note's -4055.92,
  // so the published figure uses the same convention.
  EXPECT_NEAR(f.log_likelihood, -4055.92, 0.01);
  // q > 1, and corr(x, zbar) = 0.11 over the 946 repeat customers (Fader & Hardie 2013; pandas
  // d[d.x > 0][['x', 'zbar']].corr() on the summary gives 0.1139): no warning applies.
  EXPECT_TRUE(f.warnings.empty());
}

TEST(ClvCdnow, SummaryMatchesPublishedTable) {
  LOAD_SUMMARY_OR_SKIP(rows);
  const std::string sample = cdnow::data_path("CDNOW_sample.txt");
  CRMPI_SKIP_WITHOUT_DATA(sample, "cdnow/CDNOW_sample.txt");
  const auto orders = cdnow::read_orders(sample);
  // Calibration 1997-01-01..1997-09-30, weeks; 1997-09-30 is the last calibration day (inclusive):
  // T = (1997-09-30 - first day) / 7 reproduces the csv's 38.86 for a 1997-01-01 first purchase.
  SummaryWindow w;
  w.calibration_end = cdnow::days_from_civil(1997, 9, 30);
  w.holdout_end = cdnow::days_from_civil(1998, 6, 30);
  w.unit = TimeUnit::kWeek;
  int checked = 0;
  for (const auto& r : rows) {
    auto it = orders.find(r.id);
    ASSERT_NE(it, orders.end()) << "customer " << r.id;
    auto ord = it->second;
    std::stable_sort(ord.begin(), ord.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
    std::vector<std::int32_t> days;
    std::vector<double> spend;
    for (const auto& o : ord) {
      days.push_back(o.day);
      spend.push_back(o.dollars);
    }
    const auto s = summarize_customer(days, spend, w);
    ASSERT_TRUE(s.has_value()) << "customer " << r.id;
    EXPECT_EQ(s->x, r.x) << "customer " << r.id;
    EXPECT_NEAR(s->t_x, r.t_x, 0.0051) << "customer " << r.id;
    EXPECT_NEAR(s->T, r.T, 0.0051) << "customer " << r.id;
    EXPECT_NEAR(s->mean_spend, r.zbar, 0.0051) << "customer " << r.id;
    ++checked;
  }
  EXPECT_EQ(checked, 2357);  // every customer of the published summary
}

TEST(ClvCdnow, MbgNbdFitMatchesReference) {
  LOAD_SUMMARY_OR_SKIP(rows);
  const FitResult f = fit_mbgnbd(triples(rows));
  ASSERT_TRUE(f.converged) << f.message;
  // Reference: independent scipy fit of the per-customer formula of lifetimes'
  // ModifiedBetaGeoFitter (Batislam, Denizel & Filiztekin 2007):
  // `/usr/bin/python3 bench/clv_reference.py ../shared/data/cdnow/cdnow_summary_39w.csv --model mbgnbd`
  // -> r=0.524838, alpha=6.182991, a=0.891356, b=1.614000, LL=-9582.132685; lifetimes'
  // documentation shows r 0.525, alpha 6.183, a 0.891, b 1.614 on the same summary.
  expect_rel(f.estimates[0], 0.524838, 1e-5, "r");
  expect_rel(f.estimates[1], 6.182992, 1e-5, "alpha");
  expect_rel(f.estimates[2], 0.891356, 1e-5, "a");
  expect_rel(f.estimates[3], 1.614000, 1e-5, "b");
  EXPECT_NEAR(f.log_likelihood, -9582.132685, 1e-5);
  for (double se : f.std_errors) EXPECT_TRUE(std::isfinite(se) && se > 0);
  std::printf("MBG/NBD CDNOW: r=%.6f alpha=%.6f a=%.6f b=%.6f LL=%.6f it=%d\n", f.estimates[0], f.estimates[1],
              f.estimates[2], f.estimates[3], f.log_likelihood, f.iterations);
}
