// The driver's local steps by hand: the F-list and a basket's ranks, the work estimate, the greedy
// LPT grouping, Spark's genCondTransactions (GroupSplitter), the canonical itemset order and the
// count lookup.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

#include "kernels/fpgrowth/flist.hpp"
#include "kernels/fpgrowth/groups.hpp"
#include "kernels/fpgrowth/itemsets.hpp"

using namespace crmpi::fpgrowth;

// Counts by id 3 0 5 3 1 at min count 2: id 2 (5), then ids 0 and 3 (3 each) by id.
TEST(FpGrowthGroups, FListAndBasketRanks) {
  const std::vector<Count> counts{3, 0, 5, 3, 1};
  const FList f = make_flist(counts, 2);
  EXPECT_EQ(f.ids, (std::vector<std::uint32_t>{2, 0, 3}));
  EXPECT_EQ(f.counts, (std::vector<Count>{5, 3, 3}));
  EXPECT_EQ(f.rank_of_id, (std::vector<Rank>{1, kNotFrequent, 0, 2, kNotFrequent}));
  std::vector<Rank> ranks;
  basket_ranks(std::vector<std::uint32_t>{3, 3, 0, 4, 2, 1}, f, ranks);
  EXPECT_EQ(ranks, (std::vector<Rank>{0, 1, 2}));
  EXPECT_THROW(basket_ranks(std::vector<std::uint32_t>{5}, f, ranks), std::out_of_range);
  EXPECT_THROW(make_flist(counts, 0), std::invalid_argument);
  EXPECT_EQ(make_flist(counts, 6).size(), 0u);
}

// Baskets of 1 to 80 ids (short ones are ranked by insertion, long ones by a sort: both ways),
// repeats and infrequent ids included: the ranks are the sorted distinct frequent ones, as a
// std::set of the frequent ids' ranks gives them.
TEST(FpGrowthGroups, BasketRanksShortAndLong) {
  std::vector<Count> counts(50);
  for (std::size_t id = 0; id < counts.size(); ++id) counts[id] = (id * 7) % 11;  // 0..10
  const FList f = make_flist(counts, 4);
  std::uint64_t state = 12345;
  std::vector<Rank> ranks;
  for (std::size_t len = 1; len <= 80; ++len) {
    std::vector<std::uint32_t> ids;
    std::set<Rank> want;
    for (std::size_t j = 0; j < len; ++j) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      const auto id = static_cast<std::uint32_t>((state >> 33) % counts.size());
      ids.push_back(id);
      if (counts[id] >= 4) want.insert(f.rank_of_id[id]);
    }
    basket_ranks(ids, f, ranks);
    EXPECT_EQ(ranks, std::vector<Rank>(want.begin(), want.end())) << "basket of " << len << " ids";
  }
}

// Basket [0, 2, 5] of weight 2: prefixes of length 1, 2 and 3.
TEST(FpGrowthGroups, PrefixWork) {
  std::vector<Count> work(6, 0);
  add_prefix_work(std::vector<Rank>{0, 2, 5}, 2, work);
  EXPECT_EQ(work, (std::vector<Count>{2, 0, 4, 0, 0, 6}));
  EXPECT_THROW(add_prefix_work(std::vector<Rank>{6}, 1, work), std::out_of_range);
}

// Work 10 7 6 5 4 over two groups: 10 -> g0; 7 -> g1; 6 -> g1 (7 < 10); 5 -> g0 (10 < 13); 4 -> g1
// (13 < 15). Equal loads go to the lowest group, equal work to the lowest rank first.
TEST(FpGrowthGroups, GreedyLongestProcessingTime) {
  const GroupAssignment a = assign_groups(std::vector<Count>{10, 7, 6, 5, 4}, 2);
  EXPECT_EQ(a.group_of_rank, (std::vector<std::uint32_t>{0, 1, 1, 0, 1}));
  EXPECT_EQ(a.work, (std::vector<Count>{15, 17}));
  const GroupAssignment ties = assign_groups(std::vector<Count>{5, 5, 5, 5}, 2);
  EXPECT_EQ(ties.group_of_rank, (std::vector<std::uint32_t>{0, 1, 0, 1}));
  // Heavy items first: the round-robin order would put 9 and 8 together.
  const GroupAssignment skew = assign_groups(std::vector<Count>{9, 1, 8, 1, 1, 1}, 2);
  EXPECT_NE(skew.group_of_rank[0], skew.group_of_rank[2]);
  EXPECT_EQ(skew.work, (std::vector<Count>{11, 10}));
  EXPECT_EQ(assign_groups(std::vector<Count>{}, 3).work, (std::vector<Count>{0, 0, 0}));
  EXPECT_THROW(assign_groups(std::vector<Count>{1}, 0), std::invalid_argument);
}

