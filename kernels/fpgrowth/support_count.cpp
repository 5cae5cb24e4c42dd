#include "kernels/fpgrowth/support_count.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace crmpi::fpgrowth {

std::vector<Count> support_counts(std::span<const std::uint64_t> basket_offsets, std::span<const std::uint32_t> ids,
                                  const IdItemsets& candidates, std::span<const Count> weights) {
  const std::size_t n_baskets = basket_offsets.empty() ? 0 : basket_offsets.size() - 1;
  if (!weights.empty() && weights.size() != n_baskets)
    throw std::invalid_argument("support_counts: one weight per basket");
  const auto weight_of = [&](const std::vector<std::uint64_t>& tids) {
    if (weights.empty()) return static_cast<Count>(tids.size());
    Count w = 0;
    for (const std::uint64_t b : tids) w += weights[b];
    return w;
  };
  std::vector<Count> counts(candidates.size(), 0);
  if (candidates.size() == 0) return counts;

  // The named items, each with a slot for its tid-list.
  std::unordered_map<std::uint32_t, std::uint32_t> slot;
  for (const std::uint32_t id : candidates.items) slot.emplace(id, static_cast<std::uint32_t>(slot.size()));
  std::vector<std::vector<std::uint64_t>> tids(slot.size());
  for (std::size_t b = 0; b < n_baskets; ++b)
    for (std::uint64_t i = basket_offsets[b]; i < basket_offsets[b + 1]; ++i) {
      const auto it = slot.find(ids[i]);
      if (it == slot.end()) continue;
      auto& list = tids[it->second];
      if (list.empty() || list.back() != b) list.push_back(b);  // a repeated id in a basket: once
    }

  std::vector<std::uint32_t> slots;
  std::vector<std::uint64_t> acc, next;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    slots.clear();
    for (const std::uint32_t id : candidates[c]) slots.push_back(slot.at(id));
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
    if (slots.empty()) {
      counts[c] = weights.empty() ? n_baskets : std::accumulate(weights.begin(), weights.end(), Count{0});
      continue;
    }
    std::sort(slots.begin(), slots.end(), [&](std::uint32_t a, std::uint32_t b) { return tids[a].size() < tids[b].size(); });
    acc = tids[slots[0]];
    for (std::size_t k = 1; k < slots.size() && !acc.empty(); ++k) {
      const auto& other = tids[slots[k]];
      next.clear();
      std::set_intersection(acc.begin(), acc.end(), other.begin(), other.end(), std::back_inserter(next));
      acc.swap(next);
    }
    counts[c] = weight_of(acc);
  }
  return counts;
}

}  // namespace crmpi::fpgrowth
