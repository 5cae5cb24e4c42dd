#include "kernels/common/sort_unique.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace crmpi {

void radix_sort_u64(std::span<std::uint64_t> keys, std::vector<std::uint64_t>& scratch) {
  constexpr int kDigit = 11;
  constexpr int kPasses = (64 + kDigit - 1) / kDigit;  // 6
  constexpr std::size_t kBuckets = std::size_t{1} << kDigit;
  const std::size_t n = keys.size();
  if (n < 2) return;
  if (n < 256) {  // small: a comparison sort is cheaper than 6 histograms
    std::sort(keys.begin(), keys.end());
    return;
  }
  std::vector<std::array<std::size_t, kBuckets>> hist(kPasses);
  for (auto& h : hist) h.fill(0);
  for (std::uint64_t k : keys)
    for (int p = 0; p < kPasses; ++p) ++hist[static_cast<std::size_t>(p)][(k >> (p * kDigit)) & (kBuckets - 1)];
  scratch.resize(n);
  std::uint64_t* from = keys.data();
  std::uint64_t* to = scratch.data();
  for (int p = 0; p < kPasses; ++p) {
    auto& h = hist[static_cast<std::size_t>(p)];
    const int shift = p * kDigit;
    if (h[(from[0] >> shift) & (kBuckets - 1)] == n) continue;  // every key has this digit
    std::size_t sum = 0;
    for (auto& c : h) {
      const std::size_t c0 = c;
      c = sum;
      sum += c0;
    }
    for (std::size_t i = 0; i < n; ++i) to[h[(from[i] >> shift) & (kBuckets - 1)]++] = from[i];
    std::swap(from, to);
  }
  if (from != keys.data()) std::copy(from, from + n, keys.data());
}

std::size_t merge_unique_tail_u64(std::vector<std::uint64_t>& keys, std::size_t sorted, std::vector<std::uint64_t>& scratch) {
  const auto mid = keys.begin() + static_cast<std::ptrdiff_t>(sorted);
  radix_sort_u64(std::span<std::uint64_t>(keys).subspan(sorted), scratch);
  const auto tail_end = std::unique(mid, keys.end());
  std::inplace_merge(keys.begin(), mid, tail_end);
  keys.erase(std::unique(keys.begin(), tail_end), keys.end());
  return keys.size();
}

}  // namespace crmpi