// Basket [0, 1, 2, 3, 4], groups by rank 0 1 0 2 1: from the end, rank 4 (g1) -> its first 5,
// rank 3 (g2) -> 4, rank 2 (g0) -> 3; ranks 1 and 0 belong to groups already served.
TEST(FpGrowthGroups, SplitterIsGenCondTransactions) {
  const std::vector<std::uint32_t> group_of_rank{0, 1, 0, 2, 1};
  GroupSplitter s(group_of_rank, 3);
  const auto out = s.split(std::vector<Rank>{0, 1, 2, 3, 4});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].group, 1u);
  EXPECT_EQ(out[0].length, 5u);
  EXPECT_EQ(out[1].group, 2u);
  EXPECT_EQ(out[1].length, 4u);
  EXPECT_EQ(out[2].group, 0u);
  EXPECT_EQ(out[2].length, 3u);
  // The next basket starts afresh.
  const auto again = s.split(std::vector<Rank>{0, 2});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].group, 0u);
  EXPECT_EQ(again[0].length, 2u);
  EXPECT_TRUE(s.split(std::vector<Rank>{}).empty());
  EXPECT_THROW(s.split(std::vector<Rank>{5}), std::out_of_range);
  EXPECT_THROW(GroupSplitter(group_of_rank, 2), std::invalid_argument);
}

// {5} < {3,5} < {1,3,5} < {2,3,5} < {6}: the least frequent item decides first.
TEST(FpGrowthGroups, CanonicalOrderAndLookup) {
  Itemsets s;
  s.add(std::vector<Rank>{6}, 1);
  s.add(std::vector<Rank>{2, 3, 5}, 2);
  s.add(std::vector<Rank>{5}, 3);
  s.add(std::vector<Rank>{1, 3, 5}, 4);
  s.add(std::vector<Rank>{3, 5}, 5);
  EXPECT_FALSE(is_canonical(s));
  const ItemsetIndex unsorted(s);
  EXPECT_EQ(unsorted.find(std::vector<Rank>{1, 3, 5}), Count{4});
  EXPECT_EQ(unsorted.find(std::vector<Rank>{1, 5}), std::nullopt);
  sort_canonical(s);
  EXPECT_TRUE(is_canonical(s));
  EXPECT_EQ(s.counts, (std::vector<Count>{3, 5, 4, 2, 1}));
  const ItemsetIndex sorted(s);
  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(sorted.find(s[i]), s.counts[i]);
  EXPECT_EQ(sorted.find(std::vector<Rank>{}), std::nullopt);
  EXPECT_EQ(sorted.find(std::vector<Rank>{7}), std::nullopt);
  s.add(std::vector<Rank>{5}, 3);
  EXPECT_THROW(ItemsetIndex{s}, std::invalid_argument);
}

