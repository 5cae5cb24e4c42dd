#include "kernels/kmeans/silhouette.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "kernels/kmeans/keyed_rng.hpp"

namespace crmpi::kmeans {

PointRows silhouette_sample_local(const PointSet& p, std::span<const std::uint32_t> labels, std::uint64_t seed,
                                  double rate) {
  if (labels.size() != p.n()) throw std::invalid_argument("silhouette_sample_local: one label per point");
  PointRows out;
  out.d = p.d;
  for (std::size_t i = 0; i < p.n(); ++i)
    if (keyed_uniform(seed, kStreamSilhouette, p.ids[i]) < rate) out.push(p.ids[i], p.row(i), labels[i]);
  return out;
}

SilhouettePartial silhouette_partial(const PointRows& s, std::size_t k, std::size_t begin, std::size_t end) {
  const std::size_t n = s.n(), d = s.d;
  if (begin > end || end > n) throw std::invalid_argument("silhouette_partial: bad row range");
  std::vector<std::uint64_t> size(k, 0);
  for (std::uint32_t l : s.labels) {
    if (l >= k) throw std::invalid_argument("silhouette_partial: label out of range");
    ++size[l];
  }
  SilhouettePartial out;
  std::vector<double> sum(k);
  for (std::size_t i = begin; i < end; ++i) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double q = 0;
      for (std::size_t t = 0; t < d; ++t) {
        const double diff = static_cast<double>(s.row(i)[t]) - static_cast<double>(s.row(j)[t]);
        q += diff * diff;
      }
      sum[s.labels[j]] += std::sqrt(q);
    }
    const std::uint32_t own = s.labels[i];
    double v = 0;
    if (size[own] > 1) {
      const double a = sum[own] / static_cast<double>(size[own] - 1);
      double b = std::numeric_limits<double>::infinity();
      for (std::size_t c = 0; c < k; ++c)
        if (c != own && size[c] > 0) b = std::fmin(b, sum[c] / static_cast<double>(size[c]));
      if (std::isfinite(b) && std::fmax(a, b) > 0) v = (b - a) / std::fmax(a, b);
    }
    out.sum += to_fixed(v);
    ++out.count;
  }
  return out;
}

void merge_into(SilhouettePartial& into, const SilhouettePartial& from) {
  into.sum += from.sum;
  into.count += from.count;
}

double silhouette_score(const SilhouettePartial& t) {
  if (t.count == 0) return std::numeric_limits<double>::quiet_NaN();
  return fixed_to_double(t.sum) / static_cast<double>(t.count);
}

}  // namespace crmpi::kmeans
