// rules_job::derive_rules (jobs/rules/derive.hpp): the rule table derived by all ranks together is
// the table fpgrowth::make_rules derives on one rank (itself checked against a brute-force
// reference in tests/unit/fpgrowth/test_rules.cpp), field for field and bit for bit, for random
// baskets and every kind of rule parameter, at 1-4 ranks; a set missing a needed subset is a
// DataError on every rank.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "comm/comm.hpp"
#include "jobs/rules/derive.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/fpgrowth/mine.hpp"
#include "tests/unit/fpgrowth/fpgrowth_test_util.hpp"

namespace crmpi {
namespace {

using fpgrowth::Count;

struct Mined {
  Count baskets = 0;
  fpgrowth::Itemsets itemsets;
};

// The same on every rank: a function of the seed alone.
Mined mined(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto b = fpt::random_baskets(seed, 5 + static_cast<std::uint32_t>(seed % 9),
                                     20 + static_cast<std::uint32_t>(rng() % 60), seed % 2 == 1);
  const Count min_count = 1 + rng() % std::max<Count>(1, b.total() / 5);
  const auto flist = fpgrowth::make_flist(fpt::item_counts(b), min_count);
  return {b.total(), fpgrowth::mine(fpt::transactions(b, flist), {.min_count = min_count}).itemsets};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(DeriveRules, SameTableAsOneRank) {
  Comm comm;
  std::size_t rules_seen = 0;
  for (std::uint64_t seed = 0; seed < 80; ++seed) {
    SCOPED_TRACE(seed);
    const Mined m = mined(seed);
    const fpgrowth::RuleParams p{.min_confidence = static_cast<double>(seed % 5) * 0.2,
                                 .max_consequent = static_cast<std::uint32_t>(seed % 4),
                                 .min_lift = seed % 3 == 0 ? 1.1 : 0.0,
                                 .top_per_antecedent = static_cast<std::uint32_t>(seed % 6 == 0 ? 2 : 0)};
    const fpgrowth::RuleSet want = fpgrowth::make_rules(m.itemsets, m.baskets, p);
    const fpgrowth::RuleSet got = rules_job::derive_rules(comm, m.itemsets, m.baskets, p);
    ASSERT_EQ(got.size(), want.size());
    ASSERT_EQ(got.items, want.items);
    for (std::size_t i = 0; i < got.size(); ++i) {
      const auto &g = got.rules[i], &w = want.rules[i];
      ASSERT_EQ(g.begin, w.begin) << i;
      ASSERT_EQ(g.antecedent_len, w.antecedent_len) << i;
      ASSERT_EQ(g.consequent_len, w.consequent_len) << i;
      ASSERT_EQ(g.count, w.count) << i;
      ASSERT_EQ(g.antecedent_count, w.antecedent_count) << i;
      ASSERT_EQ(g.consequent_count, w.consequent_count) << i;
      for (const auto& [a, b] : {std::pair{g.metrics.support, w.metrics.support},
                                 std::pair{g.metrics.confidence, w.metrics.confidence},
                                 std::pair{g.metrics.lift, w.metrics.lift},
                                 std::pair{g.metrics.leverage, w.metrics.leverage},
                                 std::pair{g.metrics.conviction, w.metrics.conviction}})
        ASSERT_TRUE(same_bits(a, b)) << i;
    }
    rules_seen += got.size();
  }
  EXPECT_GT(rules_seen, 1000u);  // the comparison covered real tables, not empty ones
}

TEST(DeriveRules, MissingSubsetIsADataErrorOnEveryRank) {
  Comm comm;
  Mined m = mined(7);
  // Keep every itemset but one single item that a longer itemset contains.
  fpgrowth::Itemsets broken;
  bool dropped = false;
  for (std::size_t i = 0; i < m.itemsets.size(); ++i) {
    if (!dropped && m.itemsets[i].size() == 1) {
      dropped = true;
      continue;
    }
    broken.add(m.itemsets[i], m.itemsets.counts[i]);
  }
  ASSERT_TRUE(dropped);
  try {
    rules_job::derive_rules(comm, broken, m.baskets, {.min_confidence = 0});
    FAIL() << "a set without a needed subset was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_NE(std::string(e.what()).find("subset"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace crmpi
