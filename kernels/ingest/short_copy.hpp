// Copies of the few bytes of one field (ids, dates, prices: mostly under 16 bytes) without a call
// to memcpy: two overlapping fixed-size moves, which the compiler turns into plain loads and
// stores. Never reads or writes outside [src, src + n) and [dst, dst + n).
#pragma once

#include <cstddef>
#include <cstring>

namespace crmpi::ingest {

inline void copy_short(char* dst, const char* src, std::size_t n) {
  if (n >= 8 && n <= 16) {
    char a[8], b[8];
    std::memcpy(a, src, 8);
    std::memcpy(b, src + n - 8, 8);
    std::memcpy(dst, a, 8);
    std::memcpy(dst + n - 8, b, 8);
  } else if (n >= 4 && n < 8) {
    char a[4], b[4];
    std::memcpy(a, src, 4);
    std::memcpy(b, src + n - 4, 4);
    std::memcpy(dst, a, 4);
    std::memcpy(dst + n - 4, b, 4);
  } else if (n < 4) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, n);
  }
}

}  // namespace crmpi::ingest
