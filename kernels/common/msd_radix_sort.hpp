// In-place MSD radix sort of records by a 64-bit key, finished by a comparison sort inside each
// small bucket ("American flag sort"). For large records (tens of bytes) sorted by a comparator
// whose first criterion is that key: std::sort moves every record about log2(n) times through
// memory, most of those passes on ranges far larger than the caches; this moves each record once
// per 8 bits in which the keys of its bucket differ, and leaves only small buckets (or runs of
// one key) to the comparator.
//
// Contract: `less` is a strict weak order that compares key(a) and key(b) first, i.e.
// key(a) < key(b) implies less(a, b). Then the result is a sort by `less`, the same sequence as
// std::sort(first, last, less) wherever `less` is a total order on the records.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace crmpi {

namespace msd_radix_detail {

// Below this many records a bucket goes to std::sort: a pass over 256 counters costs more there.
inline constexpr std::size_t kSmallBucket = 64;
// How many records ahead of a bucket's write position to prefetch.
inline constexpr std::size_t kPrefetchAhead = 4;

template <class T, class KeyFn, class Less>
void sort_from(T* first, T* last, const KeyFn& key, const Less& less) {
  for (;;) {
    const auto n = static_cast<std::size_t>(last - first);
    if (n <= kSmallBucket) {
      std::sort(first, last, less);
      return;
    }
    // The digit is the 8 bits below the highest bit in which keys here differ: no pass is spent
    // on bits all records share (ids often use only the low 2-3 bytes of the key), and each pass
    // spreads the records over up to 256 buckets wherever its bits lie.
    const std::uint64_t k0 = key(*first);
    std::uint64_t differ = 0;
    for (T* p = first; p != last; ++p) differ |= key(*p) ^ k0;
    if (differ == 0) {  // one key: only the comparator's later criteria are left
      std::sort(first, last, less);
      return;
    }
    const int top_bit = 63 - std::countl_zero(differ);
    const int shift = top_bit >= 7 ? top_bit - 7 : 0;

    std::array<std::size_t, 256> count{};
    for (T* p = first; p != last; ++p) ++count[(key(*p) >> shift) & 0xFFU];
    std::array<std::size_t, 256> head{};
    std::array<std::size_t, 256> tail{};
    std::size_t sum = 0;
    for (std::size_t b = 0; b < 256; ++b) {
      head[b] = sum;
      sum += count[b];
      tail[b] = sum;
    }
    // Cycle leader permutation: each record is moved straight to its bucket's next free slot.
    for (std::size_t b = 0; b < 256; ++b) {
      while (head[b] < tail[b]) {
        T v = std::move(first[head[b]]);
        std::size_t d = (key(v) >> shift) & 0xFFU;
        while (d != b) {
          // The next records of this bucket are read a few swaps from now: start fetching them
          // (with 256 write positions the hardware prefetchers lose track).
          __builtin_prefetch(first + std::min(head[d] + kPrefetchAhead, tail[d] - 1), 1);
          std::swap(v, first[head[d]++]);
          d = (key(v) >> shift) & 0xFFU;
        }
        first[head[b]++] = std::move(v);
      }
    }
    // Recurse into every bucket but the largest, which the loop continues with (bounded stack).
    std::size_t largest = 0;
    for (std::size_t b = 1; b < 256; ++b)
      if (count[b] > count[largest]) largest = b;
    std::size_t begin = 0;
    for (std::size_t b = 0; b < 256; ++b) {
      if (b != largest && count[b] > 1) sort_from(first + begin, first + begin + count[b], key, less);
      begin += count[b];
    }
    std::size_t largest_begin = 0;
    for (std::size_t b = 0; b < largest; ++b) largest_begin += count[b];
    first += largest_begin;
    last = first + count[largest];
  }
}

}  // namespace msd_radix_detail

template <class T, class KeyFn, class Less>
void msd_radix_sort(T* first, T* last, const KeyFn& key, const Less& less) {
  if (last - first > 1) msd_radix_detail::sort_from(first, last, key, less);
}

}  // namespace crmpi
