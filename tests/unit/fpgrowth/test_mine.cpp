// FP-growth mining against the brute-force reference (every subset counted by a scan of the
// baskets) on random data over many seeds; the PFP grouping (union over groups = whole); the cap,
// max_length, the canonical order, independence from transaction order; the tree on a hand case.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>

#include "fpgrowth_test_util.hpp"
#include "kernels/fpgrowth/fp_tree.hpp"
#include "kernels/fpgrowth/groups.hpp"
#include "tests/sanitized_build.hpp"

using namespace crmpi::fpgrowth;

namespace {

struct Case {
  fpt::Baskets baskets;
  Count min_count;
  std::uint32_t max_length;
};

// Seed s: 3 .. 12 items, 5 .. 64 baskets, weights on odd seeds, a minimum count from 1 to a twelfth
// of the baskets (a third on every third seed), max_length 0 (unlimited) on most seeds, else 1 .. 4.
// Results range from a few itemsets to a couple of thousand (median about 40).
Case random_case(std::uint64_t seed) {
  std::mt19937_64 rng(seed * 7919 + 1);
  Case c;
  c.baskets = fpt::random_baskets(seed, 3 + static_cast<std::uint32_t>(seed % 10),
                                  5 + static_cast<std::uint32_t>(rng() % 60), seed % 2 == 1);
  c.min_count = 1 + rng() % std::max<Count>(1, c.baskets.total() / (seed % 3 == 0 ? 3 : 12));
  c.max_length = seed % 4 == 0 ? 1 + static_cast<std::uint32_t>(rng() % 4) : 0;
  return c;
}

struct Prepared {
  FList flist;
  Transactions t;
};
Prepared prepare(const Case& c) {
  Prepared p{make_flist(fpt::item_counts(c.baskets), c.min_count), {}};
  p.t = fpt::transactions(c.baskets, p.flist);
  return p;
}

void expect_same(const Itemsets& a, const Itemsets& b) {
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.counts, b.counts);
}

}  // namespace

TEST(FpGrowthMine, MatchesBruteForceOnRandomData) {
  std::size_t nonempty = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    SCOPED_TRACE(seed);
    const Case c = random_case(seed);
    const Prepared p = prepare(c);
    const MineResult r = mine(p.t, {.min_count = c.min_count, .max_length = c.max_length});
    EXPECT_FALSE(r.truncated);
    EXPECT_TRUE(is_canonical(r.itemsets));
    EXPECT_EQ(fpt::as_ids(r.itemsets, p.flist), fpt::brute_force(c.baskets, c.min_count, c.max_length));
    nonempty += r.itemsets.size() > 10 ? 1 : 0;
  }
  EXPECT_GT(nonempty, 100u);  // the cases are not trivially empty
}

// Merged duplicates, reversed or shuffled transactions: the same itemsets, in the same order.
TEST(FpGrowthMine, IndependentOfTransactionOrderAndMerging) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    SCOPED_TRACE(seed);
    const Case c = random_case(seed);
    const Prepared p = prepare(c);
    const MineParams params{.min_count = c.min_count, .max_length = c.max_length};
    const Itemsets base = mine(p.t, params).itemsets;

    Transactions merged = p.t;
    merge_duplicates(merged);
    EXPECT_LE(merged.size(), p.t.size());
    EXPECT_EQ(merged.total_weight(), p.t.total_weight());
    expect_same(mine(merged, params).itemsets, base);

    std::vector<std::size_t> order(p.t.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
    Transactions shuffled;
    for (const std::size_t i : order) shuffled.add(p.t[i], p.t.weights[i]);
    expect_same(mine(shuffled, params).itemsets, base);
  }
}

