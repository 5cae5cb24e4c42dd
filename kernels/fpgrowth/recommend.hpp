// Cross-sell recommendations for one customer at a time, from association rules with a single-item
// consequent (rules with longer consequents are ignored).
//
// A rule A -> c applies to a customer when A is contained in `recent` (the distinct items of the
// customer's recent baskets) and c is not in `bought` (everything the customer ever bought). An
// empty antecedent is contained in every set: such a rule applies to everyone, a popularity
// fallback. make_rules never emits one (every rule comes from an itemset of two items or more),
// but a hand-made RuleSet may.
//
// Score of a candidate product c: the maximum, over the applicable rules with consequent c, of
// confidence x lift. Confidence says how often the antecedent's baskets hold c; lift how much more
// often than c's base rate; the product favours rules that are both reliable and informative
// (confidence alone favours best-sellers, lift alone rare coincidences). The maximum, not a sum:
// the score is the strongest single piece of evidence, not inflated because many overlapping rules
// (A -> c, A u {b} -> c, ...) restate it. Ties between rules for the same c go to the lower rule
// index, so `rule` names one rule deterministically.
//
// Output order: score descending, then item rank ascending (the more popular product first). The
// scores are products of bit-identical doubles (rules.hpp), so every rank orders alike.
//
// Index and cost. Rules are grouped by antecedent (each distinct antecedent visited once per
// customer, not once per rule), and the distinct antecedents form a trie (prefix tree) in item
// order: a node is an antecedent's prefix, its children the one-item extensions that lead to some
// antecedent, in ascending rank. A customer walks it depth first along `recent`: from a node
// reached by recent[0, p), only the children whose item is in recent[p, end) are entered, each
// found by binary search among the node's children. So the walk enters only prefixes contained in
// `recent`: an antecedent with an item outside `recent` is never looked at. (The previous index
// filed each antecedent under its rarest item and checked every antecedent so filed: on dense
// data nearly all of them, ~100,000 a customer on mushroom at 10%, 1 in 5 contained.)
//
// On dense data most contained antecedents' rules are not worth reading either, and two summaries
// per node skip them, for the node's own rules and for its whole subtree:
// - which consequents occur (a 64-bit mask, bit min(rank, 63)): a customer who bought every item
//   of the mask (the popular items, ranks below 63, are told apart exactly) gets nothing new there;
// - the highest confidence x lift: once top_n products have candidates, a rule scoring strictly
//   below the top_n-th of them (a lower bound kept as they come) cannot change the result.
// Neither changes what is recommended: they skip only rules that could not count.
//
// Building is O(R) to group R rules in make_rules' order (O(R log R) otherwise), plus a sort of
// the A distinct antecedents, O(A log A x k). One customer costs at most
//   O(v x r log d  +  c  +  h log top_n)
// with v the trie nodes contained in `recent` (the contained antecedents and their prefixes),
// r = |recent|, d the largest number of children, c the rules of the contained antecedents and
// h <= c the distinct products among their consequents; the summaries cut v and c. `bought` is
// marked in a per-thread array of one flag per consequent rank, so a consequent is tested in
// O(1), and each product's best rule is kept in O(1) through a per-thread array of one slot per
// consequent rank; both are zeroed again after each call (recommend() may run on several threads
// at once). `out` holds the candidates: a caller that reuses it across customers allocates nothing.
//
// Measured (bench/recommend_bench.cpp, docs/PERFORMANCE.md "Rules: FP-growth (issue 14)").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/rules.hpp"
#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

struct RecommendParams {
  std::uint32_t top_n = 5;  // recommendations per customer at most; 0: none
};

struct Recommendation {
  Rank item = 0;           // the recommended product
  double score = 0;        // confidence x lift of `rule`
  double confidence = 0;   // of `rule`
  double lift = 0;         // of `rule`
  std::uint32_t rule = 0;  // index in the RuleSet of the rule giving the score
};

struct TopScores;  // recommend.cpp: a bound for skipping rules that cannot make the top_n

class Recommender {
 public:
  // Copies what it needs: the RuleSet may be freed afterwards. Antecedents must be strictly
  // ascending, confidence x lift finite, and the RuleSet at most 2^32 - 1 rules long
  // (std::invalid_argument otherwise; make_rules' output always qualifies).
  Recommender(const RuleSet& rules, const RecommendParams& params);

  // The top recommendations for one customer into `out` (cleared first). `recent` and `bought`
  // are strictly ascending ranks (std::invalid_argument otherwise); recent is expected to be a
  // subset of bought, though the result is well defined either way.
  void recommend(std::span<const Rank> recent, std::span<const Rank> bought,
                 std::vector<Recommendation>& out) const;

  std::size_t rules_indexed() const { return consequent_item_.size(); }

 private:
  // A trie node: a prefix of some antecedent. Its children are nodes [first_child, + children),
  // with items item_[first_child, + children) ascending (a separate array, so that the binary
  // search reads only items); its rules' consequents, when the prefix is itself an antecedent, are
  // rows [consequents_begin, + consequents_len) of consequent_item_ and consequent_rule_, in rule
  // order. Node 0: the empty prefix. The masks summarize the consequents of the node's own rules
  // and of all rules in its subtree: bit min(item, 63) for each (bit_of in recommend.cpp); the
  // bests their scores.
  struct Node {
    std::uint64_t first_child = 0, consequents_begin = 0;
    std::uint64_t own_mask = 0, subtree_mask = 0;
    double own_best = 0, subtree_best = 0;  // the highest confidence x lift, likewise
    std::uint32_t children = 0, consequents_len = 0;
  };
  // Apart from the item: most applicable rules on dense data have a consequent already bought,
  // and skipping one reads only its item.
  struct ConsequentRule {
    double confidence, lift;
    std::uint32_t rule;
  };

  void add_applicable(const Node& node, std::vector<Recommendation>& out, TopScores& top) const;
  void finish(std::vector<Recommendation>& out) const;

  RecommendParams params_;
  std::vector<Node> nodes_;   // breadth first: each node's children adjacent (the top levels,
                              // which every customer reads, together)
  std::vector<Rank> item_;    // per node, the item that extends its parent's prefix
  // Per rule, grouped by antecedent, the antecedents in the walk's order (depth first, children
  // ascending), so that a customer's walk reads them forward.
  std::vector<Rank> consequent_item_;
  std::vector<ConsequentRule> consequent_rule_;
  std::size_t item_bound_ = 0;  // above every consequent's rank
};

}  // namespace crmpi::fpgrowth
