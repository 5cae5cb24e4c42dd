// The BG/NBD purchase process of one customer, given its latent traits.
#pragma once

#include <cstdint>

#include "kernels/generate/distributions.hpp"
#include "kernels/generate/rng.hpp"

namespace crmpi::gen {

// Repeat purchases after the first one (at time 0): a Poisson process with `lambda` purchases per
// week, and after each repeat purchase the customer drops out with probability `p_dropout`
// (BG/NBD, Fader, Hardie & Lee 2005; no dropout at the first purchase). Calls on_repeat(t_weeks)
// for each repeat purchase with 0 < t < window_weeks, in increasing t, at most max_repeats times.
// Returns the number of repeats. p_dropout = 0 gives a plain Poisson process (used by tests).
template <class OnRepeat>
std::uint32_t simulate_repeat_purchases(Rng& rng, double lambda, double p_dropout, double window_weeks,
                                        std::uint32_t max_repeats, OnRepeat&& on_repeat) {
  if (!(lambda > 0.0)) return 0;  // lambda can underflow to 0 for tiny Gamma shapes
  std::uint32_t n = 0;
  double t = 0.0;
  while (n < max_repeats) {
    t += exponential(rng) / lambda;
    if (!(t < window_weeks)) break;
    on_repeat(t);
    ++n;
    if (rng.uniform() < p_dropout) break;
  }
  return n;
}

// Pareto/NBD: repeat purchases a Poisson process with `lambda` per week during the customer's
// lifetime, exponential with rate `mu` from the first purchase (drawn first). Calls on_repeat(t)
// for each repeat with 0 < t < min(lifetime, window_weeks), at most max_repeats times.
template <class OnRepeat>
std::uint32_t simulate_pareto_repeats(Rng& rng, double lambda, double mu, double window_weeks,
                                      std::uint32_t max_repeats, OnRepeat&& on_repeat) {
  if (!(lambda > 0.0)) return 0;
  const double lifetime = mu > 0.0 ? exponential(rng) / mu : window_weeks;
  const double end = lifetime < window_weeks ? lifetime : window_weeks;
  std::uint32_t n = 0;
  double t = 0.0;
  while (n < max_repeats) {
    t += exponential(rng) / lambda;
    if (!(t < end)) break;
    on_repeat(t);
    ++n;
  }
  return n;
}

}  // namespace crmpi::gen
