#include "kernels/fpgrowth/transactions.hpp"

#include <algorithm>
#include <bit>
#include <compare>
#include <cstdint>
#include <new>
#include <numeric>
#include <stdexcept>

#include <xxhash.h>

#include "kernels/common/lsd_radix_sort.hpp"
#include "kernels/common/msd_radix_sort.hpp"

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

void DistinctTransactions::reserve(std::size_t transactions, std::size_t items) {
  expected_transactions_ = transactions;
  expected_items_ = items;
}

void DistinctTransactions::reserve_expected() {
  try {
    distinct_.offsets.reserve(expected_transactions_ + 1);
    distinct_.weights.reserve(expected_transactions_);
    distinct_.items.reserve(expected_items_);
  } catch (const std::bad_alloc&) {  // address space refused (RLIMIT_AS): grow as they go instead
  }
}

void DistinctTransactions::add(std::span<const Rank> ranks, Count weight) {
  if (weight == 0) return;
  ++adds_;
  if (!hashing_) {
    distinct_.add(ranks, weight);
    return;
  }
  if (2 * (distinct_.size() + 1) > keys_.size()) {
    if (distinct_.size() >= kCheckAt && 2 * distinct_.size() > adds_) {
      hashing_ = false;  // mostly distinct: append from now on (the class comment)
      keys_ = {};
      index_ = {};
      reserve_expected();
      distinct_.add(ranks, weight);
      return;
    }
    grow();
  }
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

KeyPacking::KeyPacking(std::uint64_t bound)
    : bits(std::max(1, static_cast<int>(std::bit_width(bound)))),
      per_key(static_cast<std::size_t>(64 / bits)),
      last_slot((std::uint64_t{1} << bits) - 1) {}

Transactions DistinctTransactions::take_held() {
  expected_transactions_ = expected_items_ = 0;
  keys_ = {};
  index_ = {};
  adds_ = 0;
  hashing_ = true;
  Transactions distinct = std::move(distinct_);
  distinct_ = Transactions();
  return distinct;
}

namespace {

// value: the transaction's index in t; finish() puts a whole key's weight there instead (such a
// record is never looked up: equal whole keys compare equal without it).
struct Keyed {
  std::uint64_t key;
  std::uint64_t value;
};

// Sorts by the transactions' lexicographic order: by key, then each run of one key that is not
// whole by the rest of its transactions. Ties (identical transactions) in no particular order.
// Many records go through a stable LSD radix sort by key and then a sort of each such run: their
// keys mostly start with a small rank (Zipf-distributed items), so the in-place MSD radix sort's
// first passes leave one bucket of nearly everything (9.8M generated orders' count phase: 2.0 ->
// 1.74 s). Fewer are sorted in place by the MSD sort, which needs no second array.
void sort_keyed(std::vector<Keyed>& keyed, const Transactions& t, const KeyPacking& pack) {
  const auto per_key = static_cast<std::ptrdiff_t>(pack.per_key);
  const auto rest_less = [&](const Keyed& a, const Keyed& b) {
    const auto x = t[a.value], y = t[b.value];
    if (x.size() <= pack.per_key || y.size() <= pack.per_key) return x.size() < y.size();
    return std::lexicographical_compare(x.begin() + per_key, x.end(), y.begin() + per_key, y.end());
  };
  constexpr std::size_t kLsdFrom = std::size_t{1} << 16;
  if (keyed.size() < kLsdFrom) {
    msd_radix_sort(
        keyed.data(), keyed.data() + keyed.size(), [](const Keyed& k) { return k.key; },
        [&](const Keyed& a, const Keyed& b) {
          if (a.key != b.key) return a.key < b.key;
          return !pack.whole(a.key) && rest_less(a, b);
        });
    return;
  }
  lsd_radix_sort(keyed, [](const Keyed& k) { return k.key; });
  for (std::size_t i = 0; i < keyed.size();) {
    std::size_t j = i + 1;
    while (j < keyed.size() && keyed[j].key == keyed[i].key) ++j;
    if (j - i > 1 && !pack.whole(keyed[i].key)) {
      std::sort(keyed.begin() + static_cast<std::ptrdiff_t>(i), keyed.begin() + static_cast<std::ptrdiff_t>(j), rest_less);
    }
    i = j;
  }
}

}  // namespace

std::vector<std::size_t> lexicographic_order(const Transactions& t, std::uint64_t bound) {
  const KeyPacking pack(bound);
  std::vector<Keyed> keyed(t.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) keyed[i] = Keyed{pack.key(t[i]), i};
  sort_keyed(keyed, t, pack);
  std::vector<std::size_t> order(keyed.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = keyed[i].value;
  return order;
}

bool lexicographically_sorted(const TransactionRun& run) {
  for (std::size_t i = run.begin + 1; i < run.end; ++i) {
    const auto a = (*run.t)[i - 1], b = (*run.t)[i];
    if (std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end())) return false;
  }
  return true;
}

bool lexicographically_sorted(const Transactions& t) { return lexicographically_sorted(TransactionRun{&t, 0, t.size()}); }

// A sort of the held transactions through their keys. Most baskets fit in their key (9.8M
// generated orders over 2,000 products: 5 ranks of 11 bits a key, ~3.6 items a basket), and such a
// record carries its weight: the sorted transactions are written from the records alone, in
// sequence. Only the longer ones are read where they lie, in sorted order, i.e. all over memory:
// fetched ahead, so that the misses overlap instead of each waiting for the one before.
Transactions DistinctTransactions::finish() {
  const bool repeats = !hashing_;
  return sorted_merged(take_held(), repeats);
}

Transactions DistinctTransactions::finish(const std::function<void(Transactions&)>& edit) {
  Transactions held = take_held();
  edit(held);
  return sorted_merged(std::move(held), true);  // an edit can make transactions equal
}

Transactions DistinctTransactions::sorted_merged(Transactions held, bool repeats) {
  Rank max_rank = 0;
  for (const Rank r : held.items) max_rank = std::max(max_rank, r);
  const KeyPacking pack(std::uint64_t{max_rank} + 1);
  std::vector<Keyed> keyed(held.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const std::uint64_t key = pack.key(held[i]);
    keyed[i] = Keyed{key, pack.whole(key) ? held.weights[i] : i};
  }
  sort_keyed(keyed, held, pack);

  Transactions merged;
  merged.items.reserve(held.items.size());
  merged.weights.reserve(held.size());
  merged.offsets.reserve(held.size() + 1);
  constexpr std::size_t kFar = 16, kNear = 8;  // offsets and weight 16 ahead, ranks 8 ahead
  const auto fetch_ahead = [&](std::size_t at) {
    if (at + kFar < keyed.size() && !pack.whole(keyed[at + kFar].key)) {
      __builtin_prefetch(&held.offsets[keyed[at + kFar].value]);
      __builtin_prefetch(&held.weights[keyed[at + kFar].value]);
    }
    if (at + kNear < keyed.size() && !pack.whole(keyed[at + kNear].key))
      __builtin_prefetch(held.items.data() + held.offsets[keyed[at + kNear].value]);
  };
  bool last_is_whole = false;  // the last transaction written was whole, with key last_whole
  std::uint64_t last_whole = 0;
  for (std::size_t at = 0; at < keyed.size(); ++at) {
    fetch_ahead(at);
    const Keyed& k = keyed[at];
    if (pack.whole(k.key)) {
      if (repeats && last_is_whole && k.key == last_whole) {
        merged.weights.back() += k.value;
        continue;
      }
      for (std::size_t j = pack.per_key; j-- > 0;) {  // the slots, first rank in the highest
        const std::uint64_t slot = (k.key >> (static_cast<unsigned>(j) * static_cast<unsigned>(pack.bits))) & pack.last_slot;
        if (slot == 0) break;
        merged.items.push_back(static_cast<Rank>(slot - 1));
      }
      merged.offsets.push_back(merged.items.size());
      merged.weights.push_back(k.value);
      last_is_whole = true;
      last_whole = k.key;
      continue;
    }
    last_is_whole = false;
    const auto tr = held[k.value];
    if (repeats && !merged.weights.empty()) {  // identical transactions are next to each other
      const auto last = merged[merged.size() - 1];
      if (std::equal(tr.begin(), tr.end(), last.begin(), last.end())) {
        merged.weights.back() += held.weights[k.value];
        continue;
      }
    }
    merged.items.insert(merged.items.end(), tr.begin(), tr.end());
    merged.offsets.push_back(merged.items.size());
    merged.weights.push_back(held.weights[k.value]);
  }
  return merged;
}

void merge_duplicates(Transactions& t) {
  DistinctTransactions d;
  for (std::size_t i = 0; i < t.size(); ++i) d.add(t[i], t.weights[i]);
  t = d.finish();
}

// The heap compares the heads by their first ranks packed into a key (KeyPacking), and reads the
// ranks themselves only where keys tie on a transaction longer than the key: with one run per
// sender, PFP's receivers at 512 simulated ranks merged ~500 runs, and a heap that read every
// compared head's ranks (two offsets and the ranks, wherever they lie) spent ~10x the old sort's
// time there (docs/smpi.md, "Rules").
namespace {

std::uint64_t rank_bound(std::span<const TransactionRun> runs) {
  Rank max_rank = 0;
  for (const TransactionRun& r : runs) {
    if (r.begin > r.end || r.end > r.t->size()) throw std::out_of_range("merge_runs: a run beyond its table");
    for (std::uint64_t i = r.t->offsets[r.begin]; i < r.t->offsets[r.end]; ++i) max_rank = std::max(max_rank, r.t->items[i]);
  }
  return std::uint64_t{max_rank} + 1;
}

// Three-way order of two transactions given their keys.
std::strong_ordering order(const KeyPacking& pack, std::uint64_t ka, std::span<const Rank> a, std::uint64_t kb,
                           std::span<const Rank> b) {
  if (ka != kb) return ka <=> kb;
  if (pack.whole(ka)) return std::strong_ordering::equal;
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

RunMerger::RunMerger(std::span<const TransactionRun> runs) : pack_(rank_bound(runs)) {
  for (const TransactionRun& r : runs) {
    transactions_ += r.end - r.begin;
    items_ += r.t->offsets[r.end] - r.t->offsets[r.begin];
    if (r.begin == r.end) continue;
    heap_.push_back(static_cast<std::uint32_t>(heads_.size()));
    heads_.push_back({pack_.key((*r.t)[r.begin]), r.t, r.begin, r.end});
  }
  std::make_heap(heap_.begin(), heap_.end(), [this](std::uint32_t a, std::uint32_t b) { return after(a, b); });
}

// std::*_heap keep the largest at the front: "after" puts the lexicographically smallest there.
bool RunMerger::after(std::uint32_t a, std::uint32_t b) const {
  const Head& x = heads_[a];
  const Head& y = heads_[b];
  if (x.key != y.key) return y.key < x.key;
  return !pack_.whole(x.key) && order(pack_, y.key, y.ranks(), x.key, x.ranks()) < 0;
}

void RunMerger::advance_back() {
  Head& h = heads_[heap_.back()];
  if (++h.at == h.end) {
    heap_.pop_back();
    return;
  }
  h.key = pack_.key(h.ranks());
  std::push_heap(heap_.begin(), heap_.end(), [this](std::uint32_t a, std::uint32_t b) { return after(a, b); });
}

bool RunMerger::next(std::span<const Rank>& ranks, Count& weight) {
  const auto after = [this](std::uint32_t a, std::uint32_t b) { return this->after(a, b); };
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), after);
    const Head& h = heads_[heap_.back()];
    const std::uint64_t key = h.key;
    const std::span<const Rank> tr = h.ranks();
    // Every head taken is at or above the one taken before where each run ascends; a run's
    // transaction below its predecessor is taken after it, so this finds it.
    if (started_ && order(pack_, key, tr, last_key_, last_) < 0)
      throw std::invalid_argument("merge_runs: a run out of lexicographic order");
    started_ = true;
    last_key_ = key;
    last_ = tr;
    Count sum = h.t->weights[h.at];
    advance_back();
    // The same transaction at the front of other runs (or next in this one): one, weights summed.
    const auto same = [&](const Head& g) {
      return g.key == key && (pack_.whole(key) || std::ranges::equal(g.ranks(), tr));
    };
    while (!heap_.empty() && same(heads_[heap_.front()])) {
      std::pop_heap(heap_.begin(), heap_.end(), after);
      const Head& g = heads_[heap_.back()];
      sum += g.t->weights[g.at];
      advance_back();
    }
    if (sum != 0) {
      ranks = tr;
      weight = sum;
      return true;
    }
  }
  return false;
}

Transactions merge_runs(std::span<const TransactionRun> runs) {
  RunMerger merger(runs);
  Transactions out;
  out.offsets.reserve(merger.transactions() + 1);
  out.weights.reserve(merger.transactions());
  out.items.reserve(merger.items());
  std::span<const Rank> ranks;
  Count weight = 0;
  while (merger.next(ranks, weight)) {
    out.items.insert(out.items.end(), ranks.begin(), ranks.end());
    out.offsets.push_back(out.items.size());
    out.weights.push_back(weight);
  }
  return out;
}

}  // namespace crmpi::fpgrowth