// PFP: split every transaction with GroupSplitter over a random grouping (or the LPT one), mine
// each group for its own items: every itemset of group g ends in an item of g, and the union,
// sorted, is exactly the ungrouped result; each group's table from split_by_group mines the same.
TEST(FpGrowthMine, UnionOverGroupsIsTheWhole) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    SCOPED_TRACE(seed);
    const Case c = random_case(seed);
    const Prepared p = prepare(c);
    const MineParams params{.min_count = c.min_count, .max_length = c.max_length};
    const Itemsets whole = mine(p.t, params).itemsets;

    std::mt19937_64 rng(seed);
    const auto groups = 1 + static_cast<std::uint32_t>(rng() % 5);
    std::vector<std::uint32_t> group_of_rank(p.flist.size());
    if (seed % 3 == 0) {
      std::vector<Count> work(p.flist.size(), 0);
      for (std::size_t i = 0; i < p.t.size(); ++i) add_prefix_work(p.t[i], p.t.weights[i], work);
      group_of_rank = assign_groups(work, groups).group_of_rank;
    } else {
      for (auto& g : group_of_rank) g = static_cast<std::uint32_t>(rng() % groups);
    }
    GroupSplitter split(group_of_rank, groups);
    std::vector<Transactions> per_group(groups);
    for (std::size_t i = 0; i < p.t.size(); ++i) {
      for (const GroupPrefix& gp : split.split(p.t[i])) {
        per_group[gp.group].add(p.t[i].first(gp.length), p.t.weights[i]);
      }
    }
    // split_by_group's tables (sorted, merged) give the same itemsets: build_tree then takes its
    // sorted input as it comes, where items dropped in the group may or may not break the order.
    Transactions merged = p.t;
    merge_duplicates(merged);
    const GroupedTransactions grouped = split_by_group(merged, group_of_rank, groups);
    // As PFP's receiver mines them: the transactions dealt to 1-3 senders, each sender's share
    // merged and split (split_by_group), group g's part of each a sorted run, the runs mined as
    // they lie (mine_group over runs: no merged copy).
    const std::size_t senders = 1 + seed % 3;
    std::vector<Transactions> shares(senders);
    for (std::size_t i = 0; i < p.t.size(); ++i) shares[i % senders].add(p.t[i], p.t.weights[i]);
    std::vector<GroupedTransactions> sent(senders);
    for (std::size_t s = 0; s < senders; ++s) {
      merge_duplicates(shares[s]);
      sent[s] = split_by_group(shares[s], group_of_rank, groups);
    }
    Itemsets uni;
    for (std::uint32_t g = 0; g < groups; ++g) {
      if (seed % 2 == 0) merge_duplicates(per_group[g]);
      const MineResult r = mine_group(per_group[g], params, group_of_rank, g);
      Transactions from_split;
      for (std::size_t t = grouped.first[g]; t < grouped.first[g + 1]; ++t) from_split.add(grouped.t[t], grouped.t.weights[t]);
      expect_same(mine_group(from_split, params, group_of_rank, g).itemsets, r.itemsets);
      std::vector<TransactionRun> runs;
      for (const GroupedTransactions& from : sent) runs.push_back({&from.t, from.first[g], from.first[g + 1]});
      expect_same(mine_group(runs, params, group_of_rank, g).itemsets, r.itemsets);
      EXPECT_TRUE(is_canonical(r.itemsets));
      for (std::size_t i = 0; i < r.itemsets.size(); ++i) EXPECT_EQ(group_of_rank[r.itemsets[i].back()], g);
      uni.append(r.itemsets);
    }
    sort_canonical(uni);
    expect_same(uni, whole);
  }
}

// max_itemsets = k: exactly the first k itemsets of the uncapped run, truncated when more exist.
TEST(FpGrowthMine, CapStopsAfterTheFirstItemsets) {
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    SCOPED_TRACE(seed);
    const Case c = random_case(seed);
    const Prepared p = prepare(c);
    const Itemsets full = mine(p.t, {.min_count = c.min_count, .max_length = c.max_length}).itemsets;
    for (const std::uint64_t k :
         {std::uint64_t{1}, full.size() / 2, full.size() - 1, full.size(), full.size() + 1}) {
      if (k == 0 || k > full.size() + 1) continue;
      const MineResult r =
          mine(p.t, {.min_count = c.min_count, .max_length = c.max_length, .max_itemsets = k});
      const std::size_t n = std::min<std::size_t>(k, full.size());
      EXPECT_EQ(r.truncated, k < full.size());
      ASSERT_EQ(r.itemsets.size(), n);
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_TRUE(std::ranges::equal(r.itemsets[i], full[i]));
        EXPECT_EQ(r.itemsets.counts[i], full.counts[i]);
      }
    }
  }
}

