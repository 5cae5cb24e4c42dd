// Test-only BG/NBD and MBG/NBD simulator (std::mt19937_64), shared by the recovery and collapse tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/clv/types.hpp"
#include "kernels/clv/bgnbd.hpp"

namespace clv_sim {
using crmpi::clv::BgNbdParams;
using crmpi::clv::Triple;

// BG/NBD story: lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); purchases at Poisson(lambda)
// times from the first purchase at 0; after each repeat purchase the customer drops out with
// probability p. Observation length T uniform over weekly cohorts of 20..52 weeks.
// With whole_days, times are rounded down to whole days (in weeks), as real data are, so that
// many customers share a triple. first_cohort..last_cohort: range of T in weeks.
// modified: MBG/NBD's story, where the customer may also drop out right after the first purchase.
inline std::vector<Triple> simulate_bg_family(const BgNbdParams& prm, std::size_t n, std::uint64_t seed,
                                              bool whole_days, int first_cohort, int last_cohort, bool modified) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lam_dist(prm.r, 1.0 / prm.alpha), ga(prm.a, 1.0), gb(prm.b, 1.0);
  std::uniform_int_distribution<int> cohort(first_cohort, last_cohort);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::vector<Triple> out;
  for (std::size_t i = 0; i < n; ++i) {
    const double lambda = lam_dist(rng);
    const double g1 = ga(rng), g2 = gb(rng);
    const double p = g1 / (g1 + g2);
    const double T = cohort(rng);
    double t = 0, t_x = 0, x = 0;
    std::exponential_distribution<double> gap(lambda);
    const bool gone_at_first = modified && u01(rng) < p;  // MBG/NBD: the first purchase may be the last
    while (!gone_at_first) {
      t += gap(rng);
      if (t > T) break;
      x += 1;
      t_x = t;
      if (u01(rng) < p) break;  // drops out right after this purchase
    }
    if (whole_days) t_x = std::floor(t_x * 7) / 7;
    out.push_back({x, t_x, T, 1});
  }
  return out;
}

inline std::vector<Triple> simulate_bgnbd(const BgNbdParams& prm, std::size_t n, std::uint64_t seed,
                                          bool whole_days = false, int first_cohort = 20, int last_cohort = 52) {
  return simulate_bg_family(prm, n, seed, whole_days, first_cohort, last_cohort, false);
}

inline std::vector<Triple> simulate_mbgnbd(const BgNbdParams& prm, std::size_t n, std::uint64_t seed,
                                           bool whole_days = false, int first_cohort = 20, int last_cohort = 52) {
  return simulate_bg_family(prm, n, seed, whole_days, first_cohort, last_cohort, true);
}
}  // namespace clv_sim
