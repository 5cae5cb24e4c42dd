#include "kernels/fpgrowth/recommend.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace crmpi::fpgrowth {

namespace {

bool strictly_ascending(std::span<const Rank> s) {
  return std::adjacent_find(s.begin(), s.end(), std::greater_equal<>()) == s.end();
}

// A consequent's bit in the nodes' masks: its rank for the 63 most popular items, one shared bit
// for the rest. The popular items are the ones dense data's customers have mostly bought, whose
// rules the walk can then skip a subtree at a time; a shared bit only ever skips less.
constexpr Rank kSharedBit = 63;
std::uint64_t bit_of(Rank item) { return std::uint64_t{1} << std::min(item, kSharedBit); }

}  // namespace

Recommender::Recommender(const RuleSet& rules, const RecommendParams& params) : params_(params) {
  if (rules.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("fpgrowth: too many rules to recommend from (at most 2^32 - 1)");
  }
  std::vector<std::uint32_t> order;  // the single-consequent rules
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules.rules[i].consequent_len != 1) continue;
    if (!strictly_ascending(rules.antecedent(i))) {
      throw std::invalid_argument("fpgrowth: a rule's antecedent is not ascending");
    }
    const RuleMetrics& m = rules.rules[i].metrics;
    if (!std::isfinite(m.confidence * m.lift)) {
      throw std::invalid_argument("fpgrowth: a rule's confidence x lift is not finite");
    }
    order.push_back(static_cast<std::uint32_t>(i));
  }
  // The canonical order puts equal antecedents together; stable, so rule order within one.
  // make_rules' output is already in it.
  const auto antecedent_less = [&](std::uint32_t a, std::uint32_t b) {
    return colex_less(rules.antecedent(a), rules.antecedent(b));
  };
  if (!std::is_sorted(order.begin(), order.end(), antecedent_less)) {
    std::stable_sort(order.begin(), order.end(), antecedent_less);
  }

  // Distinct antecedents (equal ones are adjacent in the canonical order), each with the number of
  // its rules (adjacent in `order`).
  struct Group {
    std::span<const Rank> antecedent;
    std::uint64_t key;  // its first two items: sorts most pairs without reading the rest
    std::size_t index;  // its rank among the groups in `order`
    std::uint32_t rules;
  };
  std::vector<Group> groups;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto a = rules.antecedent(order[k]);
    if (k == 0 || !std::ranges::equal(a, groups.back().antecedent)) {
      // Lexicographic on (a[0] + 1, a[1] + 1) with 0 for a missing item: a prefix sorts first.
      const std::uint64_t key = (a.empty() ? 0 : std::uint64_t{a[0]} + 1) << 32 | (a.size() < 2 ? 0 : std::uint64_t{a[1]} + 1);
      groups.push_back({a, key, groups.size(), 0});
    }
    ++groups.back().rules;
    item_bound_ = std::max<std::size_t>(item_bound_, std::size_t{rules.consequent(order[k])[0]} + 1);
  }
  // In lexicographic order, the antecedents sharing a prefix of length d form one run, the prefix
  // itself (if an antecedent) first, then one sub-run per next item, ascending: the trie's layout.
  std::sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) {
    if (x.key != y.key) return x.key < y.key;
    return std::lexicographical_compare(x.antecedent.begin() + std::min<std::size_t>(2, x.antecedent.size()),
                                        x.antecedent.end(),
                                        y.antecedent.begin() + std::min<std::size_t>(2, y.antecedent.size()),
                                        y.antecedent.end());
  });

  // The nodes, breadth first: node n stands for groups[pending[n].lo, pending[n].hi), the
  // antecedents with n's prefix (of length pending[n].depth); its children are made together, so
  // they are adjacent. group_of[n]: the group that is n's prefix itself, if any.
  constexpr std::size_t kNone = ~std::size_t{0};
  struct Pending {
    std::size_t lo, hi;
    std::uint32_t depth;
  };
  std::vector<Pending> pending{{0, groups.size(), 0}};
  std::vector<std::size_t> group_of;
  nodes_.emplace_back();
  item_.push_back(0);  // the root's, never read
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    auto [lo, hi, depth] = pending[n];
    group_of.push_back(lo < hi && groups[lo].antecedent.size() == depth ? lo++ : kNone);
    nodes_[n].first_child = nodes_.size();
    while (lo < hi) {
      const Rank item = groups[lo].antecedent[depth];
      std::size_t end = lo + 1;
      while (end < hi && groups[end].antecedent[depth] == item) ++end;
      nodes_.emplace_back();
      item_.push_back(item);
      pending.push_back({lo, end, depth + 1});
      ++nodes_[n].children;
      lo = end;
    }
  }
  pending = {};

  // The consequents in the order the walk meets the nodes, depth first with children ascending,
  // so that one customer's walk reads them forward (on dense data it reads most of them). Each
  // group's place first; then the rules, read in their order (forward, not in the trie's).
  std::vector<std::uint64_t> place(groups.size());  // by Group::index
  std::uint64_t placed = 0;
  std::vector<std::uint64_t> stack{0};
  while (!stack.empty()) {
    const std::uint64_t n = stack.back();
    stack.pop_back();
    nodes_[n].consequents_begin = placed;
    if (group_of[n] != kNone) {
      const Group& g = groups[group_of[n]];
      nodes_[n].consequents_len = g.rules;
      place[g.index] = placed;
      placed += g.rules;
    }
    for (std::uint64_t c = nodes_[n].first_child + nodes_[n].children; c-- > nodes_[n].first_child;) stack.push_back(c);
  }
  consequent_item_.resize(order.size());
  consequent_rule_.resize(order.size());
  for (std::size_t k = 0, g = 0; k < order.size(); ++k) {
    if (k > 0 && !std::ranges::equal(rules.antecedent(order[k]), rules.antecedent(order[k - 1]))) ++g;
    const std::uint32_t i = order[k];
    const RuleMetrics& m = rules.rules[i].metrics;
    consequent_item_[place[g]] = rules.consequent(i)[0];
    consequent_rule_[place[g]++] = {m.confidence, m.lift, i};
  }

  // The masks, children before parents (breadth first: a child comes after its parent).
  for (std::size_t n = nodes_.size(); n-- > 0;) {
    Node& node = nodes_[n];
    for (std::uint64_t k = node.consequents_begin; k < node.consequents_begin + node.consequents_len; ++k) {
      node.own_mask |= bit_of(consequent_item_[k]);
      node.own_best = std::max(node.own_best, consequent_rule_[k].confidence * consequent_rule_[k].lift);
    }
    node.subtree_mask = node.own_mask;
    node.subtree_best = node.own_best;
    for (std::uint64_t c = node.first_child; c < node.first_child + node.children; ++c) {
      node.subtree_mask |= nodes_[c].subtree_mask;
      node.subtree_best = std::max(node.subtree_best, nodes_[c].subtree_best);
    }
  }
}

