// Sorting 64-bit keys without comparisons: LSD radix sort in 11-bit digits (histograms of all
// digits counted in one read, 16 KB each; a digit every key shares is skipped), and on top the
// merge of a sorted distinct list with a new unsorted tail. For large sets of hashes or packed
// keys, where std::sort's comparisons and branch misses cost several times more.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace crmpi {

// Sorts keys ascending; scratch is resized to keys.size() and its contents are unspecified after.
void radix_sort_u64(std::span<std::uint64_t> keys, std::vector<std::uint64_t>& scratch);

// keys[0, sorted) is ascending without repeats; the rest any values. Afterwards all of keys is
// ascending without repeats: the tail is radix-sorted (scratch as above), deduplicated and merged
// in place. Returns the new size (keys is shrunk to it; its capacity is kept).
std::size_t merge_unique_tail_u64(std::vector<std::uint64_t>& keys, std::size_t sorted, std::vector<std::uint64_t>& scratch);

}  // namespace crmpi
