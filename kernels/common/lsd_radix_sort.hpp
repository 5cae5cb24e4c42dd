// Stable LSD radix sort of records by a 64-bit key, 8 bits a pass, through a scratch copy of the
// records. For many small records (16 bytes) whose keys share their high bits unevenly (packed
// ranks of Zipf-distributed items: most keys start with a small rank): an MSD sort's first passes
// then leave one bucket of nearly everything and pass over it again and again, swapping records
// in place; here every pass is one streaming read and one scatter into 256 runs, and a pass over
// a byte in which all keys agree is skipped (one pass over the keys counts all eight bytes).
// Memory: a second array of the records, for the duration of the call.
//
// The result is the records ordered by key, records with equal keys in their input order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace crmpi {

template <class T, class KeyFn>
void lsd_radix_sort(std::vector<T>& v, const KeyFn& key) {
  const std::size_t n = v.size();
  if (n < 2) return;
  std::array<std::array<std::size_t, 256>, 8> count{};
  for (const T& r : v) {
    const std::uint64_t k = key(r);
    for (std::size_t b = 0; b < 8; ++b) ++count[b][(k >> (8 * b)) & 0xFFU];
  }
  std::vector<T> scratch(n);
  T* src = v.data();
  T* dst = scratch.data();
  for (std::size_t b = 0; b < 8; ++b) {
    const unsigned shift = static_cast<unsigned>(8 * b);
    if (count[b][(key(src[0]) >> shift) & 0xFFU] == n) continue;  // every key has this byte
    std::array<std::size_t, 256> at{};
    std::size_t sum = 0;
    for (std::size_t d = 0; d < 256; ++d) {
      at[d] = sum;
      sum += count[b][d];
    }
    for (std::size_t i = 0; i < n; ++i) dst[at[(key(src[i]) >> shift) & 0xFFU]++] = src[i];
    std::swap(src, dst);
  }
  if (src != v.data()) v.swap(scratch);  // the sorted records are in scratch's buffer
}

}  // namespace crmpi
