#include "kernels/fpgrowth/mine.hpp"

#include <deque>
#include <stdexcept>
#include <vector>

#include "kernels/fpgrowth/fp_tree.hpp"

namespace crmpi::fpgrowth {

namespace {

class Miner {
 public:
  Miner(const MineParams& params, MineResult& result) : params_(params), result_(result) {}

  // Mines `tree`, the conditional tree of the current suffix; at the top, only the item codes
  // with wanted[code] != 0 (all when wanted is empty). False once the cap has stopped the run.
  bool mine_tree(const FpTree& tree, std::span<const std::uint8_t> wanted) {
    if (tree.is_single_path()) return mine_path(tree, wanted);
    for (std::uint32_t c = 0; c < tree.items(); ++c) {
      if (!wanted.empty() && wanted[c] == 0) continue;
      suffix_.push_back(tree.rank_of_item[c]);
      if (!emit(tree.item_count[c])) return false;
      if (c > 0 && room() && !mine_conditional(tree, c)) return false;
      suffix_.pop_back();
    }
    return true;
  }

  // The top level over transactions cut by the pair filter: every rank r < item_counts.size()
  // with wanted(r) whose count reaches min_count as a single item with that count, in rank order
  // (every F-list item), then, where r is in the tree, its extensions as mine_tree and mine_path
  // make them (their counts are exact over the cut transactions: pair_filter.hpp).
  template <class Wanted>
  bool mine_top(const FpTree& tree, std::span<const Count> item_counts, Wanted wanted) {
    const bool path = tree.is_single_path();
    std::uint32_t c = 0;  // the tree's code of the first rank >= r
    for (Rank r = 0; r < item_counts.size(); ++r) {
      const bool in_tree = c < tree.items() && tree.rank_of_item[c] == r;
      if (item_counts[r] >= params_.min_count && wanted(r)) {
        suffix_.push_back(r);
        if (!emit(item_counts[r])) return false;
        if (in_tree && c > 0 && room() &&
            !(path ? subsets_above(tree, c, tree.item_count[c]) : mine_conditional(tree, c)))
          return false;
        suffix_.pop_back();
      }
      c += in_tree;
    }
    return true;
  }

 private:
  // The extensions of the suffix (whose least frequent item is tree's item c): c's conditional
  // tree, built at the suffix's level and mined.
  bool mine_conditional(const FpTree& tree, std::uint32_t c) {
    Level& next = level(suffix_.size());
    next.projector.project(tree, c, params_.min_count, next.tree);
    return next.tree.items() == 0 || mine_tree(next.tree, {});
  }

  struct Level {
    FpTree tree;          // the conditional tree of a suffix of this length
    Projector projector;  // builds it from the tree one level up
  };

  // A single path: item c's count is its node's, and so is the count of c with any subset of the
  // items above it.
  bool mine_path(const FpTree& path, std::span<const std::uint8_t> wanted) {
    for (std::uint32_t c = 0; c < path.items(); ++c) {
      if (!wanted.empty() && wanted[c] == 0) continue;
      suffix_.push_back(path.rank_of_item[c]);
      if (!emit(path.item_count[c]) || (room() && !subsets_above(path, c, path.item_count[c]))) return false;
      suffix_.pop_back();
    }
    return true;
  }

  // Every non-empty subset of the path's items with code < end, in canonical order, with the suffix.
  bool subsets_above(const FpTree& path, std::uint32_t end, Count count) {
    for (std::uint32_t c = 0; c < end; ++c) {
      suffix_.push_back(path.rank_of_item[c]);
      if (!emit(count) || (room() && !subsets_above(path, c, count))) return false;
      suffix_.pop_back();
    }
    return true;
  }

  bool room() const { return params_.max_length == 0 || suffix_.size() < params_.max_length; }

  // The suffix (ranks descending) as an itemset (ascending).
  bool emit(Count count) {
    Itemsets& out = result_.itemsets;
    if (params_.max_itemsets != 0 && out.size() == params_.max_itemsets) {
      result_.truncated = true;
      return false;
    }
    out.items.insert(out.items.end(), suffix_.rbegin(), suffix_.rend());
    out.offsets.push_back(out.items.size());
    out.counts.push_back(count);
    return true;
  }

  Level& level(std::size_t depth) {
    while (levels_.size() <= depth) levels_.emplace_back();
    return levels_[depth];
  }

  const MineParams& params_;
  MineResult& result_;
  std::vector<Rank> suffix_;  // the current itemset, least frequent item first
  std::deque<Level> levels_;  // a deque: references stay valid as it grows
};

// Mines the tree that `build` makes (build(min_count, tree) -> its distinct transactions).
template <class Build>
MineResult run(Build&& build, const MineParams& params, std::span<const std::uint32_t> group_of_rank,
               std::uint32_t group, bool grouped) {
  if (params.min_count < 1) throw std::invalid_argument("fpgrowth: min_count must be at least 1");
  FpTree tree;
  const std::size_t tree_transactions = build(params.min_count, tree);
  const auto in_group = [&](Rank r) {
    if (r >= group_of_rank.size()) throw std::out_of_range("fpgrowth: rank beyond the grouping");
    return group_of_rank[r] == group;
  };
  MineResult result;
  result.tree_transactions = tree_transactions;
  if (!params.item_counts.empty()) {
    if (!tree.rank_of_item.empty() && tree.rank_of_item.back() >= params.item_counts.size())
      throw std::out_of_range("fpgrowth: a transaction's rank beyond item_counts");
    Miner(params, result).mine_top(tree, params.item_counts, [&](Rank r) { return !grouped || in_group(r); });
    return result;
  }
  std::vector<std::uint8_t> wanted;
  if (grouped) {
    wanted.resize(tree.items());
    for (std::uint32_t c = 0; c < tree.items(); ++c) wanted[c] = in_group(tree.rank_of_item[c]) ? 1 : 0;
  }
  Miner(params, result).mine_tree(tree, wanted);
  return result;
}

}  // namespace

MineResult mine(const Transactions& t, const MineParams& params) {
  return run([&](Count min_count, FpTree& tree) { return build_tree(t, min_count, tree); }, params, {}, 0, false);
}

MineResult mine_group(const Transactions& t, const MineParams& params,
                      std::span<const std::uint32_t> group_of_rank, std::uint32_t group) {
  return run([&](Count min_count, FpTree& tree) { return build_tree(t, min_count, tree); }, params, group_of_rank,
             group, true);
}

MineResult mine_group(std::span<const TransactionRun> runs, const MineParams& params,
                      std::span<const std::uint32_t> group_of_rank, std::uint32_t group) {
  return run([&](Count min_count, FpTree& tree) { return build_tree(runs, min_count, tree); }, params, group_of_rank,
             group, true);
}

}  // namespace crmpi::fpgrowth
