// Personas (--personas): each customer's persona is a keyed draw, and its traits, signup day and
// order channels follow that persona's parameters. Statistical expectations are the closed-form
// moments of the persona's distributions (Gamma(shape k, rate t): mean k/t, variance k/t^2;
// Beta(a, b): mean a/(a+b), variance ab/((a+b)^2 (a+b+1))), with tolerances from the central
// limit theorem. Exact pins (persona counts, favourite categories, whole records) are recomputed
// by the independent Python generator: `/usr/bin/python3 tests/unit/generate/reference_generator.py`.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/generate/catalog.hpp"
#include "kernels/generate/customer.hpp"
#include "kernels/generate/dictionaries.hpp"
#include "kernels/generate/personas.hpp"

namespace crmpi::gen {
namespace {

// 5 standard errors: with the ~40 comparisons below, a false alarm has odds of about 1e-5.
constexpr double kZ = 5.0;

GeneratorParams persona_params() {
  GeneratorParams p;
  p.personas = true;
  p.history_days = 56;  // short histories keep the weekly personas' order lists small
  return p;
}

struct Moments {
  double mean, variance;
};
Moments gamma_moments(double shape, double rate) { return {shape / rate, shape / (rate * rate)}; }
Moments beta_moments(double a, double b) { return {a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1.0))}; }

struct Sum {
  double n = 0, sum = 0;
  void add(double x) {
    n += 1;
    sum += x;
  }
  double mean() const { return sum / n; }
};

void expect_mean(const Sum& s, Moments m, const char* what, std::uint32_t persona) {
  const double tolerance = kZ * std::sqrt(m.variance / s.n);
  EXPECT_NEAR(s.mean(), m.mean, tolerance) << what << " of persona " << kPersonas[persona].name << " (n = " << s.n
                                           << ")";
}

TEST(GeneratePersonas, TableIsUsable) {
  double total = 0.0;
  for (const Persona& p : kPersonas) {
    total += p.weight;
    EXPECT_GT(p.weight, 0.0) << p.name;
    EXPECT_GT(p.spend_q, 1.0) << p.name << ": the mean order value needs spend_q > 1";
    EXPECT_GE(p.signup_from, 0.0) << p.name;
    EXPECT_LT(p.signup_from, 1.0) << p.name;
    EXPECT_GT(p.signup_to, p.signup_from) << p.name;
    EXPECT_LE(p.signup_to, 1.0) << p.name;
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  for (const Persona& p : kPersonas) {
    double channels = 0.0;
    for (const double w : p.profile.order_channel) channels += w;
    EXPECT_EQ(channels, 100.0) << p.name << ": order-channel weights are percentages";
    const auto shares = persona_channel_shares(p);
    for (std::size_t c = 0; c < shares.size(); ++c) EXPECT_EQ(shares[c], p.profile.order_channel[c] / 100.0);
  }
  // The documented mean order values (docs/generate.md): p * gamma / (q - 1) = 8 * gamma / 29.
  const std::array<double, kPersonaCount> mean_order_value = {24.0, 60.0, 12.0, 250.0, 40.0};
  for (std::uint32_t k = 0; k < kPersonaCount; ++k) {
    EXPECT_DOUBLE_EQ(persona_mean_order_value(kPersonas[k]), mean_order_value[k]) << kPersonas[k].name;
  }
  GeneratorParams params;
  params.personas = true;
  EXPECT_EQ(planted_group_count(params), kPersonas.size());
  const Catalog catalog(params, 5);
  EXPECT_EQ(catalog.n_groups(), kPersonas.size());  // one product table per persona
}

// Over 60000 customers, each persona's latent traits and signup days follow its parameters.
TEST(GeneratePersonas, TraitsFollowTheirPersona) {
  const GeneratorParams params = persona_params();
  const Catalog catalog(params, 7);
  std::array<Sum, kPersonaCount> lambda, p_dropout, nu;
  CustomerDraw c;
  SurveyDraw survey;
  std::vector<OrderDraw> orders;
  std::vector<ItemDraw> items;
  const std::int32_t first_day = params.as_of_day - params.history_days + 1;
  for (std::uint64_t i = 0; i < 60000; ++i) {
    orders.clear();
    items.clear();
    generate_customer(params, catalog, 7, i, c, orders, items, survey);
    ASSERT_LT(c.group, kPersonaCount);
    const Persona& persona = kPersonas[c.group];
    // The signup window of personas.hpp, in whole days: [floor(from * H), max(lo + 1, floor(to * H))).
    const auto lo = static_cast<std::int32_t>(std::floor(persona.signup_from * params.history_days));
    const auto hi = std::max(lo + 1, static_cast<std::int32_t>(std::floor(persona.signup_to * params.history_days)));
    ASSERT_GE(c.signup_day, first_day + lo) << persona.name;
    ASSERT_LT(c.signup_day, first_day + hi) << persona.name;
    lambda[c.group].add(c.lambda);
    p_dropout[c.group].add(c.p_dropout);
    nu[c.group].add(c.nu);
  }
  for (std::uint32_t k = 0; k < kPersonaCount; ++k) {
    const Persona& p = kPersonas[k];
    ASSERT_GT(lambda[k].n, 1000) << p.name;
    expect_mean(lambda[k], gamma_moments(p.r, p.alpha), "lambda", k);
    expect_mean(p_dropout[k], beta_moments(p.a, p.b), "p_dropout", k);
    expect_mean(nu[k], gamma_moments(p.spend_q, p.spend_gamma), "nu", k);
  }
}

// Each order's channel is a categorical draw from its persona's order_channel weights: each
// channel's count is Binomial(orders, weight / sum of weights).
TEST(GeneratePersonas, OrderChannelsFollowTheirPersona) {
  const GeneratorParams params = persona_params();
  const Catalog catalog(params, 8);
  std::array<std::array<double, kChannelNames.size()>, kPersonaCount> count{};
  std::array<double, kPersonaCount> n_orders{};
  CustomerDraw c;
  SurveyDraw survey;
  std::vector<OrderDraw> orders;
  std::vector<ItemDraw> items;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    orders.clear();
    items.clear();
    generate_customer(params, catalog, 8, i, c, orders, items, survey);
    for (const OrderDraw& o : orders) {
      count[c.group][o.channel] += 1;
      n_orders[c.group] += 1;
    }
  }
  for (std::uint32_t k = 0; k < kPersonaCount; ++k) {
    const auto& w = kPersonas[k].profile.order_channel;
    double total = 0.0;
    for (double x : w) total += x;
    for (std::size_t ch = 0; ch < w.size(); ++ch) {
      const double q = w[ch] / total;
      const double n = n_orders[k];
      EXPECT_NEAR(count[k][ch], n * q, kZ * std::sqrt(n * q * (1.0 - q)))
          << kPersonas[k].name << ", channel " << kChannelNames[ch] << " (" << n << " orders)";
    }
  }
}

