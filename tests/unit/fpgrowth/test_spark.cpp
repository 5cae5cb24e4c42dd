// Spark MLlib's own test cases, end to end through the kernels (F-list, ranks, mining whole and
// per group, rules). Expected values from apache/spark
// mllib/src/test/scala/org/apache/spark/mllib/fpm/FPGrowthSuite.scala ("FP-Growth using String
// type", "FP-Growth using Int type"; Spark checked them against R arules' eclat) and
// mllib/src/test/scala/org/apache/spark/mllib/fpm/AssociationRulesSuite.scala (checked there
// against arules' apriori). Spark's minimum count is ceil(minSupport x baskets).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fpgrowth_test_util.hpp"
#include "kernels/fpgrowth/groups.hpp"
#include "kernels/fpgrowth/rules.hpp"

using namespace crmpi::fpgrowth;

namespace {

Count spark_min_count(double support, Count baskets) {
  return static_cast<Count>(std::ceil(support * static_cast<double>(baskets)));
}

const fpt::Baskets& string_baskets() {
  static const fpt::Baskets b =
      fpt::letters({"r z h k p", "z y x w v u t s", "s x o n r", "x z y m t s q e", "z", "x z y r q t p"});
  return b;
}

fpt::Baskets int_baskets() {
  fpt::Baskets b;
  for (const auto& ids : std::vector<std::vector<std::uint32_t>>{
           {1, 2, 3}, {1, 2, 3, 4}, {5, 4, 3, 2, 1}, {6, 5, 4, 3, 2, 1}, {2, 4}, {1, 3}, {1, 7}}) {
    b.add(ids);
  }
  return b;
}

// Mines at Spark's minimum count for `support`, whole and split into `groups` groups the way Spark
// partitions (rank modulo the number of partitions), and checks that both agree.
struct Mined {
  FList flist;
  Itemsets itemsets;
};
Mined mine_at(const fpt::Baskets& b, double support, std::uint32_t groups) {
  const Count min_count = spark_min_count(support, b.total());
  Mined m{make_flist(fpt::item_counts(b), min_count), {}};
  const Transactions t = fpt::transactions(b, m.flist);
  m.itemsets = mine(t, {.min_count = min_count}).itemsets;

  std::vector<std::uint32_t> group_of_rank(m.flist.size());
  for (std::size_t r = 0; r < group_of_rank.size(); ++r) {
    group_of_rank[r] = static_cast<std::uint32_t>(r % groups);
  }
  GroupSplitter split(group_of_rank, groups);
  std::vector<Transactions> per_group(groups);
  for (std::size_t i = 0; i < t.size(); ++i) {
    for (const GroupPrefix& p : split.split(t[i])) per_group[p.group].add(t[i].first(p.length), t.weights[i]);
  }
  Itemsets grouped;
  for (std::uint32_t g = 0; g < groups; ++g) {
    grouped.append(mine_group(per_group[g], {.min_count = min_count}, group_of_rank, g).itemsets);
  }
  sort_canonical(grouped);
  EXPECT_EQ(grouped.items, m.itemsets.items);
  EXPECT_EQ(grouped.counts, m.itemsets.counts);
  return m;
}

std::vector<std::uint32_t> ids(const char* letters) {
  std::vector<std::uint32_t> v;
  for (const char* c = letters; *c != 0; ++c) v.push_back(static_cast<std::uint32_t>(*c - 'a'));
  std::sort(v.begin(), v.end());
  return v;
}

// FPGrowthSuite's `expected` at support 0.5, the input of AssociationRulesSuite.
fpt::IdSets spark_expected_half() {
  const char* const sets[] = {"s",  "z",  "x",  "t",  "y",   "r",   "xz",  "ty",  "tx",
                              "sx", "yx", "yz", "tz", "yxz", "txz", "tyz", "tyx", "tyxz"};
  const Count counts[] = {3, 5, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
  fpt::IdSets e;
  for (std::size_t i = 0; i < std::size(sets); ++i) e.emplace(ids(sets[i]), counts[i]);
  return e;
}

}  // namespace

TEST(FpGrowthSpark, StringTypeCounts) {
  EXPECT_EQ(mine_at(string_baskets(), 0.9, 1).itemsets.size(), 0u);
  EXPECT_EQ(mine_at(string_baskets(), 0.5, 2).itemsets.size(), 18u);
  EXPECT_EQ(mine_at(string_baskets(), 0.3, 4).itemsets.size(), 54u);
  EXPECT_EQ(mine_at(string_baskets(), 0.1, 8).itemsets.size(), 625u);
}

TEST(FpGrowthSpark, StringTypeItemsetsAtHalf) {
  const Mined m = mine_at(string_baskets(), 0.5, 2);
  EXPECT_EQ(fpt::as_ids(m.itemsets, m.flist), spark_expected_half());
  // The F-list: z (5), x (4), then r s t y (3 each) by id.
  const std::vector<std::uint32_t> flist{'z' - 'a', 'x' - 'a', 'r' - 'a', 's' - 'a', 't' - 'a', 'y' - 'a'};
  EXPECT_EQ(m.flist.ids, flist);
}

TEST(FpGrowthSpark, IntTypeCounts) {
  EXPECT_EQ(mine_at(int_baskets(), 0.9, 1).itemsets.size(), 0u);
  const Mined half = mine_at(int_baskets(), 0.5, 2);
  const fpt::IdSets expected{{{1}, 6},    {{2}, 5},    {{3}, 5},    {{4}, 4},      {{1, 2}, 4},
                             {{1, 3}, 5}, {{2, 3}, 4}, {{2, 4}, 4}, {{1, 2, 3}, 4}};
  EXPECT_EQ(fpt::as_ids(half.itemsets, half.flist), expected);
  EXPECT_EQ(mine_at(int_baskets(), 0.3, 4).itemsets.size(), 15u);
  EXPECT_EQ(mine_at(int_baskets(), 0.1, 8).itemsets.size(), 65u);
}

// AssociationRulesSuite: from the 18 itemsets, 23 rules at confidence >= 0.9 (all of confidence
// 1), and 30 at confidence >= 0 (23 of them of confidence 1); single-item consequents.
TEST(FpGrowthSpark, AssociationRuleCounts) {
  const Mined m = mine_at(string_baskets(), 0.5, 2);
  const RuleSet strict = make_rules(m.itemsets, 6, {.min_confidence = 0.9});
  EXPECT_EQ(strict.size(), 23u);
  for (const Rule& r : strict.rules) EXPECT_EQ(r.metrics.confidence, 1.0);
  const RuleSet all = make_rules(m.itemsets, 6, {.min_confidence = 0});
  EXPECT_EQ(all.size(), 30u);
  EXPECT_EQ(std::count_if(all.rules.begin(), all.rules.end(),
                          [](const Rule& r) { return r.metrics.confidence == 1.0; }),
            23);
}

// A few rules by hand count over the six baskets (1 "r z h k p", 2 "z y x w v u t s", 3 "s x o n
// r", 4 "x z y m t s q e", 5 "z", 6 "x z y r q t p"): x in 2 3 4 6 (4), z in 1 2 4 5 6 (5), x and z
// in 2 4 6 (3); t, y and {t, y} in 2 4 6 (3); s in 2 3 4 (3), {s, x} in 2 3 4 (3).
TEST(FpGrowthSpark, RuleMeasuresByHand) {
  const Mined m = mine_at(string_baskets(), 0.5, 2);
  const RuleSet all = make_rules(m.itemsets, 6, {.min_confidence = 0});
  const auto find = [&](const char* a, const char* c) -> const Rule& {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all.antecedent(i).size() == 1 && all.consequent(i).size() == 1 &&
          m.flist.ids[all.antecedent(i)[0]] == ids(a)[0] && m.flist.ids[all.consequent(i)[0]] == ids(c)[0]) {
        return all.rules[i];
      }
    }
    throw std::runtime_error("rule not found");
  };
  const double inf = std::numeric_limits<double>::infinity();
  // {x} -> {z}: confidence 3/4, lift 3*6/(4*5), leverage (3*6 - 4*5)/36, conviction (6-5)*4/(6*(4-3)).
  const Rule& xz = find("x", "z");
  EXPECT_EQ(xz.count, 3u);
  EXPECT_EQ(xz.antecedent_count, 4u);
  EXPECT_EQ(xz.consequent_count, 5u);
  EXPECT_EQ(xz.metrics.support, 0.5);
  EXPECT_EQ(xz.metrics.confidence, 0.75);
  EXPECT_EQ(xz.metrics.lift, 18.0 / 20.0);
  EXPECT_EQ(xz.metrics.leverage, -2.0 / 36.0);
  EXPECT_EQ(xz.metrics.conviction, 4.0 / 6.0);
  // {z} -> {x}: confidence 3/5, lift 0.9 again, conviction (6-4)*5/(6*(5-3)).
  const Rule& zx = find("z", "x");
  EXPECT_EQ(zx.metrics.confidence, 0.6);
  EXPECT_EQ(zx.metrics.lift, 18.0 / 20.0);
  EXPECT_EQ(zx.metrics.conviction, 10.0 / 12.0);
  // {t} -> {y}: confidence 1, lift 3*6/(3*3) = 2, leverage (18 - 9)/36, conviction infinite.
  const Rule& ty = find("t", "y");
  EXPECT_EQ(ty.metrics.confidence, 1.0);
  EXPECT_EQ(ty.metrics.lift, 2.0);
  EXPECT_EQ(ty.metrics.leverage, 0.25);
  EXPECT_EQ(ty.metrics.conviction, inf);
  // {s} -> {x}: confidence 1, lift 3*6/(3*4) = 1.5, leverage (18 - 12)/36.
  const Rule& sx = find("s", "x");
  EXPECT_EQ(sx.metrics.lift, 1.5);
  EXPECT_EQ(sx.metrics.leverage, 6.0 / 36.0);
  EXPECT_EQ(sx.metrics.conviction, inf);
}
