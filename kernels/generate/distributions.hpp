// Random variates built only on Rng's raw bits and <cmath>, so output is identical across
// standard libraries (std:: distributions are implementation-defined). The only platform
// dependence left is libm's last-ulp rounding of log/exp/sqrt/pow.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

#include "kernels/generate/rng.hpp"

namespace crmpi::gen {

// Exponential with rate 1 by inversion: -log(U), U in (0, 1].
inline double exponential(Rng& rng) { return -std::log(rng.uniform_pos()); }

// Standard normal by Marsaglia's polar method. The second variate of each pair is discarded so
// that a draw never depends on state left over from an earlier call.
inline double standard_normal(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.uniform() - 1.0;
    const double v = 2.0 * rng.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

// Gamma(shape, rate 1) for shape >= 1 by Marsaglia & Tsang (2000) squeeze/rejection.
inline double gamma_shape_ge1(Rng& rng, double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x;
    double v;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_pos();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// log of a Gamma(shape, rate 1) variate. For shape < 1 uses the boost
// Gamma(shape) = Gamma(shape + 1) * U^(1/shape), kept in log space because U^(1/shape)
// underflows to 0 for small shapes.
inline double log_gamma_variate(Rng& rng, double shape) {
  if (shape >= 1.0) return std::log(gamma_shape_ge1(rng, shape));
  const double g = gamma_shape_ge1(rng, shape + 1.0);
  return std::log(g) + std::log(rng.uniform_pos()) / shape;
}

// Gamma(shape, rate): mean shape/rate. shape > 0, rate > 0.
inline double gamma(Rng& rng, double shape, double rate) {
  if (shape >= 1.0) return gamma_shape_ge1(rng, shape) / rate;
  return std::exp(log_gamma_variate(rng, shape)) / rate;
}

// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), evaluated as 1 / (1 + e^(lnY - lnX))
// so tiny shapes cannot produce 0/0.
inline double beta(Rng& rng, double a, double b) {
  const double lx = log_gamma_variate(rng, a);
  const double ly = log_gamma_variate(rng, b);
  return 1.0 / (1.0 + std::exp(ly - lx));
}

// Poisson(mean), mean >= 0. Meant for small means (basket sizes): inversion by sequential search
// from k = 0, one uniform per draw, O(mean) steps. For mean > 30, where e^-mean loses precision
// and the search gets long, the sum of a Poisson(30) draw and a Poisson(mean - 30) draw is used.
inline std::uint32_t poisson(Rng& rng, double mean) {
  std::uint32_t base = 0;
  while (mean > 30.0) {  // additivity of independent Poisson variates
    double m = 30.0;
    double u = rng.uniform();
    double pk = std::exp(-m);
    double cdf = pk;
    std::uint32_t k = 0;
    while (u >= cdf && k < 1000) {
      ++k;
      pk *= m / k;
      cdf += pk;
    }
    base += k;
    mean -= 30.0;
  }
  const double u = rng.uniform();
  double pk = std::exp(-mean);
  double cdf = pk;
  std::uint32_t k = 0;
  while (u >= cdf && k < 1000) {  // the cap only guards against cdf rounding short of 1
    ++k;
    pk *= mean / k;
    cdf += pk;
  }
  return base + k;
}

// Geometric: number of failures before the first success, success probability p in (0, 1].
// Inversion: floor(log U / log(1 - p)).
inline std::uint32_t geometric(Rng& rng, double p) {
  if (p >= 1.0) return 0;
  const double k = std::floor(std::log(rng.uniform_pos()) / std::log1p(-p));
  return k >= 4.0e9 ? 4000000000U : static_cast<std::uint32_t>(k);
}

// Index drawn with probability weights[i] / sum(weights). Linear scan: for the short, fixed
// demographic tables (<= 11 entries); large tables use AliasTable.
inline std::uint32_t categorical(Rng& rng, std::span<const double> weights) {
  double total = 0.0;
  for (double w : weights) total += w;
  double x = rng.uniform() * total;
  for (std::uint32_t i = 0; i + 1 < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return static_cast<std::uint32_t>(weights.size() - 1);
}

}  // namespace crmpi::gen
