#include "kernels/kmeans/metrics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace crmpi::kmeans {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double dist2_dd(const double* a, const double* b, std::size_t d) {
  double s = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = a[j] - b[j];
    s += diff * diff;
  }
  return s;
}

}  // namespace

std::vector<double> cluster_means(const ClusterStats& g) {
  std::vector<double> m(g.k * g.d, kNaN);
  for (std::size_t c = 0; c < g.k; ++c) {
    if (g.count[c] == 0) continue;
    for (std::size_t j = 0; j < g.d; ++j) m[c * g.d + j] = fixed_to_double(g.sum[c * g.d + j]) / static_cast<double>(g.count[c]);
  }
  return m;
}

void Dispersion::reset(std::size_t k_) {
  k = k_;
  count.assign(k, 0);
  dist.assign(k, 0);
  dist2.assign(k, 0);
}

Dispersion dispersion_local(const PointSet& p, std::span<const std::uint32_t> labels, std::span<const double> means,
                            std::size_t k) {
  if (labels.size() != p.n() || means.size() != k * p.d) throw std::invalid_argument("dispersion_local: shapes differ");
  Dispersion s;
  s.reset(k);
  for (std::size_t i = 0; i < p.n(); ++i) {
    const std::uint32_t c = labels[i];
    if (c >= k) throw std::invalid_argument("dispersion_local: label out of range");
    double q = 0;
    for (std::size_t j = 0; j < p.d; ++j) {
      const double diff = static_cast<double>(p.row(i)[j]) - means[c * p.d + j];
      q += diff * diff;
    }
    ++s.count[c];
    s.dist[c] += to_fixed(std::sqrt(q));
    s.dist2[c] += to_fixed(q);
  }
  return s;
}

void merge_into(Dispersion& into, const Dispersion& from) {
  if (into.k != from.k) throw std::invalid_argument("merge_into: dispersions of different k");
  for (std::size_t c = 0; c < into.k; ++c) {
    into.count[c] += from.count[c];
    into.dist[c] += from.dist[c];
    into.dist2[c] += from.dist2[c];
  }
}

std::vector<std::int64_t> pack_sums(const Dispersion& s) {
  std::vector<std::int64_t> out;
  for (std::uint64_t c : s.count) out.push_back(static_cast<std::int64_t>(c));
  for (const auto* v : {&s.dist, &s.dist2})
    for (Int128 x : *v) {
      const auto l = to_limbs(x);
      out.insert(out.end(), l.begin(), l.end());
    }
  return out;
}

void unpack_sums(std::span<const std::int64_t> packed, Dispersion& s) {
  if (packed.size() != s.k * (1 + 2 * kLimbs)) throw std::invalid_argument("unpack_sums: wrong size");
  const std::int64_t* p = packed.data();
  for (std::uint64_t& c : s.count) c = static_cast<std::uint64_t>(*p++);
  for (auto* v : {&s.dist, &s.dist2})
    for (Int128& x : *v) x = from_limbs(std::exchange(p, p + kLimbs));
}

double calinski_harabasz(const ClusterStats& g, const Dispersion& disp) {
  const std::size_t d = g.d;
  const std::vector<double> m = cluster_means(g);
  std::uint64_t n = 0;
  std::size_t kk = 0;
  std::vector<Int128> total(d, 0);
  for (std::size_t c = 0; c < g.k; ++c) {
    n += g.count[c];
    kk += g.count[c] > 0;
    for (std::size_t j = 0; j < d; ++j) total[j] += g.sum[c * d + j];
  }
  if (kk < 2 || kk + 1 > n) return kNaN;
  std::vector<double> mu(d);
  for (std::size_t j = 0; j < d; ++j) mu[j] = fixed_to_double(total[j]) / static_cast<double>(n);
  double between = 0, within = 0;
  for (std::size_t c = 0; c < g.k; ++c) {
    if (g.count[c] == 0) continue;
    between += static_cast<double>(g.count[c]) * dist2_dd(m.data() + c * d, mu.data(), d);
    within += fixed_to_double(disp.dist2[c]);
  }
  if (within == 0) return 1.0;
  return between * static_cast<double>(n - kk) / (within * static_cast<double>(kk - 1));
}

double davies_bouldin(const ClusterStats& g, const Dispersion& disp) {
  const std::size_t d = g.d;
  const std::vector<double> m = cluster_means(g);
  std::vector<std::size_t> live;
  for (std::size_t c = 0; c < g.k; ++c)
    if (g.count[c] > 0) live.push_back(c);
  if (live.size() < 2) return kNaN;
  std::vector<double> s(g.k, 0);
  bool all_s_zero = true, all_m_zero = true;
  for (std::size_t c : live) {
    s[c] = fixed_to_double(disp.dist[c]) / static_cast<double>(g.count[c]);
    all_s_zero = all_s_zero && s[c] == 0;
  }
  double sum = 0;
  for (std::size_t a : live) {
    double worst = 0;
    for (std::size_t b : live) {
      if (a == b) continue;
      const double mab = std::sqrt(dist2_dd(m.data() + a * d, m.data() + b * d, d));
      all_m_zero = all_m_zero && mab == 0;
      if (mab > 0) worst = std::fmax(worst, (s[a] + s[b]) / mab);
    }
    sum += worst;
  }
  if (all_s_zero || all_m_zero) return 0.0;
  return sum / static_cast<double>(live.size());
}

}  // namespace crmpi::kmeans
