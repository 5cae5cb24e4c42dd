// The frequent-pair filter (kernels/fpgrowth/pair_filter.hpp) and the mining of what it leaves:
//   - the pair table and the long weights on hand-counted cases, past 2^32 too; the cut on a
//     hand case;
//   - mining the cut transactions with the F-list's single-item counts finds exactly what the
//     brute-force reference finds (every subset counted over the uncut baskets), on random data
//     over many seeds, whole and as the union of PFP groups;
//   - a few baskets longer than PairCounts::kLongest among short ones: their pairs are bounded
//     per item, they stay whole, and the itemsets are those of the uncut transactions;
//   - DistinctTransactions::finish(edit) gives what the edited copy gives through merge_duplicates,
//     with hashing on and after it stopped;
//   - pays() at its threshold.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "fpgrowth_test_util.hpp"
#include "kernels/fpgrowth/groups.hpp"
#include "kernels/fpgrowth/pair_filter.hpp"

using namespace crmpi::fpgrowth;

namespace {

// Slot of the pair a < b in PairCounts' table, as documented there.
std::size_t slot(std::size_t a, std::size_t b) { return b * (b - 1) / 2 + a; }

Transactions table_of(std::initializer_list<std::pair<std::vector<Rank>, Count>> rows) {
  Transactions t;
  for (const auto& [ranks, w] : rows) t.add(ranks, w);
  return t;
}

void expect_same(const Itemsets& a, const Itemsets& b) {
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.counts, b.counts);
}

// The filter over t's own pairs, as the driver makes it on one rank.
PairFilter filter_of(const Transactions& t, std::size_t items, Count min_count) {
  PairCounts pairs(items);
  for (std::size_t i = 0; i < t.size(); ++i) pairs.add(t[i], t.weights[i]);
  return PairFilter(pairs.table(), items, min_count);
}

}  // namespace

// {0,1,2} x2, {1,3} x1, {0,3} x5 over 4 items, counted by hand: (0,1) 2, (0,2) 2, (1,2) 2,
// (0,3) 5, (1,3) 1, (2,3) 0; no long transaction, so the 4 long weights are 0.
TEST(PairFilter, CountsByHand) {
  PairCounts pairs(4);
  const Transactions t = table_of({{{0, 1, 2}, 2}, {{1, 3}, 1}, {{0, 3}, 5}});
  for (std::size_t i = 0; i < t.size(); ++i) pairs.add(t[i], t.weights[i]);
  ASSERT_TRUE(pairs.narrow());  // 8 in all: 32-bit counts, the same numbers
  const std::vector<std::uint32_t> want_narrow{2, 2, 2, 5, 1, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::vector<std::uint32_t>(pairs.narrow_table().begin(), pairs.narrow_table().end()), want_narrow);
  const PairFilter narrow_at2(std::span<const std::uint32_t>(pairs.narrow_table()), 4, 2);
  const std::vector<Count> want{2, 2, 2, 5, 1, 0, /* long weights */ 0, 0, 0, 0};
  EXPECT_EQ(std::vector<Count>(pairs.table().begin(), pairs.table().end()), want);
  EXPECT_EQ(pairs.table()[slot(0, 3)], 5u);
  EXPECT_EQ(PairCounts::increments(t), 3u + 1u + 1u);

  const PairFilter at2(pairs.table(), 4, 2);
  EXPECT_EQ(at2.pairs(), 4u);  // (0,1) (0,2) (1,2) (0,3)
  EXPECT_FALSE(pairs.narrow());  // table() widened it
  EXPECT_EQ(narrow_at2.pairs(), 4u);
  for (Rank b = 1; b < 4; ++b)
    for (Rank a = 0; a < b; ++a) EXPECT_EQ(narrow_at2.possibly_frequent(a, b), at2.possibly_frequent(a, b));
  EXPECT_TRUE(at2.possibly_frequent(0, 3));
  EXPECT_FALSE(at2.possibly_frequent(1, 3));
  EXPECT_FALSE(at2.possibly_frequent(2, 3));

  EXPECT_THROW(pairs.add(std::vector<Rank>{1, 4}, 1), std::out_of_range);
  EXPECT_THROW(PairCounts(PairCounts::kMaxItems + 1), std::length_error);
  EXPECT_THROW(PairFilter(pairs.table(), 5, 2), std::invalid_argument);
  EXPECT_THROW(PairFilter(std::vector<std::uint32_t>(9, 0), 4, 2), std::invalid_argument);
}