// max_length on a dense case where it bites: 10 items in every basket, 1023 itemsets in all.
TEST(FpGrowthMine, MaxLengthOnADenseCase) {
  Transactions t;
  const std::vector<Rank> all{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  t.add(all, 5);
  EXPECT_EQ(mine(t, {.min_count = 5}).itemsets.size(), 1023u);
  EXPECT_EQ(mine(t, {.min_count = 6}).itemsets.size(), 0u);
  EXPECT_EQ(mine(t, {.min_count = 1, .max_length = 1}).itemsets.size(), 10u);
  EXPECT_EQ(mine(t, {.min_count = 1, .max_length = 2}).itemsets.size(), 10u + 45u);
  EXPECT_EQ(mine(t, {.min_count = 1, .max_length = 3}).itemsets.size(), 10u + 45u + 120u);
  const MineResult capped = mine(t, {.min_count = 1, .max_itemsets = 100});
  EXPECT_TRUE(capped.truncated);
  EXPECT_EQ(capped.itemsets.size(), 100u);
}

// Transactions (ranks) {0,1,2} x1, {0,1,3} x2, {0,1,2} x1, {1,3} x1 make the tree
//   root -> 0 (4) -> 1 (4) -> 2 (2)
//                          -> 3 (2)
//        -> 1 (1) -> 3 (1)
// and the conditional tree of item 3 has the paths {0,1} x2 and {1} x1: root -> 0 (2) -> 1 (2), root -> 1
// (1).
TEST(FpGrowthMine, TreeAndProjectionByHand) {
  Transactions t;
  t.add(std::vector<Rank>{0, 1, 2}, 1);
  t.add(std::vector<Rank>{0, 1, 3}, 2);
  t.add(std::vector<Rank>{0, 1, 2}, 1);
  t.add(std::vector<Rank>{1, 3}, 1);
  FpTree tree;
  build_tree(t, 1, tree);
  EXPECT_EQ(tree.nodes(), 7u);
  EXPECT_EQ(tree.item_count, (std::vector<Count>{4, 5, 2, 3}));
  EXPECT_EQ(tree.nodes_of(1).size(), 2u);
  EXPECT_FALSE(tree.is_single_path());
  for (std::size_t v = 1; v < tree.nodes(); ++v) EXPECT_LT(tree.node[v].parent, v);

  Projector proj;
  FpTree cond;
  proj.project(tree, 3, 1, cond);
  EXPECT_EQ(cond.rank_of_item, (std::vector<Rank>{0, 1}));
  EXPECT_EQ(cond.item_count, (std::vector<Count>{2, 3}));
  EXPECT_EQ(cond.nodes(), 4u);
  proj.project(tree, 3, 3, cond);  // only item 1 reaches 3
  EXPECT_EQ(cond.rank_of_item, (std::vector<Rank>{1}));
  EXPECT_TRUE(cond.is_single_path());
  proj.project(tree, 2, 1, cond);  // {0,1} x2: a single path
  EXPECT_TRUE(cond.is_single_path());
  EXPECT_EQ(cond.item_count, (std::vector<Count>{2, 2}));

  build_tree(t, 3, tree);  // items 0, 1, 3 only (2 has count 2)
  EXPECT_EQ(tree.rank_of_item, (std::vector<Rank>{0, 1, 3}));
  EXPECT_EQ(tree.nodes(), 6u);
}

// Sorted transactions {0,1,3} x1, {0,2} x2, {0,3} x1 at min count 2: rank 1 (count 1) is dropped,
// so the first becomes {0,3} and sorts after {0,2}. The tree is root -> 0 (4) -> 2 (2), -> 3 (2):
// four nodes in preorder, the two {0,3} on one node (taken in their given order, the second {0,3}
// would not follow the first and make a node of its own).
TEST(FpGrowthMine, TreeWhereADroppedItemMovesATransaction) {
  Transactions t;
  t.add(std::vector<Rank>{0, 1, 3}, 1);
  t.add(std::vector<Rank>{0, 2}, 2);
  t.add(std::vector<Rank>{0, 3}, 1);
  ASSERT_TRUE(lexicographically_sorted(t));
  FpTree tree;
  build_tree(t, 2, tree);
  EXPECT_EQ(tree.rank_of_item, (std::vector<Rank>{0, 2, 3}));
  ASSERT_EQ(tree.nodes(), 4u);
  EXPECT_EQ(tree.item_count, (std::vector<Count>{4, 2, 2}));
  EXPECT_EQ(tree.node[1].item, 0u);
  EXPECT_EQ(tree.node[2].item, 1u);  // rank 2
  EXPECT_EQ(tree.node[3].item, 2u);  // rank 3
  EXPECT_EQ(tree.node[3].parent, 1u);
  EXPECT_EQ(tree.count[3], 2u);
}

// The same transactions give the same tree, node for node, whatever their order: sorted and
// merged, shuffled, reversed, or dealt to 1-4 tables each sorted and merged and read as runs
// (build_tree over runs, as PFP's receivers build their group trees); the distinct transactions
// counted the same each way. Random transactions over 10 ranks whose counts do not fall with
// the rank (as in PFP's group trees, unlike an F-list's), at minimum counts that drop none, some
// or most of the ranks: a dropped rank in the middle of a sorted transaction moves it.
TEST(FpGrowthMine, SameTreeWhateverTheOrder) {
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    std::vector<double> p(10);
    for (double& q : p) q = 0.05 + 0.65 * std::uniform_real_distribution<double>()(rng);
    Transactions t;
    const std::size_t n = 20 + rng() % 180;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<Rank> ranks;
      for (Rank r = 0; r < p.size(); ++r)
        if (std::uniform_real_distribution<double>()(rng) < p[r]) ranks.push_back(r);
      t.add(ranks, 1 + rng() % 3);
    }
    Transactions sorted = t;
    merge_duplicates(sorted);
    std::vector<std::size_t> order(t.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    Transactions shuffled, reversed;
    for (const std::size_t i : order) shuffled.add(t[i], t.weights[i]);
    for (std::size_t i = sorted.size(); i-- > 0;) reversed.add(sorted[i], sorted.weights[i]);
    std::vector<Transactions> dealt(1 + seed % 4);
    for (std::size_t i = 0; i < t.size(); ++i) dealt[i % dealt.size()].add(t[i], t.weights[i]);
    std::vector<TransactionRun> runs;
    for (Transactions& d : dealt) {
      merge_duplicates(d);
      runs.push_back({&d, 0, d.size()});
    }
    const Count total = t.total_weight();
    for (const Count min_count : {Count{1}, total / 4, total / 2}) {
      FpTree a, b, r, from_runs;
      const std::size_t distinct = build_tree(sorted, min_count, a);
      EXPECT_EQ(build_tree(shuffled, min_count, b), distinct);
      EXPECT_EQ(build_tree(reversed, min_count, r), distinct);
      EXPECT_EQ(build_tree(runs, min_count, from_runs), distinct);
      for (const FpTree* other : {&b, &r, &from_runs}) {
        EXPECT_EQ(a.rank_of_item, other->rank_of_item);
        ASSERT_EQ(a.nodes(), other->nodes());
        for (std::size_t v = 0; v < a.nodes(); ++v) {
          EXPECT_EQ(a.node[v].parent, other->node[v].parent) << v;
          EXPECT_EQ(a.node[v].item, other->node[v].item) << v;
        }
        EXPECT_EQ(a.count, other->count);
        EXPECT_EQ(a.item_count, other->item_count);
      }
    }
  }
}

