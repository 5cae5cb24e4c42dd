// FP-growth mining (Han, Pei & Yin 2000) of weighted transactions, whole or for one PFP group.
//
// The recursion mines a tree item by item in ascending code order: the itemset {item} + suffix,
// then the item's conditional tree with the suffix extended. A tree that is a single path is not
// projected further: every subset of the path above an item has that item's count. Itemsets come
// out in the canonical (colexicographic) order of itemsets.hpp, each as ranks ascending, with
// exact counts.
//
// Groups (PFP): mine_group emits only the itemsets whose least frequent item (highest rank) is in
// the group; given the group's transactions from GroupSplitter, those counts are exact (every
// basket holding the itemset sent the group a prefix holding it), and the union over the groups,
// concatenated in canonical order, is the ungrouped result.
#pragma once

#include <cstdint>
#include <span>

#include "kernels/fpgrowth/itemsets.hpp"
#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

struct MineParams {
  Count min_count = 1;             // absolute support; >= 1
  std::uint32_t max_length = 0;    // longest itemset; 0: unlimited
  std::uint64_t max_itemsets = 0;  // stop after this many; 0: unlimited
  // The single items' counts by rank (the F-list's), for transactions cut by the pair filter
  // (pair_filter.hpp): then each rank below item_counts.size() whose count reaches min_count is a
  // single item with that count, whether or not it is left in the transactions, and the tree gives
  // the itemsets of two or more items. Empty: the single items and their counts are the tree's.
  std::span<const Count> item_counts{};
};

struct MineResult {
  Itemsets itemsets;       // canonical order
  bool truncated = false;  // max_itemsets were found and there are more: itemsets is its first
                           // max_itemsets in canonical order, the rest unknown
  std::size_t tree_transactions = 0;  // the distinct transactions the FP-tree was built from
};

MineResult mine(const Transactions& t, const MineParams& params);

// Only the itemsets whose highest rank r has group_of_rank[r] == group (ranks beyond
// group_of_rank are std::out_of_range). The max_itemsets cap counts this group's itemsets.
MineResult mine_group(const Transactions& t, const MineParams& params,
                      std::span<const std::uint32_t> group_of_rank, std::uint32_t group);
// The same over the transactions of runs, each in lexicographic order (build_tree's runs): what
// PFP's shuffle delivers, mined without a merged copy.
MineResult mine_group(std::span<const TransactionRun> runs, const MineParams& params,
                      std::span<const std::uint32_t> group_of_rank, std::uint32_t group);

}  // namespace crmpi::fpgrowth
