// The FP-tree (Han, Pei & Yin 2000) in flat arrays: node i has a parent (< i), an item and a count;
// the nodes of each item are listed in a header (CSR, in node order). Items are local codes
// 0 .. items() - 1, ascending in global rank (rank_of_item), so a path from the root meets items in
// ascending code order, the most frequent first.
//
// Two builders:
//   - build_tree, from weighted transactions (one table, or sorted runs of tables merged as they
//     are read): items below min_count are dropped, the transactions sorted lexicographically and
//     inserted along the previous one's path (a sorted list shares exactly its common prefix with
//     its predecessor), so no child lookup is needed at all;
//   - Projector, the conditional tree of one item of a tree: its conditional pattern base (the
//     paths above the item's nodes, weighted by their counts) restricted to the items frequent in
//     it, built straight from the parent tree. Each ancestor of the item's nodes is visited once
//     (not once per path through it) and copied to a compact list: the weights that pass through
//     it are summed bottom-up there, then it is mapped top-down to its node in the new tree.
//
// build_tree numbers the nodes in preorder (a subtree is a contiguous range after its root); the
// Projector relies on it to tell an ancestor already visited without a per-node mark (see
// project), which saves a cache miss a step on the large trees. Its own trees are not in preorder
// (merged paths grow children late) and use the marks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

struct FpTree {
  static constexpr std::uint32_t kRoot = 0;

  // The links a projection walks from a node to the root, one 8-byte record a node: the walk
  // jumps all over a tree of up to millions of nodes, and a step then costs one cache miss (and
  // neighbours share lines), not one an array.
  struct Node {
    std::uint32_t parent;  // < the node; the root's is itself
    std::uint32_t item;    // item code (the root's is unused)
  };
  std::vector<Node> node;
  std::vector<Count> count;                   // node -> weight of the transactions through it
  bool preorder = false;                      // nodes numbered in preorder (build_tree's trees)
  std::vector<Rank> rank_of_item;             // item code -> global rank, ascending
  std::vector<Count> item_count;              // item code -> support in the tree (sum of its nodes' counts)
  // The header: each item's nodes in node order, with what a projection needs of them (their
  // parent and count) copied alongside, so that it reads them in sequence.
  struct HeaderEntry {
    std::uint32_t node;
    std::uint32_t parent;
    Count count;
  };
  std::vector<std::uint32_t> header_offsets;  // item code c -> header[offsets[c], offsets[c + 1])
  std::vector<HeaderEntry> header;

  std::size_t nodes() const { return node.size(); }
  std::uint32_t items() const { return static_cast<std::uint32_t>(rank_of_item.size()); }
  std::span<const HeaderEntry> nodes_of(std::uint32_t code) const {
    return {header.data() + header_offsets[code], header_offsets[code + 1] - header_offsets[code]};
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
// weighted count reaches min_count. Returns the distinct transactions it was built from (as the
// tree sees them: over its items).
std::size_t build_tree(const Transactions& t, Count min_count, FpTree& out);
// The same for the transactions of runs, each in lexicographic order (std::invalid_argument
// otherwise), read in place: PFP's group trees from the sorted runs the shuffle delivers, without
// a merged copy of them.
std::size_t build_tree(std::span<const TransactionRun> runs, Count min_count, FpTree& out);

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

  // The position of a node of the source tree in entries_, if this projection has visited it.
  std::uint32_t visited(std::uint32_t node, std::uint32_t item, bool preorder) const;

  // The ancestors visited, one chain after another, each chain bottom-up: a compact copy of the
  // conditional pattern base's tree, so that the passes after the walk stay in cache.
  struct Entry {
    std::uint32_t item;  // code in the source tree
    std::uint32_t up;    // position of its parent, or kNone for the root
    Count through;       // weight of the item's nodes below (or at) it
  };
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> image_;        // entry -> its node in the conditional tree
  std::vector<std::uint32_t> chain_begin_;  // where each chain starts in entries_
  // Preorder trees: per item code, the last visited node with that code and its position; the
  // nodes on the root path of the last item node walked from are always there.
  std::vector<std::uint32_t> node_at_code_, pos_at_code_;
  // Other trees, per node: visited when mark == stamp_, then at position pos.
  struct Mark {
    std::uint32_t mark;
    std::uint32_t pos;
  };
  std::vector<Mark> mark_;
  std::uint32_t stamp_ = 0;
  // Per item code of the source tree.
  std::vector<Count> support_;
  std::vector<std::uint32_t> new_code_;  // code in the conditional tree, or none
  std::vector<Rank> kept_;               // the conditional tree's items
  // Child lists of the conditional tree under construction (root's children by code).
  std::vector<std::uint32_t> root_child_, first_child_, next_sibling_;
};

}  // namespace crmpi::fpgrowth