namespace {

// Per thread, for each consequent rank: 1 + its candidate's position in `out`, 0 for none; and
// whether the customer bought it. All zero between calls. They make keeping each item's best rule
// and testing `bought` O(1) per applicable rule (sorting every applicable rule cost more than
// finding them on dense data), and recommend() safe to call from several threads at once.
thread_local std::vector<std::uint32_t> candidate_of_item;
thread_local std::vector<std::uint8_t> is_bought;

// The walk's stack: per node on the path, its children not yet tried, [child, end), and the first
// position of `recent` they may match.
struct Frame {
  const Rank* child;
  const Rank* end;
  std::size_t j;
};
thread_local std::vector<Frame> walk;

}  // namespace

// A lower bound of the top_n-th best score among the candidates so far (-infinity until there are
// top_n of them): scores of top_n distinct candidates, each at most the candidate's best so far
// (the best only grows). A rule scoring strictly below it cannot change the result: its item's
// final score would be below top_n others', or the item already scores more. So subtrees and
// nodes whose best score is below it are skipped (equal scores are not: a tie may change the
// item order or, through the rule index, the rule).
struct TopScores {
  static constexpr std::uint32_t kMaxTracked = 64;  // beyond, no bound (the upkeep is O(top_n))
  std::uint32_t n = 0;
  std::vector<Rank> item;
  std::vector<double> score;
  double bound = -std::numeric_limits<double>::infinity();
  std::size_t min_at = 0;

  // `candidate`'s best score is now s (higher than before, or new).
  void raise(Rank candidate, double s, std::vector<std::uint8_t>& tracked) {
    if (n == 0) return;
    if (tracked[candidate]) {
      std::size_t k = 0;
      while (item[k] != candidate) ++k;
      score[k] = s;
    } else if (item.size() < n) {
      item.push_back(candidate);
      score.push_back(s);
      tracked[candidate] = 1;
    } else if (s > bound) {
      tracked[item[min_at]] = 0;
      item[min_at] = candidate;
      score[min_at] = s;
      tracked[candidate] = 1;
    } else {
      return;
    }
    if (item.size() < n) return;
    min_at = static_cast<std::size_t>(std::min_element(score.begin(), score.end()) - score.begin());
    bound = score[min_at];
  }
};

namespace {

thread_local std::vector<std::uint8_t> is_tracked;  // per consequent rank: in TopScores::item
thread_local TopScores top_scores;

// Zeroes the entries of `out`'s items and of `bought` again however recommend() leaves.
struct ScratchReset {
  const std::vector<Recommendation>& out;
  std::span<const Rank> bought;
  ~ScratchReset() {
    for (const Recommendation& r : out) candidate_of_item[r.item] = 0;
    for (const Rank b : bought) {
      if (b < is_bought.size()) is_bought[b] = 0;
    }
    for (const Rank i : top_scores.item) is_tracked[i] = 0;
  }
};

}  // namespace

