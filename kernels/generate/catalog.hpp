// The product catalog shared by all customers: categories, Zipf popularity, per-group sampling
// tables (one per planted group or persona) and the planted association rules. Built once per
// process from (params, seed) in O(groups * n_products) time and memory; identical on every rank.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/generate/alias_table.hpp"
#include "kernels/generate/params.hpp"

namespace crmpi::gen {

// Planted truth: when a basket holds every antecedent product, the consequent is added with
// `probability` (unless already present). Products of different rules are all distinct, and no
// consequent is an antecedent, so rules never chain.
struct PlantedRule {
  std::array<std::uint32_t, 2> antecedent{};  // first antecedent_size entries are used
  std::uint32_t antecedent_size = 1;          // 1 or 2
  std::uint32_t consequent = 0;
  double probability = 0.0;
};

class Catalog {
 public:
  // Requires params.validate() to pass (calls it).
  Catalog(const GeneratorParams& params, std::uint64_t seed);

  std::uint32_t n_products() const { return static_cast<std::uint32_t>(category_.size()); }
  std::uint32_t n_categories() const { return n_categories_; }
  std::uint16_t category_of(std::uint32_t product) const { return category_[product]; }
  // Product with popularity rank `rank` (0 = most popular before group boosts).
  std::uint32_t product_at_rank(std::uint32_t rank) const { return by_rank_[rank]; }
  // Base Zipf probability of a product (before group boosts).
  double base_popularity(std::uint32_t product) const { return base_table_.probability(product); }

  std::uint32_t n_groups() const { return static_cast<std::uint32_t>(group_tables_.size()); }
  // The 2-3 favourite categories of a group (fewer if the catalog has fewer categories).
  std::span<const std::uint16_t> favourite_categories(std::uint32_t group) const { return favourites_[group]; }
  // Product sampling table of a group: base popularity x boost of its favourite categories.
  const AliasTable& product_table(std::uint32_t group) const { return group_tables_[group]; }

  std::span<const PlantedRule> planted_rules() const { return rules_; }
  // Index of the rule whose antecedent[0] is `product`, or -1. Used once per basket item.
  std::int32_t rule_keyed_by(std::uint32_t product) const { return rule_by_first_antecedent_[product]; }

 private:
  std::uint32_t n_categories_ = 0;
  std::vector<std::uint16_t> category_;
  std::vector<std::uint32_t> by_rank_;
  AliasTable base_table_;
  std::vector<std::vector<std::uint16_t>> favourites_;
  std::vector<AliasTable> group_tables_;
  std::vector<PlantedRule> rules_;
  std::vector<std::int32_t> rule_by_first_antecedent_;
};

}  // namespace crmpi::gen
