// Cross-sell recommendations (kernels/fpgrowth/recommend.hpp) against: a hand-made rule set with the
// expected list worked out in comments; a brute-force reference (every rule checked naively, the
// best rule per item kept, sorted) on random rule sets, hand-random and from make_rules, and random
// customers, and on dense data (many long antecedents); Spark's FPGrowthSuite six baskets with the
// expected recommendation read off the rule table by hand; the edge cases (empty antecedents, empty
// recent, top_n = 0, bad input).
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>

#include "fpgrowth_test_util.hpp"
#include "kernels/fpgrowth/recommend.hpp"
#include "kernels/fpgrowth/rules.hpp"

using namespace crmpi::fpgrowth;

namespace {

struct HandRule {
  std::vector<Rank> antecedent, consequent;
  double confidence, lift;
};

RuleSet rule_set(const std::vector<HandRule>& hand) {
  RuleSet s;
  for (const HandRule& h : hand) {
    Rule r;
    r.begin = s.items.size();
    r.antecedent_len = static_cast<std::uint32_t>(h.antecedent.size());
    r.consequent_len = static_cast<std::uint32_t>(h.consequent.size());
    r.metrics.confidence = h.confidence;
    r.metrics.lift = h.lift;
    s.items.insert(s.items.end(), h.antecedent.begin(), h.antecedent.end());
    s.items.insert(s.items.end(), h.consequent.begin(), h.consequent.end());
    s.rules.push_back(r);
  }
  return s;
}

std::vector<Recommendation> recommend(const Recommender& r, const std::vector<Rank>& recent,
                                      const std::vector<Rank>& bought) {
  std::vector<Recommendation> out(3, Recommendation{99, 9, 9, 9, 99});  // junk: must be cleared
  r.recommend(recent, bought, out);
  return out;
}

void expect_same(const std::vector<Recommendation>& got, const std::vector<Recommendation>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].item, want[i].item);
    EXPECT_EQ(got[i].score, want[i].score);
    EXPECT_EQ(got[i].confidence, want[i].confidence);
    EXPECT_EQ(got[i].lift, want[i].lift);
    EXPECT_EQ(got[i].rule, want[i].rule);
  }
}

// The definition, naively: every rule in index order, A within recent and c not bought; a strictly
// higher score replaces an item's best (so ties keep the lower index); then score descending, item
// ascending, the first top_n.
std::vector<Recommendation> brute_recommend(const RuleSet& rules, std::uint32_t top_n,
                                            const std::vector<Rank>& recent,
                                            const std::vector<Rank>& bought) {
  std::map<Rank, Recommendation> best;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules.rules[i].consequent_len != 1) continue;
    bool contained = true;
    for (const Rank a : rules.antecedent(i)) {
      contained = contained && std::find(recent.begin(), recent.end(), a) != recent.end();
    }
    const Rank c = rules.consequent(i)[0];
    if (!contained || std::find(bought.begin(), bought.end(), c) != bought.end()) continue;
    const RuleMetrics& m = rules.rules[i].metrics;
    const Recommendation r{c, m.confidence * m.lift, m.confidence, m.lift, static_cast<std::uint32_t>(i)};
    const auto it = best.find(c);
    if (it == best.end()) {
      best.emplace(c, r);
    } else if (r.score > it->second.score) {
      it->second = r;
    }
  }
  std::vector<Recommendation> out;
  for (const auto& [item, r] : best) out.push_back(r);
  std::stable_sort(out.begin(), out.end(),  // stable: equal scores stay in item order from the map
                   [](const Recommendation& a, const Recommendation& b) { return a.score > b.score; });
  if (out.size() > top_n) out.resize(top_n);
  return out;
}

std::vector<Rank> random_subset(std::mt19937_64& rng, const std::vector<Rank>& from, double p) {
  std::vector<Rank> out;
  for (const Rank r : from) {
    if (std::uniform_real_distribution<double>(0, 1)(rng) < p) out.push_back(r);
  }
  return out;
}

