// validate() must reject every impossible parameter and say which one.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "kernels/common/errors.hpp"
#include "kernels/generate/params.hpp"

namespace crmpi::gen {
namespace {

TEST(GenerateParams, DefaultsAreValid) { EXPECT_NO_THROW(GeneratorParams{}.validate()); }

struct BadCase {
  const char* name;  // must appear in the error message
  std::function<void(GeneratorParams&)> spoil;
};

TEST(GenerateParams, RejectsEachImpossibleParameter) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<BadCase> cases = {
      {"history_days", [](GeneratorParams& p) { p.history_days = 0; }},
      {"history_days", [](GeneratorParams& p) { p.history_days = -5; }},
      {"as_of_day", [](GeneratorParams& p) { p.as_of_day = std::numeric_limits<std::int32_t>::min(); }},
      {"r", [](GeneratorParams& p) { p.r = 0.0; }},
      {"r", [&](GeneratorParams& p) { p.r = nan; }},
      {"alpha", [](GeneratorParams& p) { p.alpha = -1.0; }},
      {"alpha", [&](GeneratorParams& p) { p.alpha = inf; }},
      {"a", [](GeneratorParams& p) { p.a = 0.0; }},
      {"b", [](GeneratorParams& p) { p.b = -0.1; }},
      {"s", [](GeneratorParams& p) { p.s = 0.0; }},
      {"beta", [&](GeneratorParams& p) { p.beta = inf; }},
      {"pareto_dropout", [](GeneratorParams& p) { p.pareto_dropout = p.personas = true; }},
      {"max_orders_per_customer", [](GeneratorParams& p) { p.max_orders_per_customer = 0; }},
      {"spend_p", [](GeneratorParams& p) { p.spend_p = 0.0; }},
      {"spend_q", [](GeneratorParams& p) { p.spend_q = -2.0; }},
      {"spend_gamma", [](GeneratorParams& p) { p.spend_gamma = 0.0; }},
      {"n_groups", [](GeneratorParams& p) { p.n_groups = 0; }},
      {"n_groups", [](GeneratorParams& p) { p.n_groups = 3; }},
      {"n_products", [](GeneratorParams& p) { p.n_products = 0; }},
      {"n_categories", [](GeneratorParams& p) { p.n_categories = 0; }},
      {"n_categories", [](GeneratorParams& p) { p.n_categories = 2001; }},
      {"zipf_exponent", [](GeneratorParams& p) { p.zipf_exponent = -0.5; }},
      {"favourite_category_boost", [](GeneratorParams& p) { p.favourite_category_boost = 0.0; }},
      {"basket_extra_items_mean", [](GeneratorParams& p) { p.basket_extra_items_mean = -1.0; }},
      {"max_basket_items", [](GeneratorParams& p) { p.max_basket_items = 0; }},
      {"quantity_stop_prob", [](GeneratorParams& p) { p.quantity_stop_prob = 0.0; }},
      {"quantity_stop_prob", [](GeneratorParams& p) { p.quantity_stop_prob = 1.5; }},
      {"n_planted_rules", [](GeneratorParams& p) { p.n_planted_rules = 700; }},
      {"rule_injection_prob", [](GeneratorParams& p) { p.rule_injection_prob = 1.01; }},
      {"rule_injection_prob", [&](GeneratorParams& p) { p.rule_injection_prob = nan; }},
      {"survey_fraction", [](GeneratorParams& p) { p.survey_fraction = -0.01; }},
      {"survey_fraction", [](GeneratorParams& p) { p.survey_fraction = 2.0; }},
  };
  for (const BadCase& c : cases) {
    GeneratorParams p;
    c.spoil(p);
    try {
      p.validate();
      ADD_FAILURE() << "accepted bad " << c.name;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("parameter ") + c.name + " "), std::string::npos)
          << e.what();
      EXPECT_EQ(e.exit_code(), 78);  // EX_CONFIG of <sysexits.h>: configuration error
    }
  }
}

TEST(GenerateParams, BoundaryValuesAreAccepted) {
  GeneratorParams p;
  p.history_days = 1;
  p.survey_fraction = 0.0;
  p.rule_injection_prob = 1.0;
  p.n_groups = 1;
  p.zipf_exponent = 0.0;
  p.basket_extra_items_mean = 0.0;
  p.n_planted_rules = 0;
  p.n_products = 1;
  p.n_categories = 1;
  p.max_basket_items = 1;
  EXPECT_NO_THROW(p.validate());
}

}  // namespace
}  // namespace crmpi::gen
