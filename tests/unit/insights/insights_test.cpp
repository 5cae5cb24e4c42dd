// The insights kernels on hand-worked fixtures; each expectation shows its arithmetic.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/common/civil_date.hpp"
#include "kernels/insights/insights.hpp"

using namespace crmpi;
using namespace crmpi::insights;

TEST(Nps, HandWorked) {
  // 50 responses: 20 promoters, 10 detractors, 20 passives.
  // NPS = 100 (20 - 10) / 50 = 20. Per-response score mean 0.2, E[s^2] = 30/50 = 0.6,
  // var = 0.6 - 0.04 = 0.56; half-width 1.96 sqrt(0.56 / 50) = 1.96 x 0.105830 = 0.207427:
  // interval 100 x (0.2 -+ 0.207427) = [-0.7427, 40.7427].
  const Nps r = nps(50, 20, 10);
  EXPECT_DOUBLE_EQ(r.nps, 20.0);
  EXPECT_NEAR(r.low, -0.7427, 1e-4);
  EXPECT_NEAR(r.high, 40.7427, 1e-4);
  EXPECT_FALSE(r.few);
}

TEST(Nps, FewAndNone) {
  // 10 responses, all promoters: NPS 100, variance 1 - 1 = 0, interval [100, 100]; flagged (< 30).
  const Nps all = nps(10, 10, 0);
  EXPECT_DOUBLE_EQ(all.nps, 100.0);
  EXPECT_DOUBLE_EQ(all.low, 100.0);
  EXPECT_DOUBLE_EQ(all.high, 100.0);
  EXPECT_TRUE(all.few);
  // 29 responses is still few, 30 is not (the documented threshold).
  EXPECT_TRUE(nps(29, 1, 1).few);
  EXPECT_FALSE(nps(30, 1, 1).few);
  // None: NaN, flagged.
  const Nps none = nps(0, 0, 0);
  EXPECT_TRUE(std::isnan(none.nps) && std::isnan(none.low) && std::isnan(none.high));
  EXPECT_TRUE(none.few);
  // 4 detractors of 4: -100, clipped interval [-100, -100].
  EXPECT_DOUBLE_EQ(nps(4, 0, 4).low, -100.0);
}

TEST(Retention, Windows) {
  // First order day 100, as_of 300, window 90: eligible (190 <= 300).
  const std::int32_t a[] = {100, 150};  // 150 in (100, 190]: retained
  EXPECT_TRUE(retention(a, 300, 90).eligible);
  EXPECT_TRUE(retention(a, 300, 90).retained);
  const std::int32_t b[] = {100, 100, 191};  // same day is no return; 191 is past 190
  EXPECT_TRUE(retention(b, 300, 90).eligible);
  EXPECT_FALSE(retention(b, 300, 90).retained);
  const std::int32_t c[] = {100, 190};  // the window's last day counts
  EXPECT_TRUE(retention(c, 300, 90).retained);
  // 365 days: 100 + 365 = 465 > 300: not eligible (the window is not over by as_of).
  EXPECT_FALSE(retention(a, 300, 365).eligible);
  EXPECT_FALSE(retention(a, 300, 365).retained);
  // Eligible exactly when first + window == as_of.
  EXPECT_TRUE(retention(a, 190, 90).eligible);
  EXPECT_FALSE(retention(std::span<const std::int32_t>(), 300, 90).eligible);
}

TEST(Cohorts, MonthIndex) {
  EXPECT_EQ(month_index(0), 0);                              // 1970-01-01
  EXPECT_EQ(month_index(days_from_civil(1971, 3, 31)), 14);  // 12 + 2
  EXPECT_EQ(month_index(days_from_civil(2024, 2, 29)), 54 * 12 + 1);
  EXPECT_EQ(month_index(-1), -1);                            // 1969-12-31
}

TEST(Cohorts, HandWorkedMatrix) {
  // As of 2024-03-15, 3 months: cohorts 2024-01 (row 0), 2024-02 (row 1), 2024-03 (row 2).
  const std::int32_t as_of = days_from_civil(2024, 3, 15);
  Cohorts k(as_of, 3);
  EXPECT_EQ(k.first_month, month_index(days_from_civil(2024, 1, 1)));
  // Customer A: 2024-01-05 (10.00), 2024-01-20 (5.00), 2024-03-01 (7.00)
  //   row 0: month 0 one customer, 1500 cents; month 2 one customer, 700.
  const std::int32_t ad[] = {days_from_civil(2024, 1, 5), days_from_civil(2024, 1, 20), days_from_civil(2024, 3, 1)};
  const std::int64_t aa[] = {1000, 500, 700};
  k.add(ad, aa);
  // Customer B: 2024-02-10 (3.00), 2024-03-02 (4.00): row 1, months 0 and 1.
  const std::int32_t bd[] = {days_from_civil(2024, 2, 10), days_from_civil(2024, 3, 2)};
  const std::int64_t ba[] = {300, 400};
  k.add(bd, ba);
  // Customer C: first order 2023-12-31, before the window: not in the matrix.
  const std::int32_t cd[] = {days_from_civil(2023, 12, 31), days_from_civil(2024, 1, 2)};
  const std::int64_t ca[] = {100, 100};
  k.add(cd, ca);
  const std::vector<std::uint64_t> want_c{1, 0, 1, /**/ 1, 1, 0, /**/ 0, 0, 0};
  const std::vector<std::int64_t> want_r{1500, 0, 700, /**/ 300, 400, 0, /**/ 0, 0, 0};
  EXPECT_EQ(k.customers, want_c);
  EXPECT_EQ(k.revenue_cents, want_r);
}