// build_tree sorts the transactions by a key packing their first codes (64 / bit width of the
// number of items: 5 codes of 11 bits with ~2000 items), then by the rest where keys tie. Here 60
// baskets over 14 items, each item in a basket with probability 0.85, share long prefixes and
// differ past the key; 2000 baskets of one other item each, weighted min_count, make ~2014
// frequent items. Expected: the brute force over the 14 items plus each other item alone; a tree
// with one node per distinct prefix of the transactions (std::set), numbered in preorder (each
// node's parent is on the root path of the node before it: what the Projector relies on).
TEST(FpGrowthMine, LongSharedPrefixesAmongManyItems) {
  const std::uint64_t seeds = crmpi_test::kSanitizedBuild ? 2 : 8;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution in_basket(0.85);
    fpt::Baskets b;
    for (int i = 0; i < 60; ++i) {
      std::vector<std::uint32_t> ids;
      for (std::uint32_t id = 0; id < 14; ++id) {
        if (in_basket(rng)) ids.push_back(id);
      }
      b.add(ids, 1 + rng() % 2);
    }
    b.n_items = 14;
    const Count min_count = 3;
    fpt::IdSets want = fpt::brute_force(b, min_count);
    for (std::uint32_t k = 0; k < 2000; ++k) {
      b.add({14 + k}, min_count);
      want.emplace(std::vector<std::uint32_t>{14 + k}, min_count);
    }
    const FList f = make_flist(fpt::item_counts(b), min_count);
    const Transactions t = fpt::transactions(b, f);
    const MineResult r = mine(t, {.min_count = min_count});
    EXPECT_TRUE(is_canonical(r.itemsets));
    EXPECT_EQ(fpt::as_ids(r.itemsets, f), want);

    FpTree tree;
    build_tree(t, min_count, tree);
    ASSERT_EQ(tree.items(), f.size());  // every rank kept: codes are ranks
    std::set<std::vector<Rank>> prefixes;
    for (std::size_t i = 0; i < t.size(); ++i) {
      for (std::size_t len = 1; len <= t[i].size(); ++len) prefixes.emplace(t[i].begin(), t[i].begin() + len);
    }
    EXPECT_EQ(tree.nodes(), prefixes.size() + 1);
    EXPECT_TRUE(tree.preorder);
    for (std::uint32_t v = 2; v < tree.nodes(); ++v) {
      std::uint32_t u = v - 1;
      while (u != FpTree::kRoot && u != tree.node[v].parent) u = tree.node[u].parent;
      EXPECT_EQ(u, tree.node[v].parent) << "node " << v;
    }
  }
}

