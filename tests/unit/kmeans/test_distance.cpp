// The distance kernels: scalar, AVX2 and AVX-512 give the same bits; a point's label and distance do not
// depend on its position (the tail-block property); ties go to the lowest index; the float error
// stays within the bound Hamerly's pruning assumes.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/kmeans/centroid_table.hpp"
#include "kernels/kmeans/lloyd_kernels.hpp"
#include "kmeans_test_util.hpp"

using namespace crmpi::kmeans;

namespace {

struct Out {
  std::vector<std::uint32_t> label;
  std::vector<float> best, second;
};

Out run_nearest(const std::vector<float>& x, std::size_t d, const CentroidTable& t, Isa isa) {
  const std::size_t n = x.size() / d;
  Out o{std::vector<std::uint32_t>(n), std::vector<float>(n), std::vector<float>(n)};
  nearest({x.data(), d, nullptr, n, o.label.data(), o.best.data(), o.second.data()}, t.view(), isa);
  return o;
}

std::vector<float> random_rows(std::size_t n, std::size_t d, std::uint64_t seed, double scale, double offset = 0) {
  std::mt19937_64 g(seed);
  std::vector<float> x(n * d);
  for (float& v : x) v = static_cast<float>(offset + scale * (2 * kmt::unif(g) - 1));
  return x;
}

std::vector<std::uint32_t> bits(const std::vector<float>& v) {
  std::vector<std::uint32_t> b;
  for (float f : v) b.push_back(std::bit_cast<std::uint32_t>(f));
  return b;
}

}  // namespace

// Each vector loop against the scalar loop: the same labels and the same bits for best, second and
// the single distances, over d and k around the register widths (8 and 16 lanes, and the k <= 8
// two-points-per-register layout of AVX-512), n = 300 (not a multiple of 8 or 16: tails too).
void expect_matches_scalar(Isa isa) {
  for (std::size_t d : {1, 3, 5, 8, 10, 16, 64})
    for (std::size_t k : {1, 2, 7, 8, 9, 16, 17, 24, 31, 32, 33, 40, 70}) {
      const auto x = random_rows(300, d, 7 * d + k, 3.0);
      const auto c = random_rows(k, d, 1000 + d * k, 3.0);
      const CentroidTable t(c, k, d);
      const Out s = run_nearest(x, d, t, Isa::kScalar), v = run_nearest(x, d, t, isa);
      ASSERT_EQ(s.label, v.label) << "d=" << d << " k=" << k;
      ASSERT_EQ(bits(s.best), bits(v.best)) << "d=" << d << " k=" << k;
      ASSERT_EQ(bits(s.second), bits(v.second)) << "d=" << d << " k=" << k;
      std::vector<float> one_s(300), one_v(300);
      dist_to_label({x.data(), d, 0, 300, s.label.data(), one_s.data()}, t.view(), Isa::kScalar);
      dist_to_label({x.data(), d, 0, 300, s.label.data(), one_v.data()}, t.view(), isa);
      ASSERT_EQ(bits(one_s), bits(s.best)) << "a single distance equals the lane of the all-centroid loop";
      ASSERT_EQ(bits(one_v), bits(s.best));
      // Through an index (the rescan of Hamerly's unproven points): every other row, reversed.
      std::vector<std::uint32_t> idx;
      for (std::size_t i = 300; i-- > 0;)
        if (i % 2 == 1) idx.push_back(static_cast<std::uint32_t>(i));
      Out w{std::vector<std::uint32_t>(idx.size()), std::vector<float>(idx.size()), std::vector<float>(idx.size())};
      nearest({x.data(), d, idx.data(), idx.size(), w.label.data(), w.best.data(), w.second.data()}, t.view(), isa);
      for (std::size_t q = 0; q < idx.size(); ++q) {
        ASSERT_EQ(w.label[q], s.label[idx[q]]) << "d=" << d << " k=" << k << " indexed row " << idx[q];
        ASSERT_EQ(std::bit_cast<std::uint32_t>(w.best[q]), std::bit_cast<std::uint32_t>(s.best[idx[q]]));
        ASSERT_EQ(std::bit_cast<std::uint32_t>(w.second[q]), std::bit_cast<std::uint32_t>(s.second[idx[q]]));
      }
    }
}

