// parallel_fpgrowth over weighted baskets whose weights pass 2^32 (merged baskets of a very large
// platform): the itemsets and their counts are the brute force's (every subset of the 10 items
// weighed over all the baskets, which every rank regenerates), at every rank count. At 2 ranks and
// more the group-dependent transactions, weights included, cross the shuffle (jobs/rules/pfp.cpp's
// records carry a weight in two 32-bit halves).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "comm/comm.hpp"
#include "jobs/rules/pfp.hpp"

namespace crmpi::rules_job {
namespace {

using fpgrowth::Count;
constexpr std::uint32_t kItems = 10;

// Basket b of the seed's population: 1 .. 6 ids skewed to low ids (some repeated), and a weight
// of 2^32 times 1 .. 3 plus up to 2^20: every weight has both halves set.
std::pair<std::vector<std::uint32_t>, Count> basket(std::uint64_t seed, std::size_t b) {
  std::mt19937_64 rng(seed * 1000003 + b);
  std::vector<std::uint32_t> ids;
  const std::size_t len = 1 + rng() % 6;
  for (std::size_t i = 0; i < len; ++i)
    ids.push_back(static_cast<std::uint32_t>((rng() % kItems) % (1 + rng() % kItems)));
  const Count weight = (Count{1 + rng() % 3} << 32) + rng() % (Count{1} << 20);
  return {ids, weight};
}

// Every itemset (a bit mask of ids) whose baskets weigh at least min_count in all.
std::map<std::uint32_t, Count> brute_force(std::uint64_t seed, std::size_t n, Count min_count) {
  std::vector<std::pair<std::uint32_t, Count>> masks(n, {0, 0});
  for (std::size_t b = 0; b < n; ++b) {
    const auto [ids, weight] = basket(seed, b);
    for (const auto id : ids) masks[b].first |= std::uint32_t{1} << id;
    masks[b].second = weight;
  }
  std::map<std::uint32_t, Count> out;
  for (std::uint32_t s = 1; s < (std::uint32_t{1} << kItems); ++s) {
    Count c = 0;
    for (const auto& [m, w] : masks) c += (m & s) == s ? w : 0;
    if (c >= min_count) out.emplace(s, c);
  }
  return out;
}

TEST(PfpWeights, WeightsPast32BitsCountedWholeAtEveryRankCount) {
  Comm comm;
  const auto r = static_cast<std::size_t>(comm.rank()), P = static_cast<std::size_t>(comm.size());
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const std::size_t n = 150 + 40 * seed;
    WeightedBaskets mine;
    for (std::size_t b = n * r / P; b < n * (r + 1) / P; ++b) {
      const auto [ids, weight] = basket(seed, b);
      mine.ids.insert(mine.ids.end(), ids.begin(), ids.end());
      mine.offsets.push_back(mine.ids.size());
      mine.weight.push_back(weight);
    }
    const PfpParams p{.min_support = 0.02 * static_cast<double>(1 + seed % 3), .min_count = 1};
    const PfpResult got = parallel_fpgrowth(comm, BasketView(mine), kItems, p);
    EXPECT_GT(got.min_count, Count{1} << 32) << "seed " << seed;  // the support is a weight past 2^32
    std::map<std::uint32_t, Count> masks;
    for (std::size_t i = 0; i < got.itemsets.size(); ++i) {
      std::uint32_t m = 0;
      for (const auto rank : got.itemsets[i]) m |= std::uint32_t{1} << got.flist.ids[rank];
      masks.emplace(m, got.itemsets.counts[i]);
    }
    const auto want = brute_force(seed, n, got.min_count);
    EXPECT_GT(want.size(), std::size_t{kItems}) << "seed " << seed;  // itemsets of two items and more
    EXPECT_EQ(masks, want) << "seed " << seed;
  }
}

}  // namespace
}  // namespace crmpi::rules_job
