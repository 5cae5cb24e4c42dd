// WideSum (kernels/common/wide_sum.hpp): exact sums on a 2^-64 grid, rounded once.
// Expected values: (1) sums of values on a coarser dyadic grid (k 2^-40, |k| < 2^50), whose
// exact sum the test computes independently in a 128-bit integer and converts with the
// compiler's correctly rounded int128 -> double conversion: WideSum must give the same bits, in
// any order; (2) cancellations whose exact result is known by construction; (3) the limbs
// (what comm/exact_sum.hpp reduces across ranks) rebuild the same sum and add up limbwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/common/wide_sum.hpp"

namespace crmpi {
namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

double wide(const std::vector<double>& v) {
  WideSum s;
  for (const double x : v) s.add(x);
  return s.value();
}

TEST(WideSum, DyadicValuesSumExactlyAndRoundOnceInAnyOrder) {
  __extension__ using Int128 = __int128;
  std::mt19937_64 rng(3);
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{1000}, std::size_t{100000}}) {
    std::vector<double> v;
    Int128 exact = 0;
    for (std::size_t i = 0; i < n; ++i) {
      // |k| < 2^50, scaled down by 2^40 (exact in a double): magnitudes 2^-40 .. 2^10.
      const auto k = static_cast<std::int64_t>(rng() >> (14 + rng() % 50)) * ((rng() & 1) ? 1 : -1);
      v.push_back(std::ldexp(static_cast<double>(k), -40));
      exact += k;
    }
    const double want = std::ldexp(static_cast<double>(exact), -40);  // rounded once (int128 -> double)
    EXPECT_TRUE(same_bits(wide(v), want)) << n << ": " << wide(v) << " vs " << want;
    std::shuffle(v.begin(), v.end(), rng);
    EXPECT_TRUE(same_bits(wide(v), want)) << n << " shuffled";
    std::reverse(v.begin(), v.end());
    EXPECT_TRUE(same_bits(wide(v), want)) << n << " reversed";
  }
}

TEST(WideSum, CancellationsThatPlainDoublesLose) {
  // 1e29 + 1 - 1e29: the double sum is 0, the exact sum 1.
  EXPECT_EQ(wide({1e29, 1.0, -1e29}), 1.0);
  // 2^-60 survives next to 2^40 (exact on the 2^-64 grid): (2^40 + 2^-60) - 2^40.
  EXPECT_EQ(wide({0x1p40, 0x1p-60, -0x1p40}), 0x1p-60);
  // A tie broken by a sticky bit far below: 2^53 + 1 + 2^-50 rounds up to 2^53 + 2.
  EXPECT_EQ(wide({0x1p53, 1.0, 0x1p-50}), 0x1p53 + 2.0);
  // The same tie without it rounds to even: 2^53.
  EXPECT_EQ(wide({0x1p53, 1.0}), 0x1p53);
  // Negative totals, and the sum of a value and its negation is exactly 0.
  EXPECT_EQ(wide({-3.25, 1.0}), -2.25);
  EXPECT_EQ(wide({1e-3, -1e-3}), 0.0);
  EXPECT_EQ(wide({}), 0.0);
}

TEST(WideSum, BelowTheGridAndOutOfRange) {
  // Below 2^-64 a value is truncated: 2^-70 adds nothing; 2^-64 (1 + 2^-52) keeps 2^-64.
  EXPECT_EQ(wide({0x1p-70, 0x1p-70}), 0.0);
  EXPECT_EQ(wide({std::nextafter(0x1p-64, 1.0)}), 0x1p-64);
  EXPECT_TRUE(std::isnan(wide({1.0, std::numeric_limits<double>::infinity()})));
  EXPECT_TRUE(std::isnan(wide({1.0, std::numeric_limits<double>::quiet_NaN()})));
  EXPECT_TRUE(std::isnan(wide({0x1p100})));  // |value| must stay below 2^100
  EXPECT_EQ(wide({std::nextafter(0x1p100, 0.0), -std::nextafter(0x1p100, 0.0), 5.0}), 5.0);
}

TEST(WideSum, LimbsRebuildTheSumAndAddUpLimbwise) {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<WideSum> parts(5);
  WideSum whole;
  for (int i = 0; i < 20000; ++i) {
    const double v = u(rng) * std::pow(10.0, static_cast<double>(rng() % 40) - 20);
    parts[rng() % parts.size()].add(v);
    whole.add(v);
  }
  WideSum::Limbs total{};
  for (const WideSum& p : parts) {
    const WideSum::Limbs l = p.limbs();
    EXPECT_TRUE(same_bits(WideSum::from_limbs(l).value(), p.value()));
    for (std::size_t k = 0; k < total.size(); ++k) total[k] += l[k];
  }
  EXPECT_TRUE(same_bits(WideSum::from_limbs(total).value(), whole.value()));
  WideSum merged;
  for (const WideSum& p : parts) merged.add(p);
  EXPECT_TRUE(same_bits(merged.value(), whole.value()));
  WideSum bad;
  bad.add(std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(WideSum::from_limbs(bad.limbs()).value()));
}

}  // namespace
}  // namespace crmpi
