#include "kernels/kmeans/centroid_table.hpp"

#include <limits>

#include "kernels/kmeans/points.hpp"

namespace crmpi::kmeans {

CentroidTable::CentroidTable(std::span<const float> c, std::size_t k, std::size_t d)
    : rows_(c.begin(), c.end()), k_(k), kpad_((k + 7) / 8 * 8), d_(d) {
  validate_centroids(c, k, d);
  cols_.assign(d * kpad_, 0.0f);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < d; ++j) cols_[j * kpad_ + i] = c[i * d + j];
  pad_.assign(kpad_, std::numeric_limits<float>::infinity());
  for (std::size_t i = 0; i < k; ++i) pad_[i] = 0.0f;
}

}  // namespace crmpi::kmeans
