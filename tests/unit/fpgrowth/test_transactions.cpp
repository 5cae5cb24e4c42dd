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

}  // namespace
}  // namespace crmpi::fpgrowth
