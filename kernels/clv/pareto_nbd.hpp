// Pareto/NBD (Schmittlein, Morrison & Colombo 1987): log-likelihood with analytic gradient over a
// weighted (x, t_x, T) table, and per-customer scoring.
//
// Likelihood as in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model", eq. 22:
//   L = G(r+x) alpha^r beta^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0 ],
//   A0 = F(t_x)/(m+t_x)^(r+s+x) - F(T)/(m+T)^(r+s+x),  F(u) = 2F1(r+s+x, b2; r+s+x+1; |alpha-beta|/(m+u)),
// with m = max(alpha, beta) and b2 = s+1 if alpha >= beta else r+x, so z = |alpha-beta|/(m+u) is
// in [0, 1) (the CLVTools/BTYD evaluation). For stability we go further:
//  - Euler's transform writes F = (1-z)^e * 2F1(1, b'; r+s+x+1; z), b' = r+x (alpha >= beta) or
//    s+1 (alpha < beta), e = -s or 1-r-x: the remaining series has positive terms shrinking
//    like z^n, so nothing overflows at large x (x = 300, T = 500) and all is done in logs;
//  - A0 = exp(L_tx) (1 - exp(L_T - L_tx)) via log1mexp, the bracket via log-sum-exp;
//  - alpha == beta gives z = 0 and G = 1 exactly (closed form); both branches agree there in
//    value and gradient (checked in tests), so near-equal alpha, beta need no special casing.
// The series needs ~ 40/(1-z) terms; z -> 1 only when alpha/beta (or beta/alpha) -> 0.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "kernels/clv/bgnbd.hpp"  // HorizonSet
#include "kernels/clv/likelihood_sums.hpp"
#include "kernels/clv/table_index.hpp"
#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct ParetoNbdParams {
  double r = 1, alpha = 1, s = 1, beta = 1;
};

// Per-customer pieces of the log-likelihood (exposed for scoring and tests).
struct ParetoNbdRow {
  double log_lik = 0;
  double log_alive_term = 0;  // log of the "still alive at T" part of L (without the lead factor)
  double log_dead_term = 0;   // log of the s/(r+s+x) A0 part (-inf when t_x == T)
  std::array<double, 4> grad{};  // d log L / d(r, alpha, s, beta), natural parameters
};
ParetoNbdRow pareto_nbd_row(const ParetoNbdParams& p, double x, double t_x, double T, bool want_grad);

// Sum over rows of count * log L; grad_log receives d/d(log r, log alpha, log s, log beta).
// NaN when a parameter is not finite and > 0, or a series leaves its domain (special_functions.hpp).
double pareto_nbd_log_likelihood(const ParetoNbdParams& p, std::span<const Triple> table,
                                 std::array<double, 4>* grad_log = nullptr);
// Same over a prebuilt index (once per fit): lgamma/digamma of x once per x, the time logs once
// per distinct value, and the two end terms (hypergeometric series) once per distinct (x, t_x)
// and (x, T) instead of per row, all time values of one x in a batch sharing the series
// coefficients (hyp_batch.hpp); per row one log (pareto_nbd.cpp). Rows are summed per run in
// double, the runs' sums exactly (likelihood_sums.hpp): the result depends on the runs alone.
double pareto_nbd_log_likelihood(const ParetoNbdParams& p, const TripleIndex& index,
                                 std::array<double, 4>* grad_log = nullptr);
// The exact sums behind it (likelihood_sums.hpp; no Hessian: Derivatives::kHessian gives the
// gradient), added to `out`: for a table spread over processes, each process's runs.
using ParetoNbdSums = LikelihoodSums<4>;
void pareto_nbd_sums(const ParetoNbdParams& p, const TripleIndex& index, Derivatives d, ParetoNbdSums& out);

// P(alive | x, t_x, T) = alive term / (alive + dead terms).
void pareto_nbd_p_alive(const ParetoNbdParams& p, std::span<const double> x, std::span<const double> t_x,
                        std::span<const double> T, std::span<double> out);

// value = sum_k weights[k] E[Y(horizons[k]) | x, t_x, T], with (Schmittlein et al. 1987)
//   E[Y(t)|.] = (r+x)(beta+T) / ((alpha+T)(s-1)) * (1 - ((beta+T)/(beta+T+t))^(s-1)) * P(alive)
// (the s -> 1 limit, (r+x)(beta+T)/(alpha+T) log((beta+T+t)/(beta+T)), is used near s = 1).
void pareto_nbd_score(const ParetoNbdParams& p, std::span<const double> horizons, std::span<const double> weights,
                      std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
                      std::span<double> out_value, std::span<double> out_p_alive = {});

// Several horizon sets in one pass (HorizonSet: bgnbd.hpp), e.g. {horizon}, the CLV months,
// {holdout}: P(alive) and the end terms are computed once per customer / (x, day) for all of them.
// out_values[j] is set j's value per customer (empty to skip); out_p_alive may be empty.
void pareto_nbd_score_sets(const ParetoNbdParams& p, std::span<const HorizonSet> sets, std::span<const double> x,
                           std::span<const double> t_x, std::span<const double> T,
                           std::span<const std::span<double>> out_values, std::span<double> out_p_alive = {});

void pareto_nbd_expected_purchases(const ParetoNbdParams& p, double horizon, std::span<const double> x,
                                   std::span<const double> t_x, std::span<const double> T, std::span<double> out);

}  // namespace crmpi::clv
