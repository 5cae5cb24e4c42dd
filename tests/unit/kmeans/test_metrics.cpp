// Model-selection metrics: hand-computed values on a tiny set, scikit-learn's values on a larger
// one, the adjusted Rand index by hand, and local parts that reduce to the same bits whatever the partition.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "kmeans_test_util.hpp"

using namespace crmpi::kmeans;

namespace {

struct Scores {
  double inertia, ch, db, sil;
};

// The driver's sequence over simulated ranks: a step at the given centroids, means from the exact
// sums, the dispersion pass, the silhouette on a sample (rate 1: every point) split over ranks.
Scores scores(const kmt::Data& data, const std::vector<std::size_t>& c, const std::vector<float>& centroids, std::size_t k,
              double rate = 1.0) {
  kmt::Ranks r(data, c, StepKind::kNaive);
  const ClusterStats g = r.step(centroids, k);
  const std::vector<double> means = cluster_means(g);
  Dispersion disp;
  disp.reset(k);
  PointRows sample;
  sample.d = data.d;
  for (std::size_t p = 0; p + 1 < c.size(); ++p) {
    const PointSet ps = data.part(c[p], c[p + 1]);
    merge_into(disp, dispersion_local(ps, r.steps[p]->labels(), means, k));
    sample.append(silhouette_sample_local(ps, r.steps[p]->labels(), 4, rate));
  }
  sample.sort_by_id();
  SilhouettePartial sp;  // rows split over the ranks as evenly as possible, summed in reverse
  const std::size_t parts = c.size() - 1;
  for (std::size_t p = parts; p-- > 0;) merge_into(sp, silhouette_partial(sample, k, sample.n() * p / parts, sample.n() * (p + 1) / parts));
  return {fixed_to_double(g.inertia()), calinski_harabasz(g, disp), davies_bouldin(g, disp), silhouette_score(sp)};
}

}  // namespace

// Points (0,0) (2,0) in cluster 0 and (6,0) (10,0) in cluster 1, centroids at the means (1,0), (8,0):
//   inertia = 1 + 1 + 4 + 4 = 10; mu = (4.5, 0); B = 2 (3.5^2) + 2 (3.5^2) = 49; W = 10;
//   CH = (49 / 1) / (10 / (4 - 2)) = 9.8;
//   S0 = 1, S1 = 2, |m0 - m1| = 7: DB = mean(3/7, 3/7) = 3/7;
//   s = (8-2)/8, (6-2)/6, (5-4)/5, (9-4)/9 = 3/4, 2/3, 1/5, 5/9: mean = 391/720.
// scikit-learn agrees (run now): /usr/bin/python3 -c "from sklearn.metrics import calinski_harabasz_score as ch,
//   davies_bouldin_score as db, silhouette_score as sil; X=[[0,0],[2,0],[6,0],[10,0]]; L=[0,0,1,1];
//   print(repr(ch(X,L)),repr(db(X,L)),repr(sil(X,L)))"  ->  9.8 0.42857142857142855 0.5430555555555555
TEST(KMeansMetrics, HandComputedTinySet) {
  kmt::Data data;
  data.d = 2;
  data.x = {0, 0, 2, 0, 6, 0, 10, 0};
  data.ids = {1, 2, 3, 4};
  const std::vector<float> centroids{1, 0, 8, 0};
  for (std::size_t parts : {1, 2, 3}) {
    const Scores s = scores(data, kmt::cuts(4, parts), centroids, 2);
    EXPECT_EQ(s.inertia, 10.0);
    EXPECT_DOUBLE_EQ(s.ch, 9.8);
    EXPECT_DOUBLE_EQ(s.db, 3.0 / 7.0);
    EXPECT_NEAR(s.sil, 391.0 / 720.0, 1e-9);  // fixed point: each s(i) rounded to 2^-32
  }
}

// The 90-point set of KMeansLloyd.InertiaMatchesScikitLearn with its planted labels: a step at the
// planted centers gives exactly those labels (checked), and the metrics use the step's labels and
// the means of their exact sums, as sklearn uses the labels and the cluster means. Run now:
//   /usr/bin/python3 -c "import numpy as np; from sklearn.metrics import calinski_harabasz_score as ch,
//     davies_bouldin_score as db, silhouette_score as sil; i=np.arange(90)[:,None]; t=np.arange(3)[None,:];
//     C=np.array([[0,0,0],[3,1,-1],[-1,4,2]]);
//     X=(C[i[:,0]%3]+((i*37+t*11)%29-14)/10.0).astype(np.float32).astype(np.float64); L=i[:,0]%3;
//     print(repr(ch(X,L)),repr(db(X,L)),repr(sil(X,L)))"
//   -> 152.9836705389044 0.7823225470547834 0.5191601217987569
TEST(KMeansMetrics, MatchScikitLearn) {
  kmt::Data data;
  data.d = 3;
  const int centers[3][3] = {{0, 0, 0}, {3, 1, -1}, {-1, 4, 2}};
  for (int i = 0; i < 90; ++i) {
    data.ids.push_back(static_cast<std::uint64_t>(1000 - i));  // id order is not position order
    data.truth.push_back(static_cast<std::uint32_t>(i % 3));
    for (int t = 0; t < 3; ++t) data.x.push_back(static_cast<float>(centers[i % 3][t] + ((i * 37 + t * 11) % 29 - 14) / 10.0));
  }
  const std::vector<float> planted{0, 0, 0, 3, 1, -1, -1, 4, 2};
  kmt::Ranks r(data, kmt::cuts(90, 1), StepKind::kNaive);
  r.step(planted, 3);
  ASSERT_EQ(r.labels(), data.truth) << "the step at the planted centers gives the planted labels";
  for (std::size_t parts : {1, 2, 4}) {
    const Scores s = scores(data, kmt::cuts(90, parts), planted, 3);
    EXPECT_NEAR(s.ch, 152.9836705389044, 1e-9 * 152.98);
    EXPECT_NEAR(s.db, 0.7823225470547834, 1e-9);
    EXPECT_NEAR(s.sil, 0.5191601217987569, 1e-8);
  }
}

