// Sorting 64-bit keys without comparisons: LSD radix sort in 11-bit digits (histograms of all
// digits counted in one read, 16 KB each; a digit every key shares is skipped), and sort + unique
// on top. For large sets of hashes or packed keys, where std::sort's comparisons and branch
// misses cost several times more.
#pragma once

#include <cstdint>
#include <vector>

namespace crmpi {

// Sorts keys ascending; scratch is resized to keys.size() and its contents are unspecified after.
void radix_sort_u64(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch);

// Sorts keys and drops repeats (keys.size() becomes the number of distinct keys).
void sort_unique_u64(std::vector<std::uint64_t>& keys);

}  // namespace crmpi
