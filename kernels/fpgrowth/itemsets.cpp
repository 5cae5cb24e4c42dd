#include "kernels/fpgrowth/itemsets.hpp"

#include <algorithm>
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

ItemsetIndex::ItemsetIndex(const Itemsets& s) : s_(s) {
  if (is_canonical(s)) return;
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

std::optional<std::uint64_t> ItemsetIndex::position(std::span<const Rank> ranks) const {
  std::uint64_t lo = 0, hi = s_.size();  // the first position not less than ranks
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (colex_less(s_[at(mid)], ranks)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == s_.size() || !std::ranges::equal(s_[at(lo)], ranks)) return std::nullopt;
  return lo;
}

}  // namespace crmpi::fpgrowth
