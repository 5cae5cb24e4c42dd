// Initialisation: k-means|| (keyed draws, exact cost sums) and greedy k-means++ give the same
// centroids whatever the partition, and seed one centroid per planted blob.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "kmeans_test_util.hpp"

using namespace crmpi::kmeans;

TEST(KMeansInit, FirstCenterIsTheGlobalArgMinWhateverThePartition) {
  const kmt::Data data = kmt::blobs(3000, 4, 3, 1.0, 2);
  const KeyedPick whole = first_center_local(data.all(), 9);
  ASSERT_TRUE(whole.found);
  for (std::size_t parts = 2; parts <= 4; ++parts) {
    const auto c = kmt::cuts(data.n(), parts);
    KeyedPick best;
    for (std::size_t p = parts; p-- > 0;) {  // any order
      const KeyedPick q = first_center_local(data.part(c[p], c[p + 1]), 9);
      if (precedes(q, best)) best = q;
    }
    EXPECT_EQ(best.id, whole.id);
    EXPECT_EQ(best.x, whole.x);
  }
  EXPECT_FALSE(first_center_local(data.part(5, 5), 9).found);
}

// The whole k-means|| + k-means++ pipeline over 1-4 simulated ranks: the same candidate count and
// the same centroids, bit for bit; each planted blob gets exactly one centroid.
TEST(KMeansInit, ParallelInitDoesNotDependOnThePartition) {
  const kmt::Data data = kmt::blobs(20000, 5, 10, 0.7, 13);
  std::size_t m1 = 0;
  const auto ref = kmt::init_parallel(data, kmt::cuts(data.n(), 1), 10, 5, 5, 20.0, &m1);
  EXPECT_GT(m1, 40u);   // 1 + about l per round: 5 rounds of l = 20
  EXPECT_LT(m1, 200u);
  for (std::size_t parts = 2; parts <= 4; ++parts) {
    std::size_t m = 0;
    const auto c = kmt::init_parallel(data, kmt::cuts(data.n(), parts), 10, 5, 5, 20.0, &m);
    EXPECT_EQ(m, m1);
    EXPECT_EQ(c, ref);
  }
  std::set<std::uint32_t> blobs_hit;  // nearest planted center of each chosen centroid
  for (std::size_t i = 0; i < 10; ++i) {
    double best = 1e300;
    std::uint32_t arg = 0;
    for (std::uint32_t b = 0; b < 10; ++b) {
      double s = 0;
      for (std::size_t t = 0; t < 5; ++t) s += std::pow(static_cast<double>(ref[i * 5 + t] - data.centers[b * 5 + t]), 2);
      if (s < best) {
        best = s;
        arg = b;
      }
    }
    blobs_hit.insert(arg);
  }
  EXPECT_EQ(blobs_hit.size(), 10u);
}

TEST(KMeansInit, SelectionAndWeightsAreLocalPartsOfTheWhole) {
  const kmt::Data data = kmt::blobs(4000, 3, 4, 1.0, 17);
  ParallelInit whole(data.all());
  const std::vector<float> first(data.x.begin(), data.x.begin() + 3);
  const Int128 total = whole.add_candidates(first, 0);
  const PointRows sel = whole.select(1, 0, 8.0, total);
  EXPECT_GT(sel.n(), 0u);
  const auto c = kmt::cuts(data.n(), 3);
  PointRows parts;
  parts.d = 3;
  Int128 sum = 0;
  std::vector<ParallelInit> ranks;
  for (std::size_t p = 0; p < 3; ++p) ranks.emplace_back(data.part(c[p], c[p + 1]));
  for (auto& r : ranks) sum += r.add_candidates(first, 0);
  EXPECT_TRUE(sum == total);
  for (auto& r : ranks) parts.append(r.select(1, 0, 8.0, sum));
  parts.sort_by_id();
  PointRows sorted = sel;
  sorted.sort_by_id();
  EXPECT_EQ(parts.ids, sorted.ids);
  EXPECT_EQ(parts.x, sorted.x);
  // Weights: each point counted once, at its nearest candidate.
  std::vector<float> cand = first;
  cand.insert(cand.end(), sorted.x.begin(), sorted.x.end());
  whole.add_candidates(cand, 1);
  std::uint64_t n = 0;
  for (std::uint64_t w : whole.weights()) n += w;
  EXPECT_EQ(n, data.n());
  // A selected point has cost 0 afterwards and can never be drawn again.
  for (std::size_t i = 0; i < data.n(); ++i)
    if (std::binary_search(sorted.ids.begin(), sorted.ids.end(), data.ids[i])) {
      EXPECT_EQ(whole.cost()[i], 0.0f);
    }
  // A round that draws nobody leaves the costs.
  EXPECT_TRUE(whole.add_candidates(cand, cand.size() / 3) == [&] {
    Int128 t = 0;
    for (float v : whole.cost()) t += to_fixed(v);
    return t;
  }());
}

