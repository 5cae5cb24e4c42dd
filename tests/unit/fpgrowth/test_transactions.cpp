// Merging identical weighted transactions (kernels/fpgrowth/transactions.hpp): merge_duplicates
// and the streaming DistinctTransactions, against an independent count in a std::map (the
// expected multiset), on random transactions with many repeats, in any order of arrival.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {
namespace {

using Expected = std::map<std::vector<Rank>, Count>;  // lexicographic order, as the result's

// n transactions over few items (so they repeat): strictly ascending subsets of 0..items-1.
std::vector<std::pair<std::vector<Rank>, Count>> random_stream(std::uint64_t seed, std::size_t n, Rank items) {
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::vector<Rank>, Count>> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<Rank> t;
    for (Rank r = 0; r < items; ++r)
      if (rng() % 3 == 0) t.push_back(r);
    out.emplace_back(t, rng() % 4);  // weight 0 included: dropped
  }
  return out;
}

void expect_equal(const Transactions& got, const Expected& want) {
  ASSERT_EQ(got.size(), want.size());
  std::size_t t = 0;
  for (const auto& [items, weight] : want) {
    const auto g = got[t];
    EXPECT_EQ(std::vector<Rank>(g.begin(), g.end()), items) << t;
    EXPECT_EQ(got.weights[t], weight) << t;
    ++t;
  }
}

TEST(DistinctTransactions, MergesRepeatsAndSortsAsAnIndependentCount) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto stream = random_stream(seed, 20000, 7);  // at most 128 distinct: many repeats
    Expected want;
    for (const auto& [t, w] : stream)
      if (w > 0) want[t] += w;
    DistinctTransactions d;
    for (const auto& [t, w] : stream) d.add(t, w);
    EXPECT_EQ(d.distinct(), want.size());
    expect_equal(d.finish(), want);

    Transactions all;  // merge_duplicates on the same stream, reversed: the same result
    for (auto it = stream.rbegin(); it != stream.rend(); ++it) all.add(it->first, it->second);
    merge_duplicates(all);
    expect_equal(all, want);
  }
}

// Large ranks (17 bits: finish() packs 3 a key) and long transactions that share their first
// ranks, so the order is often decided past the key: the same order as the std::map's.
TEST(DistinctTransactions, SortsPastThePackedKey) {
  std::mt19937_64 rng(11);
  const std::vector<Rank> pool{3, 70000, 70001, 99999, 100000, 120000};
  Expected want;
  DistinctTransactions d;
  for (int i = 0; i < 5000; ++i) {
    std::vector<Rank> t;
    for (const Rank r : pool)
      if (rng() % 2 == 0) t.push_back(r);
    if (i % 3 == 0) t = {3, 70000, 70001};  // a shared prefix, alone and extended below
    if (i % 3 == 1) t.insert(t.begin(), {0, 1, 2});
    const Count w = 1 + rng() % 3;
    want[t] += w;
    d.add(t, w);
  }
  expect_equal(d.finish(), want);
}

TEST(DistinctTransactions, GrowsPastItsFirstTableAndStartsAgainAfterFinish) {
  // 4,096 distinct transactions: the table (1,024 slots at first, at most half full) grows 3 times.
  DistinctTransactions d;
  Expected want;
  for (Rank a = 0; a < 64; ++a)
    for (Rank b = 64; b < 128; ++b) {
      d.add(std::vector<Rank>{a, b}, 1);
      d.add(std::vector<Rank>{a, b}, 2);
      want[{a, b}] = 3;
    }
  expect_equal(d.finish(), want);
  EXPECT_EQ(d.distinct(), 0u);
  d.add(std::vector<Rank>{5}, 7);
  expect_equal(d.finish(), Expected{{{5}, 7}});
}

TEST(DistinctTransactions, RejectsRanksThatDoNotAscendAndKeepsTheEmptyTransaction) {
  DistinctTransactions d;
  EXPECT_THROW(d.add(std::vector<Rank>{3, 3}, 1), std::invalid_argument);
  EXPECT_THROW(d.add(std::vector<Rank>{4, 2}, 1), std::invalid_argument);
  d.add(std::vector<Rank>{}, 2);  // an empty transaction is a transaction (the caller skips them)
  d.add(std::vector<Rank>{}, 3);
  d.add(std::vector<Rank>{2, 4}, 1);  // a rejected transaction left nothing behind
  expect_equal(d.finish(), Expected{{{}, 5}, {{2, 4}, 1}});
}

