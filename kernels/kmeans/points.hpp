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
// vector_scan false: the portable scan where the CPU has AVX-512 too (the same result; for tests).
void validate_points(const PointSet& p, bool vector_scan = true);
// Memory for feature rows that a Lloyd step may be lent (make_step's lent form), which reads all
// of them in every iteration: 64-byte aligned, so that each tile of 16 rows (16 * d floats, a
// multiple of 64 bytes) starts on a cache line (tiles across lines cost the step ~5% at 10M x 5),
// and from 2 MiB on aligned to and advised as huge pages before anything touches it (4 KiB pages
// cost it ~8% in TLB misses at 80 MB). The advice is only advice: where the OS does not take it
// the memory is plain.
void* allocate_rows(std::size_t bytes);
void free_rows(void* p) noexcept;

template <class T>
struct RowAllocator {
  using value_type = T;
  RowAllocator() = default;
  template <class U>
  RowAllocator(const RowAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_rows(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { free_rows(p); }
  template <class U>
  bool operator==(const RowAllocator<U>&) const noexcept { return true; }
};
using FeatureRows = std::vector<float, RowAllocator<float>>;  // n x d features, row-major
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
