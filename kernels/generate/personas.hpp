// Personas (`crmpi generate --personas`, docs/generate.md "Personas"): customer groups that differ
// in the behaviour a clustering of order histories sees, not only in hidden traits.
//
// The default groups are tiers cut out of one continuous BG/NBD + Gamma-Gamma population, so no
// clustering can recover them. A persona instead has its own purchase-rate, dropout and spend
// distributions, its own signup window, order-channel mix, basket size and category focus, so
// the personas form separate clouds in the features a k-means stage uses (log(1 + monetary),
// log(frequency), recency, tenure, average order value, category diversity, order-channel
// shares). The population is then a mixture of personas and no longer one BG/NBD + Gamma-Gamma
// population (the /truth attributes say so and carry no population-level parameters).
//
// A customer's persona is a categorical draw with the mixture weights from its own stream
// (Stream::kPersona, keyed by seed and customer index like every other draw; the customer id is a
// bijection of the index), so it does not depend on ranks, chunking or any other setting.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "kernels/generate/dictionaries.hpp"
#include "kernels/generate/group_profiles.hpp"
#include "kernels/generate/params.hpp"

namespace crmpi::gen {

struct Persona {
  std::string_view name;
  double weight;  // mixture weight; the table's weights sum to 1
  // BG/NBD in weeks: lambda ~ Gamma(shape r, rate alpha), p ~ Beta(a, b).
  double r, alpha, a, b;
  // Gamma-Gamma: nu ~ Gamma(shape spend_q, rate spend_gamma), order value ~ Gamma(spend_p, nu);
  // mean order value spend_p * spend_gamma / (spend_q - 1).
  double spend_p, spend_q, spend_gamma;
  // Signup day uniform over this part of the history window (0 = its first day, 1 = as-of):
  // days [floor(signup_from * H), max(lo + 1, floor(signup_to * H))) after its first day.
  double signup_from, signup_to;
  double favourite_boost;  // replaces favourite_category_boost: the higher, the fewer categories
  GroupProfile profile;    // demographics, order-channel mix (weights summing to 100), NPS, basket size
};

// Every spend_q is 30, so a customer's mean order value stays within about +-20% of its persona's
// (the Gamma(q) coefficient of variation is 1/sqrt(q)) and spend_p = 8 keeps single orders within
// about +-35% (1/sqrt(p)); the persona means 12 .. 250 hardly overlap. Each order-channel mix puts
// 92-97% of a persona's orders on a channel no other persona favours, except the new enthusiasts
// (app and web, told apart by their short tenure). Signup windows keep the lapsed big spenders
// old enough to have lapsed, the new enthusiasts new (the last 8% of the history) and everyone
// else at least 15% of the history old. Retuning: tests/e2e/generate/personas_e2e.py measures
// how well k-means recovers the personas (docs/generate.md gives the numbers).
inline constexpr std::array<Persona, 5> kPersonas = {{
    // Buys about weekly for years, mid-sized everyday orders on the app across many categories.
    {"weekly loyal", 0.20, 16.0, 16.0, 1.0, 499.0, 8.0, 30.0, 87.0, 0.0, 0.75, 1.5,
     {{20, 20, 20, 20, 15, 5}, {15, 60, 5, 20}, {10, 30, 30, 20, 7, 3}, {55, 40, 5}, {3, 92, 3, 2},
      {0.2, 0.2, 0.5, 1, 1, 2, 3, 7, 15, 30, 40}, 1.6}},
    // About monthly on the web, mid-sized orders.
    {"monthly regular", 0.30, 16.0, 64.0, 1.0, 149.0, 8.0, 30.0, 217.5, 0.0, 0.75, 4.0,
     {{15, 15, 20, 20, 20, 10}, {55, 15, 10, 20}, {5, 20, 25, 25, 15, 10}, {50, 45, 5}, {92, 4, 2, 2},
      {1, 1, 1, 2, 3, 5, 8, 20, 25, 20, 14}, 1.0}},
    // One small, cheap marketplace order in a favourite category, rarely a second.
    {"one-off bargain hunter", 0.25, 1.0, 500.0, 9.0, 1.0, 8.0, 30.0, 43.5, 0.0, 0.85, 12.0,
     {{10, 30, 25, 10, 15, 10}, {10, 10, 70, 10}, {35, 35, 15, 8, 5, 2}, {35, 55, 10}, {1, 1, 97, 1},
      {6, 5, 7, 9, 10, 12, 13, 14, 11, 8, 5}, 0.3}},
    // A burst of large store orders long ago (dropout 0.3 per repeat order), then gone.
    {"lapsed big spender", 0.10, 16.0, 32.0, 30.0, 70.0, 8.0, 30.0, 906.25, 0.0, 0.6, 6.0,
     {{15, 10, 10, 15, 15, 35}, {30, 5, 5, 60}, {2, 8, 20, 30, 25, 15}, {30, 65, 5}, {4, 2, 2, 92},
      {3, 3, 4, 6, 8, 10, 12, 16, 16, 12, 10}, 0.6}},
    // Signed up in the last 8% of the history, buying about weekly on the app and the web.
    {"new enthusiast", 0.15, 16.0, 16.0, 1.0, 199.0, 8.0, 30.0, 145.0, 0.92, 1.0, 3.0,
     {{20, 15, 25, 15, 20, 5}, {20, 50, 10, 20}, {40, 40, 12, 5, 2, 1}, {50, 40, 10}, {30, 62, 4, 4},
      {0.5, 0.5, 1, 1, 2, 3, 5, 10, 20, 30, 27}, 1.3}},
}};

inline constexpr std::uint32_t kPersonaCount = static_cast<std::uint32_t>(kPersonas.size());

inline constexpr std::array<double, kPersonas.size()> persona_weights() {
  std::array<double, kPersonas.size()> w{};
  for (std::size_t i = 0; i < kPersonas.size(); ++i) w[i] = kPersonas[i].weight;
  return w;
}

// Number of planted groups: the personas when they are on, else params.n_groups tiers.
inline std::uint32_t planted_group_count(const GeneratorParams& params) {
  return params.personas ? kPersonaCount : params.n_groups;
}

// Mean order value of a persona (the Gamma-Gamma closed form, finite for spend_q > 1).
inline constexpr double persona_mean_order_value(const Persona& p) {
  return p.spend_p * p.spend_gamma / (p.spend_q - 1.0);
}

// Share of a persona's orders on each order channel (its weights over their sum).
inline constexpr std::array<double, kChannelNames.size()> persona_channel_shares(const Persona& p) {
  double total = 0.0;
  for (const double w : p.profile.order_channel) total += w;
  std::array<double, kChannelNames.size()> s{};
  for (std::size_t c = 0; c < s.size(); ++c) s[c] = p.profile.order_channel[c] / total;
  return s;
}

}  // namespace crmpi::gen