TEST(KMeansDistance, Avx2MatchesScalarBits) {
  if (best_isa() == Isa::kScalar) GTEST_SKIP() << "this CPU has no AVX2 + FMA: only the scalar loop runs";
  expect_matches_scalar(Isa::kAvx2);
}

TEST(KMeansDistance, Avx512MatchesScalarBits) {
  if (best_isa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512 F + DQ: the AVX-512 loop cannot run";
  expect_matches_scalar(Isa::kAvx512);
}

// A probe point at every position of arrays of N = 1..37 points (around the blocks of 8 and 16):
// its label and distance, from the kernel and from both step policies over two steps, are the bits
// it gets alone.
TEST(KMeansDistance, TailBlockPositionInvariance) {
  const std::size_t d = 5;
  for (std::size_t k : {3, 8, 9, 33}) {
    const auto c0 = random_rows(k, d, 50 + k, 2.0), c1 = random_rows(k, d, 60 + k, 2.0);
    const auto probe = random_rows(1, d, 99, 2.0);
    for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
      const CentroidTable t(c0, k, d);
      const Out alone = run_nearest(probe, d, t, isa);
      std::vector<std::uint32_t> ref_label;
      std::vector<float> ref_d2;
      for (StepKind kind : {StepKind::kNaive, StepKind::kHamerly}) {
        for (std::size_t n = 1; n <= 37; ++n)
          for (std::size_t pos = 0; pos < n; ++pos) {
            auto x = random_rows(n, d, 1000 * n + pos, 2.0);
            std::copy(probe.begin(), probe.end(), x.begin() + static_cast<std::ptrdiff_t>(pos * d));
            const Out o = run_nearest(x, d, t, isa);
            ASSERT_EQ(o.label[pos], alone.label[0]);
            ASSERT_EQ(std::bit_cast<std::uint32_t>(o.best[pos]), std::bit_cast<std::uint32_t>(alone.best[0]));
            ASSERT_EQ(std::bit_cast<std::uint32_t>(o.second[pos]), std::bit_cast<std::uint32_t>(alone.second[0]));
            std::vector<std::uint64_t> ids(n);
            for (std::size_t i = 0; i < n; ++i) ids[i] = i;
            auto step = make_step(kind, {x, ids, d}, {isa, 16});
            ClusterStats s;
            std::size_t si = 0;
            for (const auto* c : {&c0, &c1}) {
              step->step(*c, k, s);
              if (ref_label.size() <= si) {  // the first run (naive, n = 1) is the reference
                ref_label.push_back(step->labels()[pos]);
                ref_d2.push_back(step->dist2()[pos]);
              }
              ASSERT_EQ(step->labels()[pos], ref_label[si]) << "k=" << k << " n=" << n << " pos=" << pos;
              ASSERT_EQ(std::bit_cast<std::uint32_t>(step->dist2()[pos]), std::bit_cast<std::uint32_t>(ref_d2[si]));
              ++si;
            }
          }
      }
    }
  }
}

// Exact ties, across register groups (indices 3, 11, 19 hold the same centroid): lowest index wins,
// and the second smallest equals the smallest.
TEST(KMeansDistance, TiesGoToTheLowestIndex) {
  const std::size_t d = 2, k = 24;
  std::vector<float> c(k * d);
  for (std::size_t i = 0; i < k; ++i) {
    c[i * d] = 10.0f + static_cast<float>(i);
    c[i * d + 1] = 0.0f;
  }
  for (std::size_t i : {3, 11, 19}) c[i * d] = -1.0f;  // distance 1 from the origin
  const std::vector<float> x{0.0f, 0.0f, 0.0f, 0.0f};
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    const Out o = run_nearest(x, d, CentroidTable(c, k, d), isa);
    EXPECT_EQ(o.label[0], 3u);
    EXPECT_EQ(o.best[0], 1.0f);
    EXPECT_EQ(o.second[0], 1.0f);
  }
  // Two equal centroids: index 0; a single centroid: the second smallest is +inf.
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    Out o = run_nearest(x, d, CentroidTable(std::vector<float>{3.0f, 4.0f, 3.0f, 4.0f}, 2, d), isa);
    EXPECT_EQ(o.label[0], 0u);
    EXPECT_EQ(o.best[0], 25.0f);
    o = run_nearest(x, d, CentroidTable(std::vector<float>{3.0f, 4.0f}, 1, d), isa);
    EXPECT_TRUE(std::isinf(o.second[0]));
  }
}

