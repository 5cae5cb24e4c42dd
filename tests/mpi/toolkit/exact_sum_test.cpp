// ExactSum: the global sum of a multiset of doubles is the same bits whatever the partition over
// ranks and the order of addition. Expected values, computed by every rank from the whole
// regenerated data: (1) the fixed-point sum the header specifies (each value rounded to 2^-24,
// added exactly in a 128-bit integer here in the test), bit for bit; (2) a compensated
// long-double sum of the unrounded values, within the rounding bound n * 2^-25 plus the final
// rounding; (3) ExactSum on one rank (MPI_COMM_SELF) over the whole data, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "comm/comm.hpp"
#include "comm/exact_sum.hpp"
#include "tests/mpi/toolkit/partitions.hpp"

namespace crmpi {
namespace {

using crmpi_test::kShapes;
using crmpi_test::share;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Values over 14 decades (1e-8 .. 1e5), both signs, exact cancellations (x then -x), values
// under half the 2^-24 grid step (they round to 0) and values near the 2^38 limit.
std::vector<double> global_values(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v;
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 7) {
      case 1: v.push_back(-v.back()); break;
      case 2: v.push_back(u(rng) * 1e-9); break;
      case 3: v.push_back(0x1p38 - 0x1p-15 * static_cast<double>(1 + rng() % 1000)); break;  // 2^-15: ulp below 2^38
      default: v.push_back(u(rng) * std::pow(10.0, static_cast<double>(rng() % 14) - 8)); break;
    }
  }
  return v;
}

// The specified result, computed independently: round each value to the 2^-24 grid, add exactly.
double fixed_point_sum(std::span<const double> v) {
  __extension__ using Int128 = __int128;
  Int128 acc = 0;
  for (const double x : v) acc += static_cast<Int128>(std::llround(std::ldexp(x, ExactSum::kFractionBits)));
  return std::ldexp(static_cast<double>(acc), -ExactSum::kFractionBits);
}

// Neumaier-compensated sum in long double (64-bit significand): close to the true sum.
long double compensated_sum(std::span<const double> v) {
  long double s = 0, c = 0;
  for (const double x : v) {
    const long double t = s + x;
    c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
}

double sum_on(const Comm& comm, std::span<const double> mine) {
  ExactSum s;
  for (const double x : mine) s.add(x);
  return ExactSum::reduce(comm, std::span(&s, 1))[0];
}

TEST(ExactSum, SameBitsAtAnyPartitionAndAgainstReferences) {
  const Comm world;
  const Comm self(MPI_COMM_SELF);
  std::uint64_t seed = 11;
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{20000}}) {
    const auto all = global_values(seed++, n);
    const double want = fixed_point_sum(all);
    const double one_rank = sum_on(self, all);
    EXPECT_TRUE(same_bits(one_rank, want)) << n << ": " << one_rank << " vs " << want;
    // Rounding to the grid moves each value by at most 2^-25; the final conversion by half an ulp.
    const long double truth = compensated_sum(all);
    const double bound = static_cast<double>(n) * 0x1p-25 + std::fabs(want) * 0x1p-53 + 1e-300;
    EXPECT_LE(std::fabs(static_cast<double>(want - truth)), bound) << n;
    for (const auto shape : kShapes) {
      const auto [b, e] = share(shape, n, world.rank(), world.size());
      const double got = sum_on(world, std::span(all).subspan(b, e - b));
      EXPECT_TRUE(same_bits(got, want)) << n << " values, " << name(shape) << ": " << got << " vs " << want;
    }
  }
}

TEST(ExactSum, OrderOfAdditionDoesNotMatter) {
  const Comm world;
  const auto all = global_values(5, 5000);
  const double want = fixed_point_sum(all);
  const auto [b, e] = share(crmpi_test::Shape::kGeometric, all.size(), world.rank(), world.size());
  std::vector<double> mine(all.begin() + static_cast<std::ptrdiff_t>(b), all.begin() + static_cast<std::ptrdiff_t>(e));
  std::mt19937_64 rng(static_cast<std::uint64_t>(world.rank()) + 1);
  std::shuffle(mine.begin(), mine.end(), rng);
  EXPECT_TRUE(same_bits(sum_on(world, mine), want));
  std::reverse(mine.begin(), mine.end());
  EXPECT_TRUE(same_bits(sum_on(world, mine), want));
}

TEST(ExactSum, LargeTotalsUseEveryLimb) {
  // 300,000 values of 2^38 - 2^-15, the largest double under the limit (2^62 - 2^9 grid steps
  // each): the 128-bit total passes 2^80, the third limb. Hand value: the exact total is
  // 300000 * 2^38 - 9.155; doubles there are 16 apart (2^56 <= total < 2^57), and the nearest to
  // it is 300000 * 2^38 - 16 (6.845 away; 300000 * 2^38 is 9.155 away).
  const Comm world;
  const std::size_t n = 300000;
  const double want_pos = 300000.0 * 0x1p38 - 16.0;
  for (const auto shape : kShapes) {
    const auto [b, e] = share(shape, n, world.rank(), world.size());
    std::vector<ExactSum> sums(2);
    for (std::size_t i = b; i < e; ++i) {
      sums[0].add(0x1p38 - 0x1p-15);
      // First half positive, second half negative, paired by i % 5 (n/2 is a multiple of 5), so
      // the total is exactly 0 while a rank's partial sum can be near -2^79 grid steps.
      sums[1].add((i < n / 2 ? 1.0 : -1.0) * (0x1p38 - 0x1p-15 * static_cast<double>(1 + i % 5)));
    }
    const auto got = ExactSum::reduce(world, sums);
    EXPECT_TRUE(same_bits(got[0], want_pos)) << name(shape) << ": " << got[0];
    EXPECT_TRUE(same_bits(got[1], 0.0)) << name(shape) << ": " << got[1];
  }
}

TEST(ExactSum, NonFiniteOrTooLargeOnOneRankMakesTheSumNaNEverywhere) {
  const Comm world;
  const double bad[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), 0x1p38};
  for (const double b : bad)
    for (const int culprit : {0, world.size() - 1}) {
      std::vector<ExactSum> sums(2);
      sums[0].add(1.0);
      sums[1].add(1.0);
      if (world.rank() == culprit) sums[0].add(b);
      const auto got = ExactSum::reduce(world, sums);
      EXPECT_TRUE(std::isnan(got[0])) << b << " on rank " << culprit;
      EXPECT_EQ(got[1], static_cast<double>(world.size()));  // other accumulators unaffected
    }
}

TEST(ExactSum, NothingAddedAnywhereIsZero) {
  const Comm world;
  const auto got = ExactSum::reduce(world, std::vector<ExactSum>(3));
  for (const double g : got) EXPECT_TRUE(same_bits(g, 0.0));
  EXPECT_TRUE(ExactSum::reduce(world, std::vector<ExactSum>{}).empty());
}

}  // namespace
}  // namespace crmpi
