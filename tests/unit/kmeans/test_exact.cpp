// Exactness of what ranks reduce: the keyed RNG, fixed-point sums against an independent exact
// reference, the MPI limb encoding, and cluster statistics that are the same bits however the
// points are split into ranks and in whatever order the parts are merged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>

#include "kernels/common/errors.hpp"
#include "kmeans_test_util.hpp"

using namespace crmpi::kmeans;

namespace {

// Exact value of f * 2^32 rounded to nearest-even, from the float's integer mantissa and exponent
// (no floating-point arithmetic at all): an independent reference for fixed_of_feature.
Int128 exact_fixed(float f) {
  int e = 0;
  const float m = std::frexp(f, &e);  // f = m 2^e, 0.5 <= |m| < 1
  const auto mant = static_cast<std::int64_t>(std::ldexp(m, 24));  // exact: 24-bit integer
  const int shift = e - 24 + 32;                                    // f 2^32 = mant 2^shift
  if (shift >= 0) return Int128{mant} << shift;
  const Int128 a = mant < 0 ? -Int128{mant} : Int128{mant};
  Int128 q = a >> -shift;
  const Int128 rem = a - (q << -shift), half = Int128{1} << (-shift - 1);
  if (rem > half || (rem == half && (q & 1))) ++q;
  return mant < 0 ? -q : q;
}

bool same(const ClusterStats& a, const ClusterStats& b) {
  if (a.k != b.k || a.d != b.d || a.count != b.count || a.sum != b.sum || a.sse != b.sse || a.changed != b.changed ||
      a.distances != b.distances || a.far.size() != b.far.size())
    return false;
  for (std::size_t i = 0; i < a.far.size(); ++i)
    if (a.far[i].id != b.far[i].id || a.far[i].dist2 != b.far[i].dist2 || a.far[i].label != b.far[i].label ||
        a.far[i].x != b.far[i].x)
      return false;
  return true;
}

}  // namespace

