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
// Index and cost. Rules are grouped by antecedent (each distinct antecedent checked once per
// customer, not once per rule) and each antecedent filed under its highest rank, its least
// frequent item: a customer reaches it only if they hold that rarest item, so the buckets scanned
// stay small (filing under the lowest rank, usually one of the few best-sellers, would make nearly
// every customer scan nearly every rule). For the item at position i of `recent`, the antecedent's
// other items, all of lower rank, are checked against recent[0, i) by a merge that stops at the
// first missing item. Building is O(R) for R rules in make_rules' order (antecedents already in
// the canonical order, grouped), O(R log R) otherwise. One customer costs
//   O(sum over r in recent of |antecedents keyed r| x (k + i_r)  +  c log |bought|  +  h log top_n)
// with k the antecedent length, i_r the position of r in recent, c the rules of the contained
// antecedents and h <= c the distinct products among their consequents. Each product's best rule
// is kept in O(1) through a per-thread array of one slot per consequent rank (zeroed again after
// each call: recommend() may run on several threads at once). `out` holds the candidates: a caller
// that reuses it across customers allocates nothing.
//
// Measured (one core, -O2, make_rules' output, each basket of the file as a customer with 5 more
// past items): retail.dat at support 0.1%, confidence 0.1 (8,249 rules), 500,000 customers/s;
// T10I4D100K at 0.1% (80,902 rules), 66,000/s; chess at 80%, confidence 0.9 (42,885 rules),
// 2,000/s; mushroom at 10%, confidence 0.5 (4.5 million rules), 220/s. On such dense data nearly
// every antecedent keyed by a customer's items is checked (~100,000 per customer on mushroom, 1 in
// 5 contained); a trie of antecedents walked along `recent` would visit only the contained ones.
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

  std::size_t rules_indexed() const { return consequents_.size(); }

 private:
  // A distinct antecedent: its items but the highest at rest_[rest_begin, + rest_len); its rules'
  // consequents at consequents_[consequents_begin, the next antecedent's consequents_begin).
  struct Antecedent {
    std::uint64_t rest_begin, consequents_begin;
    std::uint32_t rest_len;
  };
  struct Consequent {
    Rank item;
    std::uint32_t rule;
    double confidence, lift;
  };

  void add_applicable(std::uint64_t antecedent, std::span<const Rank> bought,
                      std::vector<Recommendation>& out) const;

  RecommendParams params_;
  std::vector<Rank> rest_;
  std::vector<Antecedent> antecedents_;  // in the canonical (colex) order, then one end marker
  std::vector<Consequent> consequents_;  // grouped by antecedent, in rule order within one
  // Slot s holds antecedents_[slot_begin_[s], slot_begin_[s + 1]): slot 0 the empty antecedent
  // (for everyone), slot r + 1 the antecedents whose highest rank is r.
  std::vector<std::uint64_t> slot_begin_;
  std::size_t item_bound_ = 0;  // above every consequent's rank
};

}  // namespace crmpi::fpgrowth
