#include "kernels/generate/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/generate/personas.hpp"
#include "kernels/generate/rng.hpp"

namespace crmpi::gen {

namespace {

// Fisher-Yates with our own unbiased integers (std::shuffle is library-specific).
std::vector<std::uint32_t> seeded_permutation(std::uint32_t n, Rng& rng) {
  std::vector<std::uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0U);
  for (std::uint32_t i = n; i > 1; --i) {
    const auto j = static_cast<std::uint32_t>(rng.below(i));
    std::swap(perm[i - 1], perm[j]);
  }
  return perm;
}

}  // namespace

Catalog::Catalog(const GeneratorParams& params, std::uint64_t seed) {
  params.validate();
  const std::uint32_t n = params.n_products;
  n_categories_ = params.n_categories;

  // Categories: the first n_categories products of a seeded permutation get one category each
  // (no empty category), the rest are uniform, so category sizes vary as in a real catalog.
  {
    Rng rng = Rng::for_catalog(seed, Stream::kCatalogCategories);
    const std::vector<std::uint32_t> perm = seeded_permutation(n, rng);
    category_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t c = i < n_categories_ ? i : rng.below(n_categories_);
      category_[perm[i]] = static_cast<std::uint16_t>(c);
    }
  }

  // Popularity: Zipf weights (rank+1)^-s over a seeded permutation, so popular ids are scattered.
  std::vector<double> base(n);
  {
    Rng rng = Rng::for_catalog(seed, Stream::kCatalogPopularity);
    by_rank_ = seeded_permutation(n, rng);
    for (std::uint32_t k = 0; k < n; ++k) {
      base[by_rank_[k]] = std::pow(static_cast<double>(k) + 1.0, -params.zipf_exponent);
    }
    base_table_ = AliasTable(base);
  }

  // Per-group favourite categories (2 or 3, distinct) and boosted sampling tables. Personas
  // bring their own boost (a focused persona buys fewer categories).
  {
    Rng rng = Rng::for_catalog(seed, Stream::kCatalogFavourites);
    const std::uint32_t n_groups = planted_group_count(params);
    favourites_.resize(n_groups);
    group_tables_.reserve(n_groups);
    std::vector<double> weights(n);
    for (std::uint32_t g = 0; g < n_groups; ++g) {
      const double boost = params.personas ? kPersonas[g].favourite_boost : params.favourite_category_boost;
      const auto wanted = std::min<std::uint64_t>(2 + rng.below(2), n_categories_);
      auto& fav = favourites_[g];
      while (fav.size() < wanted) {
        const auto c = static_cast<std::uint16_t>(rng.below(n_categories_));
        if (std::find(fav.begin(), fav.end(), c) == fav.end()) fav.push_back(c);
      }
      for (std::uint32_t i = 0; i < n; ++i) {
        const bool boosted = std::find(fav.begin(), fav.end(), category_[i]) != fav.end();
        weights[i] = boosted ? base[i] * boost : base[i];
      }
      group_tables_.emplace_back(weights);
    }
  }

  // Planted rules. Antecedents come from the top of the popularity ranking so the rules have
  // enough support to be found: 2-product antecedents (every third rule) take the very top ranks
  // (both items must co-occur), single antecedents the next ranks. Consequents are drawn from the
  // remaining ranks, so they are mostly rare on their own and the rules have high lift.
  {
    Rng rng = Rng::for_catalog(seed, Stream::kCatalogRules);
    const std::uint32_t n_rules = params.n_planted_rules;
    std::uint32_t n_pairs = 0;
    for (std::uint32_t i = 0; i < n_rules; ++i) n_pairs += (i % 3 == 2) ? 1U : 0U;
    std::uint32_t next_pair_rank = 0;
    std::uint32_t next_single_rank = 2 * n_pairs;
    const std::uint32_t first_free_rank = 2 * n_pairs + (n_rules - n_pairs);
    std::vector<bool> used(n, false);
    rules_.resize(n_rules);
    for (std::uint32_t i = 0; i < n_rules; ++i) {
      PlantedRule& rule = rules_[i];
      rule.probability = params.rule_injection_prob;
      if (i % 3 == 2) {
        rule.antecedent_size = 2;
        rule.antecedent = {by_rank_[next_pair_rank], by_rank_[next_pair_rank + 1]};
        next_pair_rank += 2;
      } else {
        rule.antecedent_size = 1;
        rule.antecedent = {by_rank_[next_single_rank], by_rank_[next_single_rank]};
        ++next_single_rank;
      }
      for (std::uint32_t k = 0; k < rule.antecedent_size; ++k) used[rule.antecedent[k]] = true;
    }
    // validate() guarantees n >= 3 * n_rules >= first_free_rank + n_rules, so this terminates.
    for (PlantedRule& rule : rules_) {
      std::uint32_t product;
      do {
        product = by_rank_[first_free_rank + rng.below(n - first_free_rank)];
      } while (used[product]);
      used[product] = true;
      rule.consequent = product;
    }
    rule_by_first_antecedent_.assign(n, -1);
    for (std::uint32_t i = 0; i < n_rules; ++i) {
      rule_by_first_antecedent_[rules_[i].antecedent[0]] = static_cast<std::int32_t>(i);
    }
  }
}

}  // namespace crmpi::gen
