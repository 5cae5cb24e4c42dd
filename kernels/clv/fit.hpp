// Maximum-likelihood fits of BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma over collapsed tables.
//
// BG/NBD, MBG/NBD and Gamma-Gamma (analytic Hessians): Newton's method on log-parameters, from the
// fit of a deterministic 1/32 thinning of the table when it is large. Pareto/NBD (no analytic
// Hessian): on large tables, the thinned table's fit, then Newton steps with its observed
// information scaled to the full table as a fixed Hessian (one gradient evaluation a step). When
// Newton cannot proceed, and for small Pareto/NBD tables: L-BFGS (LBFGSpp) on log-parameters with
// the analytic gradients, minimising the mean negative log-likelihood (per customer, so tolerances
// do not depend on data size). A line-search failure is not fatal: the fit restarts from the best
// point seen with another line search (Armijo backtracking -> strong-Wolfe Nocedal-Wright ->
// bracketing); the outcome is judged by the final gradient norm and reported in
// `converged`/`message`. The optimiser stops at the first evaluated point whose max |gradient| of
// the mean NLL is <= gradient_tolerance / 10.
//
// Tables spread over processes (the CLV job's ranks): each process passes its part, an index over
// whole runs of the table (table_index.hpp), and `reduce`, which replaces sums by their totals
// over every part, identical in each (an MPI allreduce of WideSums, comm/exact_sum.hpp; none for
// a table held whole). Every quantity a fit computes from the table (row and customer counts,
// starting values, thinned tables, log-likelihoods and their derivatives, the correlation) is
// such a sum, so every process runs the same optimisation on the same values and returns the same
// result, bit for bit, as one process holding the whole table cut into the same runs.
//
// Standard errors: observed information = Hessian of the total negative log-likelihood in
// log-parameters (analytic for BG/NBD, MBG/NBD and Gamma-Gamma; for Pareto/NBD by central
// differences of the analytic gradient on the full table); inverted (must be positive definite,
// else NaN errors and a warning); delta method to natural parameters: se(p) = p * se(log p).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/table_index.hpp"
#include "kernels/clv/types.hpp"
#include "kernels/common/wide_sum.hpp"

namespace crmpi::clv {

// Replaces each of this part's sums by the sum over every part of the table (in place; the same
// values in every part). Empty: the table is held whole.
using ReduceSums = std::function<void(std::span<WideSum>)>;

struct FitResult {
  std::string model;                 // "bgnbd", "pareto_nbd", "gamma_gamma"
  std::vector<std::string> names;    // parameter names, model order
  std::vector<double> estimates;     // natural scale
  std::vector<double> std_errors;    // natural scale (delta method); NaN if the information is singular
  double log_likelihood = 0;         // total over customers
  double aic = 0;                    // 2k - 2LL
  double bic = 0;                    // k ln(n) - 2LL
  std::uint64_t n_customers = 0;
  int iterations = 0;                // log-likelihood evaluations by the optimiser, all attempts (line-search trials included)
  bool converged = false;            // max |d(mean NLL)/d log p| <= gradient_tolerance
  std::string message;
  std::vector<std::string> warnings;
};

struct FitOptions {
  std::vector<double> start;           // natural-scale starting values; empty = data-driven default
  int max_iterations = 2000;
  double gradient_tolerance = 1e-7;    // on the mean NLL gradient w.r.t. log-parameters
  double hessian_step = 1e-5;          // central-difference step in log-parameters
  // Tables of more than 60,000 rows: start from the fit of a deterministic 1/32 thinning of the
  // customers (BG/NBD, MBG/NBD and Gamma-Gamma only without an explicit `start`; Pareto/NBD from
  // `start`, then fixed-Hessian Newton steps with the thinned fit's information). false: the
  // plain path (for comparisons).
  bool thinned_start = true;
};

FitResult fit_bgnbd(std::span<const Triple> table, const FitOptions& options = {});
FitResult fit_pareto_nbd(std::span<const Triple> table, const FitOptions& options = {});
// Same over the table's index (TripleIndex(table)): build it once when fitting several models
// on one table; results are those of the table overloads, bit for bit.
FitResult fit_bgnbd(const TripleIndex& index, const FitOptions& options = {});
// MBG/NBD (bgnbd.hpp): BG/NBD's parameters and fitting path.
FitResult fit_mbgnbd(std::span<const Triple> table, const FitOptions& options = {});
FitResult fit_mbgnbd(const TripleIndex& index, const FitOptions& options = {});
FitResult fit_pareto_nbd(const TripleIndex& index, const FitOptions& options = {});
// Table of repeat customers (x > 0); warnings include gamma_gamma_warnings().
FitResult fit_gamma_gamma(std::span<const SpendPair> table, const FitOptions& options = {});

// The fits of a table spread over processes (header comment): `part` is this process's runs.
// Collective over the processes `reduce` spans: each calls it the same number of times.
FitResult fit_bgnbd(const TripleIndex& part, const ReduceSums& reduce, const FitOptions& options = {});
FitResult fit_mbgnbd(const TripleIndex& part, const ReduceSums& reduce, const FitOptions& options = {});
FitResult fit_pareto_nbd(const TripleIndex& part, const ReduceSums& reduce, const FitOptions& options = {});
FitResult fit_gamma_gamma(const SpendIndex& part, const ReduceSums& reduce, const FitOptions& options = {});
// frequency_spend_correlation (gamma_gamma.hpp) of a spread table, each part's runs summed
// exactly: the same at any split.
double frequency_spend_correlation(const SpendIndex& part, const ReduceSums& reduce);

BgNbdParams bgnbd_params(const FitResult& fit);  // of a BG/NBD or MBG/NBD fit
ParetoNbdParams pareto_nbd_params(const FitResult& fit);
GammaGammaParams gamma_gamma_params(const FitResult& fit);

}  // namespace crmpi::clv
