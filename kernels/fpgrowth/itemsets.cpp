#include "kernels/fpgrowth/itemsets.hpp"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <stdexcept>

namespace crmpi::fpgrowth {

void Itemsets::append(const Itemsets& other) {
  const std::uint64_t base = items.size();
  items.insert(items.end(), other.items.begin(), other.items.end());
  for (std::size_t i = 1; i < other.offsets.size(); ++i) offsets.push_back(base + other.offsets[i]);
  counts.insert(counts.end(), other.counts.begin(), other.counts.end());
}

void Itemsets::clear() {
  offsets.assign(1, 0);
  items.clear();
  counts.clear();
}

bool colex_less(std::span<const Rank> a, std::span<const Rank> b) {
  std::size_t i = a.size(), j = b.size();
  while (i > 0 && j > 0) {
    --i;
    --j;
    if (a[i] != b[j]) return a[i] < b[j];
  }
  return j > 0;  // a is b without some of its most frequent items
}

void sort_canonical(Itemsets& s) {
  if (is_canonical(s)) return;
  std::vector<std::size_t> order(s.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return colex_less(s[a], s[b]); });
  Itemsets sorted;
  sorted.items.reserve(s.items.size());
  sorted.offsets.reserve(s.offsets.size());
  sorted.counts.reserve(s.counts.size());
  for (const std::size_t i : order) sorted.add(s[i], s.counts[i]);
  s = std::move(sorted);
}

bool is_canonical(const Itemsets& s) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (!colex_less(s[i - 1], s[i])) return false;
  }
  return true;
}

namespace {

constexpr int kPositionBits = 40;
constexpr std::uint64_t kPositionMask = (std::uint64_t{1} << kPositionBits) - 1;

std::uint64_t hash_of(std::span<const Rank> ranks) { return XXH3_64bits(ranks.data(), ranks.size_bytes()); }

}  // namespace

ItemsetIndex::ItemsetIndex(const Itemsets& s) : s_(s) {
  if (s.size() >= kPositionMask) throw std::length_error("fpgrowth: too many itemsets to index");
  if (!is_canonical(s)) {
    order_.resize(s.size());
    std::iota(order_.begin(), order_.end(), std::uint64_t{0});
    std::sort(order_.begin(), order_.end(),
              [&](std::uint64_t a, std::uint64_t b) { return colex_less(s[a], s[b]); });
    for (std::size_t i = 1; i < order_.size(); ++i) {
      if (!colex_less(s[order_[i - 1]], s[order_[i]])) {
        throw std::invalid_argument("fpgrowth: an itemset is listed twice");
      }
    }
  }
  // Distinct itemsets (checked above or by is_canonical), so every insert takes a new slot.
  slots_.assign(std::bit_ceil(std::max<std::size_t>(16, 2 * s.size())), 0);
  const std::uint64_t mask = slots_.size() - 1;
  for (std::uint64_t pos = 0; pos < s.size(); ++pos) {
    const std::uint64_t h = hash_of(s[at(pos)]);
    std::uint64_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (h >> kPositionBits << kPositionBits) | (pos + 1);
  }
}

std::optional<std::uint64_t> ItemsetIndex::position(std::span<const Rank> ranks) const {
  const std::uint64_t h = hash_of(ranks), tag = h >> kPositionBits << kPositionBits, mask = slots_.size() - 1;
  for (std::uint64_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == 0) return std::nullopt;
    if ((slot & ~kPositionMask) != tag) continue;
    const std::uint64_t pos = (slot & kPositionMask) - 1;
    if (std::ranges::equal(s_[at(pos)], ranks)) return pos;
  }
}

}  // namespace crmpi::fpgrowth