// Min count 2 over 5 items. Frequent pairs, by hand: (0,1) in {0,1,2} and {0,1}, (3,4) in
// {2,3,4} and {3,4}; every other pair is in one transaction at most ((1,2) in {0,1,2}, (1,3) in
// {1,3}, ...). So {0,1,2} keeps {0,1}, {2,3,4} keeps {3,4}, {1,3} and {2} go (no pair left), and
// the order and weights stay.
TEST(PairFilter, CutByHand) {
  Transactions t = table_of({{{0, 1, 2}, 1}, {{0, 1}, 1}, {{1, 3}, 1}, {{2, 3, 4}, 1}, {{2}, 7}, {{3, 4}, 1}});
  const PairFilter f = filter_of(t, 5, 2);
  EXPECT_EQ(f.pairs(), 2u);
  f.cut(t);
  const Transactions want = table_of({{{0, 1}, 1}, {{0, 1}, 1}, {{3, 4}, 1}, {{3, 4}, 1}});
  EXPECT_EQ(t.offsets, want.offsets);
  EXPECT_EQ(t.items, want.items);
  EXPECT_EQ(t.weights, want.weights);
}

// Counts are kept in 32 bits until the weight added passes 2^32 - 1, then in 64: the sums across
// the switch are exact (by hand: 2^32 - 1 + 5 on the pair (0, 1), 5 on (1, 2)).
TEST(PairFilter, CountsPastTwoToThe32) {
  PairCounts pairs(3);
  pairs.add(std::vector<Rank>{0, 1}, 0xffffffffu);
  EXPECT_TRUE(pairs.narrow());
  pairs.add(std::vector<Rank>{0, 1, 2}, 5);
  EXPECT_FALSE(pairs.narrow());
  const std::vector<Count> want{0xffffffffull + 5, 5, 5, 0, 0, 0};  // (0,1) (0,2) (1,2), long weights
  EXPECT_EQ(std::vector<Count>(pairs.table().begin(), pairs.table().end()), want);
}

// A transaction of 65 ranks (longer than kLongest) with weight 3 adds 3 to each of its items'
// long weights and to no pair; at min count 3 a pair of two of its items is possibly frequent
// (0 counted + min(3, 3)), a pair with an item outside it is not; it stays whole through the cut.
TEST(PairFilter, LongTransactionBoundsItsPairsPerItem) {
  static_assert(PairCounts::kLongest == 64);
  std::vector<Rank> longest(65);
  for (Rank r = 0; r < 65; ++r) longest[r] = r;
  Transactions t;
  t.add(longest, 3);
  t.add(std::vector<Rank>{0, 65}, 1);
  PairCounts pairs(66);
  for (std::size_t i = 0; i < t.size(); ++i) pairs.add(t[i], t.weights[i]);
  const std::span<const Count> table = pairs.table();
  const std::size_t slots = 66 * 65 / 2;
  EXPECT_EQ(table[slot(0, 1)], 0u);
  EXPECT_EQ(table[slot(0, 65)], 1u);
  EXPECT_EQ(table[slots + 0], 3u);
  EXPECT_EQ(table[slots + 64], 3u);
  EXPECT_EQ(table[slots + 65], 0u);
  EXPECT_EQ(PairCounts::increments(t), 65u + 1u);

  const PairFilter f(table, 66, 3);
  EXPECT_TRUE(f.possibly_frequent(0, 1));
  EXPECT_TRUE(f.possibly_frequent(63, 64));
  EXPECT_FALSE(f.possibly_frequent(0, 65));
  EXPECT_EQ(f.pairs(), 65u * 64u / 2u);
  f.cut(t);
  ASSERT_EQ(t.size(), 1u);  // {0, 65} has no possibly frequent pair
  EXPECT_EQ(std::vector<Rank>(t[0].begin(), t[0].end()), longest);
  EXPECT_EQ(t.weights[0], 3u);
}

