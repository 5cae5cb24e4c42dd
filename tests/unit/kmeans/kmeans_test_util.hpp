// Shared helpers of the k-means kernel tests: seeded Gaussian blobs with planted labels, the
// adjusted Rand index, and "ranks" simulated in one process (the slice of each part, its own step
// object, statistics merged as an MPI driver would reduce them).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "kernels/kmeans/kmeans.hpp"

namespace kmt {

using namespace crmpi::kmeans;

struct Data {
  std::size_t d = 0;
  std::vector<float> x;
  std::vector<std::uint64_t> ids;
  std::vector<std::uint32_t> truth;  // planted labels
  std::vector<float> centers;        // planted centers, k x d

  std::size_t n() const { return ids.size(); }
  PointSet part(std::size_t b, std::size_t e) const {
    return {std::span<const float>(x).subspan(b * d, (e - b) * d), std::span<const std::uint64_t>(ids).subspan(b, e - b), d};
  }
  PointSet all() const { return part(0, n()); }
};

// Uniform [0, 1) from the C++ standard's exactly specified mt19937_64 (portable test data).
inline double unif(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1p-53; }
inline double normal(std::mt19937_64& g) {  // Box-Muller
  const double u1 = 1.0 - unif(g), u2 = unif(g);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// n points around k centers drawn in [-box, box]^d at pairwise distance >= min_sep, noise N(0,
// sigma^2) per coordinate, planted label uniform; ids are a scrambled (non-monotone) sequence.
inline Data blobs(std::size_t n, std::size_t d, std::size_t k, double sigma, std::uint64_t seed, double box = 10,
                  double min_sep = 6) {
  std::mt19937_64 g(seed);
  Data o;
  o.d = d;
  while (o.centers.size() < k * d) {
    std::vector<float> c(d);
    for (float& v : c) v = static_cast<float>(box * (2 * unif(g) - 1));
    bool ok = true;
    for (std::size_t j = 0; j < o.centers.size() / d && ok; ++j) {
      double s = 0;
      for (std::size_t t = 0; t < d; ++t) s += std::pow(static_cast<double>(c[t] - o.centers[j * d + t]), 2);
      ok = std::sqrt(s) >= min_sep;
    }
    if (ok) o.centers.insert(o.centers.end(), c.begin(), c.end());
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::uint32_t>(g() % k);
    o.truth.push_back(c);
    o.ids.push_back(mix64(i + 1000));  // distinct: mix64 is a bijection
    for (std::size_t t = 0; t < d; ++t) o.x.push_back(static_cast<float>(static_cast<double>(o.centers[c * d + t]) + sigma * normal(g)));
  }
  return o;
}

// Adjusted Rand index from its definition (Hubert & Arabie 1985): with the contingency table n_ij,
// row sums a_i, column sums b_j and C(m) = m (m - 1) / 2,
//   ARI = (sum C(n_ij) - E) / ((sum C(a_i) + sum C(b_j)) / 2 - E),  E = sum C(a_i) sum C(b_j) / C(n).
inline double ari(std::span<const std::uint32_t> u, std::span<const std::uint32_t> v) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> nij;
  std::map<std::uint32_t, double> a, b;
  for (std::size_t i = 0; i < u.size(); ++i) {
    ++nij[{u[i], v[i]}];
    ++a[u[i]];
    ++b[v[i]];
  }
  auto c2 = [](double m) { return m * (m - 1) / 2; };
  double index = 0, sa = 0, sb = 0;
  for (const auto& e : nij) index += c2(e.second);
  for (const auto& e : a) sa += c2(e.second);
  for (const auto& e : b) sb += c2(e.second);
  const double expected = sa * sb / c2(static_cast<double>(u.size()));
  const double max_index = (sa + sb) / 2;
  if (max_index == expected) return 1.0;
  return (index - expected) / (max_index - expected);
}

// Boundaries of `parts` uneven parts of n points; part 1 is empty when parts >= 3 (a rank that
// holds no customer), the others get shares 1 : 2 : 3 ...
inline std::vector<std::size_t> cuts(std::size_t n, std::size_t parts) {
  std::vector<std::size_t> w(parts);
  for (std::size_t p = 0; p < parts; ++p) w[p] = (parts >= 3 && p == 1) ? 0 : p + 1;
  std::size_t total = 0;
  for (std::size_t v : w) total += v;
  std::vector<std::size_t> c{0};
  std::size_t acc = 0;
  for (std::size_t p = 0; p < parts; ++p) {
    acc += w[p];
    c.push_back(p + 1 == parts ? n : n * acc / total);
  }
  return c;
}

// One process standing in for the ranks: a step object per part, statistics merged.
struct Ranks {
  std::vector<std::unique_ptr<LloydStep>> steps;
  std::vector<std::size_t> cut;

