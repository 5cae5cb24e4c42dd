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

// Slot 0: empty antecedents; slot r + 1: antecedents whose highest rank is r.
std::size_t slot_of(std::span<const Rank> antecedent) {
  return antecedent.empty() ? 0 : std::size_t{antecedent.back()} + 1;
}

}  // namespace

Recommender::Recommender(const RuleSet& rules, const RecommendParams& params) : params_(params) {
  if (rules.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("fpgrowth: too many rules to recommend from (at most 2^32 - 1)");
  }
  // A counting sort by slot: count, turn the counts into starts, then place in rule order.
  std::vector<std::uint64_t> count;
  std::uint64_t rest_items = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules.rules[i].consequent_len != 1) continue;
    const auto a = rules.antecedent(i);
    if (!strictly_ascending(a)) throw std::invalid_argument("fpgrowth: a rule's antecedent is not ascending");
    const RuleMetrics& m = rules.rules[i].metrics;
    if (!std::isfinite(m.confidence * m.lift)) {
      throw std::invalid_argument("fpgrowth: a rule's confidence x lift is not finite");
    }
    const std::size_t s = slot_of(a);
    if (s >= count.size()) count.resize(s + 1, 0);
    ++count[s];
    rest_items += a.empty() ? 0 : a.size() - 1;
  }
  slot_begin_.assign(count.size() + 1, 0);
  for (std::size_t s = 0; s < count.size(); ++s) slot_begin_[s + 1] = slot_begin_[s] + count[s];

  entries_.resize(slot_begin_.back());
  rest_.reserve(rest_items);
  std::vector<std::uint64_t> next(slot_begin_.begin(), slot_begin_.end() - 1);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules.rules[i].consequent_len != 1) continue;
    const auto a = rules.antecedent(i);
    const auto rest = a.empty() ? a : a.first(a.size() - 1);
    entries_[next[slot_of(a)]++] = {rest_.size(),
                                    static_cast<std::uint32_t>(rest.size()),
                                    rules.consequent(i)[0],
                                    static_cast<std::uint32_t>(i),
                                    rules.rules[i].metrics.confidence,
                                    rules.rules[i].metrics.lift};
    rest_.insert(rest_.end(), rest.begin(), rest.end());
  }
}

void Recommender::consider(const Entry& e, std::span<const Rank> bought,
                           std::vector<Recommendation>& out) const {
  if (std::binary_search(bought.begin(), bought.end(), e.consequent)) return;
  out.push_back({e.consequent, e.confidence * e.lift, e.confidence, e.lift, e.rule});
}

void Recommender::recommend(std::span<const Rank> recent, std::span<const Rank> bought,
                            std::vector<Recommendation>& out) const {
  out.clear();
  if (!strictly_ascending(recent) || !strictly_ascending(bought)) {
    throw std::invalid_argument("fpgrowth: recent and bought items must be strictly ascending ranks");
  }
  if (params_.top_n == 0 || entries_.empty()) return;

  // Every applicable rule, as a candidate, into `out`.
  for (std::uint64_t k = slot_begin_[0]; k < slot_begin_[1]; ++k) consider(entries_[k], bought, out);
  const std::size_t slots = slot_begin_.size() - 1;
  for (std::size_t i = 0; i < recent.size() && std::size_t{recent[i]} + 1 < slots; ++i) {
    const std::size_t s = std::size_t{recent[i]} + 1;
    const auto before = recent.first(i);  // the rest of an antecedent keyed here ranks below recent[i]
    for (std::uint64_t k = slot_begin_[s]; k < slot_begin_[s + 1]; ++k) {
      const Entry& e = entries_[k];
      const Rank* rest = rest_.data() + e.begin;
      if (std::includes(before.begin(), before.end(), rest, rest + e.rest_len)) consider(e, bought, out);
    }
  }

  // The best rule of each item: by item, then score descending, then rule index ascending; keep
  // each item's first.
  std::sort(out.begin(), out.end(), [](const Recommendation& a, const Recommendation& b) {
    if (a.item != b.item) return a.item < b.item;
    if (a.score != b.score) return a.score > b.score;
    return a.rule < b.rule;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Recommendation& a, const Recommendation& b) { return a.item == b.item; }),
            out.end());

  // The top_n by score descending, then item ascending.
  const std::size_t n = std::min<std::size_t>(params_.top_n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                    [](const Recommendation& a, const Recommendation& b) {
                      return a.score != b.score ? a.score > b.score : a.item < b.item;
                    });
  out.resize(n);
}

}  // namespace crmpi::fpgrowth
