// The FP-tree (Han, Pei & Yin 2000) in flat arrays: node i has a parent (< i), an item and a count;
// the nodes of each item are listed in a header (CSR, in node order). Items are local codes
// 0 .. items() - 1, ascending in global rank (rank_of_item), so a path from the root meets items in
// ascending code order, the most frequent first.
//
// Two builders:
//   - build_tree, from weighted transactions: items below min_count are dropped, the transactions
//     sorted lexicographically and inserted along the previous one's path (a sorted list shares
//     exactly its common prefix with its predecessor), so no child lookup is needed at all;
//   - Projector, the conditional tree of one item of a tree: its conditional pattern base (the
//     paths above the item's nodes, weighted by their counts) restricted to the items frequent in
//     it, built straight from the parent tree. Each ancestor of the item's nodes is visited once
//     (not once per path through it): the weights that pass through it are summed bottom-up,
//     then it is mapped top-down to its node in the new tree.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

struct FpTree {
  static constexpr std::uint32_t kRoot = 0;

  // One record a node, not an array a field: projecting walks from nodes to their parents all over
  // a tree of up to millions of nodes, and each step then costs one cache miss, not three.
  struct Node {
    std::uint32_t parent;  // < the node; the root's is itself
    std::uint32_t item;    // item code (the root's is unused)
    Count count;           // weight of the transactions through it
  };
  std::vector<Node> node;
  std::vector<Rank> rank_of_item;             // item code -> global rank, ascending
  std::vector<Count> item_count;              // item code -> support in the tree (sum of its nodes' counts)
  std::vector<std::uint32_t> header_offsets;  // item code c -> header_nodes[offsets[c], offsets[c + 1])
  std::vector<std::uint32_t> header_nodes;

  std::size_t nodes() const { return node.size(); }
  std::uint32_t items() const { return static_cast<std::uint32_t>(rank_of_item.size()); }
  std::span<const std::uint32_t> nodes_of(std::uint32_t code) const {
    return {header_nodes.data() + header_offsets[code], header_offsets[code + 1] - header_offsets[code]};
  }
  // One chain from the root through every item (then an itemset's count is its last item's).
  bool is_single_path() const;

  // Building blocks of the builders: a root alone over these items; a new node (std::length_error
  // past 2^32 - 1 nodes); the header and item counts once every node is in.
  void reset(std::span<const Rank> ranks);
  std::uint32_t add_node(std::uint32_t parent_node, std::uint32_t code, Count weight);
  void index_items();
};

// The tree of the transactions (weight-0 and empty ones contribute nothing), over the items whose
// weighted count reaches min_count.
void build_tree(const Transactions& t, Count min_count, FpTree& out);

// Builds conditional trees; keeps its scratch (sized by the largest tree it has projected from)
// between calls.
class Projector {
 public:
  // The conditional tree of item `code` of `tree`: the paths above its nodes, each weighted by the
  // node's count, over the items with code < `code` whose count in them reaches min_count.
  void project(const FpTree& tree, std::uint32_t code, Count min_count, FpTree& out);

 private:
  // The child of parent_node with this item in the tree under construction, made when missing.
  std::uint32_t child(FpTree& out, std::uint32_t parent_node, std::uint32_t code);
  std::uint32_t new_node(FpTree& out, std::uint32_t parent_node, std::uint32_t code, std::uint32_t sibling);

  // Per node of the source tree, one record (as FpTree::Node: one cache miss a visit).
  struct Visit {
    std::uint32_t mark;   // == stamp_: an ancestor of this projection's item nodes
    std::uint32_t image;  // its node in the conditional tree
    Count through;        // weight of the item's nodes below (or at) it
  };
  std::vector<Visit> visit_;
  std::uint32_t stamp_ = 0;
  std::vector<std::uint32_t> ancestors_;    // visited ancestors, one chain after another
  std::vector<std::uint64_t> chain_begin_;  // where each chain starts in ancestors_
  // Per item code of the source tree.
  std::vector<Count> support_;
  std::vector<std::uint32_t> new_code_;  // code in the conditional tree, or none
  std::vector<Rank> kept_;               // the conditional tree's items
  // Child lists of the conditional tree under construction (root's children by code).
  std::vector<std::uint32_t> root_child_, first_child_, next_sibling_;
};

}  // namespace crmpi::fpgrowth
