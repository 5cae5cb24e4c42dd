// fpgrowth::merge_baskets (kernels/fpgrowth/merge_baskets.cpp) and the per-segment mining over its
// result:
//   - both ways (narrow: 64-bit masks; general: sequences) give the multiset of (kept item set,
//     codes, weight) that a std::map count of the baskets gives, for random baskets with repeated
//     ids, ids not kept, customers without a code or with one out of range, and baskets left
//     empty;
//   - parallel_fpgrowth over a segment's merged baskets finds the itemsets and counts it finds
//     over the same segment's raw baskets (BasketView by customer code), at 1-4 ranks, each rank
//     holding its own part of the customers;
//   - merge_for_segments, choosing the items by their count in each segment or (past its
//     counter limit) by their overall count: the overall run and every segment's run over either
//     find what they find over the raw baskets.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "comm/comm.hpp"
#include "jobs/rules/pfp.hpp"
#include "jobs/rules/segments.hpp"

namespace crmpi::rules_job {
namespace {

using fpgrowth::Count;

struct Population {
  Baskets baskets;
  std::vector<std::uint64_t> basket_begin{0};
  std::vector<std::vector<std::uint32_t>> codes;  // [segmentation][customer]
  std::vector<std::uint32_t> segments;
};

// Customers [first, last) of a population that is a function of the seed alone (the ranks split it).
Population population(std::uint64_t seed, std::uint32_t items, std::size_t first, std::size_t last) {
  Population p;
  p.segments = {5, 3};
  p.codes.assign(2, {});
  for (std::size_t c = 0; c < last; ++c) {
    std::mt19937_64 rng(seed * 1000003 + c);
    const std::uint32_t code0 = static_cast<std::uint32_t>(rng() % 6);  // 5: out of range, no segment
    const std::uint32_t code1 = static_cast<std::uint32_t>(rng() % 3);
    const std::size_t n = rng() % 5;
    std::vector<std::vector<std::uint32_t>> own;
    for (std::size_t b = 0; b < n; ++b) {
      std::vector<std::uint32_t> basket;
      const std::size_t len = 1 + rng() % 6;
      for (std::size_t i = 0; i < len; ++i) basket.push_back(static_cast<std::uint32_t>((rng() % items) % (1 + rng() % items)));  // skewed to low ids
      own.push_back(basket);
    }
    if (c < first) continue;
    p.codes[0].push_back(code0);
    if (c % 7 != 3) p.codes[1].push_back(code1);  // customers past the end of codes[1]: no code
    else p.codes[1].push_back(99);                 // out of range: no code
    for (const auto& basket : own) {
      p.baskets.ids.insert(p.baskets.ids.end(), basket.begin(), basket.end());
      p.baskets.offsets.push_back(p.baskets.ids.size());
    }
    p.basket_begin.push_back(p.baskets.size());
  }
  p.codes[1].resize(p.codes[1].size() * 3 / 4);  // the last quarter has none
  return p;
}

using Key = std::tuple<std::vector<std::uint32_t>, std::uint32_t, std::uint32_t>;

std::map<Key, Count> by_map(const Population& p, const std::vector<std::uint8_t>& keep) {
  std::map<Key, Count> out;
  for (std::size_t c = 0; c + 1 < p.basket_begin.size(); ++c) {
    std::uint32_t code[2];
    for (std::size_t s = 0; s < 2; ++s)
      code[s] = c < p.codes[s].size() && p.codes[s][c] < p.segments[s] ? p.codes[s][c] : WeightedBaskets::kNoSegment;
    for (std::uint64_t b = p.basket_begin[c]; b < p.basket_begin[c + 1]; ++b) {
      std::vector<std::uint32_t> ids;
      for (const std::uint32_t id : p.baskets[b])
        if (keep[id]) ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      ++out[{ids, code[0], code[1]}];
    }
  }
  return out;
}

std::map<Key, Count> as_map(const WeightedBaskets& w) {
  std::map<Key, Count> out;
  for (std::size_t b = 0; b < w.size(); ++b) {
    const auto ids = w[b];
    const auto [it, added] = out.emplace(Key{{ids.begin(), ids.end()}, w.code[0][b], w.code[1][b]}, w.weight[b]);
    EXPECT_TRUE(added) << "a basket listed twice";
  }
  return out;
}

std::vector<std::span<const std::uint32_t>> spans(const Population& p) {
  return {std::span<const std::uint32_t>(p.codes[0]), std::span<const std::uint32_t>(p.codes[1])};
}

TEST(MergeBaskets, BothWaysAreTheBasketCounts) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::uint32_t items = seed % 2 ? 30 : 200;  // 200: more than 64 kept, the general way
    const Population p = population(seed, items, 0, 300);
    std::vector<std::uint8_t> keep(items, 0);
    std::mt19937_64 rng(seed);
    for (auto& k : keep) k = rng() % 4 != 0;
    const auto want = by_map(p, keep);
    const auto codes = spans(p);
    const WeightedBaskets narrow = fpgrowth::merge_baskets(p.baskets.offsets, p.baskets.ids, p.basket_begin, codes, p.segments, keep);
    const WeightedBaskets general =
        fpgrowth::merge_baskets(p.baskets.offsets, p.baskets.ids, p.basket_begin, codes, p.segments, keep, false);
    EXPECT_EQ(as_map(narrow), want) << "seed " << seed;
    EXPECT_EQ(as_map(general), want) << "seed " << seed;
  }
}