// Persona counts over N customers are Binomial(N, weight).
TEST(GeneratePersonas, FrequenciesMatchTheMixtureWeights) {
  GeneratorParams params = persona_params();
  params.history_days = 7;
  const Catalog catalog(params, 9);
  constexpr std::uint64_t kN = 100000;
  std::array<double, kPersonaCount> count{};
  CustomerDraw c;
  SurveyDraw survey;
  std::vector<OrderDraw> orders;
  std::vector<ItemDraw> items;
  for (std::uint64_t i = 0; i < kN; ++i) {
    orders.clear();
    items.clear();
    generate_customer(params, catalog, 9, i, c, orders, items, survey);
    count[c.group] += 1;
  }
  for (std::uint32_t k = 0; k < kPersonaCount; ++k) {
    const double w = kPersonas[k].weight;
    EXPECT_NEAR(count[k], kN * w, kZ * std::sqrt(kN * w * (1.0 - w))) << kPersonas[k].name;
  }
}

// The persona is a function of (seed, index) alone: generating customers in another order, or
// with other basket settings (other streams), gives every index the same persona and traits.
TEST(GeneratePersonas, PersonaDependsOnlyOnSeedAndIndex) {
  const GeneratorParams params = persona_params();
  GeneratorParams other_baskets = params;
  other_baskets.basket_extra_items_mean = 7.0;
  other_baskets.n_planted_rules = 2;
  const Catalog catalog(params, 21);
  const Catalog other_catalog(other_baskets, 21);
  constexpr std::uint64_t kN = 2000;
  std::vector<CustomerDraw> forward(kN);
  CustomerDraw c;
  SurveyDraw survey;
  std::vector<OrderDraw> orders;
  std::vector<ItemDraw> items;
  for (std::uint64_t i = 0; i < kN; ++i) generate_customer(params, catalog, 21, i, forward[i], orders, items, survey);
  int differs_from_other_seed = 0;
  for (std::uint64_t i = kN; i-- > 0;) {
    generate_customer(other_baskets, other_catalog, 21, i, c, orders, items, survey);
    ASSERT_EQ(c.group, forward[i].group) << i;
    ASSERT_EQ(c.lambda, forward[i].lambda) << i;
    ASSERT_EQ(c.signup_day, forward[i].signup_day) << i;
    generate_customer(params, catalog, 22, i, c, orders, items, survey);
    differs_from_other_seed += c.group != forward[i].group ? 1 : 0;
  }
  // Another seed redraws the personas: with the weights of personas.hpp two independent draws
  // agree with probability sum(w^2) = 0.225, so about 1550 of 2000 differ.
  EXPECT_GT(differs_from_other_seed, 1400);
}

