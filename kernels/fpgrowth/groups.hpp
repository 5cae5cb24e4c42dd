// PFP's grouping (Li et al. 2008, "PFP: Parallel FP-Growth for Query Recommendation"): the items of
// the F-list are split into groups, and the rank that owns a group mines every itemset whose least
// frequent item (highest rank) is in the group, from the group-dependent transactions it receives.
//
// Work estimate. Mining the itemsets that end in item r starts with r's conditional pattern base:
// for every basket holding r, its prefix up to r (the items more frequent than r). Its total
// length, the sum over those baskets of r's 1-based position in the rank-sorted basket, is what the
// first projection reads and bounds the size of r's conditional tree, so it is the per-item work
// estimate (add_prefix_work). It is exact, cheap (one pass over the baskets once the F-list is
// known; summed across ranks as integers) and, unlike count x rank, knows about basket lengths. It
// does not see how deep the recursion goes in dense data, where the work grows faster than the
// base; the greedy assignment still spreads the heavy items first.
//
// Assignment: greedy longest-processing-time (Graham 1969) over the per-item estimates: items by
// work descending (rank ascending among equals), each to the group with the least work so far
// (lowest index among equals). Deterministic for given estimates, within 4/3 of the best
// makespan for the estimates; not round-robin, so a few heavy items do not all land together.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

// Adds weight x (position + 1) to work_by_rank[basket[position]] for every item of the basket
// (ranks ascending, each below work_by_rank.size(), else std::out_of_range).
void add_prefix_work(std::span<const Rank> basket, Count weight, std::span<Count> work_by_rank);

struct GroupAssignment {
  std::vector<std::uint32_t> group_of_rank;  // rank -> group in [0, groups)
  std::vector<Count> work;                   // group -> summed work estimate
};

// Greedy LPT over the work estimates (see above); groups >= 1 (std::invalid_argument otherwise).
GroupAssignment assign_groups(std::span<const Count> work_by_rank, std::uint32_t groups);

// One group-dependent transaction of a basket: its first `length` ranks go to `group`.
struct GroupPrefix {
  std::uint32_t group;
  std::uint32_t length;
};

// Spark's genCondTransactions: for each group holding an item of the basket, the prefix of the
// basket up to and including its last (least frequent) item in that group. The group then holds,
// for each of its items, every basket's prefix up to it: all that mining its itemsets needs.
class GroupSplitter {
 public:
  // group_of_rank is copied; every entry must be below groups (std::invalid_argument otherwise).
  GroupSplitter(std::span<const std::uint32_t> group_of_rank, std::uint32_t groups);

  // The basket's group-dependent transactions (ranks ascending, each in the grouping's range, else
  // std::out_of_range), longest prefix first. Valid until the next call.
  std::span<const GroupPrefix> split(std::span<const Rank> basket);

 private:
  std::vector<std::uint32_t> group_of_rank_;
  std::vector<std::uint64_t> seen_;  // group -> the call that last gave it a prefix
  std::uint64_t call_ = 0;
  std::vector<GroupPrefix> out_;
};

// Every group's group-dependent transactions (GroupSplitter::split) of t's transactions, merged,
// in one table: group g's are transactions [first[g], first[g + 1]), each distinct prefix that goes
// to g once with the summed weights of the transactions it comes from (those of weight 0 give
// none). For t sorted lexicographically (DistinctTransactions::finish), each group's are sorted
// too and are what adding the prefixes to a DistinctTransactions and finish() would give; for any
// other t, the same prefixes with the same total weight, less merged and in no particular order.
//
// A prefix is a node of the trie of t's transactions: a scan of sorted transactions from the last
// to the first leaves each node's range of transactions at once, after those of its descendants
// (the reverse of preorder, the prefixes' lexicographic order), so a node that ends some of the
// group's prefixes collects their weights while the scan is in its range and is written when it
// leaves it. Each group's prefixes come out in reverse order, sorted and merged, with no hash
// table and no sort (one compare of neighbouring transactions a step). PFP's receiver then
// builds its tree from the sorted runs (build_tree over runs) instead of sorting what arrives. Ranks must be below
// group_of_rank.size() (std::out_of_range otherwise).
struct GroupedTransactions {
  Transactions t;
  std::vector<std::size_t> first;  // groups + 1 bounds
};
GroupedTransactions split_by_group(const Transactions& t, std::span<const std::uint32_t> group_of_rank,
                                   std::uint32_t groups);

}  // namespace crmpi::fpgrowth
