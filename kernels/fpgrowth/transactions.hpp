// Weighted transactions, the input of the FP-tree. A transaction is a set of items written as their
// ranks in the F-list (rank 0 = the most frequent item), ascending and distinct, with a weight: the
// number of baskets it stands for, so that identical (conditional) baskets are shipped and stored
// once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace crmpi::fpgrowth {

using Rank = std::uint32_t;   // an item's position in the F-list
using Count = std::uint64_t;  // support counts and weights: exact integers

// Flat (CSR) storage: transaction t is items[offsets[t], offsets[t + 1]) with weight weights[t].
// The arrays are public so that an exchange can send and receive them as they are.
struct Transactions {
  std::vector<std::uint64_t> offsets{0};
  std::vector<Rank> items;
  std::vector<Count> weights;

  std::size_t size() const { return weights.size(); }
  std::span<const Rank> operator[](std::size_t t) const {
    return {items.data() + offsets[t], static_cast<std::size_t>(offsets[t + 1] - offsets[t])};
  }
  // Appends one transaction. Ranks must be strictly ascending (std::invalid_argument otherwise):
  // the tree relies on it, and a repeated item would be counted twice.
  void add(std::span<const Rank> ranks, Count weight);
  void clear();
  Count total_weight() const;
};

// The order of t's transactions sorted lexicographically (a prefix before its extensions), each
// transaction's ranks below `bound`: through a key packing the first ranks (rank + 1, 0 past the
// end), radix-sorted (transactions.cpp, sort_keyed), the rest compared only where keys tie, so
// most transactions are never read while sorting. Ties (identical transactions) in no particular
// order.
std::vector<std::size_t> lexicographic_order(const Transactions& t, std::uint64_t bound);

// Transactions [begin, end) of *t: a run for RunMerger, merge_runs and build_tree.
struct TransactionRun {
  const Transactions* t = nullptr;
  std::size_t begin = 0, end = 0;
};

// Whether t's transactions (the run's) are in lexicographic order already (ties allowed).
bool lexicographically_sorted(const Transactions& t);
bool lexicographically_sorted(const TransactionRun& run);

// Sorts the transactions lexicographically and merges identical ones (weights summed); drops those
// of weight 0. The result depends only on the multiset of transactions, not on their order.
void merge_duplicates(Transactions& t);

// A transaction's first ranks packed into a 64-bit key, `bits` each (rank + 1; 0 past the end), so
// that keys order as the transactions do wherever they differ. A key whose last slot is 0 holds
// the whole transaction ("whole"): equal whole keys are identical transactions.
struct KeyPacking {
  explicit KeyPacking(std::uint64_t bound);
  std::uint64_t key(std::span<const Rank> ranks) const {
    std::uint64_t k = 0;
    for (std::size_t j = 0; j < per_key; ++j) k = (k << bits) | (j < ranks.size() ? ranks[j] + std::uint64_t{1} : 0);
    return k;
  }
  bool whole(std::uint64_t k) const { return (k & last_slot) == 0; }
  int bits;
  std::size_t per_key;
  std::uint64_t last_slot;
};

// The transactions of runs, each run in lexicographic order, as one stream in that order with
// identical transactions once, their weights summed (a sum of 0 left out): what merge_duplicates
// gives for them all, by a k-way merge (a heap of the runs' heads) in O(n log k) compares instead
// of a sort. For a reader that takes them once, in order, and needs no merged copy (build_tree of
// PFP's group trees). The runs' tables must outlive it.
class RunMerger {
 public:
  // A run beyond its table throws std::out_of_range.
  explicit RunMerger(std::span<const TransactionRun> runs);
  // The next transaction and its weight; false at the end. A run found out of order throws
  // std::invalid_argument.
  bool next(std::span<const Rank>& ranks, Count& weight);
  // Over the runs, before merging: for reserving.
  std::size_t transactions() const { return transactions_; }
  std::size_t items() const { return items_; }

