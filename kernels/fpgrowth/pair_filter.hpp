// The frequent-pair filter: before PFP's shuffle, each transaction is cut to the items that can be
// in one of its frequent itemsets of two or more items.
//
// Why it is exact: if S (|S| >= 2) is frequent, so is every pair in S (support is anti-monotone),
// so in a basket holding S each item of S forms a frequent pair with another item of the basket.
// An item of a basket that forms a frequent pair with none of the basket's other items is in no
// frequent S of two or more items that the basket holds, and removing it from that basket changes
// the count of no such S. Only the single items' counts change: the miner takes those from the
// F-list (mine.hpp, MineParams::item_counts), not from the cut transactions.
//
// Why it pays: on sparse baskets over many items, most items of a basket pair frequently with
// none of the others, and what is left to sort, shuffle, store in trees and mine is a fraction
// (9.8M generated orders over 1,999 frequent products at support 0.0001: 7,202 of the 2.0M pairs
// possibly frequent; 24.4M item ranks in 5.1M distinct transactions become 16.9M in 3.3M). The
// pair counts are statistics, F(F - 1)/2 integers reduced across ranks, never rows.
//
// Bounds: the table holds F(F - 1)/2 + F counts, of 4 bytes while they cannot pass 2^32 (8 past
// that), so it is made only for F <= kMaxItems (32 MiB; 64 in 64 bits). A transaction longer than
// kLongest is not counted pair by pair (a few huge baskets would make the whole pass): its weight
// is added to each of its items' long weight instead, a pair is possibly frequent when counted +
// min(long weight of a, long weight of b) >= min_count (at least its true count), and such a
// transaction is kept whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

class PairCounts {
 public:
  static constexpr std::size_t kMaxItems = 4096;  // 8,386,560 pair counts: 32 MiB (64 in 64 bits)
  static constexpr std::size_t kLongest = 64;     // longer transactions: bounded per item, kept whole

  // Counts over ranks [0, items); items > kMaxItems is std::length_error.
  explicit PairCounts(std::size_t items);

  // Adds t's pairs (ranks strictly ascending, below items(): else std::out_of_range) with weight w.
  void add(std::span<const Rank> t, Count w);

  // The table to reduce across ranks as it is: the pair a < b at b(b - 1)/2 + a, then each item's
  // long weight (its weight in transactions longer than kLongest). In 32 bits while every weight
  // added sums below 2^32 (narrow(): then narrow_table() is it, and a reduction over ranks whose
  // weights all sum below 2^32 can stay narrow too); table() widens it to 64 bits.
  bool narrow() const { return !is_wide_; }
  std::span<std::uint32_t> narrow_table() { return narrow_; }  // narrow() only
  std::span<Count> table();
  std::size_t items() const { return items_; }

  // The increments add() makes for t's transactions: what a pass costs, beside the table's size.
  static std::uint64_t increments(const Transactions& t);
  // Whether a rank's pass of `increments` (the mean over the ranks) pays for a table over `items`
  // items: at least kPassPerSlot increments a count. Every rank clears, reduces and reads the
  // whole table, about an increment's cost a count, whatever its share of the baskets, so below
  // that the table is most of the filter's time: retail.dat at 0.1% on one rank (1.6M increments
  // for 2.2M pairs), or 1M baskets over 512 simulated ranks (the reduction of a 1.8 MB table took
  // the count 2 -> 25 ms there, docs/smpi.md).
  static constexpr std::uint64_t kPassPerSlot = 1;
  static bool pays(std::uint64_t increments, std::size_t items);

 private:
  // Counts are 32-bit while the weight added stays below 2^32 (no count can be more), so that the
  // table a pass scatters into is half the size (9.8M generated orders at support 0.0001: 8 MB
  // instead of 16, the pass 0.27 -> 0.21 s); widened to 64 bits beyond that, and for table().
  template <class T>
  void add_to(T* table, std::span<const Rank> t, Count w) const;
  void widen();

  std::size_t items_;
  Count added_ = 0;
  std::vector<std::uint32_t> narrow_;
  std::vector<Count> wide_;
  bool is_wide_ = false;
};

class PairFilter {
 public:
  // From the reduced table of PairCounts(items), either width: which pairs may reach min_count.
  PairFilter(std::span<const Count> reduced, std::size_t items, Count min_count);
  PairFilter(std::span<const std::uint32_t> reduced, std::size_t items, Count min_count);

  bool possibly_frequent(Rank a, Rank b) const {  // a < b < items
    const std::size_t i = static_cast<std::size_t>(b) * (b - 1) / 2 + a;
    return (bits_[i / 64] >> (i % 64)) & 1U;
  }
  std::size_t pairs() const { return pairs_; }  // possibly frequent pairs

  // Cuts every transaction of t in place to its items that form a possibly frequent pair with
  // another of its items (one longer than PairCounts::kLongest stays whole) and drops those left
  // with fewer than two items. The weights stay with their transactions and the order stays; cut
  // transactions may be out of lexicographic order or equal to others
  // (DistinctTransactions::finish(edit) sorts and merges them).
  void cut(Transactions& t) const;

 private:
  template <class T>
  void mark(std::span<const T> reduced, Count min_count);

  std::size_t items_;
  std::vector<std::uint64_t> bits_;
  std::size_t pairs_ = 0;
};

}  // namespace crmpi::fpgrowth