// add_candidates against a direct computation in this test: each point's cost is the smallest
// squared distance (the documented operation order: diff = x - c, fmaf(diff, diff, acc)) to any
// candidate so far, its nearest the lowest index holding it, and the total the sum of to_fixed of
// every cost. Run through every implementation (one the CPU lacks falls back), with d below and
// above a tile's 16 (AVX-512 builds the two kinds of tiles differently) up to the largest 64, on
// n not a multiple of the kernels' 16 or 256 and below one tile, with a spread that puts some
// costs above 2^16 (the 128-bit path), and two candidates repeated (a tie: the earlier index
// stays).
TEST(KMeansInit, AddCandidatesMatchesADirectScanOnEveryIsa) {
  struct Case {
    std::size_t n, dim;
    double box;
  };
  for (const Case& cs : {Case{1237, 3, 10.0}, Case{1237, 3, 3000.0}, Case{1237, 17, 10.0}, Case{1237, 17, 3000.0},
                         Case{300, 64, 3000.0}, Case{5, 2, 3000.0}}) {
    const kmt::Data data = kmt::blobs(cs.n, cs.dim, 6, 1.0, 23, cs.box, 0);
    const double box = cs.box;
    const std::size_t d = data.d;
    std::vector<float> cand;
    for (std::size_t i = 0; i < data.n(); i += data.n() > 97 ? 97 : 2)
      cand.insert(cand.end(), data.x.begin() + i * d, data.x.begin() + (i + 1) * d);
    for (std::size_t j = 0; j < 2 * d; ++j) cand.push_back(cand[j]);  // candidates 0 and 1 again: ties keep the first
    const std::size_t m = cand.size() / d;
    for (const Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
      ParallelInit init(data.all(), isa);
      std::size_t taken = 0;
      bool some_large = false;
      std::vector<std::size_t> steps;  // candidates taken after each call: 1, 2, 9, all (those below all)
      for (const std::size_t u : {std::size_t{1}, std::size_t{2}, std::size_t{9}})
        if (u < m) steps.push_back(u);
      steps.push_back(m);
      for (const std::size_t upto : steps) {
        const std::span<const float> so_far(cand.data(), upto * d);
        const Int128 total = init.add_candidates(so_far, taken);
        taken = upto;
        Int128 want = 0;
        for (std::size_t i = 0; i < data.n(); ++i) {
          float best = std::numeric_limits<float>::infinity();
          std::uint32_t arg = 0;
          for (std::size_t c = 0; c < upto; ++c) {
            float acc = 0;
            for (std::size_t j = 0; j < d; ++j) {
              const float diff = data.x[i * d + j] - cand[c * d + j];
              acc = std::fmaf(diff, diff, acc);
            }
            if (acc < best) {
              best = acc;
              arg = static_cast<std::uint32_t>(c);
            }
          }
          ASSERT_EQ(init.cost()[i], best) << "point " << i << " after " << upto << " candidates";
          ASSERT_EQ(init.nearest_candidate()[i], arg) << "point " << i;
          want += to_fixed(best);
          some_large = some_large || best >= 0x1p16f;
        }
        EXPECT_TRUE(total == want) << "after " << upto << " candidates, isa " << static_cast<int>(isa);
      }
      EXPECT_EQ(some_large, box > 100) << "the wide spread must reach the 128-bit path, the narrow one not";
    }
  }
}