// Persona counts of customer indices 0..9999 with seed 42, and the favourite categories the
// catalog draws per persona for seed 42, as the Python reference generator computes them
// (expected from the weights: 2000, 3000, 2500, 1000, 1500).
TEST(GeneratePersonas, PinnedCountsForSeed42) {
  GeneratorParams params = persona_params();
  params.history_days = 7;
  const Catalog catalog(params, 42);
  std::array<int, kPersonaCount> count{};
  CustomerDraw c;
  SurveyDraw survey;
  std::vector<OrderDraw> orders;
  std::vector<ItemDraw> items;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    orders.clear();
    items.clear();
    generate_customer(params, catalog, 42, i, c, orders, items, survey);
    ++count[c.group];
  }
  EXPECT_EQ(count, (std::array<int, kPersonaCount>{2020, 2975, 2488, 1059, 1458}));

  const std::vector<std::vector<std::uint16_t>> favourites = {{16, 13, 12}, {13, 9}, {6, 19, 9}, {8, 6, 10}, {13, 6, 3}};
  ASSERT_EQ(catalog.n_groups(), kPersonaCount);
  for (std::uint32_t k = 0; k < kPersonaCount; ++k) {
    const auto fav = catalog.favourite_categories(k);
    EXPECT_EQ(std::vector<std::uint16_t>(fav.begin(), fav.end()), favourites[k]) << kPersonas[k].name;
  }
}

// The first customer of each persona with seed 42 and the default history, record by record as
// the Python reference generator prints it: a failure means files generated with --personas changed.
TEST(GeneratePersonas, PinnedRecordsForSeed42) {
  GeneratorParams params;
  params.personas = true;
  const Catalog catalog(params, 42);
  struct Pin {
    std::uint64_t index, customer_id;
    std::int32_t signup_day;
    std::uint8_t group;
    std::size_t orders, items;
    std::int64_t first_amount_cents;
    std::int32_t last_order_day;
    std::array<int, kChannelNames.size()> orders_per_channel;
  };
  const Pin pins[] = {
      {9, 1000027, 19802, 0, 156, 854, 1456, 20726, {3, 145, 5, 3}},
      {0, 1000001, 19904, 1, 27, 105, 5124, 20726, {23, 1, 2, 1}},
      {2, 1000007, 19698, 2, 2, 4, 665, 20691, {0, 0, 2, 0}},
      {4, 1000013, 19925, 3, 6, 14, 12805, 19979, {0, 0, 0, 6}},
      {1, 1000003, 20667, 4, 10, 42, 3578, 20702, {3, 7, 0, 0}},
  };
  for (const Pin& pin : pins) {
    CustomerDraw c;
    SurveyDraw survey;
    std::vector<OrderDraw> orders;
    std::vector<ItemDraw> items;
    generate_customer(params, catalog, 42, pin.index, c, orders, items, survey);
    EXPECT_EQ(c.customer_id, pin.customer_id) << pin.index;
    EXPECT_EQ(c.signup_day, pin.signup_day) << pin.index;
    EXPECT_EQ(c.group, pin.group) << pin.index;
    ASSERT_EQ(orders.size(), pin.orders) << pin.index;
    EXPECT_EQ(items.size(), pin.items) << pin.index;
    EXPECT_EQ(orders.front().amount_cents, pin.first_amount_cents) << pin.index;
    EXPECT_EQ(orders.front().day, pin.signup_day) << pin.index;
    EXPECT_EQ(orders.back().day, pin.last_order_day) << pin.index;
    std::array<int, kChannelNames.size()> per_channel{};
    for (const OrderDraw& o : orders) ++per_channel[o.channel];
    EXPECT_EQ(per_channel, pin.orders_per_channel) << pin.index;
    // The counting pass agrees with the full pass.
    std::vector<ItemDraw> scratch;
    const CustomerCounts counts = count_customer(params, catalog, 42, pin.index, scratch);
    EXPECT_EQ(counts.orders, pin.orders) << pin.index;
    EXPECT_EQ(counts.items, pin.items) << pin.index;
  }
}

// Without --personas nothing of the persona machinery is used: the groups stay the tiers.
TEST(GeneratePersonas, OffByDefault) {
  const GeneratorParams params;
  EXPECT_FALSE(params.personas);
  EXPECT_EQ(planted_group_count(params), params.n_groups);
}

}  // namespace
}  // namespace crmpi::gen
