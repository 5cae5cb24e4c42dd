#include "kernels/fpgrowth/transactions.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace crmpi::fpgrowth {

void Transactions::add(std::span<const Rank> ranks, Count weight) {
  for (std::size_t i = 1; i < ranks.size(); ++i) {
    if (ranks[i - 1] >= ranks[i]) {
      throw std::invalid_argument("fpgrowth: a transaction's ranks must be strictly ascending");
    }
  }
  items.insert(items.end(), ranks.begin(), ranks.end());
  offsets.push_back(items.size());
  weights.push_back(weight);
}

void Transactions::clear() {
  offsets.assign(1, 0);
  items.clear();
  weights.clear();
}

Count Transactions::total_weight() const {
  return std::accumulate(weights.begin(), weights.end(), Count{0});
}

void merge_duplicates(Transactions& t) {
  std::vector<std::size_t> order(t.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto x = t[a], y = t[b];
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  Transactions merged;
  merged.items.reserve(t.items.size());
  for (const std::size_t i : order) {
    if (t.weights[i] == 0) continue;
    const auto tr = t[i];
    if (merged.size() > 0) {
      const auto last = merged[merged.size() - 1];
      if (std::equal(last.begin(), last.end(), tr.begin(), tr.end())) {
        merged.weights.back() += t.weights[i];
        continue;
      }
    }
    merged.items.insert(merged.items.end(), tr.begin(), tr.end());
    merged.offsets.push_back(merged.items.size());
    merged.weights.push_back(t.weights[i]);
  }
  t = std::move(merged);
}

}  // namespace crmpi::fpgrowth
