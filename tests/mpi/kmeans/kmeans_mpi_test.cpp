// The distributed k-means (jobs/kmeans/distributed.cpp) at 1-4 ranks:
//   - Gaussian blobs with known centers: the planted labels are recovered (ARI >= 0.99, from a
//     contingency table reduced over ranks) and every center is found within 0.1 of its truth;
//   - rank independence: on every partition shape of tests/mpi/toolkit/partitions.hpp (balanced,
//     all on one rank, an empty rank, geometric) the initial and final centroids, labels, inertia,
//     iteration count and scores are the same bits as a one-process run (MPI_COMM_SELF) of the
//     same points, for both initialisations and both steps;
//   - fewer distinct positions than k is a clear DataError on every rank.
// Expected values: the blobs' planted centers and labels (generated here); the one-process run.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "kernels/common/errors.hpp"
#include "tests/mpi/toolkit/partitions.hpp"

namespace {

using crmpi::Comm;
namespace kj = crmpi::kmeans_job;
namespace km = crmpi::kmeans;

constexpr std::size_t kD = 4, kK = 5, kN = 4000;

// Blobs: kK centers on a coarse grid (at least 6 apart), unit-free noise sd 0.5; customer ids are
// sorted but interleave the blobs (id i belongs to blob (7 i) mod 5 ... with random jitter).
struct Blobs {
  std::vector<float> centers, x;
  std::vector<std::uint64_t> ids;
  std::vector<std::uint32_t> truth;
};

Blobs make_blobs(std::size_t n, std::uint64_t seed) {
  Blobs b;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.5);
  const float grid[kK][kD] = {{0, 0, 0, 0}, {8, 0, 0, 0}, {0, 8, 0, 0}, {0, 0, 8, 0}, {8, 8, 8, 8}};
  for (const auto& c : grid) b.centers.insert(b.centers.end(), c, c + kD);
  for (std::size_t i = 0; i < n; ++i) {
    const auto blob = static_cast<std::uint32_t>(rng() % kK);
    b.ids.push_back(1000 + 3 * i);  // sorted, not dense
    b.truth.push_back(blob);
    for (std::size_t j = 0; j < kD; ++j) b.x.push_back(static_cast<float>(static_cast<double>(grid[blob][j]) + noise(rng)));
  }
  return b;
}

