// Collapsed tables: sorted unique keys, counts preserved, merge independent of partitioning, and
// likelihoods/fits on collapsed tables equal to those on one row per customer.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/common/errors.hpp"
#include "simulate.hpp"

using namespace crmpi::clv;

namespace {
std::vector<Triple> random_customers(std::size_t n, std::uint64_t seed) {
  return clv_sim::simulate_bgnbd({0.5, 5.0, 0.8, 2.5}, n, seed, /*whole_days=*/true);
}
}  // namespace

TEST(ClvCollapse, SortedUniqueWithCounts) {
  const auto rows = random_customers(5000, 1);
  const auto t = collapse_triples(rows);
  EXPECT_LT(t.size(), rows.size());
  EXPECT_EQ(total_count(t), 5000u);
  for (std::size_t i = 1; i < t.size(); ++i) {
    EXPECT_TRUE(std::tie(t[i - 1].x, t[i - 1].t_x, t[i - 1].T) < std::tie(t[i].x, t[i].t_x, t[i].T));
  }
  EXPECT_THROW(collapse_triples(std::vector<Triple>{{1, 5, 4, 1}}), crmpi::DataError);  // t_x > T
}

TEST(ClvCollapse, MergeDoesNotDependOnPartitioning) {
  auto rows = random_customers(6000, 2);
  const auto whole = collapse_triples(rows);
  std::mt19937_64 rng(3);
  for (int parts : {1, 2, 3, 7}) {
    std::shuffle(rows.begin(), rows.end(), rng);
    std::vector<std::vector<Triple>> tables(static_cast<std::size_t>(parts));
    for (std::size_t i = 0; i < rows.size(); ++i) tables[i % tables.size()].push_back(rows[i]);
    for (auto& t : tables) t = collapse_triples(t);
    EXPECT_EQ(merge_triples(tables), whole) << parts << " parts";
  }
}

TEST(ClvCollapse, FitOnMergedTableEqualsUncollapsed) {
  const auto rows = random_customers(3000, 4);
  const auto table = collapse_triples(rows);
  const BgNbdParams p{0.4, 6.0, 0.9, 2.0};
  const double ll_rows = bgnbd_log_likelihood(p, rows), ll_table = bgnbd_log_likelihood(p, table);
  EXPECT_NEAR(ll_table, ll_rows, 1e-10 * std::fabs(ll_rows));
  const double pl_rows = pareto_nbd_log_likelihood({0.5, 6, 0.6, 8}, rows);
  const double pl_table = pareto_nbd_log_likelihood({0.5, 6, 0.6, 8}, table);
  EXPECT_NEAR(pl_table, pl_rows, 1e-10 * std::fabs(pl_rows));
  const FitResult a = fit_bgnbd(rows), b = fit_bgnbd(table);
  ASSERT_TRUE(a.converged && b.converged) << a.message << " / " << b.message;
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(a.estimates[k], b.estimates[k], 1e-5 * b.estimates[k]) << k;
  EXPECT_NEAR(a.log_likelihood, b.log_likelihood, 1e-8 * std::fabs(b.log_likelihood));
  EXPECT_EQ(a.n_customers, b.n_customers);
}

TEST(ClvCollapse, SpendPairsDropNonRepeatAndMerge) {
  const std::vector<double> x = {0, 1, 2, 1, 2, 3}, z = {0, 10, 20, 10, 25, 30};
  // Hand count: x = 0 is dropped; (1, 10) twice, (2, 20), (2, 25), (3, 30) -> 4 pairs, 5 customers.
  const auto t = collapse_spend(x, z);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0], (SpendPair{1, 10, 2}));
  EXPECT_EQ(total_count(t), 5u);
  const std::vector<std::vector<SpendPair>> parts = {collapse_spend(std::span(x).first(3), std::span(z).first(3)),
                                                     collapse_spend(std::span(x).last(3), std::span(z).last(3))};
  EXPECT_EQ(merge_spend(parts), t);
}

