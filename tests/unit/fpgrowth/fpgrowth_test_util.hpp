// Helpers of the FP-growth kernel tests: baskets of item ids, the pipeline that turns them into
// weighted transactions of ranks, and an independent brute-force reference (every subset of the
// items counted by a scan of the baskets, as bit masks), obviously right for up to ~16 items.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/fpgrowth/flist.hpp"
#include "kernels/fpgrowth/itemsets.hpp"
#include "kernels/fpgrowth/mine.hpp"
#include "kernels/fpgrowth/transactions.hpp"

namespace fpt {

using crmpi::fpgrowth::Count;
using crmpi::fpgrowth::Rank;

// Baskets of item ids (any order, repeats allowed) with a weight each.
struct Baskets {
  std::uint32_t n_items = 0;
  std::vector<std::vector<std::uint32_t>> ids;
  std::vector<Count> weights;

  void add(std::vector<std::uint32_t> b, Count w = 1) {
    for (const auto id : b) n_items = std::max(n_items, id + 1);
    ids.push_back(std::move(b));
    weights.push_back(w);
  }
  Count total() const {
    Count n = 0;
    for (const Count w : weights) n += w;
    return n;
  }
};

// Space-separated one-letter items, as Spark's suites write them: item id = letter - 'a'.
inline Baskets letters(std::initializer_list<const char*> lines) {
  Baskets b;
  b.n_items = 26;
  for (const char* line : lines) {
    std::vector<std::uint32_t> ids;
    std::istringstream in(line);
    for (std::string w; in >> w;) ids.push_back(static_cast<std::uint32_t>(w[0] - 'a'));
    b.ids.push_back(ids);
    b.weights.push_back(1);
  }
  return b;
}

// Random baskets over n_items items: each item in a basket with its own probability (a few
// frequent, many rare), sometimes repeated ids, sometimes weights above 1.
inline Baskets random_baskets(std::uint64_t seed, std::uint32_t n_items, std::uint32_t n_baskets,
                              bool weighted) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> p(n_items);
  for (auto& x : p) x = 0.05 + 0.7 * u(rng) * u(rng);
  Baskets b;
  b.n_items = n_items;
  for (std::uint32_t i = 0; i < n_baskets; ++i) {
    std::vector<std::uint32_t> ids;
    for (std::uint32_t id = 0; id < n_items; ++id) {
      if (u(rng) < p[id]) ids.push_back(id);
      if (u(rng) < 0.05) ids.push_back(id);  // a repeated line of the same product
    }
    std::shuffle(ids.begin(), ids.end(), rng);
    b.ids.push_back(ids);
    b.weights.push_back(weighted ? 1 + rng() % 3 : 1);
  }
  return b;
}

inline std::vector<Count> item_counts(const Baskets& b) {
  std::vector<Count> c(b.n_items, 0);
  for (std::size_t i = 0; i < b.ids.size(); ++i) {
    std::vector<std::uint32_t> ids = b.ids[i];
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const auto id : ids) c[id] += b.weights[i];
  }
  return c;
}

// The driver's local steps: F-list from the counts, then each basket as ranks.
inline crmpi::fpgrowth::Transactions transactions(const Baskets& b, const crmpi::fpgrowth::FList& f) {
  crmpi::fpgrowth::Transactions t;
  std::vector<Rank> ranks;
  for (std::size_t i = 0; i < b.ids.size(); ++i) {
    crmpi::fpgrowth::basket_ranks(b.ids[i], f, ranks);
    t.add(ranks, b.weights[i]);
  }
  return t;
}

// Itemsets keyed by their sorted item ids.
using IdSets = std::map<std::vector<std::uint32_t>, Count>;

inline IdSets as_ids(const crmpi::fpgrowth::Itemsets& s, const crmpi::fpgrowth::FList& f) {
  IdSets out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::vector<std::uint32_t> ids;
    for (const Rank r : s[i]) ids.push_back(f.ids[r]);
    std::sort(ids.begin(), ids.end());
    out.emplace(ids, s.counts[i]);
  }
  return out;
}

inline std::uint32_t mask_of(std::span<const std::uint32_t> ids) {
  std::uint32_t m = 0;
  for (const auto id : ids) m |= std::uint32_t{1} << id;
  return m;
}

// Weighted number of baskets holding every item of `mask`.
inline Count brute_count(const Baskets& b, std::uint32_t mask) {
  Count c = 0;
  for (std::size_t i = 0; i < b.ids.size(); ++i) {
    if ((mask_of(b.ids[i]) & mask) == mask) c += b.weights[i];
  }
  return c;
}

inline std::vector<std::uint32_t> ids_of(std::uint32_t mask) {
  std::vector<std::uint32_t> ids;
  for (std::uint32_t id = 0; mask != 0; ++id, mask >>= 1) {
    if (mask & 1) ids.push_back(id);
  }
  return ids;
}

// Every itemset with count >= min_count and at most max_length items (0: any), by enumeration of
// all 2^n_items - 1 subsets.
inline IdSets brute_force(const Baskets& b, Count min_count, std::uint32_t max_length = 0) {
  IdSets out;
  for (std::uint32_t mask = 1; mask < (std::uint32_t{1} << b.n_items); ++mask) {
    if (max_length != 0 && static_cast<std::uint32_t>(std::popcount(mask)) > max_length) continue;
    const Count c = brute_count(b, mask);
    if (c >= min_count) out.emplace(ids_of(mask), c);
  }
  return out;
}

}  // namespace fpt