km::PointSet slice(const Blobs& b, std::size_t begin, std::size_t end) {
  return {std::span<const float>(b.x).subspan(begin * kD, (end - begin) * kD),
          std::span<const std::uint64_t>(b.ids).subspan(begin, end - begin), kD};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(KmeansMpi, BlobsAreRecovered) {
  const Comm world;
  const Blobs b = make_blobs(kN, 11);
  const auto [lo, hi] = crmpi_test::share(crmpi_test::Shape::kEven, kN, world.rank(), world.size());
  const kj::FitResult f = kj::fit(world, slice(b, lo, hi), kj::FitParams{.k = kK, .seed = 3, .tol = 0});
  km::Contingency t;
  t.reset(kK, kK);
  t.add(f.labels, std::span<const std::uint32_t>(b.truth).subspan(lo, hi - lo));
  world.allreduce_sum_inplace(std::span<std::uint64_t>(t.n));
  const double ari = km::adjusted_rand_index(t);
  EXPECT_GE(ari, 0.99);
  EXPECT_TRUE(f.converged);
  // Every planted center has a found centroid within 0.1 (the noise mean over ~800 points is ~0.02).
  for (std::size_t c = 0; c < kK; ++c) {
    double best = 1e9;
    for (std::size_t e = 0; e < kK; ++e) {
      double s = 0;
      for (std::size_t j = 0; j < kD; ++j) s += std::pow(f.centroids[e * kD + j] - b.centers[c * kD + j], 2);
      best = std::min(best, std::sqrt(s));
    }
    EXPECT_LT(best, 0.1) << "planted center " << c;
  }
  // O(k d) bytes per iteration: (k + 2 + 3 k d + 3) int64 (counts, changed, distances, sums and the
  // sse in 3 limbs each), whatever the number of points.
  EXPECT_EQ(f.bytes_per_iteration, 8 * (kK + 2 + 3 * kK * kD + 3));
  if (world.is_root())
    std::printf("blobs: ARI %.6f, %zu iterations, %llu bytes per iteration, %llu k-means|| candidates\n", ari,
                f.iterations.size(), static_cast<unsigned long long>(f.bytes_per_iteration),
                static_cast<unsigned long long>(f.candidates));
}

void expect_same(const kj::FitResult& got, const kj::FitResult& want, std::size_t lo, std::size_t hi) {
  EXPECT_TRUE(same_floats(got.init_centroids, want.init_centroids));
  EXPECT_TRUE(same_floats(got.centroids, want.centroids));
  EXPECT_TRUE(same_bits(got.inertia, want.inertia)) << got.inertia << " vs " << want.inertia;
  EXPECT_EQ(got.iterations.size(), want.iterations.size());
  EXPECT_EQ(got.candidates, want.candidates);
  ASSERT_EQ(got.labels.size(), hi - lo);
  for (std::size_t i = lo; i < hi; ++i) {
    EXPECT_EQ(got.labels[i - lo], want.labels[i]);
    EXPECT_TRUE(same_bits(got.dist2[i - lo], want.dist2[i]));
  }
  for (std::size_t it = 0; it < want.iterations.size() && it < got.iterations.size(); ++it)
    EXPECT_TRUE(same_bits(got.iterations[it].inertia, want.iterations[it].inertia));
}

// Every partition shape, both inits, both steps, k larger than a rank's share: the same bits as
// one process holding every point.
TEST(KmeansMpi, SameBitsOnEveryPartition) {
  const Comm world, self(MPI_COMM_SELF);
  const Blobs b = make_blobs(1500, 5);
  for (const kj::Init init : {kj::Init::kParallel, kj::Init::kPlusPlus})
    for (const km::StepKind step : {km::StepKind::kHamerly, km::StepKind::kNaive})
      for (const std::size_t k : {std::size_t{1}, std::size_t{7}}) {
        const kj::FitParams prm{.k = k, .seed = 9, .max_iter = 50, .tol = 1e-6, .step = step, .init = init};
        const kj::FitResult ref = kj::fit(self, slice(b, 0, b.ids.size()), prm);
        const kj::Scores ref_s = kj::score(self, slice(b, 0, b.ids.size()), ref, 9, 0.2);
        for (const auto shape : crmpi_test::kShapes) {
          SCOPED_TRACE(crmpi_test::name(shape) + ", k " + std::to_string(k) +
                       (init == kj::Init::kParallel ? ", k-means||" : ", k-means++") +
                       (step == km::StepKind::kNaive ? ", naive" : ", hamerly"));
          const auto [lo, hi] = crmpi_test::share(shape, b.ids.size(), world.rank(), world.size());
          const kj::FitResult f = kj::fit(world, slice(b, lo, hi), prm);
          expect_same(f, ref, lo, hi);
          const kj::Scores s = kj::score(world, slice(b, lo, hi), f, 9, 0.2);
          EXPECT_TRUE(same_bits(s.calinski_harabasz, ref_s.calinski_harabasz) ||
                      (std::isnan(s.calinski_harabasz) && std::isnan(ref_s.calinski_harabasz)));
          EXPECT_TRUE(same_bits(s.davies_bouldin, ref_s.davies_bouldin));
          EXPECT_TRUE(same_bits(s.silhouette, ref_s.silhouette) ||
                      (std::isnan(s.silhouette) && std::isnan(ref_s.silhouette)));
          EXPECT_EQ(s.sampled, ref_s.sampled);
        }
      }
}

// Clumped data (12 distinct positions, many duplicates) with k = 12: k-means|| needs extra rounds,
// clusters can empty and be refilled; still the same bits on every partition.
TEST(KmeansMpi, DuplicatesAndEmptyClusters) {
  const Comm world, self(MPI_COMM_SELF);
  Blobs b;
  for (std::size_t i = 0; i < 600; ++i) {
    b.ids.push_back(i);
    const float v = static_cast<float>((i * 7) % 12);
    for (std::size_t j = 0; j < kD; ++j) b.x.push_back(j == 0 ? v : 0.0f);
  }
  for (const kj::Init init : {kj::Init::kParallel, kj::Init::kPlusPlus}) {
    const kj::FitParams prm{.k = 12, .seed = 2, .tol = 0, .init = init};
    const kj::FitResult ref = kj::fit(self, slice(b, 0, b.ids.size()), prm);
    EXPECT_EQ(ref.inertia, 0.0);  // every distinct position is a centroid
    for (const auto shape : crmpi_test::kShapes) {
      SCOPED_TRACE(crmpi_test::name(shape));
      const auto [lo, hi] = crmpi_test::share(shape, b.ids.size(), world.rank(), world.size());
      expect_same(kj::fit(world, slice(b, lo, hi), prm), ref, lo, hi);
    }
    // 13 clusters for 12 distinct positions: a clear error, on every rank.
    const auto [lo, hi] = crmpi_test::share(crmpi_test::Shape::kEven, b.ids.size(), world.rank(), world.size());
    try {
      kj::fit(world, slice(b, lo, hi), kj::FitParams{.k = 13, .seed = 2, .init = init});
      ADD_FAILURE() << "no error for k above the distinct positions";
    } catch (const crmpi::Error& e) {
      EXPECT_EQ(e.code(), crmpi::ExitCode::kDataErr);
      EXPECT_NE(std::string(e.what()).find("distinct positions"), std::string::npos) << e.what();
    }
  }
}

}  // namespace

