#include "kernels/generate/params.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "kernels/common/errors.hpp"

namespace crmpi::gen {

namespace {

void fail(const char* name, const std::string& why) {
  throw ConfigError(std::string("generator parameter ") + name + " " + why);
}

void require_positive(const char* name, double v) {
  if (!std::isfinite(v) || !(v > 0.0)) fail(name, "must be a finite number > 0 (got " + std::to_string(v) + ")");
}

void require_fraction(const char* name, double v) {
  if (!(v >= 0.0 && v <= 1.0)) fail(name, "must lie in [0, 1] (got " + std::to_string(v) + ")");
}

}  // namespace

void GeneratorParams::validate() const {
  if (history_days < 1) fail("history_days", "must be >= 1 (got " + std::to_string(history_days) + ")");
  if (as_of_day < std::numeric_limits<std::int32_t>::min() + history_days) {
    fail("as_of_day", "minus history_days underflows int32");
  }
  require_positive("r", r);
  require_positive("alpha", alpha);
  require_positive("a", a);
  require_positive("b", b);
  require_positive("s", s);
  require_positive("beta", beta);
  if (pareto_dropout && personas) fail("pareto_dropout", "does not apply to personas (each has its own BG/NBD)");
  if (max_orders_per_customer < 1) fail("max_orders_per_customer", "must be >= 1");
  require_positive("spend_p", spend_p);
  require_positive("spend_q", spend_q);
  require_positive("spend_gamma", spend_gamma);
  if (n_groups != 1 && n_groups != 2 && n_groups != 4) {
    fail("n_groups", "must be 1, 2 or 4 (groups are tiers of the latent traits; got " +
                         std::to_string(n_groups) + ")");
  }
  if (n_products < 1) fail("n_products", "must be >= 1");
  if (n_categories < 1) fail("n_categories", "must be >= 1");
  if (n_categories > 65535) fail("n_categories", "must be <= 65535 (stored as uint16)");
  if (n_categories > n_products) fail("n_categories", "must be <= n_products (every category gets a product)");
  if (!std::isfinite(zipf_exponent) || zipf_exponent < 0.0) fail("zipf_exponent", "must be finite and >= 0");
  require_positive("favourite_category_boost", favourite_category_boost);
  if (!std::isfinite(basket_extra_items_mean) || basket_extra_items_mean < 0.0) {
    fail("basket_extra_items_mean", "must be finite and >= 0");
  }
  if (basket_extra_items_mean > 1000.0) fail("basket_extra_items_mean", "must be <= 1000");
  if (max_basket_items < 1) fail("max_basket_items", "must be >= 1");
  if (max_basket_items > n_products) fail("max_basket_items", "must be <= n_products (items are distinct)");
  if (!(quantity_stop_prob > 0.0 && quantity_stop_prob <= 1.0)) {
    fail("quantity_stop_prob", "must lie in (0, 1]");
  }
  if (n_planted_rules > 0 && n_products < 3 * static_cast<std::uint64_t>(n_planted_rules)) {
    fail("n_planted_rules", "needs n_products >= 3 * n_planted_rules (rules use distinct products)");
  }
  require_fraction("rule_injection_prob", rule_injection_prob);
  require_fraction("survey_fraction", survey_fraction);
}

}  // namespace crmpi::gen
