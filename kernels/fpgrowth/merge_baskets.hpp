// Baskets merged with their weights (per-segment rules: jobs/rules/segments.hpp): each distinct
// basket of a rank (its kept item ids sorted, without repeats) once, with the number of baskets it
// stands for and, per segmentation, the segment its customer is in. Mining merged baskets gives
// the counts the baskets give: a count is the sum of the weights of the baskets holding the
// itemset (1M generated customers: 9.8M baskets, 826k merged with the 56 items any segment finds
// frequent). Pure local compute (merge_baskets.cpp has the two ways).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

struct WeightedBaskets {
  static constexpr std::uint32_t kNoSegment = 0xffffffffu;
  std::vector<std::uint64_t> offsets{0};  // basket b: ids[offsets[b], offsets[b + 1])
  std::vector<std::uint32_t> ids;
  std::vector<Count> weight;
  std::vector<std::vector<std::uint32_t>> code;  // code[s][b]: basket b's segment in segmentation s
  std::size_t size() const { return weight.size(); }
  std::span<const std::uint32_t> operator[](std::size_t b) const {
    return {ids.data() + offsets[b], static_cast<std::size_t>(offsets[b + 1] - offsets[b])};
  }
};

// The baskets (CSR: basket b is ids[basket_offsets[b], basket_offsets[b + 1])) merged by segments
// and kept items. codes[s][c]: customer c's segment in segmentation s (below segments[s]; others
// count as none, and so do customers past codes[s]'s end); customer c owns baskets
// [basket_begin[c], basket_begin[c + 1]). Only the ids with keep[id] != 0 are kept (a basket left
// with none still counts): items that no mining can find frequent make baskets differ for
// nothing. Deterministic; allow_narrow = false forces the general way (for tests: both give the
// same baskets and weights, in another order).
WeightedBaskets merge_baskets(std::span<const std::uint64_t> basket_offsets, std::span<const std::uint32_t> ids,
                              std::span<const std::uint64_t> basket_begin,
                              std::span<const std::span<const std::uint32_t>> codes,
                              std::span<const std::uint32_t> segments, std::span<const std::uint8_t> keep,
                              bool allow_narrow = true);

}  // namespace crmpi::fpgrowth
