#include "kernels/fpgrowth/rules.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace crmpi::fpgrowth {

namespace {

__extension__ using U128 = unsigned __int128;
__extension__ using I128 = __int128;

double ratio(U128 num, U128 den) {
  return static_cast<double>(num) / static_cast<double>(den);
}

// A rule that passed the thresholds, by the canonical positions of its antecedent and consequent
// in the itemsets (integer keys: sorting them compares no item lists).
using Candidate = RuleCandidate;

// Enumerates the rules of one itemset, consequents grown item by item in ascending position.
class RuleMaker {
 public:
  RuleMaker(const Itemsets& frequent, const ItemsetIndex& index, Count baskets, const RuleParams& params,
            std::vector<Candidate>& out)
      : frequent_(frequent), index_(index), baskets_(baskets), params_(params), out_(out) {}

  void rules_of(std::span<const Rank> itemset, Count count) {
    if (itemset.size() < 2) return;
    itemset_ = itemset;
    count_ = count;
    consequent_.clear();
    grow(0);
  }

 private:
  void grow(std::size_t from) {
    for (std::size_t p = from; p < itemset_.size() && consequent_.size() + 1 < itemset_.size(); ++p) {
      consequent_.push_back(itemset_[p]);
      antecedent_.clear();
      std::set_difference(itemset_.begin(), itemset_.end(), consequent_.begin(), consequent_.end(),
                          std::back_inserter(antecedent_));
      const std::uint64_t a = position(antecedent_);
      const Count x = frequent_.counts[index_.at(a)];
      if (ratio(count_, x) >= params_.min_confidence) {  // the confidence, as rule_metrics computes it
        const std::uint64_t c = position(consequent_);
        const Count y = frequent_.counts[index_.at(c)];
        if (params_.min_lift == 0 || rule_metrics(baskets_, count_, x, y).lift >= params_.min_lift) {
          out_.push_back({a, c, count_, y});
        }
        if (params_.max_consequent == 0 || consequent_.size() < params_.max_consequent) grow(p + 1);
      }
      consequent_.pop_back();
    }
  }

  std::uint64_t position(std::span<const Rank> s) const {
    const auto p = index_.position(s);
    if (!p) {
      throw std::invalid_argument("fpgrowth: rules need every subset of a frequent itemset; one is missing");
    }
    return *p;
  }

  const Itemsets& frequent_;
  const ItemsetIndex& index_;
  const Count baskets_;
  const RuleParams& params_;
  std::vector<Candidate>& out_;
  std::span<const Rank> itemset_;
  Count count_ = 0;
  std::vector<Rank> consequent_, antecedent_;
};

void check_params(const RuleParams& params) {
  if (!(params.min_confidence >= 0 && params.min_confidence <= 1)) {
    throw std::invalid_argument("fpgrowth: min_confidence outside [0, 1]");
  }
  if (!(params.min_lift >= 0) || std::isinf(params.min_lift)) {
    throw std::invalid_argument("fpgrowth: min_lift must be finite and >= 0");
  }
}

}  // namespace

void rule_candidates(const Itemsets& frequent, const ItemsetIndex& index, Count baskets, const RuleParams& params,
                     std::size_t begin, std::size_t end, std::vector<RuleCandidate>& out) {
  check_params(params);
  RuleMaker maker(frequent, index, baskets, params, out);
  for (std::size_t i = begin; i < end; ++i) maker.rules_of(frequent[i], frequent.counts[i]);
}

// The rules of the sorted candidates, at most top_per_antecedent (0: all) per antecedent.
RuleSet assemble_rules(std::span<const RuleCandidate> sorted, const Itemsets& frequent, const ItemsetIndex& index,
                       Count baskets, std::uint32_t top_per_antecedent) {
  const auto kept = [&](std::size_t k, std::uint64_t& run) {
    run = k > 0 && sorted[k - 1].antecedent == sorted[k].antecedent ? run + 1 : 1;
    return top_per_antecedent == 0 || run <= top_per_antecedent;
  };
  std::size_t n_rules = 0, n_items = 0;  // sized first: millions of rules are common
  std::uint64_t run = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    if (!kept(k, run)) continue;
    ++n_rules;
    n_items +=
        frequent[index.at(sorted[k].antecedent)].size() + frequent[index.at(sorted[k].consequent)].size();
  }
  RuleSet out;
  out.rules.reserve(n_rules);
  out.items.reserve(n_items);
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    if (!kept(k, run)) continue;
    const Candidate& c = sorted[k];
    const std::uint64_t a = index.at(c.antecedent), y = index.at(c.consequent);
    Rule r;
    r.begin = out.items.size();
    r.antecedent_len = static_cast<std::uint32_t>(frequent[a].size());
    r.consequent_len = static_cast<std::uint32_t>(frequent[y].size());
    r.count = c.count;
    r.antecedent_count = frequent.counts[a];
    r.consequent_count = c.consequent_count;
    r.metrics = rule_metrics(baskets, r.count, r.antecedent_count, r.consequent_count);
    out.items.insert(out.items.end(), frequent[a].begin(), frequent[a].end());
    out.items.insert(out.items.end(), frequent[y].begin(), frequent[y].end());
    out.rules.push_back(r);
  }
  return out;
}

RuleMetrics rule_metrics(Count baskets, Count count, Count antecedent_count, Count consequent_count) {
  const Count n = baskets, z = count, x = antecedent_count, y = consequent_count;
  if (z == 0 || z > x || z > y || x > n || y > n) {
    throw std::invalid_argument("fpgrowth: inconsistent rule counts");
  }
  RuleMetrics m;
  m.support = ratio(z, n);
  m.confidence = ratio(z, x);
  m.lift = ratio(U128{z} * n, U128{x} * y);
  const I128 lev = static_cast<I128>(U128{z} * n) - static_cast<I128>(U128{x} * y);
  m.leverage = static_cast<double>(lev) / static_cast<double>(U128{n} * n);
  m.conviction = z == x ? std::numeric_limits<double>::infinity() : ratio(U128{n - y} * x, U128{n} * (x - z));
  return m;
}

RuleSet make_rules(const Itemsets& frequent, Count baskets, const RuleParams& params) {
  check_params(params);
  const ItemsetIndex index(frequent);
  std::vector<Candidate> candidates;
  rule_candidates(frequent, index, baskets, params, 0, frequent.size(), candidates);
  std::sort(candidates.begin(), candidates.end(), rule_order);
  return assemble_rules(candidates, frequent, index, baskets, params.top_per_antecedent);
}

}  // namespace crmpi::fpgrowth
