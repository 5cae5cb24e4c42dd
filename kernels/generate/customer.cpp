#include "kernels/generate/customer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

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
  t.signup_day =
      first_possible + static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(params.history_days)));
  t.lambda = gamma(rng, params.r, params.alpha);
  t.p_dropout = params.pareto_dropout ? gamma(rng, params.s, params.beta) : beta(rng, params.a, params.b);
  t.nu = gamma(rng, params.spend_q, params.spend_gamma);
  t.spend_p = params.spend_p;
  const std::uint32_t canonical =
      canonical_group(t.lambda, t.nu, params.r / params.alpha, params.spend_q / params.spend_gamma);
  t.group = group_of_canonical(canonical, params.n_groups);
  t.profile = &profile_of_group(t.group, params.n_groups);
  return t;
}

// Calls on_order(day) for the first order and every repeat order, in day order, each on a day of
// its own. The repeats follow the BG/NBD process over T = (as_of - signup) / 7 weeks, the T the clv
// stage computes (calibration end as_of, time from the first purchase's day), and are laid out on
// days so that the day-level summary the stage fits is the process's own (x, t_x, T) (the same with
// Pareto/NBD's exponential lifetimes, params.pareto_dropout):
//  - x: one day per repeat. The stage counts distinct purchase days, and a Poisson process's times
//    rounded to days would put ~5% of the repeats (the default rates) on a day already taken:
//    merged, they biased every fitted rate (r, alpha ~10% off at 2M customers);
//  - t_x: the last repeat on day 7 t_x rounded down, or up with probability its fraction (unbiased),
//    kept within [x, D] days (x distinct days need x of them; binding only when the last repeat
//    falls within the first purchase's day, or at more than one purchase a day);
//  - the earlier repeats: distinct days drawn uniformly among those before the last (given x and
//    t_x a Poisson process's earlier times are uniform; the likelihoods do not depend on them).
// At most D repeats (one a day). Days come from their own stream, so the number of repeats is the
// purchase stream's alone.
template <class OnOrder>
void draw_order_days(const GeneratorParams& params, const Traits& t, std::uint64_t seed, std::uint64_t index,
                     OnOrder&& on_order) {
  on_order(t.signup_day);
  const std::int32_t window_days = params.as_of_day - t.signup_day;
  if (window_days < 1) return;
  Rng rng = Rng::for_stream(seed, index, Stream::kPurchases);
  const auto max_repeats =
      std::min<std::uint32_t>(params.max_orders_per_customer - 1, static_cast<std::uint32_t>(window_days));
  double last_weeks = 0.0;
  const double window_weeks = static_cast<double>(window_days) / 7.0;
  const auto on_repeat = [&](double t_weeks) { last_weeks = t_weeks; };
  const std::uint32_t repeats =
      params.pareto_dropout
          ? simulate_pareto_repeats(rng, t.lambda, t.p_dropout, window_weeks, max_repeats, on_repeat)
          : simulate_repeat_purchases(rng, t.lambda, t.p_dropout, window_weeks, max_repeats, on_repeat);
  if (repeats == 0) return;
  Rng day_rng = Rng::for_stream(seed, index, Stream::kPurchaseDays);
  const double last_exact = last_weeks * 7.0;
  auto last = static_cast<std::int32_t>(std::floor(last_exact));
  if (day_rng.uniform() < last_exact - std::floor(last_exact)) ++last;
  last = std::clamp(last, static_cast<std::int32_t>(repeats), window_days);
  // repeats - 1 distinct days of [1, last - 1], sorted (Floyd's sampling: one draw per day taken).
  thread_local std::vector<std::int32_t> earlier;
  earlier.clear();
  const auto taken = static_cast<std::int32_t>(repeats) - 1, pool = last - 1;
  for (std::int32_t j = pool - taken + 1; j <= pool; ++j) {
    const auto d = 1 + static_cast<std::int32_t>(day_rng.below(static_cast<std::uint64_t>(j)));  // in [1, j]
    const auto at = std::lower_bound(earlier.begin(), earlier.end(), d);
    if (at != earlier.end() && *at == d) {
      earlier.push_back(j);  // j is above every day taken so far
    } else {
      earlier.insert(at, d);
    }
  }
  for (const std::int32_t d : earlier) on_order(t.signup_day + d);
  on_order(t.signup_day + last);
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
  customer.acquisition_channel =
      static_cast<std::uint8_t>(categorical(traits_rng, profile.acquisition_channel));
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