// Random rules over n_items ranks: antecedents of 0 to 4 items (empty ones included), consequents
// of one item mostly, two sometimes; confidence and lift from a few dyadic values, so that equal
// scores (ties) are common and exact.
RuleSet random_rules(std::mt19937_64& rng, Rank n_items) {
  std::vector<Rank> all(n_items);
  for (Rank r = 0; r < n_items; ++r) all[r] = r;
  const double confidences[] = {0.25, 0.5, 0.75, 1.0}, lifts[] = {0.5, 1.0, 1.5, 2.0, 3.0};
  std::vector<HandRule> hand;
  const std::size_t n_rules = rng() % 80;
  for (std::size_t i = 0; i < n_rules; ++i) {
    std::vector<Rank> shuffled = all;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const std::size_t a_len = std::min<std::size_t>(rng() % 5, n_items - 2);
    const std::size_t c_len = rng() % 6 == 0 ? 2 : 1;
    std::vector<Rank> a(shuffled.begin(), shuffled.begin() + static_cast<std::ptrdiff_t>(a_len));
    std::vector<Rank> c(shuffled.begin() + static_cast<std::ptrdiff_t>(a_len),
                        shuffled.begin() + static_cast<std::ptrdiff_t>(a_len + c_len));
    std::sort(a.begin(), a.end());
    std::sort(c.begin(), c.end());
    hand.push_back({a, c, confidences[rng() % 4], lifts[rng() % 5]});
  }
  return rule_set(hand);
}

// The rules of random baskets, as make_rules gives them.
RuleSet mined_rules(std::uint64_t seed, Rank& n_items) {
  const fpt::Baskets b =
      fpt::random_baskets(seed, 5 + static_cast<std::uint32_t>(seed % 8), 40, seed % 2 == 1);
  const Count min_count = 2 + seed % 5;
  const FList f = make_flist(fpt::item_counts(b), min_count);
  const Itemsets s = mine(fpt::transactions(b, f), {.min_count = min_count}).itemsets;
  n_items = static_cast<Rank>(f.size());
  return make_rules(s, b.total(),
                    {.min_confidence = 0.1 * static_cast<double>(seed % 6), .max_consequent = 2});
}

std::vector<std::uint32_t> ids(const char* letters) {
  std::vector<std::uint32_t> v;
  for (const char* c = letters; *c != 0; ++c) v.push_back(static_cast<std::uint32_t>(*c - 'a'));
  return v;
}

}  // namespace

// A customer with recent items {0, 2} who also bought 6 long ago.
//   rule  antecedent  consequent  confidence  lift  score  applies?
//    0    {0}         1           0.5         1     0.5    yes
//    1    {0, 2}      1           0.75        2     1.5    yes
//    2    {2}         3           0.5         3     1.5    yes
//    3    {0}         4           0.375       4     1.5    yes
//    4    {3}         5           0.875       2     1.75   no: 3 not recent
//    5    {2}         0           1           1     1      no: 0 bought
//    6    {0, 2}      {1, 4}      1           5     5      no: two-item consequent
//    7    {0, 2, 5}   3           1           4     4      no: 5 not recent
//    8    {2}         1           0.5         3     1.5    yes, ties rule 1 for item 1: rule 1 kept
//    9    {0}         6           1           2     2      no: 6 bought (not recent)
//   10    {1, 2}      4           1           8     8      no: 1 not recent (2, the key, is)
//   11    {0}         7           0.25        2     0.5    yes
//   12    {2}         9           1           2     2      yes
// Best per item: 1 -> 1.5 (rule 1), 3 -> 1.5 (2), 4 -> 1.5 (3), 7 -> 0.5 (11), 9 -> 2 (12). By
// score, then item: 9, 1, 3, 4, 7. (Dyadic values: the products are exact.)
TEST(FpGrowthRecommend, HandMade) {
  const RuleSet rules = rule_set({{{0}, {1}, 0.5, 1},
                                  {{0, 2}, {1}, 0.75, 2},
                                  {{2}, {3}, 0.5, 3},
                                  {{0}, {4}, 0.375, 4},
                                  {{3}, {5}, 0.875, 2},
                                  {{2}, {0}, 1, 1},
                                  {{0, 2}, {1, 4}, 1, 5},
                                  {{0, 2, 5}, {3}, 1, 4},
                                  {{2}, {1}, 0.5, 3},
                                  {{0}, {6}, 1, 2},
                                  {{1, 2}, {4}, 1, 8},
                                  {{0}, {7}, 0.25, 2},
                                  {{2}, {9}, 1, 2}});
  const std::vector<Recommendation> all{{9, 2, 1, 2, 12},
                                        {1, 1.5, 0.75, 2, 1},
                                        {3, 1.5, 0.5, 3, 2},
                                        {4, 1.5, 0.375, 4, 3},
                                        {7, 0.5, 0.25, 2, 11}};
  const Recommender ten(rules, {.top_n = 10});
  EXPECT_EQ(ten.rules_indexed(), 12u);
  expect_same(recommend(ten, {0, 2}, {0, 2, 6}), all);
  const Recommender three(rules, {.top_n = 3});
  expect_same(recommend(three, {0, 2}, {0, 2, 6}), {all.begin(), all.begin() + 3});
  const Recommender none(rules, {.top_n = 0});
  EXPECT_TRUE(recommend(none, {0, 2}, {0, 2, 6}).empty());
}

