// All knobs of the synthetic data generator, with defaults that give ~1M customers -> ~10M orders.
#pragma once

#include <cstdint>

namespace crmpi::gen {

struct GeneratorParams {
  // --- Time -------------------------------------------------------------------------------------
  std::int32_t as_of_day = 20726;    // days since 1970-01-01; 20726 = 2026-09-30. No data after it.
  std::int32_t history_days = 1095;  // signup (= first purchase) uniform in [as_of-history+1, as_of]

  // --- Purchases: BG/NBD, rates in WEEKS ---------------------------------------------------------
  // lambda ~ Gamma(shape r, rate alpha) repeat purchases per week; p ~ Beta(a, b) dropout chance
  // after each repeat purchase. Defaults (mean lambda 0.33/week, mean p 0.107) give an expected
  // 9.80 orders per customer over the default history (BG/NBD closed form averaged over tenure);
  // measured 9.799 orders and 3.67 items/order over 1M customers (seed 42): 9.80M orders and
  // 36.0M items in 3.2 s on one core (counting pass 2.2 s). GenerateSpeed prints current numbers.
  double r = 1.0;
  double alpha = 3.0;
  double a = 1.2;
  double b = 10.0;
  // Pareto/NBD instead (--dropout pareto): the same purchase rates, and each customer alive for an
  // exponential lifetime from the first purchase, at rate mu ~ Gamma(shape s, rate beta) per week
  // (Schmittlein, Morrison & Colombo 1987). Defaults: mean mu 0.05 (median lifetime ~14 weeks);
  // a and b are then unused.
  bool pareto_dropout = false;
  double s = 1.0;
  double beta = 20.0;
  // Hard cap on orders per customer (first + repeats) so one extreme lambda cannot blow memory.
  // With the defaults it is never reached in 1M customers.
  std::uint32_t max_orders_per_customer = 5000;

  // --- Spend per order: Gamma-Gamma (currency units, CDNOW-like) --------------------------------
  // nu ~ Gamma(shape spend_q, rate spend_gamma) per customer; each order z ~ Gamma(spend_p, nu).
  // Population mean order value = spend_p * spend_gamma / (spend_q - 1) = 30.00 with defaults.
  double spend_p = 6.0;
  double spend_q = 4.0;
  double spend_gamma = 15.0;

  // --- Groups (planted clusters) ----------------------------------------------------------------
  // Derived from the latent traits (never drawn separately), so the population is still exactly
  // BG/NBD + Gamma-Gamma. 4 = frequency tier x spend tier, 2 = frequency tier only, 1 = none.
  std::uint32_t n_groups = 4;
  // Instead of tiers, draw each customer from one of the personas of personas.hpp, which have
  // their own purchase, spend, signup, channel and basket parameters (they replace r, alpha, a,
  // b, spend_p/q/gamma, n_groups and favourite_category_boost). The population is then a mixture.
  bool personas = false;

  // --- Catalog and baskets ----------------------------------------------------------------------
  std::uint32_t n_products = 2000;
  std::uint32_t n_categories = 20;        // <= n_products, <= 65535
  double zipf_exponent = 1.1;             // popularity of rank k ~ k^-s over a seeded permutation
  double favourite_category_boost = 4.0;  // weight multiplier of a group's 2-3 favourite categories
  double basket_extra_items_mean = 2.5;   // basket size = 1 + Poisson(this * group factor)
  std::uint32_t max_basket_items = 32;    // cap on distinct drawn products per basket
  double quantity_stop_prob = 0.8;        // quantity = 1 + Geometric(this): P(quantity = 1) = 0.8

  // --- Planted association rules ----------------------------------------------------------------
  // Antecedent (1 or 2 popular products) -> consequent; when a basket holds the antecedent the
  // consequent is added with rule_injection_prob. Every third rule has a 2-product antecedent.
  std::uint32_t n_planted_rules = 12;
  double rule_injection_prob = 0.6;

  // --- NPS surveys ------------------------------------------------------------------------------
  double survey_fraction = 0.05;  // share of customers answering once, day uniform in tenure

  // Throws crmpi::ConfigError naming the first impossible parameter and why.
  void validate() const;
};

}  // namespace crmpi::gen
