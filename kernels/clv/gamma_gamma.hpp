// Gamma-Gamma model of mean spend (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
// curves"; Fader & Hardie 2013 note "The Gamma-Gamma model of monetary value"), fitted on repeat
// customers (x > 0) only, with zbar = mean spend over the x repeat purchases.
//
// Log-likelihood convention: the density of zbar (as lifetimes' GammaGammaFitter and BTYD's
// spend.LL), per customer:
//   log f = lgamma(px+q) - lgamma(px) - lgamma(q) + q log(gamma) + (px-1) log(zbar)
//           + px log(x) - (px+q) log(gamma + x zbar).
// With it, CDNOW at the optimum gives LL = -4055.923, the published -4055.92 (test_cdnow.cpp).
//
// The model assumes spend is independent of purchase frequency: gamma_gamma_warnings() reports
// the count-weighted Pearson correlation between x and zbar, and q <= 1 (then E[spend] does not
// exist and the conditional expectation below is meaningless).
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "kernels/clv/likelihood_sums.hpp"
#include "kernels/clv/table_index.hpp"
#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct GammaGammaParams {
  double p = 1, q = 1, gamma = 1;
};

// Sum over rows (x > 0 and mean_spend > 0 required) of count * log f; grad_log receives
// d/d(log p, log q, log gamma).
double gamma_gamma_log_likelihood(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                  std::array<double, 3>* grad_log = nullptr);
// Same over a prebuilt index (once per fit): lgamma/digamma/log x once per run of equal x, log zbar
// precomputed; per row one log and one division. NaN for non-finite or non-positive parameters.
double gamma_gamma_log_likelihood(const GammaGammaParams& prm, const SpendIndex& index,
                                  std::array<double, 3>* grad_log = nullptr);
// Value, gradient and Hessian (row-major 3 x 3) in (log p, log q, log gamma), analytic (formulas
// in gamma_gamma.cpp), in one pass: what the fit's Newton steps and standard errors need.
double gamma_gamma_log_likelihood_hessian(const GammaGammaParams& prm, const SpendIndex& index,
                                          std::array<double, 3>& grad_log, std::array<double, 9>& hess_log);
// The exact sums behind them (likelihood_sums.hpp), added to `out`: for a table spread over
// processes, each process's runs.
using GammaGammaSums = LikelihoodSums<3>;
void gamma_gamma_sums(const GammaGammaParams& prm, const SpendIndex& index, Derivatives d, GammaGammaSums& out);

// E[M | x, zbar] = (q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * zbar  (= p(gamma + x zbar)/(px+q-1)),
// the population mean p gamma/(q-1) when x == 0. NaN when q <= 1.
void gamma_gamma_expected_spend(const GammaGammaParams& prm, std::span<const double> x,
                                std::span<const double> mean_spend, std::span<double> out);

// Count-weighted Pearson correlation between x and mean_spend over the table (NaN if degenerate).
double frequency_spend_correlation(std::span<const SpendPair> table);

// Human-readable warnings: q <= 1; |corr(x, zbar)| > corr_threshold.
std::vector<std::string> gamma_gamma_warnings(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                              double corr_threshold = 0.3);
// The same given the correlation (e.g. of a table spread over processes, fit.hpp).
std::vector<std::string> gamma_gamma_warnings(const GammaGammaParams& prm, double correlation,
                                              double corr_threshold = 0.3);

}  // namespace crmpi::clv