// SplitMix64's published outputs: java.util.SplittableRandom(0).nextLong() three times is
// e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f (run now: `java Sm.java` with
// `new java.util.SplittableRandom(0)`; its nextLong is mix64(state += golden gamma)).
TEST(KMeansExact, KeyedRngIsSplitMix64AndABijectionOfTheId) {
  EXPECT_EQ(mix64(kGolden), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(mix64(2 * kGolden), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(mix64(3 * kGolden), 0x06c45d188009454fULL);
  std::set<std::uint64_t> seen;
  double mean = 0;
  for (std::uint64_t id = 0; id < 100000; ++id) {
    seen.insert(keyed_hash(42, kStreamFirstCenter, id));
    const double u = keyed_uniform(42, kStreamFirstCenter, id);
    ASSERT_TRUE(u >= 0 && u < 1);
    mean += u;
  }
  EXPECT_EQ(seen.size(), 100000u);
  EXPECT_NEAR(mean / 100000, 0.5, 0.005);  // sd of the mean 0.0009
  EXPECT_NE(keyed_hash(42, 1, 7), keyed_hash(43, 1, 7));
  EXPECT_NE(keyed_hash(42, 1, 7), keyed_hash(42, 2, 7));
}

// Floats from 2^-40 to 2^24 of both signs summed into one cluster: the fixed-point sum equals the
// sum of exact_fixed (integer reference); its double is within n 2^-33 of the long double sum of
// the floats themselves (the only error: rounding each value to 2^-32, none beyond 2^-9).
TEST(KMeansExact, FixedPointSumIsExact) {
  std::mt19937_64 g(3);
  const std::size_t n = 20000;
  std::vector<float> x(n);
  for (float& v : x) {
    const double mag = std::ldexp(1.0 + kmt::unif(g), static_cast<int>(g() % 64) - 40);
    v = static_cast<float>((g() & 1) ? mag : -mag);
  }
  x[0] = kMaxAbsFeature;
  x[1] = -kMaxAbsFeature;
  x[2] = 0x1p-33f;  // exactly half of 2^-32: ties to even (0)
  x[3] = 0x3p-33f;  // 1.5 2^-32: ties to even (2 2^-32)
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = i;
  std::vector<std::uint32_t> labels(n, 0);
  std::vector<float> d2(n, 0.0f);
  ClusterStats s;
  s.reset(1, 1);
  accumulate({x, ids, 1}, 0, n, labels.data(), d2.data(), s);
  Int128 ref = 0;
  long double ld = 0;
  for (float v : x) {
    ref += exact_fixed(v);
    ld += v;
  }
  EXPECT_EQ(exact_fixed(0x1p-33f), 0);
  EXPECT_EQ(exact_fixed(0x3p-33f), 2);
  EXPECT_TRUE(s.sum[0] == ref);
  EXPECT_EQ(s.count[0], n);
  EXPECT_LE(std::fabs(static_cast<long double>(fixed_to_double(s.sum[0])) - ld), n * 0x1p-33L + 1e-9L);
}

TEST(KMeansExact, LimbsRoundTripAndSumElementWise) {
  const Int128 big = (Int128{1} << 126) - 12345;
  const std::vector<Int128> vals{0, 1, -1, big, -big, Int128{-987654321} * 1000000007, (Int128{1} << 100) + 77};
  for (Int128 v : vals) EXPECT_TRUE(from_limbs(to_limbs(v).data()) == v);
  // Sum of limbs == limbs of the sum (as long as the sum fits 127 bits).
  std::array<std::int64_t, kLimbs> acc{};
  Int128 total = 0;
  for (Int128 v : {Int128{1} << 120, -(Int128{1} << 119), Int128{-5}, (Int128{1} << 90) + 3}) {
    const auto l = to_limbs(v);
    for (std::size_t i = 0; i < kLimbs; ++i) acc[i] += l[i];
    total += v;
  }
  EXPECT_TRUE(from_limbs(acc.data()) == total);
}

// One step's statistics over 1, 2, 3, 4 uneven parts (one empty), merged forward and backward, and
// through pack_sums/unpack_sums (an integer MPI_SUM), are the bits of the whole.
TEST(KMeansExact, StatisticsDoNotDependOnThePartition) {
  const kmt::Data data = kmt::blobs(5000, 6, 5, 1.5, 11);
  const std::size_t k = 7;  // more centroids than blobs: some clusters small
  std::vector<float> c(data.x.begin(), data.x.begin() + static_cast<std::ptrdiff_t>(k * data.d));
  for (StepKind kind : {StepKind::kNaive, StepKind::kHamerly}) {
    kmt::Ranks whole(data, kmt::cuts(data.n(), 1), kind);
    const ClusterStats ref = whole.step(c, k);
    for (std::size_t parts = 1; parts <= 4; ++parts)
      for (bool reverse : {false, true}) {
        kmt::Ranks r(data, kmt::cuts(data.n(), parts), kind);
        EXPECT_TRUE(same(r.step(c, k, reverse), ref)) << parts << " parts, reverse " << reverse;
        // The integer all-reduce path.
        std::vector<std::int64_t> summed;
        ClusterStats far_only;
        far_only.reset(k, data.d);
        for (const auto& st : r.steps) {
          ClusterStats s;
          st->step(c, k, s);
          const auto p = pack_sums(s);
          if (summed.empty()) summed.assign(p.size(), 0);
          for (std::size_t i = 0; i < p.size(); ++i) summed[i] += p[i];
          for (const FarPoint& f : s.far) offer_far(far_only.far, k, f);
        }
        ClusterStats u;
        u.reset(k, data.d);
        unpack_sums(summed, u);
        u.far = far_only.far;
        u.changed = ref.changed;  // the parts stepped twice here: changed and distances of a second step
        u.distances = ref.distances;
        EXPECT_TRUE(u.count == ref.count && u.sum == ref.sum && u.sse == ref.sse);
        EXPECT_TRUE(same(u, ref));
      }
  }
}

TEST(KMeansExact, MergeRefusesMoreThanTheLimit) {
  ClusterStats a, b;
  a.reset(1, 1);
  b.reset(1, 1);
  a.count[0] = kMaxPoints;
  b.count[0] = 1;
  EXPECT_THROW(merge_into(a, b), std::overflow_error);
}

TEST(KMeansExact, BadFeaturesAreRefused) {
  std::vector<float> x{1.0f, std::nanf(""), 2.0f, 3.0f};
  std::vector<std::uint64_t> ids{1, 2};
  EXPECT_THROW(validate_points({x, ids, 2}), crmpi::DataError);
  x[1] = 2 * kMaxAbsFeature;
  EXPECT_THROW(validate_points({x, ids, 2}), crmpi::DataError);
  x[1] = kMaxAbsFeature;
  EXPECT_NO_THROW(validate_points({x, ids, 2}));
  EXPECT_THROW(NaiveStep({x, ids, 3}), crmpi::DataError);  // 4 values are not 2 x 3
}

// validate_points checks whole chunks of 4096 values by a max over their bits: a bad value
// anywhere (first value, inside a whole chunk, last value of the tail; of either sign, just past
// the bound, infinite or NaN) is refused and named by its customer; values at the bound pass.
TEST(KMeansExact, BadFeaturesAreFoundInEveryChunk) {
  constexpr std::size_t d = 3, n = 4000;  // 12,000 values: two whole chunks and a tail
  std::vector<float> x(n * d, -kMaxAbsFeature);
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = 1000 + i;
  EXPECT_NO_THROW(validate_points({x, ids, d}));
  EXPECT_NO_THROW(validate_points({x, ids, d}, false));
  const float past = std::nextafter(kMaxAbsFeature, 2 * kMaxAbsFeature);
  for (std::size_t at : {std::size_t{0}, std::size_t{5000}, x.size() - 1})
    for (float bad : {past, -past, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                      std::nanf(""), -std::nanf("")}) {
      std::vector<float> y = x;
      y[at] = bad;
      for (bool vector_scan : {true, false}) {  // AVX-512 where the CPU has it, and the portable scan
        try {
          validate_points({y, ids, d}, vector_scan);
          ADD_FAILURE() << "value " << bad << " at " << at << " passed";
        } catch (const crmpi::DataError& e) {
          EXPECT_NE(std::string(e.what()).find("customer " + std::to_string(1000 + at / d)), std::string::npos) << e.what();
        }
      }
    }
}

// Points dealt to 1..4 parts at random (not contiguous: any subset, any order inside a part), each
// part's statistics from its own step object, merged in every order of the parts (all
// permutations) and, for 4 parts, also as a tree ((a + b) + (c + d)): always the bits of the whole.
TEST(KMeansExact, RandomPartitionsMergedInAnyOrderGiveTheSameBits) {
  const kmt::Data data = kmt::blobs(3000, 10, 6, 2.0, 23);
  const std::size_t k = 8, d = data.d;
  const std::vector<float> c(data.x.begin() + 100 * static_cast<std::ptrdiff_t>(d),
                             data.x.begin() + static_cast<std::ptrdiff_t>((100 + k) * d));
  std::mt19937_64 g(99);
  for (StepKind kind : {StepKind::kNaive, StepKind::kHamerly}) {
    kmt::Ranks whole(data, kmt::cuts(data.n(), 1), kind);
    const ClusterStats ref = whole.step(c, k);
    for (std::size_t parts = 1; parts <= 4; ++parts)
      for (int trial = 0; trial < 3; ++trial) {
        std::vector<std::vector<std::size_t>> rows(parts);
        for (std::size_t i = 0; i < data.n(); ++i) rows[g() % parts].push_back(i);
        std::vector<ClusterStats> stats(parts);
        for (std::size_t p = 0; p < parts; ++p) {
          std::shuffle(rows[p].begin(), rows[p].end(), g);
          std::vector<float> x;
          std::vector<std::uint64_t> ids;
          for (std::size_t i : rows[p]) {
            x.insert(x.end(), data.x.begin() + static_cast<std::ptrdiff_t>(i * d), data.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
            ids.push_back(data.ids[i]);
          }
          auto step = make_step(kind, {x, ids, d});
          step->step(c, k, stats[p]);
        }
        std::vector<std::size_t> order(parts);
        std::iota(order.begin(), order.end(), std::size_t{0});
        do {
          ClusterStats m;
          m.reset(k, d);
          for (std::size_t p : order) merge_into(m, stats[p]);
          ASSERT_TRUE(same(m, ref)) << parts << " parts, trial " << trial;
        } while (std::next_permutation(order.begin(), order.end()));
        if (parts == 4) {
          ClusterStats a = stats[3], b = stats[1];
          merge_into(a, stats[2]);
          merge_into(b, stats[0]);
          merge_into(b, a);
          ASSERT_TRUE(same(b, ref));
        }
      }
  }
}

// The steps keep coordinate sums and counts from step to step and move only the points whose label
// changed (RunningSums): at every step of a Lloyd run, and after k changes on the same step object,
// the statistics are the bits of `accumulate` from scratch over the step's labels and distances.
TEST(KMeansExact, RunningSumsEqualAFreshSumAtEveryStep) {
  const kmt::Data data = kmt::blobs(4000, 5, 6, 2.5, 31);
  const std::size_t d = data.d;
  for (StepKind kind : {StepKind::kNaive, StepKind::kHamerly}) {
    auto step = make_step(kind, {data.x, data.ids, d});
    for (std::size_t k : {7u, 4u, 7u, 1u, 9u}) {
      std::vector<float> c(data.x.begin() + static_cast<std::ptrdiff_t>(k * d),
                           data.x.begin() + static_cast<std::ptrdiff_t>(2 * k * d));
      for (int it = 0; it < 12; ++it) {
        ClusterStats s, fresh;
        step->step(c, k, s);
        fresh.reset(k, d);
        accumulate(step->points(), 0, data.n(), step->labels().data(), step->dist2().data(), fresh);
        EXPECT_TRUE(s.count == fresh.count && s.sum == fresh.sum && s.sse == fresh.sse) << "k " << k << " step " << it;
        ASSERT_EQ(s.far.size(), fresh.far.size());
        for (std::size_t i = 0; i < s.far.size(); ++i) EXPECT_EQ(s.far[i].id, fresh.far[i].id);
        c = update_centroids(s, c).centroids;
      }
    }
  }
}

// move_points (the vector loop on AVX-512 CPUs, the scalar one elsewhere) on coordinates whose
// fixed-point value is an exact tie: x = m * 2^-33 with m odd, so x * 2^32 = m / 2, which rounds
// to the even neighbour (llrint's default mode). Expected integers by hand: 1.5 -> 2, 2.5 -> 2,
// -1.5 -> -2, -2.5 -> -2, 3.5 -> 4; the 9 coordinates also cross the AVX-512 loop's 8-lane edge.
TEST(KMeansExact, MovedCoordinatesRoundTiesToEven) {
  const std::size_t d = 9;
  const float h = std::ldexp(1.0f, -33);
  const std::vector<float> row{3 * h, 5 * h, -3 * h, -5 * h, 7 * h, 3 * h, 5 * h, -3 * h, 7 * h};
  const std::vector<std::int64_t> fixed{2, 2, -2, -2, 4, 2, 2, -2, 4};
  std::vector<float> x;
  for (int i = 0; i < 3; ++i) x.insert(x.end(), row.begin(), row.end());
  const std::vector<std::uint64_t> ids{1, 2, 3};
  const PointSet p{x, ids, d};
  for (Isa isa : {Isa::kScalar, Isa::kAvx512}) {  // kAvx512 falls back to scalar on other CPUs
    RunningSums r;
    r.reset(2, d);
    AccumulateScratch scratch;
    // All three enter cluster 0, then row 1 moves to cluster 1: 2 rows in cluster 0, 1 in cluster 1.
    const std::vector<std::uint32_t> rows{0, 1, 2}, none(3, kNoCluster), zero(3, 0);
    move_points(p, rows.data(), none.data(), zero.data(), 3, r, scratch, isa);
    const std::uint32_t row1 = 1, from0 = 0, to1 = 1;
    move_points(p, &row1, &from0, &to1, 1, r, scratch, isa);
    EXPECT_EQ(r.count, (std::vector<std::uint64_t>{2, 1}));
    for (std::size_t j = 0; j < d; ++j) {
      EXPECT_EQ(static_cast<std::int64_t>(r.sum[j]), 2 * fixed[j]) << "cluster 0, coordinate " << j;
      EXPECT_EQ(static_cast<std::int64_t>(r.sum[d + j]), fixed[j]) << "cluster 1, coordinate " << j;
    }
  }
}
