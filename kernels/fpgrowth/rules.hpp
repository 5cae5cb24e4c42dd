// Association rules X -> Y from a complete set of frequent itemsets with their counts (every subset
// of a listed itemset listed too, as FP-growth's output is by downward closure).
//
// Measures, from n baskets and the integer counts z = count(X u Y), x = count(X), y = count(Y):
//   support    = z / n
//   confidence = z / x
//   lift       = z n / (x y)
//   leverage   = z / n - (x / n)(y / n) = (z n - x y) / n^2
//   conviction = (1 - y / n) / (1 - z / x) = (n - y) x / (n (x - z)); +infinity when z = x
//                (confidence 1: std::numeric_limits<double>::infinity(), written "inf" in text)
// Each is one fixed sequence of operations on the integers: numerators and denominators formed
// exactly in 128-bit integers, each converted to double once, then one division. So every rank,
// and every partition of the baskets, gets the same bits.
//
// Rules kept: consequents of at most max_consequent items (1 by default, as arules and Spark),
// confidence >= min_confidence, lift >= min_lift, the best top_per_antecedent of each antecedent.
// Enumeration prunes by confidence: moving an item from X to Y can only lower it.
//
// Order: by antecedent in the canonical order of itemsets.hpp, then confidence descending, lift
// descending, consequent in the canonical order. Within one antecedent (one x) that is count
// descending, then consequent count ascending: integer comparisons, no rounding involved.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/itemsets.hpp"
#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

struct RuleMetrics {
  double support = 0, confidence = 0, lift = 0, leverage = 0, conviction = 0;
};

// The measures above; requires 0 < z <= min(x, y) and max(x, y) <= n (std::invalid_argument).
RuleMetrics rule_metrics(Count baskets, Count count, Count antecedent_count, Count consequent_count);

struct RuleParams {
  double min_confidence = 0.8;           // in [0, 1]
  std::uint32_t max_consequent = 1;      // items in a consequent at most; 0: any
  double min_lift = 0;                   // >= 0; 0 keeps all
  std::uint32_t top_per_antecedent = 0;  // 0: all
};

struct Rule {
  std::uint64_t begin = 0;  // RuleSet::items[begin, + antecedent_len): antecedent; then the consequent
  std::uint32_t antecedent_len = 0, consequent_len = 0;
  Count count = 0, antecedent_count = 0, consequent_count = 0;
  RuleMetrics metrics;
};

struct RuleSet {
  std::vector<Rank> items;
  std::vector<Rule> rules;

  std::size_t size() const { return rules.size(); }
  std::span<const Rank> antecedent(std::size_t i) const {
    return {items.data() + rules[i].begin, rules[i].antecedent_len};
  }
  std::span<const Rank> consequent(std::size_t i) const {
    return {items.data() + rules[i].begin + rules[i].antecedent_len, rules[i].consequent_len};
  }
};

// The rules of the itemsets (any order; each at most once) over `baskets` baskets. An itemset
// whose needed subset is missing is std::invalid_argument (the set was not complete: a capped or
// partial mining result).
RuleSet make_rules(const Itemsets& frequent, Count baskets, const RuleParams& params);

// make_rules in three steps, so that the derivation can be spread over ranks (jobs/rules/derive.hpp):
//   rule_candidates  the rules of itemsets [begin, end) that pass the thresholds, unordered;
//   rule_order       the documented order (antecedent first: all rules of one antecedent are
//                    adjacent, so a range of antecedents is a range of the rules);
//   assemble_rules   sorted candidates -> rules (the top_per_antecedent cut needs every candidate of
//                    an antecedent in `sorted`).
// make_rules(s, n, p) == assemble_rules(sort(rule_candidates(s, 0, s.size())), ...).
struct RuleCandidate {
  std::uint64_t antecedent, consequent;  // canonical positions (itemsets.hpp)
  Count count, consequent_count;
};
// The documented order: antecedent, then count descending (= confidence for one antecedent), then
// consequent count ascending (= lift), then consequent. A function object defined here, so that
// the sorts of millions of candidates inline it.
struct RuleOrder {
  bool operator()(const RuleCandidate& a, const RuleCandidate& b) const {
    if (a.antecedent != b.antecedent) return a.antecedent < b.antecedent;
    if (a.count != b.count) return a.count > b.count;
    if (a.consequent_count != b.consequent_count) return a.consequent_count < b.consequent_count;
    return a.consequent < b.consequent;
  }
};
inline constexpr RuleOrder rule_order{};
// Throws std::invalid_argument for a bad min_confidence / min_lift, or a missing subset.
void rule_candidates(const Itemsets& frequent, const ItemsetIndex& index, Count baskets, const RuleParams& params,
                     std::size_t begin, std::size_t end, std::vector<RuleCandidate>& out);
RuleSet assemble_rules(std::span<const RuleCandidate> sorted, const Itemsets& frequent, const ItemsetIndex& index,
                       Count baskets, std::uint32_t top_per_antecedent);

}  // namespace crmpi::fpgrowth
