// The kernels against scikit-learn 1.2.1 on one fixed data set (150 float32 points, d = 4, five
// overlapping blobs): Lloyd from given centers, CH / DB / silhouette, ARI, greedy k-means++ fed
// numpy's draws. Expected values: sklearn_reference.hpp, written by gen_sklearn_reference.py in
// this folder (its docstring says how it was run and what it checks); no Python needed here.
#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <vector>

#include "kmeans_test_util.hpp"
#include "sklearn_reference.hpp"

using namespace crmpi::kmeans;

namespace {

kmt::Data reference_data() {
  kmt::Data d;
  d.d = sklref::kD;
  d.x.assign(std::begin(sklref::kX), std::end(sklref::kX));
  d.truth.assign(std::begin(sklref::kTruth), std::end(sklref::kTruth));
  for (std::size_t i = 0; i < sklref::kN; ++i) d.ids.push_back(kmt::mix64(i + 77));  // ids not in row order
  return d;
}

struct Metrics {
  double ch, db, sil;
};

// CH, DB and the silhouette of the whole set (sample rate 1) for given labels, the statistics
// built directly from the labels (dist2 is not used by these metrics).
Metrics metrics_of(const kmt::Data& data, std::span<const std::uint32_t> labels, std::size_t k) {
  const PointSet p = data.all();
  ClusterStats g;
  g.reset(k, data.d);
  const std::vector<float> unused(data.n(), 0.0f);
  accumulate(p, 0, data.n(), labels.data(), unused.data(), g);
  const Dispersion disp = dispersion_local(p, labels, cluster_means(g), k);
  PointRows sample = silhouette_sample_local(p, labels, 1, 1.0);
  sample.sort_by_id();
  return {calinski_harabasz(g, disp), davies_bouldin(g, disp),
          silhouette_score(silhouette_partial(sample, k, 0, sample.n()))};
}

}  // namespace

// Same labels and iteration count as sklearn (the script checks the final assignment has no
// near-tie, so float32 distances agree); centers and inertia to float32 accuracy.
TEST(KMeansSklearn, LloydRunMatchesKMeans) {
  const kmt::Data data = reference_data();
  const std::vector<float> init(std::begin(sklref::kInit), std::end(sklref::kInit));
  const std::vector<std::uint32_t> want(std::begin(sklref::kLloydLabels), std::end(sklref::kLloydLabels));
  for (StepKind kind : {StepKind::kNaive, StepKind::kHamerly})
    for (std::size_t parts : {1, 3}) {
      const kmt::Trace t = kmt::run_lloyd(data, kmt::cuts(data.n(), parts), kind, init, sklref::kK, 300);
      ASSERT_EQ(t.labels.back(), want);
      EXPECT_EQ(t.labels.size(), sklref::kLloydIter) << "assignment passes, the confirming one included";
      for (std::size_t i = 0; i < sklref::kK * sklref::kD; ++i)
        EXPECT_NEAR(t.centroids.back()[i], sklref::kLloydCenters[i], 1e-5);
      EXPECT_NEAR(t.stats.back().inertia, sklref::kLloydInertia, 1e-6 * sklref::kLloydInertia);
    }
}

// Differences to sklearn: double rounding order, and each per-point term rounded to 2^-32 in the
// exact sums (relative 1e-11 here), hence 1e-9.
TEST(KMeansSklearn, MetricsMatch) {
  const kmt::Data data = reference_data();
  const std::vector<std::uint32_t> lloyd(std::begin(sklref::kLloydLabels), std::end(sklref::kLloydLabels));
  const Metrics t = metrics_of(data, data.truth, sklref::kK), l = metrics_of(data, lloyd, sklref::kK);
  EXPECT_NEAR(t.ch, sklref::kCHTruth, 1e-9 * sklref::kCHTruth);
  EXPECT_NEAR(t.db, sklref::kDBTruth, 1e-9);
  EXPECT_NEAR(t.sil, sklref::kSilTruth, 1e-9);
  EXPECT_NEAR(l.ch, sklref::kCHLloyd, 1e-9 * sklref::kCHLloyd);
  EXPECT_NEAR(l.db, sklref::kDBLloyd, 1e-9);
  EXPECT_NEAR(l.sil, sklref::kSilLloyd, 1e-9);
}

TEST(KMeansSklearn, AdjustedRandIndexMatches) {
  const std::span<const std::uint32_t> truth(sklref::kTruth), lloyd(sklref::kLloydLabels), rnd(sklref::kRandomLabels);
  EXPECT_NEAR(adjusted_rand_index(truth, lloyd), sklref::kAriLloydTruth, 1e-14);
  EXPECT_NEAR(adjusted_rand_index(truth, rnd), sklref::kAriRandomTruth, 1e-14);
  EXPECT_NEAR(adjusted_rand_index(lloyd, rnd), sklref::kAriRandomLloyd, 1e-14);
  EXPECT_NEAR(adjusted_rand_index(lloyd, truth), sklref::kAriLloydTruth, 1e-14) << "symmetric";
}

// sklearn 1.2.1's _kmeans_plusplus with the draws its RandomState made (first index, then
// n_local_trials uniforms per further center), unit weights: the same chosen rows, in order.
TEST(KMeansSklearn, GreedyKMeansPlusPlusFedNumpysDrawsChoosesTheSameRows) {
  const std::vector<std::uint64_t> w(sklref::kN, 1);
  for (const sklref::PlusPlusCase& c : sklref::kPlusPlus) {
    EXPECT_EQ(default_local_trials(c.k), c.trials);
    const PlusPlusResult r = greedy_kmeanspp_given(sklref::kX, sklref::kD, w, c.k, c.first,
                                                   std::span<const double>(c.uniforms, (c.k - 1) * c.trials), c.trials);
    EXPECT_EQ(r.chosen, std::vector<std::uint32_t>(c.indices, c.indices + c.k)) << "k=" << c.k;
  }
}