 private:
  struct Head {
    std::uint64_t key;  // of the transaction at `at`
    const Transactions* t;
    std::size_t at, end;
    std::span<const Rank> ranks() const { return (*t)[at]; }
  };
  // The heap's order of heads a and b: the lexicographically smallest at the front.
  bool after(std::uint32_t a, std::uint32_t b) const;
  // The head at the heap's back moved to its run's next transaction (and back into the heap), or
  // removed at its run's end.
  void advance_back();

  KeyPacking pack_;
  // The runs' heads, in place; the heap orders their indices (moving a 32-byte head through the
  // heap's temporaries stalled on store forwarding: ~30% of the merge's samples).
  std::vector<Head> heads_;
  std::vector<std::uint32_t> heap_;
  std::size_t transactions_ = 0, items_ = 0;
  bool started_ = false;  // last_ holds the last transaction taken from the heap
  std::uint64_t last_key_ = 0;
  std::span<const Rank> last_;
};

// The runs merged into one table (RunMerger's stream written out).
Transactions merge_runs(std::span<const TransactionRun> runs);

// The same merge over a stream: add() each transaction as it is made, finish() gives what
// add-ing them all to a Transactions and merge_duplicates() would, while only the distinct ones
// are held where the stream repeats (a rank's baskets repeat a lot once infrequent items are gone:
// 97.8M baskets of 10M generated customers are ~0.1M distinct transactions of frequent categories).
//
// Identical transactions are found by hash as they come, while that pays: once kCheckAt distinct
// ones are held, if more than half of the adds so far were new the stream is mostly distinct
// (9.8M generated orders over 2,000 products: 8M distinct baskets), and hashing stops: every
// later add is appended as it is, and finish() merges the repeats by its sort. A lookup in a
// table of millions misses the cache two or three times (~270 ns an add there, the count phase's
// largest part), an append does not, and the sort that follows is needed either way. The decision
// is taken once, on the stream so far: a stream whose repeats all come later is held as it came
// (never more than was added) and merged by finish() all the same.
class DistinctTransactions {
 public:
  static constexpr std::size_t kCheckAt = std::size_t{1} << 16;

  void add(std::span<const Rank> ranks, Count weight);  // ranks strictly ascending (else throws)
  Transactions finish();                                 // and starts empty again
  // Bounds of the stream to come (a rank's baskets), for the appending regime: when hashing stops,
  // the held arrays are reserved at these sizes, so they grow without copies and their pages are
  // touched once, as written (the rest is address space only); a stream that keeps repeating holds
  // few transactions and reserves nothing. A reservation the allocator refuses is skipped. For
  // the stream up to the next finish().
  void reserve(std::size_t transactions, std::size_t items);

  // A pass over the stream and an edit of it before the sort, without a second copy: the held
  // transactions (as added, unsorted; a transaction may be held more than once once hashing
  // stopped), and finish() after `edit` has changed them in place (it may shorten or drop
  // transactions; ranks stay strictly ascending). The pair filter (pair_filter.hpp) counts the
  // pairs over held() and cuts in the edit, so the sort runs once, on what is left.
  const Transactions& held() const { return distinct_; }
  Transactions finish(const std::function<void(Transactions&)>& edit);
  bool hashing() const { return hashing_; }
  std::size_t distinct() const { return distinct_.size(); }  // held (all distinct while hashing)
  std::size_t items() const { return distinct_.items.size(); }  // over the held transactions

 private:
  static constexpr std::size_t kEmpty = ~std::size_t{0};
  // The held transactions and weights as added (each distinct one where first added, while
  // hashing), unsorted; starts empty again. finish() sorts and merges them.
  Transactions take_held();
  static Transactions sorted_merged(Transactions held, bool repeats);
  void reserve_expected();
  std::size_t* slot_of(std::uint64_t key, bool& found);  // the key's slot (claimed if it was free)
  void grow();

  Transactions distinct_;
  std::vector<std::uint64_t> keys_;  // XXH3 of the ranks (+1 on a clash with another transaction)
  std::vector<std::size_t> index_;   // the transaction in distinct_, kEmpty for a free slot
  std::size_t adds_ = 0;             // of weight > 0, since the last finish
  bool hashing_ = true;
  std::size_t expected_transactions_ = 0, expected_items_ = 0;  // reserve()'s bounds
};

}  // namespace crmpi::fpgrowth