// The single items come from item_counts: item 2 (count 3 >= min count 3) is in no transaction
// left, and is found all the same; item 3 (count 2) is not frequent and is not emitted.
TEST(PairFilter, SingleItemsFromTheirCounts) {
  const Transactions t = table_of({{{0, 1}, 3}, {{0, 1}, 1}});
  const std::vector<Count> counts{5, 4, 3, 2};
  const MineResult r = mine(t, {.min_count = 3, .item_counts = counts});
  const Itemsets want = [] {
    Itemsets s;
    s.add(std::vector<Rank>{0}, 5);
    s.add(std::vector<Rank>{1}, 4);
    s.add(std::vector<Rank>{0, 1}, 4);
    s.add(std::vector<Rank>{2}, 3);
    return s;
  }();
  expect_same(r.itemsets, want);
  // Grouped: group 1 holds ranks 1 and 2; a rank beyond the grouping is an error.
  const std::vector<std::uint32_t> group_of_rank{0, 1, 1, 0};
  const MineResult g = mine_group(t, {.min_count = 3, .item_counts = counts}, group_of_rank, 1);
  EXPECT_EQ(g.itemsets.size(), 3u);  // {1}, {0,1}, {2}
  EXPECT_THROW(mine_group(t, {.min_count = 3, .item_counts = counts}, std::vector<std::uint32_t>{0, 1}, 1),
               std::out_of_range);
  EXPECT_THROW(mine(t, {.min_count = 3, .item_counts = std::vector<Count>{5}}), std::out_of_range);
}

// Random weighted baskets (3 .. 14 items, up to 80 baskets), a min count from 1 to a quarter of
// the baskets, max_length 0 or 2 .. 4: the cut transactions, mined with the F-list's counts, give
// the brute-force itemsets of the uncut baskets; so does the union over a random PFP grouping.
TEST(PairFilter, MiningTheCutIsExact) {
  std::size_t cut_some = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed * 104729 + 7);
    const fpt::Baskets b = fpt::random_baskets(seed, 3 + static_cast<std::uint32_t>(seed % 12),
                                               5 + static_cast<std::uint32_t>(rng() % 76), seed % 2 == 1);
    const Count min_count = 1 + rng() % std::max<Count>(1, b.total() / 4);
    const std::uint32_t max_length = seed % 5 == 0 ? 2 + static_cast<std::uint32_t>(rng() % 3) : 0;
    const FList flist = make_flist(fpt::item_counts(b), min_count);
    const Transactions t = fpt::transactions(b, flist);
    Transactions cut = t;
    filter_of(t, flist.size(), min_count).cut(cut);
    cut_some += cut.items.size() < t.items.size() ? 1 : 0;
    const MineParams params{.min_count = min_count, .max_length = max_length, .item_counts = flist.counts};
    const Itemsets whole = mine(cut, params).itemsets;
    EXPECT_TRUE(is_canonical(whole));
    EXPECT_EQ(fpt::as_ids(whole, flist), fpt::brute_force(b, min_count, max_length));
    expect_same(whole, mine(t, {.min_count = min_count, .max_length = max_length}).itemsets);

    const auto groups = 1 + static_cast<std::uint32_t>(rng() % 4);
    std::vector<std::uint32_t> group_of_rank(flist.size());
    for (auto& g : group_of_rank) g = static_cast<std::uint32_t>(rng() % groups);
    merge_duplicates(cut);
    const GroupedTransactions split = split_by_group(cut, group_of_rank, groups);
    Itemsets uni;
    for (std::uint32_t g = 0; g < groups; ++g) {
      Transactions mine_here;
      for (std::size_t i = split.first[g]; i < split.first[g + 1]; ++i) mine_here.add(split.t[i], split.t.weights[i]);
      uni.append(mine_group(mine_here, params, group_of_rank, g).itemsets);
    }
    sort_canonical(uni);
    expect_same(uni, whole);
  }
  EXPECT_GT(cut_some, 100u);  // the filter has work to do in most cases
}

