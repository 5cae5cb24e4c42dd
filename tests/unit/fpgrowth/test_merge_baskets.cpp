// fpgrowth::merge_baskets (kernels/fpgrowth/merge_baskets.hpp) on a hand-counted case, both ways
// (the 64-bit masks and the sequences): three customers, one segmentation of two segments and a
// customer without one; items 7 and 9 kept, 8 not. (The random cases against a map count, and
// the mining over merged baskets, are in tests/mpi/rules/merge_baskets_test.cpp.)
#include <gtest/gtest.h>

#include <map>
#include <tuple>
#include <vector>

#include "kernels/fpgrowth/merge_baskets.hpp"

namespace crmpi::fpgrowth {
namespace {

using Key = std::tuple<std::vector<std::uint32_t>, std::uint32_t>;

std::map<Key, Count> as_map(const WeightedBaskets& w) {
  std::map<Key, Count> out;
  for (std::size_t b = 0; b < w.size(); ++b) {
    const auto ids = w[b];
    out[{std::vector<std::uint32_t>(ids.begin(), ids.end()), w.code[0][b]}] += w.weight[b];
  }
  return out;
}

TEST(MergeBaskets, HandCounted) {
  // Customer 0 (segment 1): {9, 7}, {7, 9, 9}, {8}. Customer 1 (segment 0): {7, 8}, {7}.
  // Customer 2 (code 5: no segment): {9}.
  const std::vector<std::uint64_t> offsets = {0, 2, 5, 6, 8, 9, 10};
  const std::vector<std::uint32_t> ids = {9, 7, 7, 9, 9, 8, 7, 8, 7, 9};
  const std::vector<std::uint64_t> basket_begin = {0, 3, 5, 6};
  const std::vector<std::uint32_t> code = {1, 0, 5};
  const std::vector<std::span<const std::uint32_t>> codes = {code};
  const std::vector<std::uint32_t> segments = {2};
  std::vector<std::uint8_t> keep(10, 0);
  keep[7] = keep[9] = 1;
  // By hand: segment 1 has {7, 9} twice and {} once (item 8 is not kept); segment 0 has {7} twice;
  // no segment: {9} once.
  std::map<Key, Count> want;
  want[Key{{7, 9}, 1}] = 2;
  want[Key{std::vector<std::uint32_t>{}, 1}] = 1;
  want[Key{{7}, 0}] = 2;
  want[Key{{9}, WeightedBaskets::kNoSegment}] = 1;
  for (const bool narrow : {true, false}) {
    const WeightedBaskets w = merge_baskets(offsets, ids, basket_begin, codes, segments, keep, narrow);
    EXPECT_EQ(w.size(), 4u) << (narrow ? "narrow" : "general");
    EXPECT_EQ(as_map(w), want) << (narrow ? "narrow" : "general");
  }
}

}  // namespace
}  // namespace crmpi::fpgrowth