// The tiled loop (nearest_tiles_avx512: the Lloyd block's and k-means||'s) takes the nearest of
// each chunk of 8 centroids by a tournament, not a scan: on integer coordinates in [-2, 2] (exact
// float distances, ties everywhere) its labels must be the lowest index among the nearest, as a
// scan in index order finds them here, for every k up to 20 (whole chunks, partial chunks, several
// chunks) and every point of the 5 x 5 grid.
TEST(KMeansDistance, TiledLoopTiesGoToTheLowestIndex) {
  if (best_isa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512 F + DQ: the tiled loop cannot run";
  const std::size_t d = 2;
  std::vector<float> x;
  for (int a = -2; a <= 2; ++a)
    for (int b = -2; b <= 2; ++b) x.insert(x.end(), {static_cast<float>(a), static_cast<float>(b)});
  const std::size_t n = x.size() / d;  // 25 points: a whole tile and a partial one
  std::mt19937_64 g(17);
  for (std::size_t k = 1; k <= 20; ++k)
    for (int round = 0; round < 20; ++round) {
      std::vector<float> c(k * d);
      for (float& v : c) v = static_cast<float>(static_cast<int>(g() % 5) - 2);
      const CentroidTable t(c, k, d);
      std::vector<float> tiles((n + kTile - 1) / kTile * kTile * d);
      build_tiles_avx512(x.data(), n, d, tiles.data());
      std::vector<std::uint32_t> label(tiles.size() / d);
      std::vector<float> best(tiles.size() / d);
      nearest_tiles_avx512(tiles.data(), n, d, t.view(), label.data(), best.data());
      for (std::size_t i = 0; i < n; ++i) {
        int ref_d2 = 1 << 30;
        std::uint32_t ref = 0;
        for (std::size_t q = 0; q < k; ++q) {
          int d2 = 0;
          for (std::size_t j = 0; j < d; ++j) {
            const int diff = static_cast<int>(x[i * d + j]) - static_cast<int>(c[q * d + j]);
            d2 += diff * diff;
          }
          if (d2 < ref_d2) {  // strictly: the first of equals stays
            ref_d2 = d2;
            ref = static_cast<std::uint32_t>(q);
          }
        }
        ASSERT_EQ(label[i], ref) << "k=" << k << " round=" << round << " point " << i;
        ASSERT_EQ(best[i], static_cast<float>(ref_d2));
      }
    }
}

// |fl(d2) - d2| <= (d + 2) 2^-24 d2 against the exact value (long double holds each term and the
// sum of 16 of them exactly enough: 64-bit mantissa), also far from the origin. Hamerly's eps is
// twice this bound.
TEST(KMeansDistance, FloatErrorWithinTheBoundHamerlyAssumes) {
  for (std::size_t d : {3, 10, 16})
    for (double offset : {0.0, 1000.0, 1e6}) {
      const auto x = random_rows(2000, d, d + 5, 3.0, offset);
      const auto c = random_rows(8, d, d + 6, 3.0, offset);
      std::vector<std::uint32_t> label(2000, 0);
      std::vector<float> out(2000);
      for (std::uint32_t cc = 0; cc < 8; ++cc) {
        std::fill(label.begin(), label.end(), cc);
        dist_to_label({x.data(), d, 0, 2000, label.data(), out.data()}, CentroidTable(c, 8, d).view(), best_isa());
        for (std::size_t i = 0; i < 2000; ++i) {
          long double ref = 0;
          for (std::size_t j = 0; j < d; ++j) {
            const long double diff = static_cast<long double>(x[i * d + j]) - static_cast<long double>(c[cc * d + j]);
            ref += diff * diff;
          }
          const long double err = std::fabs(static_cast<long double>(out[i]) - ref);
          ASSERT_LE(err, static_cast<long double>(d + 2) * 0x1p-24L * ref) << "d=" << d << " offset=" << offset;
        }
      }
    }
}
