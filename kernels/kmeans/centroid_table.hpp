// The centroids of one step in the two layouts the distance loops read (distance_kernels.hpp):
// row-major for single distances, transposed and padded to a multiple of 8 for the AVX2 loop and
// the AVX-512 tiled loops (lloyd_kernels.hpp).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "kernels/kmeans/distance_kernels.hpp"

namespace crmpi::kmeans {

class CentroidTable {
 public:
  CentroidTable() = default;
  // c: k x d row-major (validated: validate_centroids).
  CentroidTable(std::span<const float> c, std::size_t k, std::size_t d);

  std::size_t k() const { return k_; }
  std::size_t d() const { return d_; }
  std::span<const float> rows() const { return rows_; }
  const float* row(std::size_t c) const { return rows_.data() + c * d_; }
  TableView view() const { return {rows_.data(), cols_.data(), pad_.data(), k_, kpad_, d_}; }

 private:
  std::vector<float> rows_, cols_, pad_;
  std::size_t k_ = 0, kpad_ = 0, d_ = 0;
};

}  // namespace crmpi::kmeans