// Empty antecedents apply to everyone, also with nothing recent; nothing else does then.
//   rule 0: {} -> 3 (0.5 x 1), rule 1: {} -> 0 (1 x 1), rule 2: {1} -> 2 (1 x 2).
TEST(FpGrowthRecommend, EmptyAntecedentAndEmptyRecent) {
  const Recommender r(rule_set({{{}, {3}, 0.5, 1}, {{}, {0}, 1, 1}, {{1}, {2}, 1, 2}}), {});
  expect_same(recommend(r, {}, {}), {{0, 1, 1, 1, 1}, {3, 0.5, 0.5, 1, 0}});
  expect_same(recommend(r, {}, {0}), {{3, 0.5, 0.5, 1, 0}});
  expect_same(recommend(r, {1}, {0, 1}), {{2, 2, 1, 2, 2}, {3, 0.5, 0.5, 1, 0}});
  // Recent items beyond every rule's ranks, and no rules at all.
  expect_same(recommend(r, {1, 50}, {0, 1, 50}), {{2, 2, 1, 2, 2}, {3, 0.5, 0.5, 1, 0}});
  EXPECT_TRUE(recommend(Recommender(RuleSet{}, {}), {1, 2}, {1, 2}).empty());
}

TEST(FpGrowthRecommend, MatchesBruteForce) {
  std::size_t recommended = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    Rank n_items = 3 + static_cast<Rank>(rng() % 10);
    const RuleSet rules = seed % 2 == 0 ? random_rules(rng, n_items) : mined_rules(seed, n_items);
    const std::uint32_t top_n = static_cast<std::uint32_t>(rng() % 7);
    const Recommender rec(rules, {.top_n = top_n});
    std::vector<Rank> all(n_items);
    for (Rank r = 0; r < n_items; ++r) all[r] = r;
    std::vector<Recommendation> out;  // reused across customers, as a driver would
    for (int customer = 0; customer < 30; ++customer) {
      const std::vector<Rank> bought = random_subset(rng, all, 0.5);
      const std::vector<Rank> recent = random_subset(rng, bought, 0.7);
      rec.recommend(recent, bought, out);
      expect_same(out, brute_recommend(rules, top_n, recent, bought));
      recommended += out.size();
    }
  }
  EXPECT_GT(recommended, 5000u);
}

// Dense data, where the antecedent index matters (mushroom-like: most items in most baskets, so
// most subsets of a customer's items are antecedents, long ones included): random baskets over 14
// items each held with probability 0.5-0.95, their rules from make_rules at a low confidence, and
// customers holding most items, against the same brute force.
TEST(FpGrowthRecommend, MatchesBruteForceOnDenseData) {
  std::size_t rules_seen = 0, longest = 0, recommended = 0;
  for (std::uint64_t seed = 0; seed < 6; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(1000 + seed);
    std::uniform_real_distribution<double> u(0, 1);
    const std::uint32_t n_ids = 14;
    std::vector<double> p(n_ids);
    for (double& x : p) x = 0.5 + 0.45 * u(rng);
    fpt::Baskets b;
    for (int i = 0; i < 60; ++i) {
      std::vector<std::uint32_t> basket;
      for (std::uint32_t id = 0; id < n_ids; ++id) {
        if (u(rng) < p[id]) basket.push_back(id);
      }
      b.add(basket);
    }
    const Count min_count = 24;
    const FList f = make_flist(fpt::item_counts(b), min_count);
    const Itemsets s = mine(fpt::transactions(b, f), {.min_count = min_count}).itemsets;
    const RuleSet rules = make_rules(s, b.total(), {.min_confidence = 0.3, .max_consequent = 2});
    rules_seen += rules.size();
    for (std::size_t i = 0; i < rules.size(); ++i) longest = std::max<std::size_t>(longest, rules.antecedent(i).size());
    const auto n_items = static_cast<Rank>(f.size());
    std::vector<Rank> all(n_items);
    for (Rank r = 0; r < n_items; ++r) all[r] = r;
    for (const std::uint32_t top_n : {1u, 5u, 20u}) {
      const Recommender rec(rules, {.top_n = top_n});
      std::vector<Recommendation> out;
      for (int customer = 0; customer < 40; ++customer) {
        const std::vector<Rank> bought = random_subset(rng, all, 0.8);
        const std::vector<Rank> recent = random_subset(rng, bought, 0.9);
        rec.recommend(recent, bought, out);
        expect_same(out, brute_recommend(rules, top_n, recent, bought));
        recommended += out.size();
      }
    }
  }
  // The data is as dense as meant: many rules, long antecedents, and recommendations made.
  EXPECT_GT(rules_seen, 20000u);
  EXPECT_GE(longest, 5u);
  EXPECT_GT(recommended, 500u);
}

