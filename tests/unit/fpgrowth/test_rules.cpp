// Association rules against a brute-force reference on random data: every rule X -> Y of every
// frequent itemset enumerated, its counts taken by scanning the baskets, thresholds compared as
// exact fractions and the measures from their textbook definitions in long double; the options
// (multi-item consequents, min lift, top-N per antecedent), the order, independence from the input
// order, the errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>

#include "fpgrowth_test_util.hpp"
#include "kernels/fpgrowth/rules.hpp"

using namespace crmpi::fpgrowth;

namespace {

using Key = std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>;  // antecedent, consequent ids

struct RefRule {
  Count z, x, y;
};

// A threshold as the exact fraction num / den.
struct Fraction {
  Count num, den;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
};

std::map<Key, RefRule> brute_rules(const fpt::Baskets& b, Count min_count, Fraction min_conf,
                                   Fraction min_lift, std::uint32_t max_consequent) {
  std::map<Key, RefRule> out;
  const Count n = b.total();
  for (const auto& [z_ids, z] : fpt::brute_force(b, min_count)) {
    const std::uint32_t zmask = fpt::mask_of(z_ids);
    for (std::uint32_t ymask = zmask; ymask != 0; ymask = (ymask - 1) & zmask) {  // every subset
      if (ymask == zmask) continue;
      if (max_consequent != 0 && static_cast<std::uint32_t>(std::popcount(ymask)) > max_consequent) continue;
      const Count x = fpt::brute_count(b, zmask & ~ymask), y = fpt::brute_count(b, ymask);
      if (z * min_conf.den < min_conf.num * x) continue;
      if (static_cast<long double>(z) * n * min_lift.den < static_cast<long double>(min_lift.num) * x * y) {
        continue;
      }
      out.emplace(Key{fpt::ids_of(zmask & ~ymask), fpt::ids_of(ymask)}, RefRule{z, x, y});
    }
  }
  return out;
}

std::vector<std::uint32_t> ids_of(std::span<const Rank> ranks, const FList& f) {
  std::vector<std::uint32_t> v;
  for (const Rank r : ranks) v.push_back(f.ids[r]);
  std::sort(v.begin(), v.end());
  return v;
}

void expect_close(double got, long double want) {
  EXPECT_NEAR(got, static_cast<double>(want), 1e-12 * static_cast<double>(std::max(1.0L, std::fabs(want))));
}

struct Mined {
  fpt::Baskets baskets;
  Count min_count;
  FList flist;
  Itemsets itemsets;
};
Mined mined(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Mined m;
  m.baskets = fpt::random_baskets(seed, 4 + static_cast<std::uint32_t>(seed % 7),
                                  10 + static_cast<std::uint32_t>(rng() % 40), seed % 2 == 1);
  m.min_count = 1 + rng() % std::max<Count>(1, m.baskets.total() / 4);
  m.flist = make_flist(fpt::item_counts(m.baskets), m.min_count);
  m.itemsets = mine(fpt::transactions(m.baskets, m.flist), {.min_count = m.min_count}).itemsets;
  return m;
}

}  // namespace

TEST(FpGrowthRules, MatchBruteForceOnRandomData) {
  const Fraction confs[] = {{0, 1}, {3, 10}, {11, 20}, {4, 5}, {1, 1}};
  const Fraction lifts[] = {{0, 1}, {1, 1}, {6, 5}};
  std::size_t rules_seen = 0;
  for (std::uint64_t seed = 0; seed < 120; ++seed) {
    SCOPED_TRACE(seed);
    const Mined m = mined(seed);
    const Count n = m.baskets.total();
    const Fraction conf = confs[seed % 5], lift = lifts[seed % 3];
    const std::uint32_t max_consequent = static_cast<std::uint32_t>(seed % 4 == 0 ? 0 : 1 + seed % 3);
    const RuleSet rules = make_rules(
        m.itemsets, n,
        {.min_confidence = conf.value(), .max_consequent = max_consequent, .min_lift = lift.value()});
    const auto want = brute_rules(m.baskets, m.min_count, conf, lift, max_consequent);
    ASSERT_EQ(rules.size(), want.size());
    rules_seen += rules.size();
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const Rule& r = rules.rules[i];
      const auto it =
          want.find(Key{ids_of(rules.antecedent(i), m.flist), ids_of(rules.consequent(i), m.flist)});
      ASSERT_NE(it, want.end());
      const RefRule& w = it->second;
      EXPECT_EQ(r.count, w.z);
      EXPECT_EQ(r.antecedent_count, w.x);
      EXPECT_EQ(r.consequent_count, w.y);
      const long double z = w.z, x = w.x, y = w.y, nn = n;
      const long double confidence = z / x;
      expect_close(r.metrics.support, z / nn);
      expect_close(r.metrics.confidence, confidence);
      expect_close(r.metrics.lift, confidence / (y / nn));
      expect_close(r.metrics.leverage, z / nn - (x / nn) * (y / nn));
      if (w.z == w.x) {
        EXPECT_EQ(r.metrics.conviction, std::numeric_limits<double>::infinity());
      } else {
        expect_close(r.metrics.conviction, (1 - y / nn) / (1 - confidence));
      }
    }
  }
  EXPECT_GT(rules_seen, 1000u);
}