// A mostly distinct stream: once kCheckAt distinct transactions are held and more than half the
// adds were new, hashing stops; the later adds are appended, repeats included, and finish() merges
// them by its sort. Both the transactions that fit a packed key (ranks below 2^12: 5 a key) and
// longer ones (past the key) repeat after the switch, in shuffled order. Expected: the std::map.
TEST(DistinctTransactions, StopsHashingAMostlyDistinctStreamAndStillMergesEveryRepeat) {
  std::mt19937_64 rng(21);
  std::vector<std::pair<std::vector<Rank>, Count>> stream;
  for (std::size_t i = 0; i < 3 * DistinctTransactions::kCheckAt; ++i) {
    std::vector<Rank> t;
    const std::size_t length = 1 + rng() % 9;  // 1-9 ranks: some fit a key, some go past it
    for (std::size_t j = 0; j < length; ++j) t.push_back(static_cast<Rank>(rng() % 4000));
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    stream.emplace_back(t, 1 + rng() % 5);
  }
  const std::size_t distinct_part = stream.size();
  for (std::size_t i = 0; i < distinct_part; i += 3) stream.push_back(stream[i]);  // repeats, later
  std::shuffle(stream.begin() + static_cast<std::ptrdiff_t>(distinct_part), stream.end(), rng);
  Expected want;
  for (const auto& [t, w] : stream) want[t] += w;

  DistinctTransactions d;
  for (const auto& [t, w] : stream) d.add(t, w);
  EXPECT_FALSE(d.hashing());
  EXPECT_GT(d.distinct(), want.size());  // the appended repeats are held as they came
  expect_equal(d.finish(), want);
  EXPECT_TRUE(d.hashing());  // a new stream starts hashing again

  // Room reserved for the whole stream first (as PFP reserves a rank's baskets): the same result.
  std::size_t items = 0;
  for (const auto& [t, w] : stream) items += t.size();
  d.reserve(stream.size(), items);
  for (const auto& [t, w] : stream) d.add(t, w);
  expect_equal(d.finish(), want);
}

// A stream that repeats keeps hashing past kCheckAt distinct: every transaction added three times
// in a row (2 of 3 adds are repeats when the check comes).
TEST(DistinctTransactions, KeepsHashingAStreamThatRepeats) {
  DistinctTransactions d;
  Expected want;
  for (Rank a = 0; a < 300; ++a)
    for (Rank b = 300; b < 600; ++b)  // 90,000 distinct > kCheckAt
      for (int round = 0; round < 3; ++round) {
        d.add(std::vector<Rank>{a, b}, 1);
        want[{a, b}] += 1;
      }
  EXPECT_TRUE(d.hashing());
  EXPECT_EQ(d.distinct(), want.size());
  expect_equal(d.finish(), want);
}

TEST(LexicographicallySorted, TellsSortedFromUnsorted) {
  Transactions t;
  EXPECT_TRUE(lexicographically_sorted(t));
  t.add(std::vector<Rank>{1}, 1);
  t.add(std::vector<Rank>{1, 2}, 1);  // an extension after its prefix
  t.add(std::vector<Rank>{1, 2}, 1);  // ties allowed
  t.add(std::vector<Rank>{3}, 1);
  EXPECT_TRUE(lexicographically_sorted(t));
  t.add(std::vector<Rank>{2, 9}, 1);
  EXPECT_FALSE(lexicographically_sorted(t));
}

// merge_runs against an independent count: 1 to 5 runs, each the transactions of its share of a
// random stream in lexicographic order (a std::map's), repeats across runs, weights of 0 among
// them; the expected table is the stream counted in one std::map, the transactions whose weights
// sum to 0 dropped. The same from one table of the runs one after another, each run a range of it
// (as PFP's receiver reads what arrived: one run per sender).
// Ranks below 8 (every transaction fits the merge's packed key) and, on odd seeds, spread up to
// 1.4M (three ranks a key: longer transactions compared past it).
TEST(MergeRuns, MergesSortedRunsAsAnIndependentCount) {
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    SCOPED_TRACE(seed);
    auto stream = random_stream(seed, 1 + seed * 37, 8);
    if (seed % 2 == 1)
      for (auto& [t, w] : stream)
        for (Rank& r : t) r *= 200000;
    const std::size_t k = 1 + seed % 5;
    std::vector<Expected> shares(k);
    Expected want;
    for (std::size_t i = 0; i < stream.size(); ++i) {
      shares[i % k][stream[i].first] += stream[i].second;
      want[stream[i].first] += stream[i].second;
    }
    std::erase_if(want, [](const auto& e) { return e.second == 0; });
    std::vector<Transactions> tables(k);
    Transactions one;  // the runs one after another
    for (std::size_t r = 0; r < k; ++r) {
      for (const auto& [items, weight] : shares[r]) {
        tables[r].add(items, weight);
        one.add(items, weight);
      }
    }
    std::vector<TransactionRun> runs;
    for (const Transactions& t : tables) runs.push_back({&t, 0, t.size()});
    expect_equal(merge_runs(runs), want);
    std::vector<TransactionRun> in_one;
    for (std::size_t r = 0, begin = 0; r < k; begin += tables[r++].size())
      in_one.push_back({&one, begin, begin + tables[r].size()});
    expect_equal(merge_runs(in_one), want);
  }
}

// A run given out of order throws ({1} {1 2} {1 2} {0} {3} {2} as one run), and so does a run
// beyond its table.
TEST(MergeRuns, RunsOutOfOrderOrBeyondTheirTableThrow) {
  Transactions t;
  for (const std::vector<Rank>& r : std::vector<std::vector<Rank>>{{1}, {1, 2}, {1, 2}, {0}, {3}, {2}}) t.add(r, 1);
  const std::vector<TransactionRun> sorted_part{{&t, 0, 3}};
  EXPECT_NO_THROW(merge_runs(sorted_part));
  const std::vector<TransactionRun> whole{{&t, 0, t.size()}};
  EXPECT_THROW(merge_runs(whole), std::invalid_argument);
  const std::vector<TransactionRun> beyond{{&t, 4, 7}};
  EXPECT_THROW(merge_runs(beyond), std::out_of_range);
}

}  // namespace
}  // namespace crmpi::fpgrowth
