// Catalog: seeded determinism, category coverage, Zipf popularity, favourites and planted rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "kernels/generate/catalog.hpp"
#include "kernels/generate/rng.hpp"

namespace crmpi::gen {
namespace {

TEST(GenerateCatalog, SameSeedSameCatalogOtherSeedDiffers) {
  const GeneratorParams p;
  const Catalog a(p, 1);
  const Catalog b(p, 1);
  const Catalog c(p, 2);
  int category_diffs = 0;
  for (std::uint32_t i = 0; i < p.n_products; ++i) {
    EXPECT_EQ(a.category_of(i), b.category_of(i));
    EXPECT_EQ(a.product_at_rank(i), b.product_at_rank(i));
    category_diffs += a.category_of(i) != c.category_of(i) ? 1 : 0;
  }
  // Independent catalogs put a product in the same of 20 categories by chance 1 time in 20:
  // ~1900 of 2000 differ; more than 1000 rules out a seed-independent catalog.
  EXPECT_GT(category_diffs, 1000);
  EXPECT_NE(a.product_at_rank(0), c.product_at_rank(0));
  ASSERT_EQ(a.planted_rules().size(), b.planted_rules().size());
  for (std::size_t r = 0; r < a.planted_rules().size(); ++r) {
    EXPECT_EQ(a.planted_rules()[r].consequent, b.planted_rules()[r].consequent);
  }
}

TEST(GenerateCatalog, EveryCategoryHasProducts) {
  GeneratorParams p;
  p.n_products = 40;
  p.n_categories = 40;
  p.n_planted_rules = 3;
  p.max_basket_items = 5;
  const Catalog c(p, 5);
  std::set<std::uint16_t> seen;
  for (std::uint32_t i = 0; i < p.n_products; ++i) seen.insert(c.category_of(i));
  EXPECT_EQ(seen.size(), 40U);  // n_categories above: no category left empty
}

TEST(GenerateCatalog, ZipfBasePopularityByRank) {
  const GeneratorParams p;
  const Catalog c(p, 3);
  std::set<std::uint32_t> ranked;
  for (std::uint32_t k = 0; k < p.n_products; ++k) ranked.insert(c.product_at_rank(k));
  EXPECT_EQ(ranked.size(), p.n_products);  // a permutation
  for (std::uint32_t k : {0U, 1U, 9U, 99U}) {
    const double ratio = c.base_popularity(c.product_at_rank(k)) / c.base_popularity(c.product_at_rank(k + 1));
    EXPECT_NEAR(ratio, std::pow((k + 2.0) / (k + 1.0), p.zipf_exponent), 1e-9);
  }
}

TEST(GenerateCatalog, FavouriteCategoriesAreBoostedInGroupTables) {
  const GeneratorParams p;
  const Catalog c(p, 4);
  ASSERT_EQ(c.n_groups(), 4U);  // the default n_groups (params.hpp)
  for (std::uint32_t g = 0; g < c.n_groups(); ++g) {
    const auto fav = c.favourite_categories(g);
    EXPECT_GE(fav.size(), 2U);  // "2-3 favourite categories" (catalog.hpp)
    EXPECT_LE(fav.size(), 3U);
    EXPECT_EQ(std::set<std::uint16_t>(fav.begin(), fav.end()).size(), fav.size());
    // Share of draws landing in favourite categories rises versus the base popularity.
    double base_share = 0.0;
    double group_share = 0.0;
    for (std::uint32_t i = 0; i < p.n_products; ++i) {
      if (std::find(fav.begin(), fav.end(), c.category_of(i)) == fav.end()) continue;
      base_share += c.base_popularity(i);
      group_share += c.product_table(g).probability(i);
    }
    // Boosting a set of total weight s by k and renormalising gives it k s / (1 + (k - 1) s).
    const double expected = p.favourite_category_boost * base_share /
                            (1.0 + (p.favourite_category_boost - 1.0) * base_share);
    EXPECT_NEAR(group_share, expected, 1e-9);
  }
}

TEST(GenerateCatalog, PlantedRulesUseDistinctPopularAntecedents) {
  const GeneratorParams p;
  const Catalog c(p, 6);
  const auto rules = c.planted_rules();
  ASSERT_EQ(rules.size(), p.n_planted_rules);
  std::set<std::uint32_t> all;
  std::size_t total = 0;
  std::vector<std::uint32_t> rank_of(p.n_products);
  for (std::uint32_t k = 0; k < p.n_products; ++k) rank_of[c.product_at_rank(k)] = k;
  int pairs = 0;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const PlantedRule& rule = rules[r];
    EXPECT_DOUBLE_EQ(rule.probability, p.rule_injection_prob);
    pairs += rule.antecedent_size == 2 ? 1 : 0;
    for (std::uint32_t k = 0; k < rule.antecedent_size; ++k) {
      all.insert(rule.antecedent[k]);
      ++total;
      EXPECT_LT(rank_of[rule.antecedent[k]], 2 * p.n_planted_rules);
    }
    EXPECT_EQ(c.rule_keyed_by(rule.antecedent[0]), static_cast<std::int32_t>(r));
    all.insert(rule.consequent);
    ++total;
  }
  EXPECT_EQ(pairs, 4);  // every third rule has a 2-product antecedent (params.hpp): 12 default rules / 3
  EXPECT_EQ(all.size(), total);  // no product in two roles or two rules
}

}  // namespace
}  // namespace crmpi::gen
