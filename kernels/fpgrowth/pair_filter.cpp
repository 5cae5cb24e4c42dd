#include "kernels/fpgrowth/pair_filter.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace crmpi::fpgrowth {

namespace {
std::size_t pair_slots(std::size_t items) { return items < 2 ? 0 : items * (items - 1) / 2; }
}  // namespace

PairCounts::PairCounts(std::size_t items) : items_(items) {
  if (items > kMaxItems)
    throw std::length_error("fpgrowth: pair counts over " + std::to_string(items) + " items (at most " +
                            std::to_string(kMaxItems) + ")");
  narrow_.assign(pair_slots(items) + items, 0);
}

template <class T>
void PairCounts::add_to(T* table, std::span<const Rank> t, Count w) const {
  const auto weight = static_cast<T>(w);
  if (t.size() > kLongest) {
    T* long_weight = table + pair_slots(items_);
    for (const Rank r : t) long_weight[r] += weight;
    return;
  }
  // Ranks ascending: t[j]'s row holds its pairs with every smaller rank; one row base per item.
  for (std::size_t j = 1; j < t.size(); ++j) {
    T* row = table + static_cast<std::size_t>(t[j]) * (t[j] - 1) / 2;
    for (std::size_t i = 0; i < j; ++i) row[t[i]] += weight;
  }
}

void PairCounts::add(std::span<const Rank> t, Count w) {
  if (!t.empty() && t.back() >= items_) throw std::out_of_range("fpgrowth: pair counts: a rank beyond the items");
  added_ += w;
  if (!is_wide_ && added_ > std::numeric_limits<std::uint32_t>::max()) widen();
  if (is_wide_) add_to(wide_.data(), t, w);
  else add_to(narrow_.data(), t, w);
}

void PairCounts::widen() {
  wide_.assign(narrow_.begin(), narrow_.end());
  narrow_ = {};
  is_wide_ = true;
}

std::span<Count> PairCounts::table() {
  if (!is_wide_) widen();
  return wide_;
}

std::uint64_t PairCounts::increments(const Transactions& t) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::uint64_t length = t.offsets[i + 1] - t.offsets[i];
    n += length > kLongest ? length : length * (length - (length > 0)) / 2;
  }
  return n;
}

bool PairCounts::pays(std::uint64_t increments, std::size_t items) {
  return items >= 2 && items <= kMaxItems && increments / kPassPerSlot >= pair_slots(items);
}

PairFilter::PairFilter(std::span<const Count> reduced, std::size_t items, Count min_count) : items_(items) {
  mark(reduced, min_count);
}

PairFilter::PairFilter(std::span<const std::uint32_t> reduced, std::size_t items, Count min_count) : items_(items) {
  mark(reduced, min_count);
}

template <class T>
void PairFilter::mark(std::span<const T> reduced, Count min_count) {
  const std::size_t slots = pair_slots(items_);
  if (reduced.size() != slots + items_) throw std::invalid_argument("fpgrowth: pair table of the wrong size");
  const T* long_weight = reduced.data() + slots;
  bits_.assign((slots + 63) / 64, 0);
  std::size_t i = 0;
  for (std::size_t b = 1; b < items_; ++b)
    for (std::size_t a = 0; a < b; ++a, ++i)
      if (Count{reduced[i]} + std::min(Count{long_weight[a]}, Count{long_weight[b]}) >= min_count) {
        bits_[i / 64] |= std::uint64_t{1} << (i % 64);
        ++pairs_;
      }
}

void PairFilter::cut(Transactions& t) const {
  // In place: every cut is no longer than its transaction, so transaction n is written at or
  // before where it was read, and offsets[n + 1] is read before it is rewritten.
  std::size_t kept = 0;
  std::uint64_t write = 0, end = t.offsets[0];
  for (std::size_t n = 0; n < t.size(); ++n) {
    const std::uint64_t begin = end;
    end = t.offsets[n + 1];
    const std::size_t length = end - begin;
    const Rank* x = t.items.data() + begin;
    if (length > 0 && x[length - 1] >= items_)
      throw std::out_of_range("fpgrowth: pair filter: a rank beyond the items");
    std::uint64_t out = write;
    if (length > PairCounts::kLongest) {
      for (std::size_t i = 0; i < length; ++i) t.items[out++] = x[i];
    } else if (length >= 2) {
      // A bit per item of the transaction, set for both items of each possibly frequent pair.
      // (Skipping first the items in no possibly frequent pair at all was slower on the
      // generated orders: 0.29 against 0.27 s; most of their items have a partner somewhere.)
      std::uint64_t paired = 0;
      for (std::size_t j = 1; j < length; ++j) {
        const std::size_t row = static_cast<std::size_t>(x[j]) * (x[j] - 1) / 2;
        for (std::size_t i = 0; i < j; ++i) {
          const std::size_t bit = row + x[i];
          const std::uint64_t hit = (bits_[bit / 64] >> (bit % 64)) & 1U;
          paired |= (hit << i) | (hit << j);
        }
      }
      for (std::size_t i = 0; i < length; ++i)
        if ((paired >> i) & 1U) t.items[out++] = x[i];
    }
    if (out - write < 2) continue;  // no pair: in none of the itemsets the tree gives
    t.weights[kept] = t.weights[n];
    t.offsets[++kept] = out;
    write = out;
  }
  t.items.resize(write);
  t.weights.resize(kept);
  t.offsets.resize(kept + 1);
}

}  // namespace crmpi::fpgrowth
