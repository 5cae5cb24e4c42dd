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

// Slot 0: the empty antecedent; slot r + 1: antecedents whose highest rank is r.
std::size_t slot_of(std::span<const Rank> antecedent) {
  return antecedent.empty() ? 0 : std::size_t{antecedent.back()} + 1;
}

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
  // The canonical order of antecedents sorts by highest rank first, so by slot, and puts equal
  // antecedents together; stable, so rule order within one. make_rules' output is already in it.
  const auto antecedent_less = [&](std::uint32_t a, std::uint32_t b) {
    return colex_less(rules.antecedent(a), rules.antecedent(b));
  };
  if (!std::is_sorted(order.begin(), order.end(), antecedent_less)) {
    std::stable_sort(order.begin(), order.end(), antecedent_less);
  }

  std::vector<std::uint64_t> per_slot;  // antecedents in each slot
  consequents_.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::uint32_t i = order[k];
    const auto a = rules.antecedent(i);
    if (k == 0 || !std::ranges::equal(a, rules.antecedent(order[k - 1]))) {
      const auto rest = a.empty() ? a : a.first(a.size() - 1);
      antecedents_.push_back({rest_.size(), consequents_.size(), static_cast<std::uint32_t>(rest.size())});
      rest_.insert(rest_.end(), rest.begin(), rest.end());
      per_slot.resize(slot_of(a) + 1, 0);
      ++per_slot[slot_of(a)];
    }
    const RuleMetrics& m = rules.rules[i].metrics;
    consequents_.push_back({rules.consequent(i)[0], i, m.confidence, m.lift});
    item_bound_ = std::max<std::size_t>(item_bound_, std::size_t{rules.consequent(i)[0]} + 1);
  }
  antecedents_.push_back({rest_.size(), consequents_.size(), 0});  // the end marker
  slot_begin_.assign(per_slot.size() + 1, 0);
  for (std::size_t s = 0; s < per_slot.size(); ++s) slot_begin_[s + 1] = slot_begin_[s] + per_slot[s];
}

namespace {

// Per thread, for each consequent rank: 1 + its candidate's position in `out`, 0 for none; all
// zero between calls. It makes keeping each item's best rule O(1) per applicable rule (sorting
// every applicable rule cost more than finding them on dense data), and recommend() safe to call
// from several threads at once.
thread_local std::vector<std::uint32_t> candidate_of_item;

// Zeroes the entries of `out`'s items again however recommend() leaves.
struct CandidateReset {
  const std::vector<Recommendation>& out;
  ~CandidateReset() {
    for (const Recommendation& r : out) candidate_of_item[r.item] = 0;
  }
};

}  // namespace

void Recommender::add_applicable(std::uint64_t antecedent, std::span<const Rank> bought,
                                 std::vector<Recommendation>& out) const {
  for (std::uint64_t k = antecedents_[antecedent].consequents_begin;
       k < antecedents_[antecedent + 1].consequents_begin; ++k) {
    const Consequent& c = consequents_[k];
    if (std::binary_search(bought.begin(), bought.end(), c.item)) continue;
    const Recommendation r{c.item, c.confidence * c.lift, c.confidence, c.lift, c.rule};
    std::uint32_t& at = candidate_of_item[c.item];
    if (at == 0) {
      out.push_back(r);
      at = static_cast<std::uint32_t>(out.size());
    } else if (Recommendation& best = out[at - 1];
               r.score > best.score || (r.score == best.score && r.rule < best.rule)) {
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
  if (params_.top_n == 0 || consequents_.empty()) return;
  if (candidate_of_item.size() < item_bound_) candidate_of_item.resize(item_bound_, 0);
  const CandidateReset reset{out};

  // Each item's best applicable rule, as a candidate, into `out`.
  const std::size_t slots = slot_begin_.size() - 1;
  for (std::size_t i = 0; i <= recent.size(); ++i) {
    // Slot 0 (the empty antecedent) first, then the slot of each recent item.
    const std::size_t s = i == 0 ? 0 : std::size_t{recent[i - 1]} + 1;
    if (s >= slots) break;
    const auto below = recent.first(i == 0 ? 0 : i - 1);  // where the rest of such an antecedent must be
    for (std::uint64_t g = slot_begin_[s]; g < slot_begin_[s + 1]; ++g) {
      const Rank* rest = rest_.data() + antecedents_[g].rest_begin;
      if (std::includes(below.begin(), below.end(), rest, rest + antecedents_[g].rest_len)) {
        add_applicable(g, bought, out);
      }
    }
  }

  // The top_n by score descending, then item ascending. (`reset` still sees every candidate.)
  const std::size_t n = std::min<std::size_t>(params_.top_n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                    [](const Recommendation& a, const Recommendation& b) {
                      return a.score != b.score ? a.score > b.score : a.item < b.item;
                    });
  for (std::size_t k = n; k < out.size(); ++k) candidate_of_item[out[k].item] = 0;
  out.resize(n);
}

}  // namespace crmpi::fpgrowth