// One basket of 2000 items, each item also in one small basket ({2k, 2k+1}): at min count 2 every
// item and every pair {2k, 2k+1} is frequent, nothing else. The long path only costs projection work.
TEST(FpGrowthMine, OneHugeBasket) {
  fpt::Baskets b;
  std::vector<std::uint32_t> huge(2000);
  std::iota(huge.begin(), huge.end(), 0u);
  b.add(huge);
  for (std::uint32_t k = 0; k < 1000; ++k) b.add({2 * k, 2 * k + 1});
  const FList f = make_flist(fpt::item_counts(b), 2);
  ASSERT_EQ(f.size(), 2000u);
  const MineResult r = mine(fpt::transactions(b, f), {.min_count = 2});
  const fpt::IdSets got = fpt::as_ids(r.itemsets, f);
  EXPECT_EQ(got.size(), 3000u);
  for (std::uint32_t k = 0; k < 1000; ++k) EXPECT_EQ(got.at({2 * k, 2 * k + 1}), 2u);
}

TEST(FpGrowthMine, EdgeCases) {
  Transactions empty;
  EXPECT_EQ(mine(empty, {.min_count = 1}).itemsets.size(), 0u);
  Transactions t;
  t.add(std::vector<Rank>{}, 3);
  t.add(std::vector<Rank>{4}, 0);  // weight 0: no basket
  EXPECT_EQ(mine(t, {.min_count = 1}).itemsets.size(), 0u);
  EXPECT_THROW(mine(t, {.min_count = 0}), std::invalid_argument);
  EXPECT_THROW(t.add(std::vector<Rank>{2, 2}, 1), std::invalid_argument);
  EXPECT_THROW(t.add(std::vector<Rank>{3, 1}, 1), std::invalid_argument);
  t.add(std::vector<Rank>{1, 7}, 2);
  const std::vector<std::uint32_t> short_grouping{0, 0};
  EXPECT_THROW(mine_group(t, {.min_count = 1}, short_grouping, 0), std::out_of_range);
  // Runs must each be sorted ({1 7} before {4}, weight 0 or not) and lie within their tables; an
  // empty run list is an empty tree.
  FpTree tree;
  EXPECT_EQ(build_tree(std::span<const TransactionRun>(), 1, tree), 0u);
  EXPECT_EQ(tree.nodes(), 1u);
  const std::vector<TransactionRun> unsorted{{&t, 1, 3}};
  EXPECT_THROW(build_tree(unsorted, 1, tree), std::invalid_argument);
  Transactions other;
  other.add(std::vector<Rank>{0}, 1);
  const std::vector<TransactionRun> two{{&other, 0, 1}, {&t, 1, 3}};
  EXPECT_THROW(build_tree(two, 1, tree), std::invalid_argument);
  const std::vector<TransactionRun> beyond{{&t, 2, 4}};
  EXPECT_THROW(build_tree(beyond, 1, tree), std::out_of_range);
}
