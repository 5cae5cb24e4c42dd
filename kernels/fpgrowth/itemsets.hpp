// Frequent itemsets as plain data, their canonical order, and the lookup of an itemset's count.
//
// The canonical order is colexicographic: itemsets compare by their highest rank (least frequent
// item) first, then by their next highest, and so on; a set comes before its extensions by more
// frequent items ({5} < {3, 5} < {1, 3, 5}). It is the order in which FP-growth finds them (all
// itemsets whose least frequent item is r, before those of r + 1), and it sorts by the item that
// decides the PFP group first: the union of per-group results in this order is the same whatever
// the grouping, and sorting it is a merge of per-item blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

// Flat storage: itemset i is items[offsets[i], offsets[i + 1]) (ranks ascending), with counts[i]
// baskets containing all of it.
struct Itemsets {
  std::vector<std::uint64_t> offsets{0};
  std::vector<Rank> items;
  std::vector<Count> counts;

  std::size_t size() const { return counts.size(); }
  std::span<const Rank> operator[](std::size_t i) const {
    return {items.data() + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
  }
  void add(std::span<const Rank> ranks, Count count) {
    items.insert(items.end(), ranks.begin(), ranks.end());
    offsets.push_back(items.size());
    counts.push_back(count);
  }
  void append(const Itemsets& other);
  void clear();
};

// The canonical order on sets of ranks, each given ascending (see above).
bool colex_less(std::span<const Rank> a, std::span<const Rank> b);

// Sorts into the canonical order (stable: equal itemsets keep their relative order).
void sort_canonical(Itemsets& s);
// True when strictly ascending in the canonical order (sorted, no itemset twice).
bool is_canonical(const Itemsets& s);

// Count lookup over a set of itemsets, by an open-addressing hash table of their canonical
// positions (one probe, where a binary search in the canonical order made ~log2(n) colex
// compares, each two cache misses: the rules' derivation looks up two itemsets a rule); the set
// is referenced, not copied, and must outlive the index. 16 bytes an itemset. An itemset present
// twice is an error (std::invalid_argument): the caller merged results wrongly.
class ItemsetIndex {
 public:
  explicit ItemsetIndex(const Itemsets& s);
  // The itemset's position in the canonical order of the set, if it is there.
  std::optional<std::uint64_t> position(std::span<const Rank> ranks) const;
  // The index in the set of the itemset at a canonical position.
  std::uint64_t at(std::uint64_t position) const { return order_.empty() ? position : order_[position]; }
  std::optional<Count> find(std::span<const Rank> ranks) const {
    const auto p = position(ranks);
    return p ? std::optional<Count>(s_.counts[at(*p)]) : std::nullopt;
  }

 private:
  const Itemsets& s_;
  std::vector<std::uint64_t> order_;  // indices of s_ in the canonical order (empty: s_ is in it)
  // Slots of the hash table (a power of two, at most half full): 0 empty, else the high 24 bits
  // of the itemset's hash above its canonical position + 1 (below 2^40), so most probes that do
  // not match are told apart without reading the itemset.
  std::vector<std::uint64_t> slots_;
};

}  // namespace crmpi::fpgrowth