// select against the draw rule of parallel_init.hpp evaluated in this test, point by point, on
// every implementation: n not a multiple of the AVX-512 loop's 8 or its 4096-point blocks, with l
// large enough that some points have p >= 1 (always drawn) and most have 0 < p < 1.
TEST(KMeansInit, SelectMatchesTheDrawRuleOnEveryIsa) {
  const kmt::Data data = kmt::blobs(9001, 4, 5, 1.0, 31);
  const std::vector<float> first(data.x.begin(), data.x.begin() + 4);
  for (const Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    ParallelInit init(data.all(), isa);
    const Int128 total = init.add_candidates(first, 0);
    const double t = fixed_to_double(total);
    for (const double l : {3.0, 4000.0}) {
      for (std::uint32_t round = 0; round < 3; ++round) {
        std::vector<std::uint64_t> want;
        bool some_sure = false;
        for (std::size_t i = 0; i < data.n(); ++i) {
          const double p = std::min(1.0, l * static_cast<double>(init.cost()[i]) / t);
          some_sure = some_sure || p >= 1.0;
          if (keyed_uniform(7, stream_parallel_round(round), data.ids[i]) < p) want.push_back(data.ids[i]);
        }
        const PointRows got = init.select(7, round, l, total);
        EXPECT_EQ(got.ids, want) << "l " << l << " round " << round << " isa " << static_cast<int>(isa);
        for (std::size_t r = 0; r < got.n(); ++r) {
          const auto at = static_cast<std::size_t>(std::find(data.ids.begin(), data.ids.end(), got.ids[r]) - data.ids.begin());
          ASSERT_TRUE(std::equal(got.x.begin() + r * 4, got.x.begin() + (r + 1) * 4, data.x.begin() + at * 4));
        }
        if (l > 100) {
          EXPECT_TRUE(some_sure);
        }
      }
    }
  }
}

// Greedy k-means++ by hand: candidates on a line at 0, 1, 10, 11, 100 with weights 5, 5, 5, 5, 1.
// k = 5: chosen centers have D = 0 and can never be drawn again, so all five come out once
// (potential 0). k = 3 with 50 trials: from any first center the greedy choice reaches the best
// split {0, 1} {10, 11} {100}: potential 5 * 1^2 + 5 * 1^2 = 10 (e.g. first 0: trial 100 leaves
// 5 + 500 + 605 = 1110, trial 11 leaves 7931, so 100; then 10 or 11 leaves 10).
TEST(KMeansInit, GreedyKMeansPlusPlus) {
  const std::vector<float> cand{0, 1, 10, 11, 100};
  const std::vector<std::uint64_t> w{5, 5, 5, 5, 1};
  const PlusPlusResult all = greedy_kmeanspp(cand, 1, w, 5, 3);
  EXPECT_EQ(std::set<std::uint32_t>(all.chosen.begin(), all.chosen.end()).size(), 5u);
  EXPECT_EQ(all.potential, 0.0);
  // Deterministic given the seed; another seed may differ but is again a valid pick.
  EXPECT_EQ(greedy_kmeanspp(cand, 1, w, 3, 3).chosen, greedy_kmeanspp(cand, 1, w, 3, 3).chosen);
  const PlusPlusResult three = greedy_kmeanspp(cand, 1, w, 3, 3, 50);
  EXPECT_EQ(three.potential, 10.0);
  // A zero-weight candidate adds nothing and is never drawn.
  const std::vector<std::uint64_t> w0{1, 0, 1, 0, 0};
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto r = greedy_kmeanspp(cand, 1, w0, 2, seed);
    EXPECT_EQ(std::set<std::uint32_t>(r.chosen.begin(), r.chosen.end()), (std::set<std::uint32_t>{0, 2}));
  }
  EXPECT_THROW(greedy_kmeanspp(cand, 1, w, 6, 3), std::invalid_argument);
}
