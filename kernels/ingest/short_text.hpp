// The few bytes of one field (ids, codes, dates, prices, names: mostly under 32 bytes) copied,
// compared and hashed without a call to memcpy / memcmp / XXH3: overlapping fixed-size loads and
// stores, which the compiler turns into plain moves. Never reads or writes outside the texts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace crmpi::ingest {

// memcpy(dst, src, n) for short n.
inline void copy_short(char* dst, const char* src, std::size_t n) {
  if (n > 16 && n <= 32) {  // timestamps and product names: the first and the last 16 bytes
    char a[16], b[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
  } else if (n >= 8 && n <= 16) {
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

// a == b for the short texts of ids, codes and names, without a call to memcmp (which the
// library makes for every std::string_view ==): two overlapping fixed-size loads per side.
// Always inlined: as a call it costs what it saves (measured with callgrind).
[[gnu::always_inline]] inline bool equal_short(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8 && n <= 16) {
    std::uint64_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 8);
    std::memcpy(&x1, x + n - 8, 8);
    std::memcpy(&y0, y, 8);
    std::memcpy(&y1, y + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  if (n > 16 && n <= 32) {  // timestamps, names: the first and the last 16 bytes
    std::uint64_t x0, x1, x2, x3, y0, y1, y2, y3;
    std::memcpy(&x0, x, 8);
    std::memcpy(&x1, x + 8, 8);
    std::memcpy(&x2, x + n - 16, 8);
    std::memcpy(&x3, x + n - 8, 8);
    std::memcpy(&y0, y, 8);
    std::memcpy(&y1, y + 8, 8);
    std::memcpy(&y2, y + n - 16, 8);
    std::memcpy(&y3, y + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1) | (x2 ^ y2) | (x3 ^ y3)) == 0;
  }
  if (n >= 4 && n < 8) {
    std::uint32_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 4);
    std::memcpy(&x1, x + n - 4, 4);
    std::memcpy(&y0, y, 4);
    std::memcpy(&y1, y + n - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  if (n < 4) {
    for (std::size_t i = 0; i < n; ++i)
      if (x[i] != y[i]) return false;
    return true;
  }
  return std::memcmp(x, y, n) == 0;
}

// s.starts_with(prefix) for the one-letter invoice prefixes: the first byte settles nearly every
// line without a memcmp call.
inline bool starts_with_short(std::string_view s, std::string_view prefix) {
  if (prefix.empty()) return true;
  return !s.empty() && s[0] == prefix[0] && s.starts_with(prefix);
}

// A 64-bit hash of a text up to 16 bytes (stock codes, countries) for in-memory tables that
// compare the text on a hash match: two loads and a multiply-xor mix instead of an XXH3 call.
// Never stored nor compared across ranks or runs; longer texts return `fallback(s)`.
template <class Fallback>
[[gnu::always_inline]] inline std::uint64_t short_hash(std::string_view s, Fallback fallback) {
  const std::size_t n = s.size();
  const char* p = s.data();
  std::uint64_t a = 0, b = 0;
  if (n >= 8 && n <= 16) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0 && n < 4) {
    a = static_cast<unsigned char>(p[0]) | static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
        static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
  } else if (n != 0) {
    return fallback(s);
  }
  std::uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ ((b + n) * 0xC2B2AE3D27D4EB4FULL);
  h ^= h >> 32;  // the low bits index tables: give them the high bits' mixing
  h *= 0x165667B19E3779F9ULL;
  return h ^ (h >> 29);
}

}  // namespace crmpi::ingest

