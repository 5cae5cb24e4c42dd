// exact_order_statistics: the value at each requested position of the globally sorted data, at
// any rank count and partition. Expected values: every rank regenerates the whole data from the
// seed and takes std::nth_element at each position.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "comm/comm.hpp"
#include "comm/exact_select.hpp"
#include "tests/mpi/toolkit/partitions.hpp"

namespace crmpi {
namespace {

using crmpi_test::kShapes;
using crmpi_test::share;

std::vector<std::int64_t> global_data(std::uint64_t seed, std::size_t n, std::int64_t lo, std::uint64_t range) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> v(n);
  // range 0 stands for all 2^64 values; the addition wraps in uint64 (no overflow UB).
  for (auto& x : v) x = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + (range ? rng() % range : rng()));
  return v;
}

std::int64_t nth(std::vector<std::int64_t> v, std::uint64_t pos) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(pos), v.end());
  return v[pos];
}

TEST(ExactSelect, MatchesNthElementOnManyShapes) {
  const Comm w;
  struct Case {
    std::size_t n;
    std::int64_t lo;
    std::uint64_t range;
  };
  const Case cases[] = {{1, 5, 1},
                        {7, -3, 2},
                        {1000, 0, 5},           // heavy ties
                        {3000, 42, 1},          // all equal
                        {5000, -1000, 100000},
                        {3000, 0, 1ULL << 40},
                        {2000, std::numeric_limits<std::int64_t>::min(), 0}};  // the whole int64 range
  std::uint64_t seed = 1;
  for (const auto& c : cases) {
    const auto data = global_data(seed++, c.n, c.lo, c.range);
    std::mt19937_64 rng(seed);
    std::vector<std::uint64_t> pos = {0, c.n - 1, c.n / 2, c.n / 3};
    for (int i = 0; i < 8; ++i) pos.push_back(rng() % c.n);
    std::vector<std::int64_t> want;
    for (const auto p : pos) want.push_back(nth(data, p));
    for (const auto shape : kShapes) {
      const auto [b, e] = share(shape, c.n, w.rank(), w.size());
      const auto got = exact_order_statistics(w, std::span(data).subspan(b, e - b), pos);
      EXPECT_EQ(got.size(), pos.size());
      for (std::size_t i = 0; i < pos.size() && i < got.size(); ++i)
        EXPECT_EQ(got[i], want[i]) << "n=" << c.n << " pos=" << pos[i] << ", " << name(shape);
    }
  }
}

TEST(ExactSelect, ExtremesOfInt64) {
  const Comm w;
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min(), kMax = std::numeric_limits<std::int64_t>::max();
  // Sorted by hand: kMin, -1, 0, kMax - 1, kMax.
  const std::vector<std::int64_t> data = {kMax, 0, kMin, kMax - 1, -1};
  const std::vector<std::uint64_t> pos = {0, 1, 2, 3, 4};
  for (const auto shape : kShapes) {
    const auto [b, e] = share(shape, data.size(), w.rank(), w.size());
    EXPECT_EQ(exact_order_statistics(w, std::span(data).subspan(b, e - b), pos),
              (std::vector<std::int64_t>{kMin, -1, 0, kMax - 1, kMax}))
        << name(shape);
  }
}

TEST(ExactSelect, NoValuesAnywhereAndNoPositions) {
  const Comm w;
  EXPECT_TRUE(exact_order_statistics(w, {}, {}).empty());
}

TEST(ExactSelect, RejectsPositionsBeyondTheData) {
  const Comm w;
  const std::vector<std::int64_t> mine = {1};
  const auto bad = static_cast<std::uint64_t>(w.size());  // one value per rank: positions 0..P-1
  EXPECT_THROW(exact_order_statistics(w, mine, std::span(&bad, 1)), std::out_of_range);
}

}  // namespace
}  // namespace crmpi
