#include "kernels/fpgrowth/fp_tree.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace crmpi::fpgrowth {

namespace {
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
}  // namespace

bool FpTree::is_single_path() const {
  if (nodes() != std::size_t{items()} + 1) return false;
  std::uint32_t above = kRoot;
  for (std::uint32_t c = 0; c < items(); ++c) {
    const auto n = nodes_of(c);
    if (n.size() != 1 || node[n[0]].parent != above) return false;
    above = n[0];
  }
  return true;
}

void FpTree::reset(std::span<const Rank> ranks) {
  node.assign(1, Node{kRoot, kNone, 0});
  rank_of_item.assign(ranks.begin(), ranks.end());
  item_count.clear();
  header_offsets.clear();
  header_nodes.clear();
}

std::uint32_t FpTree::add_node(std::uint32_t parent_node, std::uint32_t code, Count weight) {
  if (node.size() >= kNone) throw std::length_error("fpgrowth: FP-tree beyond 2^32 - 1 nodes");
  node.push_back(Node{parent_node, code, weight});
  return static_cast<std::uint32_t>(node.size() - 1);
}

void FpTree::index_items() {
  const std::uint32_t n_items = items();
  header_offsets.assign(std::size_t{n_items} + 1, 0);
  item_count.assign(n_items, 0);
  for (std::size_t v = 1; v < nodes(); ++v) {
    ++header_offsets[node[v].item + 1];
    item_count[node[v].item] += node[v].count;
  }
  std::partial_sum(header_offsets.begin(), header_offsets.end(), header_offsets.begin());
  header_nodes.resize(nodes() - 1);
  std::vector<std::uint32_t> next(header_offsets.begin(), header_offsets.end() - 1);
  for (std::size_t v = 1; v < nodes(); ++v) header_nodes[next[node[v].item]++] = static_cast<std::uint32_t>(v);
}

void build_tree(const Transactions& t, Count min_count, FpTree& out) {
  Rank max_rank = 0;
  for (const Rank r : t.items) max_rank = std::max(max_rank, r);
  std::vector<Count> support(t.items.empty() ? 0 : std::size_t{max_rank} + 1, 0);
  for (std::size_t i = 0; i < t.size(); ++i) {
    for (const Rank r : t[i]) support[r] += t.weights[i];
  }
  std::vector<Rank> kept;
  std::vector<std::uint32_t> code_of_rank(support.size(), kNone);
  for (Rank r = 0; r < support.size(); ++r) {
    if (support[r] >= min_count && support[r] > 0) {
      code_of_rank[r] = static_cast<std::uint32_t>(kept.size());
      kept.push_back(r);
    }
  }
  out.reset(kept);

  // The transactions over the kept items, as codes.
  Transactions coded;
  coded.items.reserve(t.items.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.weights[i] == 0) continue;
    for (const Rank r : t[i]) {
      if (code_of_rank[r] != kNone) coded.items.push_back(code_of_rank[r]);
    }
    if (coded.items.size() == coded.offsets.back()) continue;
    coded.offsets.push_back(coded.items.size());
    coded.weights.push_back(t.weights[i]);
  }
  std::vector<std::uint64_t> order(coded.size());
  std::iota(order.begin(), order.end(), std::uint64_t{0});
  std::sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
    const auto x = coded[a], y = coded[b];
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });

  std::vector<std::uint32_t> path;  // the previous transaction's nodes
  std::span<const Rank> previous;
  for (const std::uint64_t i : order) {
    const auto codes = coded[i];
    const Count w = coded.weights[i];
    const std::size_t shared = static_cast<std::size_t>(
        std::mismatch(codes.begin(), codes.end(), previous.begin(), previous.end()).first - codes.begin());
    path.resize(shared);
    for (const std::uint32_t v : path) out.node[v].count += w;
    for (std::size_t j = shared; j < codes.size(); ++j) {
      path.push_back(out.add_node(j == 0 ? FpTree::kRoot : path[j - 1], codes[j], w));
    }
    previous = codes;
  }
  out.index_items();
}

void Projector::project(const FpTree& tree, std::uint32_t code, Count min_count, FpTree& out) {
  const std::size_t n = tree.nodes();
  if (visit_.size() < n) visit_.resize(n, Visit{0, 0, 0});
  if (++stamp_ == 0) {  // wrapped: forget every old mark
    for (Visit& x : visit_) x.mark = 0;
    stamp_ = 1;
  }
  const FpTree::Node* const node = tree.node.data();
  Visit* const visit = visit_.data();

  // Visit each ancestor of the item's nodes once, in chains that walk up from a node until they
  // meet an ancestor already visited; the node's count goes to its parent.
  ancestors_.clear();
  chain_begin_.clear();
  for (const std::uint32_t v : tree.nodes_of(code)) {
    const std::uint32_t above = node[v].parent;
    if (above == FpTree::kRoot) continue;
    chain_begin_.push_back(ancestors_.size());
    for (std::uint32_t u = above; u != FpTree::kRoot && visit[u].mark != stamp_; u = node[u].parent) {
      visit[u].mark = stamp_;
      visit[u].through = 0;
      ancestors_.push_back(u);
    }
    visit[above].through += node[v].count;
  }
  // Sum the weights bottom-up. A node's children are earlier in its own chain or in later chains
  // (which stopped at it), so later chains first, each from its bottom.
  const auto chain_end = [&](std::size_t k) {
    return k + 1 < chain_begin_.size() ? chain_begin_[k + 1] : ancestors_.size();
  };
  for (std::size_t k = chain_begin_.size(); k-- > 0;) {
    for (std::uint64_t i = chain_begin_[k]; i < chain_end(k); ++i) {
      const std::uint32_t u = ancestors_[i];
      if (node[u].parent != FpTree::kRoot) visit[node[u].parent].through += visit[u].through;
    }
  }

  // The items frequent in the conditional pattern base.
  support_.assign(code, 0);
  for (const std::uint32_t u : ancestors_) support_[node[u].item] += visit[u].through;
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

  // Map each ancestor top-down to its node: its parent's image, extended by its own item when
  // that is frequent. The conditional tree's node counts are the weights passing through.
  if (!kept_.empty()) {
    for (std::size_t k = 0; k < chain_begin_.size(); ++k) {
      for (std::uint64_t i = chain_end(k); i-- > chain_begin_[k];) {
        const std::uint32_t u = ancestors_[i];
        const std::uint32_t p = node[u].parent;
        const std::uint32_t up = p == FpTree::kRoot ? FpTree::kRoot : visit[p].image;
        const std::uint32_t c = new_code_[node[u].item];
        if (c == kNone) {
          visit[u].image = up;
        } else {
          const std::uint32_t x = child(out, up, c);
          visit[u].image = x;
          out.node[x].count += visit[u].through;
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