TEST(MergeBaskets, SegmentMiningSameAsOverTheRawBaskets) {
  Comm comm;
  const std::size_t customers = 400;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const auto r = static_cast<std::size_t>(comm.rank()), n = static_cast<std::size_t>(comm.size());
    const Population p = population(seed, 24, customers * r / n, customers * (r + 1) / n);
    const std::vector<std::uint8_t> keep(24, 1);  // every item: the segments' F-lists decide
    const WeightedBaskets merged = fpgrowth::merge_baskets(p.baskets.offsets, p.baskets.ids, p.basket_begin, spans(p), p.segments, keep);
    const PfpParams params{.min_support = 0.05, .min_count = 2};
    for (std::size_t s = 0; s < 2; ++s)
      for (std::uint32_t code = 0; code < p.segments[s]; ++code) {
        const PfpResult raw = parallel_fpgrowth(comm, BasketView(p.baskets, p.basket_begin, p.codes[s], code), 24, params);
        const PfpResult over = parallel_fpgrowth(comm, BasketView(merged, s, code), 24, params);
        EXPECT_EQ(over.baskets, raw.baskets);
        EXPECT_EQ(over.min_count, raw.min_count);
        EXPECT_EQ(over.flist.ids, raw.flist.ids);
        EXPECT_EQ(over.itemsets.items, raw.itemsets.items) << "seed " << seed << " segmentation " << s << " code " << code;
        EXPECT_EQ(over.itemsets.counts, raw.itemsets.counts);
        EXPECT_GT(raw.itemsets.size(), 0u);
      }
  }
}

void expect_same(const PfpResult& got, const PfpResult& want, const std::string& what) {
  EXPECT_EQ(got.baskets, want.baskets) << what;
  EXPECT_EQ(got.min_count, want.min_count) << what;
  EXPECT_EQ(got.flist.ids, want.flist.ids) << what;
  EXPECT_EQ(got.itemsets.items, want.itemsets.items) << what;
  EXPECT_EQ(got.itemsets.counts, want.itemsets.counts) << what;
}

TEST(MergeBaskets, ForSegmentsEitherWayOfChoosingItems) {
  Comm comm;
  const std::size_t customers = 500;
  const auto r = static_cast<std::size_t>(comm.rank()), n = static_cast<std::size_t>(comm.size());
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Population p = population(seed, 40, customers * r / n, customers * (r + 1) / n);
    const std::vector<Segmentation> segs = {{"a", p.codes[0], {"a0", "a1", "a2", "a3", "a4"}},
                                            {"b", p.codes[1], {"b0", "b1", "b2"}}};
    const PfpParams overall{.min_support = 0.08, .min_count = 2};
    const PfpParams segment{.min_support = 0.08, .min_count = 6};
    const WeightedBaskets by_segment = merge_for_segments(comm, p.baskets, p.basket_begin, segs, 40, segment, &overall);
    const WeightedBaskets by_bound = merge_for_segments(comm, p.baskets, p.basket_begin, segs, 40, segment, &overall, 0);
    EXPECT_LE(comm.allreduce_sum<std::uint64_t>(by_segment.size()), comm.allreduce_sum<std::uint64_t>(by_bound.size()));
    const PfpResult raw_all = parallel_fpgrowth(comm, p.baskets, 40, overall);
    expect_same(parallel_fpgrowth(comm, BasketView(by_segment), 40, overall), raw_all, "overall, by segment");
    expect_same(parallel_fpgrowth(comm, BasketView(by_bound), 40, overall), raw_all, "overall, by bound");
    for (std::size_t s = 0; s < segs.size(); ++s)
      for (std::uint32_t code = 0; code < p.segments[s]; ++code) {
        const PfpResult raw = parallel_fpgrowth(comm, BasketView(p.baskets, p.basket_begin, p.codes[s], code), 40, segment);
        const std::string what = "seed " + std::to_string(seed) + " segmentation " + std::to_string(s) + " code " + std::to_string(code);
        expect_same(parallel_fpgrowth(comm, BasketView(by_segment, s, code), 40, segment), raw, what + ", by segment");
        expect_same(parallel_fpgrowth(comm, BasketView(by_bound, s, code), 40, segment), raw, what + ", by bound");
      }
  }
}

}  // namespace
}  // namespace crmpi::rules_job
