// `crmpi generate` options: binding and validation (fills the generator's parameters).
#include "jobs/cli/options.hpp"
#include "jobs/generate/generate_command.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void GenerateConfig::bind(Options& o) {
  auto& p = params;
  o.bind("", "out", out, "output HDF5 file (written atomically)");
  o.bind("", "log-level", log_level, "trace, debug, info, warn, error or off");
  o.bind("generate", "customers", customers, "number of customers");
  o.bind("generate", "seed", seed, "random seed: the same seed gives the same file at any rank count");
  o.bind("generate", "as-of", as_of, "last day of the data (end of the quarter analysed), YYYY-MM-DD");
  o.bind("generate", "currency", currency, "currency code of the amounts");
  o.bind("generate", "chunk-customers", chunk_customers, "customers generated and written per chunk");
  o.bind("generate", "history-days", history_days, "signup days are uniform over this many days before as-of");
  o.bind("generate", "r", p.r, "BG/NBD r: shape of the purchase-rate Gamma (rates per week)");
  o.bind("generate", "alpha", p.alpha, "BG/NBD alpha: rate of the purchase-rate Gamma (weeks)");
  o.bind("generate", "a", p.a, "BG/NBD a: dropout probability Beta(a, b)");
  o.bind("generate", "b", p.b, "BG/NBD b");
  o.bind("generate", "dropout", dropout,
         "bgnbd: dropout after a repeat purchase with p ~ Beta(a, b); pareto: Pareto/NBD, an exponential "
         "lifetime at rate mu ~ Gamma(s, beta) per week");
  o.bind("generate", "s", p.s, "Pareto/NBD s: shape of the dropout-rate Gamma (with --dropout pareto)");
  o.bind("generate", "beta", p.beta, "Pareto/NBD beta: rate of the dropout-rate Gamma (weeks)");
  o.bind("generate", "max-orders", max_orders, "cap on orders per customer");
  o.bind("generate", "spend-p", p.spend_p, "Gamma-Gamma p: shape of the spend per order");
  o.bind("generate", "spend-q", p.spend_q, "Gamma-Gamma q: shape of the customer spend rate");
  o.bind("generate", "spend-gamma", p.spend_gamma, "Gamma-Gamma gamma: rate of the customer spend rate");
  o.bind("generate", "groups", n_groups, "planted customer groups: 1, 2 or 4 (not used with --personas)");
  o.bind("generate", "personas", p.personas,
         "draw customers from the personas of docs/generate.md (own purchase, spend and channel "
         "parameters) instead of one BG/NBD + Gamma-Gamma population");
  o.bind("generate", "products", n_products, "products in the catalogue");
  o.bind("generate", "categories", n_categories, "product categories");
  o.bind("generate", "zipf", p.zipf_exponent, "Zipf exponent of product popularity");
  o.bind("generate", "favourite-boost", p.favourite_category_boost, "weight of a group's favourite categories");
  o.bind("generate", "basket-extra-items", p.basket_extra_items_mean, "basket size = 1 + Poisson(this)");
  o.bind("generate", "max-basket-items", max_basket_items, "cap on distinct products per basket");
  o.bind("generate", "quantity-stop", p.quantity_stop_prob, "P(quantity = 1); quantity = 1 + Geometric");
  o.bind("generate", "planted-rules", n_rules, "planted association rules");
  o.bind("generate", "rule-probability", p.rule_injection_prob, "chance a planted consequent joins its antecedent");
  o.bind("generate", "survey-fraction", p.survey_fraction, "share of customers answering the NPS survey");
}

void GenerateConfig::validate() {
  if (out.empty()) throw ConfigError("--out FILE is required");
  if (customers < 1) throw ConfigError("--customers must be at least 1");
  if (chunk_customers < 1) throw ConfigError("--chunk-customers must be at least 1");
  const auto day = parse_iso_date(as_of);
  if (!day || *day < schema::kMinDay || *day > schema::kMaxDay)
    throw ConfigError("--as-of must be a date YYYY-MM-DD between 1970 and 2169, got '" + as_of + "'");
  if (dropout != "bgnbd" && dropout != "pareto")
    throw ConfigError("--dropout must be bgnbd or pareto, got '" + dropout + "'");
  params.pareto_dropout = dropout == "pareto";
  if (currency.size() != 3) throw ConfigError("--currency must be a 3-letter ISO 4217 code, got '" + currency + "'");
  auto in_range = [](std::int64_t v, std::int64_t lo, std::int64_t hi, const char* name) {
    if (v < lo || v > hi)
      throw ConfigError(std::string("--") + name + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) +
                        ", got " + std::to_string(v));
  };
  in_range(history_days, 1, 36500, "history-days");
  in_range(max_orders, 1, 1'000'000, "max-orders");
  in_range(n_groups, 1, 4, "groups");
  in_range(n_products, 1, 1'000'000, "products");
  in_range(n_categories, 1, 65535, "categories");
  in_range(max_basket_items, 1, 1000, "max-basket-items");
  in_range(n_rules, 0, 10000, "planted-rules");
  if (params.personas) {
    // Each persona brings its own population parameters (docs/generate.md): a population
    // parameter set away from its default would be silently ignored, so it is an error instead.
    const GenerateConfig defaults;
    const auto& d = defaults.params;
    const auto& p = params;
    std::string ignored;
    auto check = [&](bool changed, const char* name) {
      if (changed) ignored += std::string(ignored.empty() ? "" : ", ") + "--" + name;
    };
    check(p.r != d.r, "r");
    check(p.alpha != d.alpha, "alpha");
    check(p.a != d.a, "a");
    check(p.b != d.b, "b");
    check(p.spend_p != d.spend_p, "spend-p");
    check(p.spend_q != d.spend_q, "spend-q");
    check(p.spend_gamma != d.spend_gamma, "spend-gamma");
    check(p.favourite_category_boost != d.favourite_category_boost, "favourite-boost");
    check(n_groups != defaults.n_groups, "groups");
    if (!ignored.empty())
      throw ConfigError("--personas sets each persona's own parameters; " + ignored +
                        " would be ignored (leave them at their defaults)");
  }
  params.as_of_day = *day;
  params.history_days = static_cast<std::int32_t>(history_days);
  params.max_orders_per_customer = static_cast<std::uint32_t>(max_orders);
  params.n_groups = static_cast<std::uint32_t>(n_groups);
  params.n_products = static_cast<std::uint32_t>(n_products);
  params.n_categories = static_cast<std::uint32_t>(n_categories);
  params.max_basket_items = static_cast<std::uint32_t>(max_basket_items);
  params.n_planted_rules = static_cast<std::uint32_t>(n_rules);
  if (*day - params.history_days + 1 < schema::kMinDay) throw ConfigError("--history-days reaches before 1970-01-01");
  params.validate();
}

}  // namespace crmpi