// The hash lookup against a direct count: of the 4,096 subsets of 12 ranks, every third one (by
// its bit pattern) is in the set, added in a scrambled order. Each present subset is found at its
// place in the canonical order (the set sorted by colex_less, computed here apart), each absent
// one is not found, and the empty set is never there.
TEST(FpGrowthGroups, LookupOfEverySubsetPresentOrNot) {
  const auto ranks_of = [](unsigned bits) {
    std::vector<Rank> r;
    for (Rank b = 0; b < 12; ++b)
      if (bits >> b & 1u) r.push_back(b);
    return r;
  };
  Itemsets s;
  for (unsigned i = 0; i < 4096; ++i) {
    const unsigned bits = (i * 2654435761u) % 4096u;  // odd multiplier: a permutation of 0..4095
    if (bits != 0 && bits % 3 == 0) s.add(ranks_of(bits), bits);
  }
  Itemsets canonical = s;
  sort_canonical(canonical);
  const ItemsetIndex index(s);
  std::size_t found = 0;
  for (unsigned bits = 0; bits < 4096; ++bits) {
    const std::vector<Rank> r = ranks_of(bits);
    const auto pos = index.position(r);
    if (bits != 0 && bits % 3 == 0) {
      ASSERT_TRUE(pos.has_value()) << bits;
      EXPECT_TRUE(std::ranges::equal(canonical[*pos], r)) << bits;
      EXPECT_EQ(index.find(r), Count{bits});
      ++found;
    } else {
      EXPECT_FALSE(pos.has_value()) << bits;
    }
  }
  EXPECT_EQ(found, 1365u);  // multiples of 3 in 1..4095
}

// split_by_group against GroupSplitter's prefixes counted in a std::map per group: random
// transactions over 9 ranks, each at most once (sorted: a std::map's order) with weights 0 to 3,
// random groupings of 1 to 4 groups. Sorted input: each group's range is the map, in its order.
// The same transactions shuffled: each group's range holds the same prefixes with the same total
// weights (counted again in a std::map).
TEST(FpGrowthGroups, SplitByGroupIsGenCondTransactionsMerged) {
  using Expected = std::map<std::vector<Rank>, Count>;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    constexpr Rank kRanks = 9;
    Expected input;
    for (std::size_t i = 0; i < 20 + seed * 5; ++i) {
      std::vector<Rank> t;
      for (Rank r = 0; r < kRanks; ++r)
        if (rng() % 3 == 0) t.push_back(r);
      input[t] = rng() % 4;
    }
    const auto groups = 1 + static_cast<std::uint32_t>(rng() % 4);
    std::vector<std::uint32_t> group_of_rank(kRanks);
    for (auto& g : group_of_rank) g = static_cast<std::uint32_t>(rng() % groups);
    std::vector<Expected> want(groups);
    GroupSplitter splitter(group_of_rank, groups);
    Transactions sorted;
    for (const auto& [items, weight] : input) {
      sorted.add(items, weight);
      if (weight == 0) continue;
      for (const GroupPrefix& g : splitter.split(items))
        want[g.group][std::vector<Rank>(items.begin(), items.begin() + g.length)] += weight;
    }
    const auto range = [](const GroupedTransactions& got, std::uint32_t g) {
      std::vector<std::pair<std::vector<Rank>, Count>> r;
      for (std::size_t t = got.first[g]; t < got.first[g + 1]; ++t)
        r.emplace_back(std::vector<Rank>(got.t[t].begin(), got.t[t].end()), got.t.weights[t]);
      return r;
    };
    const GroupedTransactions got = split_by_group(sorted, group_of_rank, groups);
    ASSERT_EQ(got.first.size(), groups + 1);
    EXPECT_EQ(got.first.back(), got.t.size());
    for (std::uint32_t g = 0; g < groups; ++g) {
      const std::vector<std::pair<std::vector<Rank>, Count>> expected(want[g].begin(), want[g].end());
      EXPECT_EQ(range(got, g), expected) << "group " << g;
    }

    std::vector<std::size_t> order(sorted.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    Transactions shuffled;
    for (const std::size_t i : order) shuffled.add(sorted[i], sorted.weights[i]);
    const GroupedTransactions unsorted = split_by_group(shuffled, group_of_rank, groups);
    for (std::uint32_t g = 0; g < groups; ++g) {
      Expected counted;
      for (const auto& [items, weight] : range(unsorted, g)) counted[items] += weight;
      EXPECT_EQ(counted, want[g]) << "group " << g;
    }
  }
  Transactions t;
  t.add(std::vector<Rank>{0, 3}, 1);
  EXPECT_THROW(split_by_group(t, std::vector<std::uint32_t>{0, 0}, 1), std::out_of_range);
}
