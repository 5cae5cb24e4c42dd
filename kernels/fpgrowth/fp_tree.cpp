#include "kernels/fpgrowth/fp_tree.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

namespace crmpi::fpgrowth {

namespace {
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kPrefetch = 8;  // header entries ahead
}  // namespace

bool FpTree::is_single_path() const {
  if (nodes() != std::size_t{items()} + 1) return false;
  std::uint32_t above = kRoot;
  for (std::uint32_t c = 0; c < items(); ++c) {
    const auto n = nodes_of(c);
    if (n.size() != 1 || n[0].parent != above) return false;
    above = n[0].node;
  }
  return true;
}

void FpTree::reset(std::span<const Rank> ranks) {
  node.assign(1, Node{kRoot, kNone});
  count.assign(1, 0);
  rank_of_item.assign(ranks.begin(), ranks.end());
  item_count.clear();
  header_offsets.clear();
  header.clear();
  preorder = false;
}

std::uint32_t FpTree::add_node(std::uint32_t parent_node, std::uint32_t code, Count weight) {
  if (node.size() >= kNone) throw std::length_error("fpgrowth: FP-tree beyond 2^32 - 1 nodes");
  node.push_back(Node{parent_node, code});
  count.push_back(weight);
  return static_cast<std::uint32_t>(node.size() - 1);
}

void FpTree::index_items() {
  const std::uint32_t n_items = items();
  header_offsets.assign(std::size_t{n_items} + 1, 0);
  item_count.assign(n_items, 0);
  for (std::size_t v = 1; v < nodes(); ++v) {
    ++header_offsets[node[v].item + 1];
    item_count[node[v].item] += count[v];
  }
  std::partial_sum(header_offsets.begin(), header_offsets.end(), header_offsets.begin());
  header.resize(nodes() - 1);
  std::vector<std::uint32_t> next(header_offsets.begin(), header_offsets.end() - 1);
  for (std::size_t v = 1; v < nodes(); ++v) {
    header[next[node[v].item]++] = HeaderEntry{static_cast<std::uint32_t>(v), node[v].parent, count[v]};
  }
}

namespace {

// The tree of the runs' transactions. sorted: every run is in lexicographic order; else there is
// one run, in any order. Returns the distinct transactions inserted (after the coding).
std::size_t build(std::span<const TransactionRun> runs, bool sorted, Count min_count, FpTree& out) {
  // Each transaction of the runs with its weight.
  const auto for_each = [&](auto&& f) {
    for (const TransactionRun& run : runs) {
      for (std::size_t i = run.begin; i < run.end; ++i) f((*run.t)[i], run.t->weights[i]);
    }
  };
  Rank max_rank = 0;
  bool any = false;
  for (const TransactionRun& run : runs) {
    for (std::uint64_t i = run.t->offsets[run.begin]; i < run.t->offsets[run.end]; ++i) {
      max_rank = std::max(max_rank, run.t->items[i]);
      any = true;
    }
  }
  std::vector<Count> support(any ? std::size_t{max_rank} + 1 : 0, 0);
  for_each([&](std::span<const Rank> tr, Count w) {
    for (const Rank r : tr) support[r] += w;
  });
  std::vector<Rank> kept;
  std::vector<std::uint32_t> code_of_rank(support.size(), kNone);
  bool drops = false;  // an item of some transaction of weight > 0 is not kept
  for (Rank r = 0; r < support.size(); ++r) {
    if (support[r] >= min_count && support[r] > 0) {
      code_of_rank[r] = static_cast<std::uint32_t>(kept.size());
      kept.push_back(r);
    } else if (support[r] > 0) {
      drops = true;
    }
  }
  out.reset(kept);

  // A transaction over the kept items, as codes (empty for a weight of 0).
  const auto code = [&](std::span<const Rank> tr, Count w, std::vector<std::uint32_t>& into) {
    into.clear();
    if (w == 0) return;
    for (const Rank r : tr) {
      if (code_of_rank[r] != kNone) into.push_back(code_of_rank[r]);
    }
  };
  // Sorted lexicographically (codes below kept.size()), each transaction shares its prefix with
  // the one before, and the tree is made in preorder along the previous one's path. Where the runs
  // come sorted (DistinctTransactions::finish(), merge_runs, what PFP's shuffle delivers), a
  // transaction that keeps all its items keeps its place among the others that do (its codes are
  // its ranks relabelled in order): those are coded on the way, from the runs merged as they are
  // read (RunMerger: no merged copy of what arrived). Only the ones that lose an item here (PFP's
  // group trees: the items of other groups that are rare among the group's transactions), or all
  // of them where the one run is not sorted, are coded into a table of their own, sorted, and
  // merged in. A coded copy of them all, sorted, was as large as the input again in fresh memory
  // and a sort of millions where one in fifty was out of place (2 ranks of 9.8M generated orders
  // at support 0.0001: 3.1M transactions a rank, 58k descents once coded).
  std::vector<std::uint32_t> codes;
  Transactions side;
  // Where the runs are sorted, a transaction is looked at for a dropped item before it is coded:
  // most keep all theirs (2 ranks of 9.8M generated orders: this pass and the side's sort took
  // 0.012-0.017 -> 0.009-0.015 s a rank at support 0.001, 0.030-0.035 -> 0.023-0.030 at 0.0001).
  const auto loses_an_item = [&](std::span<const Rank> tr) {
    return std::ranges::any_of(tr, [&](Rank r) { return code_of_rank[r] == kNone; });
  };
  for_each([&](std::span<const Rank> tr, Count w) {
    if (sorted && (w == 0 || !drops || !loses_an_item(tr))) return;
    code(tr, w, codes);
    if (codes.empty()) return;
    side.items.insert(side.items.end(), codes.begin(), codes.end());
    side.offsets.push_back(side.items.size());
    side.weights.push_back(w);
  });
  const std::vector<std::size_t> order = side.size() > 0 ? lexicographic_order(side, kept.size()) : std::vector<std::size_t>{};
  // The sorted runs in order: one run as it lies, several merged (identical ones once).
  std::optional<RunMerger> merger;
  if (sorted && runs.size() > 1) merger.emplace(runs);
  std::size_t next = sorted && runs.size() == 1 ? runs[0].begin : 0;  // of the one run, the next to read
  const auto next_sorted = [&](std::span<const Rank>& tr, Count& w) {
    if (merger) return merger->next(tr, w);
    if (!sorted || runs.size() != 1 || next == runs[0].end) return false;
    tr = (*runs[0].t)[next];
    w = runs[0].t->weights[next++];
    return true;
  };
  Count weight = 0;  // of the transaction coded on the way
  const auto advance = [&] {  // codes <- the next transaction taken from the runs in place, if any
    std::span<const Rank> tr;
    Count w = 0;
    while (next_sorted(tr, w)) {
      code(tr, w, codes);
      if (!codes.empty() && codes.size() == tr.size()) {
        weight = w;
        return true;
      }
    }
    codes.clear();
    return false;
  };
  std::vector<std::uint32_t> path, previous;  // the previous transaction's nodes and codes
  std::size_t distinct = 0;
  const auto insert = [&](std::span<const std::uint32_t> c, Count w) {
    const std::size_t shared =
        static_cast<std::size_t>(std::mismatch(c.begin(), c.end(), previous.begin(), previous.end()).first - c.begin());
    distinct += shared < c.size() || shared < previous.size();
    path.resize(shared);
    for (const std::uint32_t v : path) out.count[v] += w;
    for (std::size_t j = shared; j < c.size(); ++j) path.push_back(out.add_node(j == 0 ? FpTree::kRoot : path[j - 1], c[j], w));
    previous.assign(c.begin(), c.end());
  };
  bool in_place = advance();
  for (std::size_t s = 0; in_place || s < order.size();) {
    if (s < order.size()) {
      const auto c = side[order[s]];
      if (!in_place || std::lexicographical_compare(c.begin(), c.end(), codes.begin(), codes.end())) {
        insert(c, side.weights[order[s++]]);
        continue;
      }
    }
    insert(codes, weight);
    in_place = advance();
  }
  out.index_items();
  out.preorder = true;  // a sorted list grows the tree depth first
  return distinct;
}

}  // namespace

std::size_t build_tree(const Transactions& t, Count min_count, FpTree& out) {
  const TransactionRun whole{&t, 0, t.size()};
  return build(std::span(&whole, 1), lexicographically_sorted(whole), min_count, out);
}

std::size_t build_tree(std::span<const TransactionRun> runs, Count min_count, FpTree& out) {
  for (const TransactionRun& run : runs) {
    if (run.begin > run.end || run.end > run.t->size()) throw std::out_of_range("build_tree: a run beyond its table");
  }
  if (runs.size() == 1 && !lexicographically_sorted(runs[0])) throw std::invalid_argument("build_tree: a run out of lexicographic order");
  return build(runs, true, min_count, out);
}

// Preorder: the item's nodes are walked from in node order, and an ancestor u of node v that was
// visited from an earlier item node w is also an ancestor of the item node walked from just before
// v (u's subtree is a range holding w and v, so every node between). That node's root path holds
// one node per item code, all recorded in node_at_code_ (codes rise along a path, so the part
// walked last and the part above it never share a code): u was visited iff it is recorded there.
// A stale entry of an older path cannot match a node not visited, and entries are cleared for
// each projection.
std::uint32_t Projector::visited(std::uint32_t node, std::uint32_t item, bool preorder) const {
  if (preorder) return node_at_code_[item] == node ? pos_at_code_[item] : kNone;
  return mark_[node].mark == stamp_ ? mark_[node].pos : kNone;
}

void Projector::project(const FpTree& tree, std::uint32_t code, Count min_count, FpTree& out) {
  const bool preorder = tree.preorder;
  if (preorder) {
    node_at_code_.assign(code, kNone);
    pos_at_code_.resize(code);
  } else {
    if (mark_.size() < tree.nodes()) mark_.resize(tree.nodes(), Mark{0, 0});
    if (++stamp_ == 0) {  // wrapped: forget every old mark
      for (Mark& m : mark_) m.mark = 0;
      stamp_ = 1;
    }
  }
  const FpTree::Node* const node = tree.node.data();

  // Visit each ancestor of the item's nodes once, in chains that walk up from a node until they
  // meet an ancestor already visited (or the root); the node's count goes to its parent.
  entries_.clear();
  chain_begin_.clear();
  const auto item_nodes = tree.nodes_of(code);
  for (std::size_t k = 0; k < item_nodes.size(); ++k) {
    const FpTree::HeaderEntry& h = item_nodes[k];
    // The walks are chains of cache misses; the start of a later one is known already.
    if (k + kPrefetch < item_nodes.size()) __builtin_prefetch(&node[item_nodes[k + kPrefetch].parent]);
    if (h.parent == FpTree::kRoot) continue;
    const auto begin = static_cast<std::uint32_t>(entries_.size());
    std::uint32_t stop = kNone;  // the visited ancestor met, kNone for the root
    for (std::uint32_t u = h.parent; u != FpTree::kRoot; u = node[u].parent) {
      const std::uint32_t item = node[u].item;
      stop = visited(u, item, preorder);
      if (stop != kNone) break;
      const auto pos = static_cast<std::uint32_t>(entries_.size());
      if (pos == kNone) throw std::length_error("fpgrowth: conditional pattern base beyond 2^32 - 1 nodes");
      if (preorder) {
        node_at_code_[item] = u;
        pos_at_code_[item] = pos;
      } else {
        mark_[u] = Mark{stamp_, pos};
      }
      entries_.push_back(Entry{item, pos + 1, 0});  // its parent is next in the chain...
    }
    std::uint32_t above = stop;
    if (entries_.size() > begin) {
      entries_.back().up = stop;  // ... but the chain's top's is the ancestor met
      chain_begin_.push_back(begin);
      above = begin;
    }
    entries_[above].through += h.count;
  }
  // Sum the weights bottom-up. An entry's children are earlier in its own chain or the tops of
  // later chains, so later chains first, each from its bottom.
  Entry* const e = entries_.data();
  const auto chain_end = [&](std::size_t k) {
    return k + 1 < chain_begin_.size() ? chain_begin_[k + 1] : static_cast<std::uint32_t>(entries_.size());
  };
  for (std::size_t k = chain_begin_.size(); k-- > 0;) {
    for (std::uint32_t i = chain_begin_[k]; i < chain_end(k); ++i) {
      if (e[i].up != kNone) e[e[i].up].through += e[i].through;
    }
  }

  // The items frequent in the conditional pattern base.
  support_.assign(code, 0);
  for (const Entry& x : entries_) support_[x.item] += x.through;
  new_code_.assign(code, kNone);
  kept_.clear();
  for (std::uint32_t c = 0; c < code; ++c) {
    if (support_[c] >= min_count && support_[c] > 0) {
      new_code_[c] = static_cast<std::uint32_t>(kept_.size());
      kept_.push_back(tree.rank_of_item[c]);
    }
  }
  out.reset(kept_);
  root_child_.assign(kept_.size(), kNone);
  first_child_.assign(1, kNone);
  next_sibling_.assign(1, kNone);

  // Map each entry top-down to its node: its parent's image, extended by its own item when that
  // is frequent. The conditional tree's node counts are the weights passing through.
  if (!kept_.empty()) {
    image_.resize(entries_.size());
    for (std::size_t k = 0; k < chain_begin_.size(); ++k) {
      for (std::uint32_t i = chain_end(k); i-- > chain_begin_[k];) {
        const std::uint32_t up = e[i].up == kNone ? FpTree::kRoot : image_[e[i].up];
        const std::uint32_t c = new_code_[e[i].item];
        if (c == kNone) {
          image_[i] = up;
        } else {
          const std::uint32_t x = child(out, up, c);
          image_[i] = x;
          out.count[x] += e[i].through;
        }
      }
    }
  }
  out.index_items();
}

std::uint32_t Projector::child(FpTree& out, std::uint32_t parent_node, std::uint32_t code) {
  if (parent_node == FpTree::kRoot) {
    if (root_child_[code] == kNone) root_child_[code] = new_node(out, parent_node, code, kNone);
    return root_child_[code];
  }
  for (std::uint32_t x = first_child_[parent_node]; x != kNone; x = next_sibling_[x]) {
    if (out.node[x].item == code) return x;
  }
  const std::uint32_t x = new_node(out, parent_node, code, first_child_[parent_node]);
  first_child_[parent_node] = x;
  return x;
}

std::uint32_t Projector::new_node(FpTree& out, std::uint32_t parent_node, std::uint32_t code,
                                  std::uint32_t sibling) {
  const std::uint32_t x = out.add_node(parent_node, code, 0);
  first_child_.push_back(kNone);
  next_sibling_.push_back(sibling);
  return x;
}

}  // namespace crmpi::fpgrowth
