// The data k-means works on: a rank's slice of customers as float32 features, row-major n x d,
// with each customer's id (unique across ranks: the key of every random draw and tie-break).
// Centroids are float32, row-major k x d. Views only: the caller owns the memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crmpi::kmeans {

struct PointSet {
  std::span<const float> x;               // n * d features, row-major
  std::span<const std::uint64_t> ids;     // n customer ids
  std::size_t d = 0;

  std::size_t n() const { return ids.size(); }
  const float* row(std::size_t i) const { return x.data() + i * d; }
};

// Throws DataError unless 1 <= d <= kMaxDim, x.size() == n * d, n <= kMaxPoints and every
// feature is finite with |x| <= kMaxAbsFeature (fixed_point.hpp says why).
void validate_points(const PointSet& p);
// Throws std::invalid_argument unless c holds k >= 1 rows of d finite coordinates within the limit.
void validate_centroids(std::span<const float> c, std::size_t k, std::size_t d);

// Rows gathered from ranks (k-means|| candidates, the silhouette sample): replicated on every rank
// in id order, which does not depend on the partition. labels[i] is 0 where it has no meaning.
struct PointRows {
  std::size_t d = 0;
  std::vector<std::uint64_t> ids;
  std::vector<std::uint32_t> labels;
  std::vector<float> x;  // ids.size() * d

  std::size_t n() const { return ids.size(); }
  const float* row(std::size_t i) const { return x.data() + i * d; }
  void push(std::uint64_t id, const float* xr, std::uint32_t label);
  void append(const PointRows& other);
  void sort_by_id();
};

}  // namespace crmpi::kmeans
