#include "kernels/rfm/quintiles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace crmpi::rfm {
namespace {

// Reference: score = 1 + floor(5 * L / n), L = number of values strictly smaller.
std::vector<std::uint8_t> reference_scores(const std::vector<std::int64_t>& v) {
  std::vector<std::int64_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::uint8_t> out;
  for (auto x : v) {
    const auto less = static_cast<std::uint64_t>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin());
    out.push_back(static_cast<std::uint8_t>(1 + 5 * less / v.size()));
  }
  return out;
}

CutPoints cuts_by_sorting(const std::vector<std::int64_t>& v) {
  std::vector<std::int64_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  CutPoints c;
  const auto pos = quintile_positions(v.size());
  for (std::size_t k = 0; k < 4; ++k)
    if (pos[k]) c.value[k] = sorted[*pos[k]];
  return c;
}

TEST(Quintiles, PositionsAreCeilingOfFifths) {
  const auto p = quintile_positions(10);
  EXPECT_EQ(*p[0], 1u);
  EXPECT_EQ(*p[1], 3u);
  EXPECT_EQ(*p[2], 5u);
  EXPECT_EQ(*p[3], 7u);
  const auto one = quintile_positions(1);
  for (const auto& x : one) EXPECT_EQ(*x, 0u);
  for (const auto& x : quintile_positions(0)) EXPECT_FALSE(x.has_value());
}

TEST(Quintiles, DistinctValuesSplitIntoEqualFifths) {
  std::vector<std::int64_t> v(100);
  for (int i = 0; i < 100; ++i) v[static_cast<std::size_t>(i)] = i * 3;
  const auto cuts = cuts_by_sorting(v);
  std::array<int, 6> count{};
  for (auto x : v) ++count[score(x, cuts)];
  for (int s = 1; s <= 5; ++s) EXPECT_EQ(count[static_cast<std::size_t>(s)], 20) << "score " << s;
}

TEST(Quintiles, EqualValuesAlwaysShareAScore) {
  // 45% of customers buy once: they all get score 1, and score 2 is skipped.
  std::vector<std::int64_t> v;
  for (int i = 0; i < 45; ++i) v.push_back(1);
  for (int i = 0; i < 55; ++i) v.push_back(2 + i);
  const auto cuts = cuts_by_sorting(v);
  for (int i = 0; i < 45; ++i) EXPECT_EQ(score(1, cuts), 1);
  EXPECT_EQ(score(2, cuts), 3);  // L = 45 -> 1 + floor(225/100) = 3
  EXPECT_EQ(reference_scores(v)[45], 3);
}

TEST(Quintiles, MatchesClosedFormOnRandomDataWithTies) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t n = 1 + rng() % 500;
    std::vector<std::int64_t> v(n);
    const std::int64_t range = 1 + static_cast<std::int64_t>(rng() % 40);
    for (auto& x : v) x = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(range)) - 7;
    const auto cuts = cuts_by_sorting(v);
    const auto want = reference_scores(v);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(score(v[i], cuts), want[i]) << "n=" << n << " i=" << i;
  }
}

}  // namespace
}  // namespace crmpi::rfm
