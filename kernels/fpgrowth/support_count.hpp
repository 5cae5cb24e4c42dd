// Exact support counts of given itemsets over baskets of item ids, for itemsets that a mining run
// did not report (per-segment rules compare a segment's rule with the same rule over all baskets,
// whose itemsets may be infrequent there: jobs/rules/segments.cpp).
//
// Vertical counting: the baskets holding each item that some candidate names (a tid-list, built
// in one scan), then, per candidate, the intersection of its items' lists, smallest first. Work is
// the one scan plus, per candidate, about the length of its rarest item's list times its size;
// memory the tid-lists of the named items (at most the baskets' item occurrences). A sum of such
// counts over a partition of the baskets is the count over all of them (integers), so a driver
// adds the ranks' counts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

// Candidate itemsets as item ids: candidate i is items[offsets[i], offsets[i + 1]), any order,
// repeats allowed (an item counts once). The empty itemset is in every basket.
struct IdItemsets {
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> items;

  std::size_t size() const { return offsets.size() - 1; }
  std::span<const std::uint32_t> operator[](std::size_t i) const {
    return {items.data() + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
  }
  void add(std::span<const std::uint32_t> ids) {
    items.insert(items.end(), ids.begin(), ids.end());
    offsets.push_back(items.size());
  }
};

// counts[i] = the number of baskets holding every item of candidate i. Baskets as CSR: basket b is
// ids[basket_offsets[b], basket_offsets[b + 1]) (an id listed twice in a basket counts once).
// With weights (one per basket), basket b counts weights[b] times (merged identical baskets).
std::vector<Count> support_counts(std::span<const std::uint64_t> basket_offsets, std::span<const std::uint32_t> ids,
                                  const IdItemsets& candidates, std::span<const Count> weights = {});

}  // namespace crmpi::fpgrowth
