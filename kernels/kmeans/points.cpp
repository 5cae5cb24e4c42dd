#include "kernels/kmeans/points.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <numeric>
#include <stdexcept>
#include <string>

#include "kernels/common/errors.hpp"
#include "kernels/kmeans/distance_kernels.hpp"
#include "kernels/kmeans/fixed_point.hpp"
#include "kernels/kmeans/fixed_row_kernels.hpp"

namespace crmpi::kmeans {
namespace {

bool in_range(float v) { return std::fabs(v) <= kMaxAbsFeature; }  // false for NaN

}  // namespace

void* allocate_rows(std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t{1} << 21;
  const bool huge = bytes >= kHuge;
  const std::size_t size = huge ? (bytes + kHuge - 1) / kHuge * kHuge : std::max<std::size_t>(bytes, 1);
  void* mem = nullptr;
  if (posix_memalign(&mem, huge ? kHuge : 64, size) != 0) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (huge) madvise(mem, size, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
  return mem;
}

void free_rows(void* p) noexcept { std::free(p); }

void validate_points(const PointSet& p, bool vector_scan) {
  if (p.d < 1 || p.d > kMaxDim) throw DataError("k-means: dimension " + std::to_string(p.d) + " outside 1..64");
  if (p.x.size() != p.n() * p.d) throw DataError("k-means: feature array size is not n * d");
  if (p.n() > kMaxPoints) throw DataError("k-means: more than 2^38 points in one slice");
  // A finite float within the bound is one whose bits without the sign are at most those of the
  // bound (NaN and infinity lie above it): a max over chunks of a fixed length, by AVX-512 where
  // the CPU has it, else a loop the compiler vectorises; the bad value is located only when a
  // chunk holds one.
  constexpr std::size_t kChunk = 4096;
  constexpr std::uint32_t kLimit = std::bit_cast<std::uint32_t>(static_cast<float>(kMaxAbsFeature));
  const float* x = p.x.data();
  const std::size_t size = p.x.size();
  const bool avx512 = vector_scan && best_isa() == Isa::kAvx512;
  for (std::size_t b = 0; b < size; b += kChunk) {
    std::uint32_t top = 0;
    if (b + kChunk <= size && avx512) {
      top = max_magnitude_bits_avx512(x + b, kChunk);  // the same max, 16 lanes at a time
    } else if (b + kChunk <= size) {
      for (std::size_t i = 0; i < kChunk; ++i) top = std::max(top, std::bit_cast<std::uint32_t>(x[b + i]) & 0x7fffffffu);
    } else {
      for (std::size_t i = b; i < size; ++i) top = std::max(top, std::bit_cast<std::uint32_t>(x[i]) & 0x7fffffffu);
    }
    if (top <= kLimit) [[likely]] continue;
    for (std::size_t i = b; i < std::min(size, b + kChunk); ++i) {
      if (!in_range(x[i])) {
        throw DataError("k-means: customer " + std::to_string(p.ids[i / p.d]) +
                        " has a feature that is not finite or exceeds 2^24 in magnitude");
      }
    }
  }
}

void validate_centroids(std::span<const float> c, std::size_t k, std::size_t d) {
  if (k < 1 || d < 1 || d > kMaxDim || c.size() != k * d) throw std::invalid_argument("k-means: bad centroid table shape");
  if (!std::all_of(c.begin(), c.end(), in_range)) throw std::invalid_argument("k-means: centroid not finite or beyond 2^24");
}

void PointRows::push(std::uint64_t id, const float* xr, std::uint32_t label) {
  ids.push_back(id);
  labels.push_back(label);
  x.insert(x.end(), xr, xr + d);
}

void PointRows::append(const PointRows& other) {
  if (other.d != d) throw std::invalid_argument("PointRows::append: dimensions differ");
  ids.insert(ids.end(), other.ids.begin(), other.ids.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
  x.insert(x.end(), other.x.begin(), other.x.end());
}

void PointRows::sort_by_id() {
  std::vector<std::size_t> order(n());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  PointRows s;
  s.d = d;
  for (std::size_t i : order) s.push(ids[i], row(i), labels[i]);
  *this = std::move(s);
}

}  // namespace crmpi::kmeans
