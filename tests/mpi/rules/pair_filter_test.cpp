// parallel_fpgrowth with the frequent-pair filter always, never and where it pays (PfpParams::
// pair_filter): the same F-list, itemsets and counts, at every rank count, each rank holding its
// part of baskets that are a function of the seed alone; and those itemsets are the brute-force
// ones (every subset of the 14 items counted over all the baskets, which every rank regenerates).
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <random>

#include "comm/comm.hpp"
#include "jobs/rules/pfp.hpp"

namespace crmpi::rules_job {
namespace {

using fpgrowth::Count;
constexpr std::uint32_t kItems = 14;

// Basket b of the seed's population: 1 .. 6 ids skewed to low ids, some repeated.
std::vector<std::uint32_t> basket(std::uint64_t seed, std::size_t b) {
  std::mt19937_64 rng(seed * 1000003 + b);
  std::vector<std::uint32_t> ids;
  const std::size_t len = 1 + rng() % 6;
  for (std::size_t i = 0; i < len; ++i)
    ids.push_back(static_cast<std::uint32_t>((rng() % kItems) % (1 + rng() % kItems)));  // skewed to low ids
  return ids;
}

// Every itemset (as a bit mask of ids) in at least min_count of the n baskets.
std::map<std::uint32_t, Count> brute_force(std::uint64_t seed, std::size_t n, Count min_count) {
  std::vector<std::uint32_t> masks(n, 0);
  for (std::size_t b = 0; b < n; ++b)
    for (const auto id : basket(seed, b)) masks[b] |= std::uint32_t{1} << id;
  std::map<std::uint32_t, Count> out;
  for (std::uint32_t s = 1; s < (std::uint32_t{1} << kItems); ++s) {
    Count c = 0;
    for (const auto m : masks) c += (m & s) == s ? 1 : 0;
    if (c >= min_count) out.emplace(s, c);
  }
  return out;
}

std::map<std::uint32_t, Count> as_masks(const PfpResult& r) {
  std::map<std::uint32_t, Count> out;
  for (std::size_t i = 0; i < r.itemsets.size(); ++i) {
    std::uint32_t m = 0;
    for (const auto rank : r.itemsets[i]) m |= std::uint32_t{1} << r.flist.ids[rank];
    out.emplace(m, r.itemsets.counts[i]);
  }
  return out;
}

TEST(PairFilterMpi, SameItemsetsEveryWayAndAsTheBruteForce) {
  Comm comm;
  const auto r = static_cast<std::size_t>(comm.rank()), P = static_cast<std::size_t>(comm.size());
  std::size_t filtered = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    const std::size_t n = 200 + 50 * seed;
    Baskets mine;
    for (std::size_t b = n * r / P; b < n * (r + 1) / P; ++b) {
      const auto ids = basket(seed, b);
      mine.ids.insert(mine.ids.end(), ids.begin(), ids.end());
      mine.offsets.push_back(mine.ids.size());
    }
    PfpParams p{.min_support = 0.004 * static_cast<double>(1 + seed % 5), .min_count = 1};
    p.pair_filter = PfpParams::PairFilterUse::never;
    const PfpResult never = parallel_fpgrowth(comm, mine, kItems, p);
    p.pair_filter = PfpParams::PairFilterUse::always;
    const PfpResult always = parallel_fpgrowth(comm, mine, kItems, p);
    p.pair_filter = PfpParams::PairFilterUse::automatic;
    const PfpResult automatic = parallel_fpgrowth(comm, mine, kItems, p);
    EXPECT_FALSE(never.pair_filtered);
    EXPECT_TRUE(always.pair_filtered);
    filtered += automatic.pair_filtered ? 1 : 0;
    for (const PfpResult* got : {&always, &automatic}) {
      EXPECT_EQ(got->flist.ids, never.flist.ids) << "seed " << seed;
      EXPECT_EQ(got->itemsets.offsets, never.itemsets.offsets) << "seed " << seed;
      EXPECT_EQ(got->itemsets.items, never.itemsets.items) << "seed " << seed;
      EXPECT_EQ(got->itemsets.counts, never.itemsets.counts) << "seed " << seed;
    }
    EXPECT_LT(always.cut_items_after, always.cut_items_before + 1);
    EXPECT_EQ(as_masks(always), brute_force(seed, n, always.min_count)) << "seed " << seed;
  }
  EXPECT_GT(filtered, 0u);  // automatic ran it on some seeds
}

}  // namespace
}  // namespace crmpi::rules_job
