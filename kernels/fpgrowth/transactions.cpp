#include "kernels/fpgrowth/transactions.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include <xxhash.h>

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

// Two steps, so that the sort compares only distinct transactions: identical transactions are
// found by a 64-bit hash of their ranks (XXH3) and a full compare on a hash match (a different
// transaction with the same hash takes the next free key: never merged wrongly), their weights
// summed; then the distinct ones are sorted. Baskets repeat a lot once infrequent items are gone
// (an order of one popular product is one transaction), so this is O(n) plus a sort of few.
void merge_duplicates(Transactions& t) {
  Transactions distinct;
  distinct.items.reserve(t.items.size() / 4);
  std::unordered_map<std::uint64_t, std::size_t> by_hash;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.weights[i] == 0) continue;
    const auto tr = t[i];
    std::uint64_t key = XXH3_64bits(tr.data(), tr.size_bytes());
    for (;; ++key) {
      const auto [it, added] = by_hash.try_emplace(key, distinct.size());
      if (added) {
        distinct.items.insert(distinct.items.end(), tr.begin(), tr.end());
        distinct.offsets.push_back(distinct.items.size());
        distinct.weights.push_back(t.weights[i]);
        break;
      }
      const auto seen = distinct[it->second];
      if (std::equal(seen.begin(), seen.end(), tr.begin(), tr.end())) {
        distinct.weights[it->second] += t.weights[i];
        break;
      }
    }
  }
  by_hash = {};
  std::vector<std::size_t> order(distinct.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto x = distinct[a], y = distinct[b];
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  Transactions merged;
  merged.items.reserve(distinct.items.size());
  merged.weights.reserve(distinct.size());
  merged.offsets.reserve(distinct.size() + 1);
  for (const std::size_t i : order) {
    const auto tr = distinct[i];
    merged.items.insert(merged.items.end(), tr.begin(), tr.end());
    merged.offsets.push_back(merged.items.size());
    merged.weights.push_back(distinct.weights[i]);
  }
  t = std::move(merged);
}

}  // namespace crmpi::fpgrowth
