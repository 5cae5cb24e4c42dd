// Group-specific preference tables: what makes the planted groups visible to k-means and to
// per-group profiles. Weights need not sum to 1 (they are normalised when sampled); they are
// deliberately far apart between groups.
#pragma once

#include <array>
#include <cstdint>

#include "kernels/generate/dictionaries.hpp"

namespace crmpi::gen {

struct GroupProfile {
  std::array<double, kRegionNames.size()> region;
  std::array<double, kChannelNames.size()> acquisition_channel;
  std::array<double, kAgeBandNames.size()> age_band;
  std::array<double, kGenderNames.size()> gender;
  std::array<double, kChannelNames.size()> order_channel;
  std::array<double, 11> nps_score;  // weights of scores 0..10
  double basket_size_factor;         // multiplies basket_extra_items_mean
};

// Indexed by canonical group (order of kGroupNames4).
inline constexpr std::array<GroupProfile, 4> kCanonicalProfiles = {{
    // frequent high spenders: app-first, 25-44, promoters, big baskets
    {{30, 10, 10, 25, 20, 5}, {20, 55, 5, 20}, {5, 30, 35, 20, 7, 3}, {60, 35, 5}, {15, 70, 5, 10},
     {0.2, 0.2, 0.5, 1, 1, 2, 3, 7, 15, 30, 40}, 1.2},
    // frequent bargain hunters: marketplace, young, passives
    {{10, 30, 25, 10, 15, 10}, {25, 15, 50, 10}, {35, 35, 15, 8, 5, 2}, {35, 55, 10}, {20, 15, 60, 5},
     {1, 1, 2, 3, 4, 6, 10, 18, 25, 18, 12}, 1.0},
    // occasional big-ticket: web/store, older, international
    {{15, 10, 10, 15, 15, 35}, {50, 10, 10, 30}, {2, 8, 20, 30, 25, 15}, {30, 65, 5}, {55, 10, 5, 30},
     {1, 1, 1, 2, 3, 5, 8, 20, 25, 20, 14}, 0.7},
    // occasional low spenders: store, spread ages, detractor-heavy
    {{10, 25, 30, 10, 20, 5}, {20, 10, 30, 40}, {10, 15, 15, 20, 20, 20}, {50, 40, 10}, {25, 5, 25, 45},
     {6, 5, 7, 9, 10, 12, 13, 14, 11, 8, 5}, 0.8},
}};

// Canonical group of latent traits: frequent if lambda > r/alpha, high spender if nu < q/gamma.
inline std::uint32_t canonical_group(double lambda, double nu, double lambda_mean, double nu_mean) {
  const std::uint32_t occasional = lambda > lambda_mean ? 0U : 1U;
  const std::uint32_t low_spend = nu < nu_mean ? 0U : 1U;
  return 2U * occasional + low_spend;
}

// Group id for n_groups in {1, 2, 4}; groups collapse the canonical 2x2 grid.
inline std::uint32_t group_of_canonical(std::uint32_t canonical, std::uint32_t n_groups) {
  if (n_groups == 4) return canonical;
  if (n_groups == 2) return canonical / 2;
  return 0;
}

// Profile used by a group: 2 groups use the two extreme profiles (frequent-high, occasional-low).
inline const GroupProfile& profile_of_group(std::uint32_t group, std::uint32_t n_groups) {
  if (n_groups == 4) return kCanonicalProfiles[group];
  if (n_groups == 2) return kCanonicalProfiles[group == 0 ? 0 : 3];
  return kCanonicalProfiles[0];
}

}  // namespace crmpi::gen
