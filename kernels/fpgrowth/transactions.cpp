#include "kernels/fpgrowth/transactions.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <stdexcept>

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
// The table: open addressing by the key's low bits, linear probing, at most half full. The keys
// are XXH3 hashes already, so their low bits spread; std::unordered_map's node per entry and
// bucket chains cost about twice as much a lookup, and every basket is looked up.
std::size_t* DistinctTransactions::slot_of(std::uint64_t key, bool& found) {
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
    if (index_[i] == kEmpty || keys_[i] == key) {
      found = index_[i] != kEmpty;
      keys_[i] = key;
      return &index_[i];
    }
  }
}

void DistinctTransactions::grow() {
  std::vector<std::uint64_t> keys = std::move(keys_);
  std::vector<std::size_t> index = std::move(index_);
  const std::size_t capacity = std::max<std::size_t>(1024, keys.size() * 2);
  keys_.assign(capacity, 0);
  index_.assign(capacity, kEmpty);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    bool found = false;
    if (index[i] != kEmpty) *slot_of(keys[i], found) = index[i];
  }
}

void DistinctTransactions::add(std::span<const Rank> ranks, Count weight) {
  if (weight == 0) return;
  if (2 * (distinct_.size() + 1) > keys_.size()) grow();
  std::uint64_t key = XXH3_64bits(ranks.data(), ranks.size_bytes());
  for (;; ++key) {
    bool found = false;
    std::size_t* at = slot_of(key, found);
    if (!found) {
      const std::size_t index = distinct_.size();
      distinct_.add(ranks, weight);  // checks the ranks ascend: if it throws, the slot stays free
      *at = index;
      return;
    }
    const auto seen = distinct_[*at];
    if (std::equal(seen.begin(), seen.end(), ranks.begin(), ranks.end())) {
      distinct_.weights[*at] += weight;
      return;
    }
  }
}

Transactions DistinctTransactions::finish_unsorted() {
  keys_ = {};
  index_ = {};
  Transactions distinct = std::move(distinct_);
  distinct_ = Transactions();
  return distinct;
}

std::vector<std::size_t> lexicographic_order(const Transactions& t, std::uint64_t bound) {
  const int bits = std::max(1, static_cast<int>(std::bit_width(bound)));
  const std::size_t per_key = static_cast<std::size_t>(64 / bits);
  struct Keyed {
    std::uint64_t key;
    std::size_t index;
  };
  std::vector<Keyed> keyed(t.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const auto ranks = t[i];
    std::uint64_t key = 0;
    for (std::size_t j = 0; j < per_key; ++j) key = (key << bits) | (j < ranks.size() ? ranks[j] + std::uint64_t{1} : 0);
    keyed[i] = Keyed{key, i};
  }
  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    if (a.key != b.key) return a.key < b.key;
    const auto x = t[a.index], y = t[b.index];
    if (x.size() <= per_key || y.size() <= per_key) return x.size() < y.size();
    return std::lexicographical_compare(x.begin() + static_cast<std::ptrdiff_t>(per_key), x.end(),
                                        y.begin() + static_cast<std::ptrdiff_t>(per_key), y.end());
  });
  std::vector<std::size_t> order(keyed.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = keyed[i].index;
  return order;
}

Transactions DistinctTransactions::finish() {
  Transactions distinct = finish_unsorted();
  // (an index sorted by lexicographical_compare took 3-4 s for the 8M distinct baskets of 9.8M
  // generated orders: lexicographic_order compares packed keys instead)
  Rank max_rank = 0;
  for (const Rank r : distinct.items) max_rank = std::max(max_rank, r);
  Transactions merged;
  merged.items.reserve(distinct.items.size());
  merged.weights.reserve(distinct.size());
  merged.offsets.reserve(distinct.size() + 1);
  for (const std::size_t i : lexicographic_order(distinct, std::uint64_t{max_rank} + 1)) {
    const auto tr = distinct[i];
    merged.items.insert(merged.items.end(), tr.begin(), tr.end());
    merged.offsets.push_back(merged.items.size());
    merged.weights.push_back(distinct.weights[i]);
  }
  return merged;
}

void merge_duplicates(Transactions& t) {
  DistinctTransactions d;
  for (std::size_t i = 0; i < t.size(); ++i) d.add(t[i], t.weights[i]);
  t = d.finish();
}

}  // namespace crmpi::fpgrowth
