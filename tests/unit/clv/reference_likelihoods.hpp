// The row-by-row log-likelihoods, without the kernels' per-x / per-day caching (one lgamma,
// digamma and log set per table row), as references: the cached kernels must agree with them to
// ~1e-12 relative in value and gradient.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/special_functions.hpp"

namespace clv_ref {

using namespace crmpi::clv;

inline double bgnbd_ll(const BgNbdParams& p, std::span<const Triple> table, std::array<double, 4>* grad_log = nullptr) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double psi_r = digamma(r), psi_b = digamma(b), psi_ab = digamma(a + b);
  double ll = 0.0, gr = 0, galpha = 0, ga = 0, gb = 0;
  for (const Triple& row : table) {
    const double x = row.x, w = static_cast<double>(row.count);
    const double rx = r + x;
    const double log_aT = std::log(alpha + row.T);
    const double a12 = std::lgamma(rx) - lg_r + r * log_alpha + lg_ab + std::lgamma(b + x) - lg_b -
                       std::lgamma(a + b + x);
    const double a3 = -rx * log_aT;
    double a4 = -std::numeric_limits<double>::infinity();
    double log_atx = 0.0;
    if (x > 0) {
      log_atx = std::log(alpha + row.t_x);
      a4 = log_a - std::log(b + x - 1) - rx * log_atx;
    }
    const double lse = log_sum_exp(a3, a4);
    ll += w * (a12 + lse);
    if (grad_log) {
      const double w3 = std::exp(a3 - lse), w4 = x > 0 ? std::exp(a4 - lse) : 0.0;
      const double psi_rx = digamma(rx), psi_bx = digamma(b + x), psi_abx = digamma(a + b + x);
      gr += w * (psi_rx - psi_r + log_alpha - w3 * log_aT - w4 * log_atx);
      galpha += w * (r / alpha - rx * (w3 / (alpha + row.T) + w4 / (alpha + row.t_x)));
      ga += w * (psi_ab - psi_abx + w4 / a);
      gb += w * (psi_ab + psi_bx - psi_b - psi_abx - (x > 0 ? w4 / (b + x - 1) : 0.0));
    }
  }
  if (grad_log) *grad_log = {gr * r, galpha * alpha, ga * a, gb * b};
  return ll;
}

inline double pareto_ll(const ParetoNbdParams& p, std::span<const Triple> table, std::array<double, 4>* grad_log = nullptr) {
  double ll = 0.0;
  std::array<double, 4> g{};
  for (const Triple& t : table) {
    const ParetoNbdRow row = pareto_nbd_row(p, t.x, t.t_x, t.T, grad_log != nullptr);
    const double w = static_cast<double>(t.count);
    ll += w * row.log_lik;
    for (int k = 0; k < 4; ++k) g[k] += w * row.grad[k];
  }
  if (grad_log) *grad_log = {g[0] * p.r, g[1] * p.alpha, g[2] * p.s, g[3] * p.beta};
  return ll;
}

inline double gamma_gamma_ll(const GammaGammaParams& prm, std::span<const SpendPair> table,
                             std::array<double, 3>* grad_log = nullptr) {
  const double p = prm.p, q = prm.q, g = prm.gamma;
  const double lg_q = std::lgamma(q), log_g = std::log(g), psi_q = digamma(q);
  double ll = 0, dp = 0, dq = 0, dg = 0;
  for (const SpendPair& row : table) {
    const double x = row.x, z = row.mean_spend, w = static_cast<double>(row.count);
    const double px = p * x, log_z = std::log(z), log_x = std::log(x);
    const double log_den = std::log(g + x * z);
    ll += w * (std::lgamma(px + q) - std::lgamma(px) - lg_q + q * log_g + (px - 1) * log_z + px * log_x -
               (px + q) * log_den);
    if (grad_log) {
      const double psi_pxq = digamma(px + q);
      dp += w * x * (psi_pxq - digamma(px) + log_z + log_x - log_den);
      dq += w * (psi_pxq - psi_q + log_g - log_den);
      dg += w * (q / g - (px + q) / (g + x * z));
    }
  }
  if (grad_log) *grad_log = {dp * p, dq * q, dg * g};
  return ll;
}

}  // namespace clv_ref