// 400 short baskets over 90 items and 2 baskets of 70 .. 80 items (fewer than the min count, so
// their items' pairs are bounded, not counted): the cut transactions, the long ones whole, mine
// to the itemsets of the uncut ones.
TEST(PairFilter, LongBasketsAmongShortOnes) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    fpt::Baskets b;
    for (int i = 0; i < 400; ++i) {
      std::vector<std::uint32_t> ids;
      const std::size_t n = 1 + rng() % 5;
      for (std::size_t j = 0; j < n; ++j) ids.push_back(static_cast<std::uint32_t>((rng() % 90) % (1 + rng() % 90)));
      b.add(ids);
    }
    for (int i = 0; i < 2; ++i) {
      std::vector<std::uint32_t> ids;
      for (std::uint32_t id = 0; id < 90; ++id)
        if (id < 70 || rng() % 2) ids.push_back(id);
      b.add(ids);
    }
    const Count min_count = 3;
    const FList flist = make_flist(fpt::item_counts(b), min_count);
    const Transactions t = fpt::transactions(b, flist);
    Transactions cut = t;
    filter_of(t, flist.size(), min_count).cut(cut);
    std::size_t whole_long = 0;
    for (std::size_t i = 0; i < cut.size(); ++i) whole_long += cut[i].size() > PairCounts::kLongest ? 1 : 0;
    EXPECT_EQ(whole_long, 2u);
    const Itemsets want = mine(t, {.min_count = min_count, .max_length = 4}).itemsets;
    expect_same(mine(cut, {.min_count = min_count, .max_length = 4, .item_counts = flist.counts}).itemsets, want);
  }
}

// finish(edit) against the edit applied to a copy of what was added, then merge_duplicates: with
// hashing on (few distinct transactions) and after it stopped (more than kCheckAt, mostly new).
TEST(PairFilter, FinishAfterTheEditIsTheEditedCopyMerged) {
  for (const std::size_t n : {std::size_t{500}, DistinctTransactions::kCheckAt * 3}) {
    SCOPED_TRACE(n);
    std::mt19937_64 rng(n);
    DistinctTransactions d;
    Transactions copy;
    std::vector<Rank> ranks;
    for (std::size_t i = 0; i < n; ++i) {
      ranks.clear();
      const Rank span = n > 1000 ? 200 : 12;
      for (Rank r = 0; r < span; ++r)
        if (rng() % (span / 4) == 0) ranks.push_back(r);
      if (ranks.empty()) continue;
      const Count w = 1 + rng() % 3;
      d.add(ranks, w);
      copy.add(ranks, w);
    }
    EXPECT_EQ(d.hashing(), n < DistinctTransactions::kCheckAt);
    // The median of the pairs' counts as the min count: about half of them possibly frequent.
    PairCounts pairs(200);
    for (std::size_t i = 0; i < copy.size(); ++i) pairs.add(copy[i], copy.weights[i]);
    std::vector<Count> seen;
    for (const Count c : pairs.table()) if (c > 0) seen.push_back(c);
    std::nth_element(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(seen.size() / 2), seen.end());
    const PairFilter f(pairs.table(), 200, seen[seen.size() / 2]);
    EXPECT_GT(f.pairs(), 0u);
    const Transactions got = d.finish([&](Transactions& held) { f.cut(held); });
    f.cut(copy);
    merge_duplicates(copy);
    EXPECT_EQ(got.offsets, copy.offsets);
    EXPECT_EQ(got.items, copy.items);
    EXPECT_EQ(got.weights, copy.weights);
    EXPECT_GT(got.size(), 0u);
  }
}

// pays: at least kPassPerSlot increments per pair slot, 2 .. kMaxItems items.
TEST(PairFilter, PaysAtItsThreshold) {
  const std::uint64_t slots100 = 100 * 99 / 2;
  EXPECT_TRUE(PairCounts::pays(PairCounts::kPassPerSlot * slots100, 100));
  EXPECT_FALSE(PairCounts::pays(PairCounts::kPassPerSlot * slots100 - 1, 100));
  EXPECT_FALSE(PairCounts::pays(~std::uint64_t{0}, 1));
  EXPECT_FALSE(PairCounts::pays(~std::uint64_t{0}, PairCounts::kMaxItems + 1));
  EXPECT_TRUE(PairCounts::pays(~std::uint64_t{0}, PairCounts::kMaxItems));
}