// FPGrowthSuite's six baskets (1 "r z h k p", 2 "z y x w v u t s", 3 "s x o n r", 4 "x z y m t s q
// e", 5 "z", 6 "x z y r q t p") at support 0.5 (3 baskets) and confidence 0.5. Counts: z 5, x 4,
// t y s r 3; t, y, {t, x}, {t, x, y}, {t, x, z} all in baskets 2 4 6. A customer who recently
// bought t and x and once s. The rules with antecedent within {t, x}, from those counts:
//   {t} -> y     conf 3/3, lift 3*6/(3*3) = 2    score 2
//   {t} -> x     conf 1,   lift 1.5              x bought
//   {t} -> z     conf 1,   lift 3*6/(3*5) = 1.2  score 1.2
//   {x} -> z     conf 3/4, lift 3*6/(4*5) = 0.9  score 0.675
//   {x} -> t     conf 3/4, lift 1.5              t bought
//   {x} -> y     conf 3/4, lift 1.5              score 1.125
//   {x} -> s     conf 3/4, lift 1.5              s bought
//   {t, x} -> y  conf 1,   lift 2                score 2, ties {t} -> y
//   {t, x} -> z  conf 1,   lift 1.2              score 1.2, ties {t} -> z
// So y (2) then z (1.2), each from the {t} rule: it comes first in make_rules' order ({t} before
// its extension {t, x} in the canonical order of antecedents).
TEST(FpGrowthRecommend, SparkBaskets) {
  const fpt::Baskets b =
      fpt::letters({"r z h k p", "z y x w v u t s", "s x o n r", "x z y m t s q e", "z", "x z y r q t p"});
  const FList f = make_flist(fpt::item_counts(b), 3);
  const Itemsets s = mine(fpt::transactions(b, f), {.min_count = 3}).itemsets;
  ASSERT_EQ(s.size(), 18u);
  const RuleSet rules = make_rules(s, 6, {.min_confidence = 0.5});
  const auto rank = [&](char c) { return f.rank_of_id[static_cast<std::size_t>(c - 'a')]; };
  const auto ranks = [&](const char* letters) {
    std::vector<Rank> v;
    for (const auto id : ids(letters)) v.push_back(f.rank_of_id[id]);
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto rule_index = [&](const char* antecedent, char consequent) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (std::ranges::equal(rules.antecedent(i), ranks(antecedent)) &&
          rules.consequent(i)[0] == rank(consequent)) {
        return static_cast<std::uint32_t>(i);
      }
    }
    throw std::runtime_error("rule not found");
  };
  EXPECT_LT(rule_index("t", 'y'), rule_index("tx", 'y'));
  const Recommender rec(rules, {});
  const std::vector<Recommendation> want{{rank('y'), 2.0, 1.0, 2.0, rule_index("t", 'y')},
                                         {rank('z'), 18.0 / 15.0, 1.0, 18.0 / 15.0, rule_index("t", 'z')}};
  expect_same(recommend(rec, ranks("tx"), ranks("txs")), want);
}

TEST(FpGrowthRecommend, Errors) {
  const Recommender r(rule_set({{{0}, {1}, 1, 1}}), {});
  std::vector<Recommendation> out;
  EXPECT_THROW(r.recommend(std::vector<Rank>{2, 1}, std::vector<Rank>{1, 2}, out), std::invalid_argument);
  EXPECT_THROW(r.recommend(std::vector<Rank>{1, 1}, std::vector<Rank>{1}, out), std::invalid_argument);
  EXPECT_THROW(r.recommend(std::vector<Rank>{1}, std::vector<Rank>{3, 1}, out), std::invalid_argument);
  EXPECT_THROW(Recommender(rule_set({{{2, 1}, {0}, 1, 1}}), {}), std::invalid_argument);
  EXPECT_THROW(Recommender(rule_set({{{1}, {0}, 1, std::numeric_limits<double>::infinity()}}), {}),
               std::invalid_argument);
}