  Ranks(const Data& data, std::vector<std::size_t> c, StepKind kind, StepConfig cfg = {}) : cut(std::move(c)) {
    for (std::size_t p = 0; p + 1 < cut.size(); ++p) steps.push_back(make_step(kind, data.part(cut[p], cut[p + 1]), cfg));
  }
  // reverse: merge the parts last to first (the order of a reduction must not matter).
  ClusterStats step(std::span<const float> centroids, std::size_t k, bool reverse = false) {
    std::vector<ClusterStats> part(steps.size());
    for (std::size_t p = 0; p < steps.size(); ++p) steps[p]->step(centroids, k, part[p]);
    if (reverse) std::reverse(part.begin(), part.end());
    ClusterStats g = part[0];
    for (std::size_t p = 1; p < part.size(); ++p) merge_into(g, part[p]);
    return g;
  }
  std::vector<std::uint32_t> labels() const {
    std::vector<std::uint32_t> l;
    for (const auto& s : steps) l.insert(l.end(), s->labels().begin(), s->labels().end());
    return l;
  }
  std::vector<float> dist2() const {
    std::vector<float> l;
    for (const auto& s : steps) l.insert(l.end(), s->dist2().begin(), s->dist2().end());
    return l;
  }
  std::uint64_t distances() const {
    std::uint64_t t = 0;
    for (const auto& s : steps) t += s->distances();
    return t;
  }
};

struct Trace {
  std::vector<std::vector<float>> centroids;  // [0]: the initial ones, [t + 1]: after iteration t
  std::vector<std::vector<std::uint32_t>> labels;
  std::vector<std::vector<float>> dist2;
  std::vector<ClusterStats> global;
  std::vector<IterationStats> stats;
  std::uint64_t distances = 0;
};

// Lloyd's algorithm over simulated ranks until no label changes (or max_iter).
inline Trace run_lloyd(const Data& data, const std::vector<std::size_t>& c, StepKind kind, std::vector<float> init,
                       std::size_t k, std::uint32_t max_iter, StepConfig cfg = {}, bool reverse = false) {
  Ranks r(data, c, kind, cfg);
  Trace t;
  t.centroids.push_back(std::move(init));
  for (std::uint32_t it = 0; it < max_iter; ++it) {
    ClusterStats g = r.step(t.centroids.back(), k, reverse);
    const CentroidUpdate u = update_centroids(g, t.centroids.back());
    t.labels.push_back(r.labels());
    t.dist2.push_back(r.dist2());
    t.stats.push_back(iteration_stats(it, g, u));
    t.global.push_back(g);
    t.centroids.push_back(u.centroids);
    if (it > 0 && g.changed == 0) break;
  }
  t.distances = r.distances();
  return t;
}

// k-means|| then greedy k-means++ over simulated ranks (parallel_init.hpp's driver outline).
inline std::vector<float> init_parallel(const Data& data, const std::vector<std::size_t>& c, std::size_t k,
                                        std::uint64_t seed, std::uint32_t rounds, double l,
                                        std::size_t* n_candidates = nullptr) {
  std::vector<ParallelInit> parts;
  KeyedPick first;
  for (std::size_t p = 0; p + 1 < c.size(); ++p) {
    parts.emplace_back(data.part(c[p], c[p + 1]));
    const KeyedPick q = first_center_local(data.part(c[p], c[p + 1]), seed);
    if (precedes(q, first)) first = q;
  }
  const std::size_t d = data.d;
  std::vector<float> cand(first.x.begin(), first.x.begin() + static_cast<std::ptrdiff_t>(d));
  std::size_t taken = 0;
  Int128 total = 0;
  for (std::uint32_t r = 0;; ++r) {
    total = 0;
    for (auto& p : parts) total += p.add_candidates(cand, taken);
    taken = cand.size() / d;
    if (r == rounds) break;
    PointRows rows;
    rows.d = d;
    for (auto& p : parts) rows.append(p.select(seed, r, l, total));
    rows.sort_by_id();
    cand.insert(cand.end(), rows.x.begin(), rows.x.end());
  }
  std::vector<std::uint64_t> w(taken, 0);
  for (auto& p : parts) {
    const auto pw = p.weights();
    for (std::size_t i = 0; i < taken; ++i) w[i] += pw[i];
  }
  if (n_candidates) *n_candidates = taken;
  return greedy_kmeanspp(cand, d, w, k, seed).centroids;
}

}  // namespace kmt
