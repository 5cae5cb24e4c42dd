#include "kernels/generate/customer.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/generate/distributions.hpp"
#include "kernels/generate/group_profiles.hpp"
#include "kernels/generate/personas.hpp"
#include "kernels/generate/purchase_process.hpp"
#include "kernels/generate/rng.hpp"

namespace crmpi::gen {

namespace {

struct Traits {
  std::int32_t signup_day;
  double lambda;
  double p_dropout;
  double nu;
  double spend_p;  // shape of an order value given nu
  std::uint32_t group;
  const GroupProfile* profile;
};

// With personas: the persona comes from its own stream (so it is the same whatever else is
// drawn), then the traits stream draws signup day and traits from that persona's distributions.
Traits draw_persona_traits(const GeneratorParams& params, std::uint64_t seed, std::uint64_t index, Rng& rng) {
  Rng persona_rng = Rng::for_stream(seed, index, Stream::kPersona);
  static constexpr auto kWeights = persona_weights();
  const std::uint32_t k = categorical(persona_rng, kWeights);
  const Persona& persona = kPersonas[k];
  Traits t{};
  const std::int32_t first_possible = params.as_of_day - params.history_days + 1;
  const auto days = static_cast<double>(params.history_days);
  // signup_from < 1, so lo <= history_days - 1 and the window [lo, hi) is never empty.
  const auto lo = static_cast<std::int64_t>(std::floor(persona.signup_from * days));
  const auto hi = std::max(lo + 1, static_cast<std::int64_t>(std::floor(persona.signup_to * days)));
  t.signup_day = first_possible + static_cast<std::int32_t>(lo) +
                 static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(hi - lo)));
  t.lambda = gamma(rng, persona.r, persona.alpha);
  t.p_dropout = beta(rng, persona.a, persona.b);
  t.nu = gamma(rng, persona.spend_q, persona.spend_gamma);
  t.spend_p = persona.spend_p;
  t.group = k;
  t.profile = &persona.profile;
  return t;
}

// The first draws of the traits stream; demographics (full pass only) continue the same stream.
Traits draw_traits(const GeneratorParams& params, std::uint64_t seed, std::uint64_t index, Rng& rng) {
  if (params.personas) return draw_persona_traits(params, seed, index, rng);
  Traits t{};
  const std::int32_t first_possible = params.as_of_day - params.history_days + 1;
  t.signup_day = first_possible + static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(params.history_days)));
  t.lambda = gamma(rng, params.r, params.alpha);
  t.p_dropout = beta(rng, params.a, params.b);
  t.nu = gamma(rng, params.spend_q, params.spend_gamma);
  t.spend_p = params.spend_p;
  const std::uint32_t canonical =
      canonical_group(t.lambda, t.nu, params.r / params.alpha, params.spend_q / params.spend_gamma);
  t.group = group_of_canonical(canonical, params.n_groups);
  t.profile = &profile_of_group(t.group, params.n_groups);
  return t;
}

// Calls on_order(day) for the first order and every repeat order, in day order.
template <class OnOrder>
void draw_order_days(const GeneratorParams& params, const Traits& t, std::uint64_t seed, std::uint64_t index,
                     OnOrder&& on_order) {
  on_order(t.signup_day);
  Rng rng = Rng::for_stream(seed, index, Stream::kPurchases);
  // Observation window: a purchase at t weeks lands on day signup + floor(7t) <= as_of.
  const double window_weeks = static_cast<double>(params.as_of_day - t.signup_day + 1) / 7.0;
  simulate_repeat_purchases(rng, t.lambda, t.p_dropout, window_weeks, params.max_orders_per_customer - 1,
                            [&](double t_weeks) {
                              const auto offset = static_cast<std::int32_t>(std::floor(t_weeks * 7.0));
                              on_order(std::min(t.signup_day + offset, params.as_of_day));
                            });
}

bool basket_contains(const std::vector<ItemDraw>& items, std::size_t begin, std::uint32_t product) {
  for (std::size_t k = begin; k < items.size(); ++k) {
    if (items[k].product_id == product) return true;
  }
  return false;
}

