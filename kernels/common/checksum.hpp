// Position-keyed content checksum of a column, computable slice by slice on any number of ranks:
// sum over rows of mix(row_index, value) modulo 2^64. Addition commutes, so the ranks' partial
// sums combine (an exact integer allreduce) to the same value whatever the partition. It
// identifies inputs in provenance records; it is not a cryptographic hash.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace crmpi {

constexpr std::uint64_t mix64(std::uint64_t x) {
  // splitmix64 finaliser: a bijection with full avalanche.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

template <class T>
std::uint64_t column_checksum(std::span<const T> values, std::uint64_t first_row) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &values[i], sizeof(T));
    sum += mix64(bits ^ mix64(first_row + i));
  }
  return sum;
}

}  // namespace crmpi