void Recommender::add_applicable(const Node& node, std::vector<Recommendation>& out, TopScores& top) const {
  for (std::uint64_t k = node.consequents_begin; k < node.consequents_begin + node.consequents_len; ++k) {
    const Rank item = consequent_item_[k];
    if (is_bought[item]) continue;
    const ConsequentRule& c = consequent_rule_[k];
    const Recommendation r{item, c.confidence * c.lift, c.confidence, c.lift, c.rule};
    std::uint32_t& at = candidate_of_item[item];
    if (at == 0) {
      out.push_back(r);
      at = static_cast<std::uint32_t>(out.size());
      top.raise(item, r.score, is_tracked);
    } else if (Recommendation& best = out[at - 1];
               r.score > best.score || (r.score == best.score && r.rule < best.rule)) {
      if (r.score > best.score) top.raise(item, r.score, is_tracked);
      best = r;
    }
  }
}

void Recommender::recommend(std::span<const Rank> recent, std::span<const Rank> bought,
                            std::vector<Recommendation>& out) const {
  out.clear();
  if (!strictly_ascending(recent) || !strictly_ascending(bought)) {
    throw std::invalid_argument("fpgrowth: recent and bought items must be strictly ascending ranks");
  }
  if (params_.top_n == 0 || consequent_item_.empty()) return;
  if (candidate_of_item.size() < item_bound_) candidate_of_item.resize(item_bound_, 0);
  if (is_bought.size() < item_bound_) is_bought.resize(item_bound_, 0);
  if (is_tracked.size() < item_bound_) is_tracked.resize(item_bound_, 0);
  TopScores& top = top_scores;
  top.n = params_.top_n <= TopScores::kMaxTracked ? params_.top_n : 0;
  top.item.clear();
  top.score.clear();
  top.bound = -std::numeric_limits<double>::infinity();
  const ScratchReset reset{out, bought};
  // `open`: the mask bits that may stand for an item not bought (bit_of). A node whose own mask
  // has none of them has only rules with bought consequents; a subtree likewise.
  std::uint64_t open = ~std::uint64_t{0};
  std::size_t bought_shared = 0;  // bought items sharing the last bit
  for (const Rank b : bought) {
    if (b >= item_bound_) continue;
    is_bought[b] = 1;
    if (b < kSharedBit) {
      open &= ~bit_of(b);
    } else {
      ++bought_shared;
    }
  }
  if (item_bound_ <= kSharedBit || bought_shared == item_bound_ - kSharedBit) open &= ~bit_of(kSharedBit);

  // Each item's best applicable rule, as a candidate, into `out`: the trie's nodes contained in
  // `recent`, depth first with children ascending (the order of the consequents; the result does
  // not depend on it: add_applicable keeps the best by score, then rule index).
  if ((nodes_[0].subtree_mask & open) == 0) return finish(out);  // nothing applicable is new
  if (nodes_[0].own_mask & open) add_applicable(nodes_[0], out, top);  // the empty antecedent
  walk.clear();
  const Rank* const items = item_.data();
  walk.push_back({items + nodes_[0].first_child, items + nodes_[0].first_child + nodes_[0].children, 0});
  while (!walk.empty()) {
    Frame& f = walk.back();
    // The next child whose item is in recent[f.j, end).
    std::uint64_t c = 0;
    bool found = false;
    while (f.j < recent.size() && f.child != f.end) {
      f.child = std::lower_bound(f.child, f.end, recent[f.j]);
      if (f.child == f.end) break;
      if (*f.child == recent[f.j++]) {
        c = static_cast<std::uint64_t>(f.child++ - items);
        if ((nodes_[c].subtree_mask & open) && !(nodes_[c].subtree_best < top.bound)) {
          found = true;
          break;
        }
      }
    }
    if (!found) {
      walk.pop_back();
      continue;
    }
    const std::size_t j = f.j;  // `f` dies with the push below
    const Node& node = nodes_[c];
    if ((node.own_mask & open) && !(node.own_best < top.bound)) add_applicable(node, out, top);
    if (node.children > 0 && j < recent.size())
      walk.push_back({items + node.first_child, items + node.first_child + node.children, j});
  }

  finish(out);
}

// The top_n by score descending, then item ascending. (The caller's ScratchReset still sees every
// candidate.)
void Recommender::finish(std::vector<Recommendation>& out) const {
  const std::size_t n = std::min<std::size_t>(params_.top_n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                    [](const Recommendation& a, const Recommendation& b) {
                      return a.score != b.score ? a.score > b.score : a.item < b.item;
                    });
  for (std::size_t k = n; k < out.size(); ++k) candidate_of_item[out[k].item] = 0;
  out.resize(n);
}

}  // namespace crmpi::fpgrowth
