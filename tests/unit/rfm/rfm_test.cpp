// RFM accumulation up to as_of and the derived recency/tenure/average order, in one pass or in chunks.
#include "kernels/rfm/rfm.hpp"

#include <gtest/gtest.h>

namespace crmpi::rfm {
namespace {

TEST(Rfm, AccumulatesOnlyOrdersUpToAsOf) {
  // Customer 0: days 10, 20, 30 (30 after as_of); customer 1: none; customer 2: day 25.
  const std::vector<std::uint64_t> off = {100, 103, 103, 104};
  const std::vector<std::int32_t> day = {10, 20, 30, 25};
  const std::vector<std::int64_t> amt = {500, 700, 900, 1234};
  Activity a;
  a.resize(3);
  accumulate(off, 0, 3, 100, day, amt, 25, a);
  // Hand count, as_of = 25: customer 0 keeps days 10, 20 (500 + 700 cents), customer 2 day 25.
  EXPECT_EQ(a.orders, (std::vector<std::uint32_t>{2, 0, 1}));
  EXPECT_EQ(a.total_cents, (std::vector<std::int64_t>{1200, 0, 1234}));
  EXPECT_EQ(a.first_day, (std::vector<std::int32_t>{10, kNoDay, 25}));
  EXPECT_EQ(a.last_day, (std::vector<std::int32_t>{20, kNoDay, 25}));

  const std::vector<std::int32_t> signup = {5, 8, 30};
  const Metrics m = derive_metrics(a, signup, 25);
  // Recency 25 - 20 = 5, none (-1), 25 - 25 = 0; tenure 25 - 5 = 20, 25 - 8 = 17, and 0 for a
  // signup after as_of; average order 1200 / 2 = 600 cents.
  EXPECT_EQ(m.recency_days, (std::vector<std::int32_t>{5, -1, 0}));
  EXPECT_EQ(m.tenure_days, (std::vector<std::int32_t>{20, 17, 0}));  // signup after as_of is ignored
  EXPECT_DOUBLE_EQ(m.avg_order_cents[0], 600.0);
  EXPECT_DOUBLE_EQ(m.avg_order_cents[1], 0.0);
}

TEST(Rfm, ChunkedAccumulationEqualsOnePass) {
  const std::vector<std::uint64_t> off = {0, 2, 5, 6};
  const std::vector<std::int32_t> day = {1, 2, 3, 4, 5, 6};
  const std::vector<std::int64_t> amt = {1, 2, 3, 4, 5, 6};
  Activity whole, parts;
  whole.resize(3);
  parts.resize(3);
  accumulate(off, 0, 3, 0, day, amt, 100, whole);
  accumulate(off, 0, 1, 0, std::span(day).subspan(0, 2), std::span(amt).subspan(0, 2), 100, parts);
  accumulate(off, 1, 3, 2, std::span(day).subspan(2), std::span(amt).subspan(2), 100, parts);
  EXPECT_EQ(whole.orders, parts.orders);
  EXPECT_EQ(whole.total_cents, parts.total_cents);
  EXPECT_EQ(whole.last_day, parts.last_day);
}

}  // namespace
}  // namespace crmpi::rfm