// Antecedents in canonical order; within one, confidence then lift descending, then consequents in
// canonical order. top_per_antecedent keeps the first N of each antecedent's rules.
TEST(FpGrowthRules, OrderAndTopPerAntecedent) {
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    SCOPED_TRACE(seed);
    const Mined m = mined(seed);
    const RuleParams all_params{.min_confidence = 0.2, .max_consequent = 0};
    const RuleSet all = make_rules(m.itemsets, m.baskets.total(), all_params);
    for (std::size_t i = 1; i < all.size(); ++i) {
      const auto &a = all.rules[i - 1].metrics, &b = all.rules[i].metrics;
      ASSERT_FALSE(colex_less(all.antecedent(i), all.antecedent(i - 1)));
      if (!std::ranges::equal(all.antecedent(i), all.antecedent(i - 1))) continue;
      EXPECT_GE(a.confidence, b.confidence);
      if (a.confidence == b.confidence) {
        EXPECT_GE(a.lift, b.lift);
        if (a.lift == b.lift) {
          EXPECT_TRUE(colex_less(all.consequent(i - 1), all.consequent(i)));
        }
      }
    }
    RuleParams top_params = all_params;
    top_params.top_per_antecedent = 2;
    const RuleSet top = make_rules(m.itemsets, m.baskets.total(), top_params);
    std::size_t j = 0, run = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      run = i > 0 && std::ranges::equal(all.antecedent(i), all.antecedent(i - 1)) ? run + 1 : 1;
      if (run > 2) continue;
      ASSERT_LT(j, top.size());
      EXPECT_TRUE(std::ranges::equal(top.antecedent(j), all.antecedent(i)));
      EXPECT_TRUE(std::ranges::equal(top.consequent(j), all.consequent(i)));
      ++j;
    }
    EXPECT_EQ(j, top.size());
  }
}

// The itemsets in another order (as gathered from another partition): the same rules, bit for bit.
TEST(FpGrowthRules, IndependentOfItemsetOrder) {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    SCOPED_TRACE(seed);
    const Mined m = mined(seed);
    std::vector<std::size_t> order(m.itemsets.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
    Itemsets shuffled;
    for (const std::size_t i : order) shuffled.add(m.itemsets[i], m.itemsets.counts[i]);
    const RuleParams p{.min_confidence = 0.1, .max_consequent = 2};
    const RuleSet a = make_rules(m.itemsets, m.baskets.total(), p),
                  b = make_rules(shuffled, m.baskets.total(), p);
    EXPECT_EQ(a.items, b.items);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(std::memcmp(&a.rules[i].metrics, &b.rules[i].metrics, sizeof(RuleMetrics)), 0);
      EXPECT_EQ(a.rules[i].count, b.rules[i].count);
    }
  }
}

// Counts beyond 2^32 (10^10 baskets): the integer products stay exact in 128 bits.
TEST(FpGrowthRules, LargeCounts) {
  const Count n = 10'000'000'000, x = 4'000'000'000, y = 5'000'000'000, z = 3'000'000'000;
  const RuleMetrics m = rule_metrics(n, z, x, y);
  EXPECT_EQ(m.support, 0.3);
  EXPECT_EQ(m.confidence, 0.75);
  EXPECT_EQ(m.lift, 1.5);
  EXPECT_EQ(m.leverage, 0.1);    // (3e19 - 2e19) / 1e20
  EXPECT_EQ(m.conviction, 2.0);  // (5e9 * 4e9) / (1e10 * 1e9)
}

TEST(FpGrowthRules, Errors) {
  Itemsets s;
  s.add(std::vector<Rank>{0}, 4);
  s.add(std::vector<Rank>{0, 1}, 3);  // {1} missing: not a complete set
  EXPECT_THROW(make_rules(s, 5, {.min_confidence = 0}), std::invalid_argument);
  EXPECT_THROW(make_rules(s, 5, {.min_confidence = 1.5}), std::invalid_argument);
  EXPECT_THROW(make_rules(s, 5, {.min_confidence = std::nan("")}), std::invalid_argument);
  EXPECT_THROW(make_rules(s, 5, {.min_lift = -1}), std::invalid_argument);
  EXPECT_THROW(rule_metrics(5, 4, 3, 4), std::invalid_argument);  // z > x
  EXPECT_THROW(rule_metrics(5, 0, 3, 4), std::invalid_argument);
  EXPECT_THROW(rule_metrics(5, 3, 6, 4), std::invalid_argument);  // x > n
  s.add(std::vector<Rank>{1}, 3);
  EXPECT_EQ(make_rules(s, 5, {.min_confidence = 0}).size(), 2u);
}
