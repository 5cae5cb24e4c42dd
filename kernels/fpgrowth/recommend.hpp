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
// Index and cost. Each rule is filed under its antecedent's highest rank, its least frequent item:
// a customer reaches a rule only if they hold that rarest item, so the buckets scanned are small
// (filing under the lowest rank, usually one of the few best-sellers, would make nearly every
// customer scan nearly every rule). For the item at position i of `recent` the rule's other
// antecedent items, all of lower rank, are checked against recent[0, i) by a merge that stops at
// the first missing item. With R rules, building is O(R + antecedent items + highest rank)
// (a counting sort). One customer costs
//   O(sum over r in recent of |bucket(r)| x (k + i_r)  +  h log |bought|  +  h log h)
// where k is the antecedent length, i_r the position of r in recent, and h <= the rules scanned
// is the number of applicable rules (the candidates, deduplicated by sorting). `out` doubles as
// the scratch for the candidates: a caller that reuses it across customers allocates nothing.
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

  std::size_t rules_indexed() const { return entries_.size(); }

 private:
  // One single-consequent rule, its antecedent minus the key item at rest_[begin, + rest_len).
  struct Entry {
    std::uint64_t begin;
    std::uint32_t rest_len;
    Rank consequent;
    std::uint32_t rule;
    double confidence, lift;
  };

  void consider(const Entry& e, std::span<const Rank> bought, std::vector<Recommendation>& out) const;

  RecommendParams params_;
  std::vector<Rank> rest_;
  std::vector<Entry> entries_;  // grouped by slot, in rule order within one
  // Slot s holds entries_[slot_begin_[s], slot_begin_[s + 1]): slot 0 the empty antecedents (for
  // everyone), slot r + 1 the antecedents whose highest rank is r.
  std::vector<std::uint64_t> slot_begin_;
};

}  // namespace crmpi::fpgrowth