TEST(ClvCollapse, SpendBucketPathEqualsGenericSort) {
  // Integer x (bucketed by x, each bucket sorted by spend) against a plain std::sort + fold, with
  // repeated spends, counts > 1, zero counts and x = 0 rows; a non-integer x takes the generic
  // path and must give the generic result too.
  std::mt19937_64 rng(8);
  std::uniform_int_distribution<int> xd(0, 40), zd(1, 3000), cd(0, 3);
  std::vector<SpendPair> rows;
  for (int i = 0; i < 50000; ++i) rows.push_back({double(xd(rng)), zd(rng) / 100.0, std::uint64_t(cd(rng))});
  // One x with many rows: sorted by the spends' bit patterns (radix), +0.0 spends included.
  for (int i = 0; i < 30000; ++i) rows.push_back({1.0, i % 97 == 0 ? 0.0 : zd(rng) / 100.0, std::uint64_t(1 + cd(rng))});
  auto generic = [](std::vector<SpendPair> r) {
    std::erase_if(r, [](const SpendPair& p) { return !(p.x > 0) || p.count == 0; });
    std::sort(r.begin(), r.end(), [](const SpendPair& a, const SpendPair& b) {
      return std::tie(a.x, a.mean_spend) < std::tie(b.x, b.mean_spend);
    });
    std::vector<SpendPair> out;
    for (const auto& p : r)
      if (!out.empty() && out.back().x == p.x && out.back().mean_spend == p.mean_spend) {
        out.back().count += p.count;
      } else {
        out.push_back(p);
      }
    return out;
  };
  EXPECT_EQ(collapse_spend(rows), generic(rows));
  rows.push_back({2.5, 10.0, 1});
  EXPECT_EQ(collapse_spend(rows), generic(rows));
}

TEST(ClvCollapse, DayGridFastPathEqualsGenericSort) {
  // Whole days in weeks (the radix-sorted packed path) against a plain std::sort + fold.
  auto rows = clv_sim::simulate_bgnbd({0.8, 4.0, 1.2, 6.0}, 30000, 21, true, 1, 150);
  for (std::size_t i = 0; i < rows.size(); i += 7) rows[i].count = 1 + i % 5;
  rows.push_back({0, 0, 0, 3});  // T = 0
  const auto fast = collapse_triples(rows);
  auto ref = rows;
  std::sort(ref.begin(), ref.end(), [](const Triple& a, const Triple& b) {
    return std::tie(a.x, a.t_x, a.T) < std::tie(b.x, b.t_x, b.T);
  });
  std::vector<Triple> folded;
  for (const auto& r : ref) {
    if (!folded.empty() && folded.back().x == r.x && folded.back().t_x == r.t_x && folded.back().T == r.T)
      folded.back().count += r.count;
    else
      folded.push_back(r);
  }
  ASSERT_EQ(fast.size(), folded.size());
  for (std::size_t i = 0; i < fast.size(); ++i) ASSERT_EQ(fast[i], folded[i]) << i;
  // Off the grid: the generic path gives the same order rules.
  rows.push_back({1, 0.123456, 2.5, 1});
  const auto slow = collapse_triples(rows);
  EXPECT_EQ(slow.size(), fast.size() + 1);
}

TEST(ClvCollapse, ColumnsPathEqualsRowsPath) {
  // One customer a row from columns (keys-only sort: a pass on the top digit, then buckets sorted
  // in cache, std::sort for small ones) against the rows path (LSD on key + count), on data wide
  // enough for both bucket kinds: three years of days, 200,000 customers.
  const auto rows = clv_sim::simulate_bgnbd({1.0, 3.3, 1.2, 9.8}, 200000, 31, true, 1, 156);
  std::vector<double> x, t_x, T;
  for (const auto& r : rows) {
    x.push_back(r.x);
    t_x.push_back(r.t_x);
    T.push_back(r.T);
  }
  const auto from_columns = collapse_triples(x, t_x, T);
  EXPECT_EQ(from_columns, collapse_triples(rows));
  EXPECT_EQ(total_count(from_columns), rows.size());
}