TEST(KMeansMetrics, LocalPartsDoNotDependOnThePartition) {
  const kmt::Data data = kmt::blobs(6000, 4, 5, 1.5, 31);
  const std::vector<float> c(data.centers);
  const Scores ref = scores(data, kmt::cuts(data.n(), 1), c, 5, 0.1);
  EXPECT_GT(ref.sil, 0.3);
  for (std::size_t parts = 2; parts <= 4; ++parts) {
    const Scores s = scores(data, kmt::cuts(data.n(), parts), c, 5, 0.1);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(s.inertia), std::bit_cast<std::uint64_t>(ref.inertia));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(s.ch), std::bit_cast<std::uint64_t>(ref.ch));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(s.db), std::bit_cast<std::uint64_t>(ref.db));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(s.sil), std::bit_cast<std::uint64_t>(ref.sil));
  }
  // Pack / element-wise integer sum / unpack reproduces the merge.
  kmt::Ranks r(data, kmt::cuts(data.n(), 3), StepKind::kNaive);
  const ClusterStats g = r.step(c, 5);
  const auto means = cluster_means(g);
  Dispersion merged;
  merged.reset(5);
  std::vector<std::int64_t> summed;
  const auto cut = kmt::cuts(data.n(), 3);
  for (std::size_t p = 0; p < 3; ++p) {
    const Dispersion part = dispersion_local(data.part(cut[p], cut[p + 1]), r.steps[p]->labels(), means, 5);
    merge_into(merged, part);
    const auto pk = pack_sums(part);
    if (summed.empty()) summed.assign(pk.size(), 0);
    for (std::size_t i = 0; i < pk.size(); ++i) summed[i] += pk[i];
  }
  Dispersion u;
  u.reset(5);
  unpack_sums(summed, u);
  EXPECT_TRUE(u.count == merged.count && u.dist == merged.dist && u.dist2 == merged.dist2);
}

// Adjusted Rand index (Hubert & Arabie 1985, formula in rand_index.hpp), by hand:
//   a = 000111, b = 001122: n_ij = [[2, 1, 0], [0, 1, 2]], index = 1 + 1 = 2, A = 3 + 3 = 6,
//   B = 1 + 1 + 1 = 3, C(6) = 15, E = 18 / 15 = 1.2: ARI = (2 - 1.2) / (4.5 - 1.2) = 8 / 33
//   (sklearn's user guide example, 0.24...);
//   a = 0011, b = 0101: index 0, A = B = 2, E = 4 / 6: ARI = (0 - 2/3) / (2 - 2/3) = -1/2;
//   a relabelled (0 <-> 5): 1; one cluster against all singletons: A = C(n), B = 0, index 0: 0.
TEST(KMeansMetrics, AdjustedRandIndexByHand) {
  using V = std::vector<std::uint32_t>;
  EXPECT_NEAR(adjusted_rand_index(V{0, 0, 0, 1, 1, 1}, V{0, 0, 1, 1, 2, 2}), 8.0 / 33.0, 1e-15);
  EXPECT_NEAR(adjusted_rand_index(V{0, 0, 1, 1}, V{0, 1, 0, 1}), -0.5, 1e-15);
  EXPECT_EQ(adjusted_rand_index(V{0, 0, 1, 1, 2}, V{5, 5, 0, 0, 7}), 1.0);
  EXPECT_EQ(adjusted_rand_index(V{3, 3, 3, 3}, V{0, 1, 2, 3}), 0.0);
  EXPECT_EQ(adjusted_rand_index(V{0, 1, 2}, V{2, 0, 1}), 1.0) << "both all-singletons (sklearn: 1.0)";
  EXPECT_EQ(adjusted_rand_index(V{}, V{}), 1.0);
  EXPECT_THROW(adjusted_rand_index(V{0}, V{0, 1}), std::invalid_argument);
}

// The reducible form: contingency tables of 1..4 parts summed give the whole's table, hence the
// same bits; and the kernel agrees with the tests' independent implementation (kmt::ari, a map
// over pairs) on random labelings.
TEST(KMeansMetrics, AdjustedRandIndexReducesAndAgreesWithAnIndependentOne) {
  std::mt19937_64 g(8);
  const std::size_t n = 5000, ka = 6, kb = 9;
  std::vector<std::uint32_t> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = static_cast<std::uint32_t>(g() % ka);
    b[i] = (g() % 3 == 0) ? static_cast<std::uint32_t>(g() % kb) : a[i] + 2;  // related labelings
  }
  Contingency whole;
  whole.reset(ka, kb);
  whole.add(a, b);
  const double ref = adjusted_rand_index(whole);
  EXPECT_NEAR(ref, kmt::ari(a, b), 1e-12);
  EXPECT_GT(ref, 0.2);
  for (std::size_t parts = 1; parts <= 4; ++parts) {
    const auto c = kmt::cuts(n, parts);
    Contingency sum;
    sum.reset(ka, kb);
    for (std::size_t p = parts; p-- > 0;) {
      Contingency t;
      t.reset(ka, kb);
      t.add(std::span(a).subspan(c[p], c[p + 1] - c[p]), std::span(b).subspan(c[p], c[p + 1] - c[p]));
      sum.merge(t);
    }
    EXPECT_EQ(sum.n, whole.n);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(adjusted_rand_index(sum)), std::bit_cast<std::uint64_t>(ref));
  }
}