// Appends one basket (distinct products) to items and returns its size.
std::uint32_t draw_basket(const GeneratorParams& params, const Catalog& catalog, const AliasTable& table,
                          double extra_items_mean, Rng& rng, std::vector<ItemDraw>& items) {
  const std::size_t begin = items.size();
  const std::uint32_t target = std::min(1 + poisson(rng, extra_items_mean), params.max_basket_items);
  // Distinct products by rejection. Baskets are tiny next to the catalog, so repeats are rare; the
  // attempt cap only matters for catalogs barely larger than a basket (then the basket is smaller).
  const std::uint32_t max_attempts = 20 * target + 100;
  for (std::uint32_t attempt = 0; attempt < max_attempts && items.size() - begin < target; ++attempt) {
    const std::uint32_t product = table.sample(rng);
    if (basket_contains(items, begin, product)) continue;
    items.push_back({product, 1 + geometric(rng, params.quantity_stop_prob)});
  }
  // Planted rules, checked on the drawn products only (consequents are never antecedents).
  const std::size_t drawn_end = items.size();
  for (std::size_t k = begin; k < drawn_end; ++k) {
    const std::int32_t r = catalog.rule_keyed_by(items[k].product_id);
    if (r < 0) continue;
    const PlantedRule& rule = catalog.planted_rules()[static_cast<std::size_t>(r)];
    if (rule.antecedent_size == 2 && !basket_contains(items, begin, rule.antecedent[1])) continue;
    if (rng.uniform() < rule.probability && !basket_contains(items, begin, rule.consequent)) {
      items.push_back({rule.consequent, 1 + geometric(rng, params.quantity_stop_prob)});
    }
  }
  return static_cast<std::uint32_t>(items.size() - begin);
}

}  // namespace

std::uint64_t customer_id_of(std::uint64_t index) {
  return 1'000'000ULL + 3ULL * index + mix64(index ^ 0x5EEDC0DEULL) % 3ULL;
}

void generate_customer(const GeneratorParams& params, const Catalog& catalog, std::uint64_t seed,
                       std::uint64_t index, CustomerDraw& customer, std::vector<OrderDraw>& orders,
                       std::vector<ItemDraw>& items, SurveyDraw& survey) {
  Rng traits_rng = Rng::for_stream(seed, index, Stream::kTraits);
  const Traits t = draw_traits(params, seed, index, traits_rng);
  const GroupProfile& profile = *t.profile;

  customer.customer_id = customer_id_of(index);
  customer.signup_day = t.signup_day;
  customer.group = static_cast<std::uint8_t>(t.group);
  customer.lambda = t.lambda;
  customer.p_dropout = t.p_dropout;
  customer.nu = t.nu;
  customer.region = static_cast<std::uint8_t>(categorical(traits_rng, profile.region));
  customer.acquisition_channel = static_cast<std::uint8_t>(categorical(traits_rng, profile.acquisition_channel));
  customer.age_band = static_cast<std::uint8_t>(categorical(traits_rng, profile.age_band));
  customer.gender = static_cast<std::uint8_t>(categorical(traits_rng, profile.gender));

  Rng spend_rng = Rng::for_stream(seed, index, Stream::kSpend);
  Rng basket_rng = Rng::for_stream(seed, index, Stream::kBaskets);
  const AliasTable& table = catalog.product_table(t.group);
  const double extra_items_mean = params.basket_extra_items_mean * profile.basket_size_factor;
  draw_order_days(params, t, seed, index, [&](std::int32_t day) {
    OrderDraw order;
    order.day = day;
    const double z = gamma(spend_rng, t.spend_p, t.nu);  // Gamma-Gamma: order value
    order.amount_cents = std::max<std::int64_t>(1, std::llround(z * 100.0));
    order.channel = static_cast<std::uint8_t>(categorical(spend_rng, profile.order_channel));
    order.n_items = draw_basket(params, catalog, table, extra_items_mean, basket_rng, items);
    orders.push_back(order);
  });

  Rng survey_rng = Rng::for_stream(seed, index, Stream::kSurvey);
  survey = SurveyDraw{};
  if (survey_rng.uniform() < params.survey_fraction) {
    survey.answered = true;
    const auto tenure_days = static_cast<std::uint64_t>(params.as_of_day - t.signup_day) + 1;
    survey.day = t.signup_day + static_cast<std::int32_t>(survey_rng.below(tenure_days));
    survey.score = static_cast<std::uint8_t>(categorical(survey_rng, profile.nps_score));
  }
}

CustomerCounts count_customer(const GeneratorParams& params, const Catalog& catalog, std::uint64_t seed,
                              std::uint64_t index, std::vector<ItemDraw>& scratch) {
  Rng traits_rng = Rng::for_stream(seed, index, Stream::kTraits);
  const Traits t = draw_traits(params, seed, index, traits_rng);
  const GroupProfile& profile = *t.profile;
  Rng basket_rng = Rng::for_stream(seed, index, Stream::kBaskets);
  const AliasTable& table = catalog.product_table(t.group);
  const double extra_items_mean = params.basket_extra_items_mean * profile.basket_size_factor;
  CustomerCounts counts;
  draw_order_days(params, t, seed, index, [&](std::int32_t) {
    scratch.clear();
    ++counts.orders;
    counts.items += draw_basket(params, catalog, table, extra_items_mean, basket_rng, scratch);
  });
  return counts;
}

}  // namespace crmpi::gen