// Names (docs/kmeans.md, "Profiles and names"), a pure function of the profile and the centroids,
// checked by hand. Four segments of 10 customers, monetary and mean orders (3) all at the buyers'
// mean: "mid-value repeat buyers". Mean recency 10, 10, 10, 70 days, the buyers' mean 25: 0.4x is
// "Active", 2.8x "Lapsed". Segments 1-3 share "Active mid-value repeat buyers"; their standardized
// centroids over (recency, channel_share:web, aov) average (0, 0, 0), and each is furthest from
// that in web share +1.5, aov -1.2, web share -1.5 -> "(more web)", "(smaller baskets)", "(less web)".
TEST(KmeansNames, SharedNamesGetTheirMostDistinctFeature) {
  kj::FeatureMatrix fm;
  fm.names = {"recency", "channel_share:web", "aov"};
  fm.kinds = {kj::Feature::kRecency, kj::Feature::kChannelShares, kj::Feature::kAov};
  const std::size_t k = 4;
  const std::vector<float> centroids{0.2f, 1.5f, 0.3f,  -0.1f, 0.0f, -1.2f,  -0.1f, -1.5f, 0.9f,  3.0f, 0.0f, 0.0f};
  kj::Profile p;
  p.customers = {0, 10, 10, 10, 10};
  p.revenue_cents = {0, 100000, 100000, 100000, 100000};
  p.mean_recency = {NAN, 10, 10, 10, 70};
  p.mean_frequency = {NAN, 3, 3, 3, 3};
  p.mean_monetary = {NAN, 100, 100, 100, 100};
  p.mean_p_alive = {NAN, NAN, NAN, NAN, NAN};
  const std::vector<std::string> names = kj::segment_names(fm, centroids, k, p);
  EXPECT_EQ(names, (std::vector<std::string>{"No orders", "Active mid-value repeat buyers (more web)",
                                             "Active mid-value repeat buyers (smaller baskets)",
                                             "Active mid-value repeat buyers (less web)", "Lapsed mid-value repeat buyers"}));
}
