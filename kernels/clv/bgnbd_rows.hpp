// The per-row part of the BG/NBD log-likelihood, the hot loop of a fit: for one run of equal x,
// sums over its rows of
//   d     = (r+x) (log(alpha+T) - log(alpha+t_x)) + log(a/(b+x-1))   (log-odds dead vs alive)
//   softplus(d) = log(1 + e^d)                 -> row log-likelihood = A(x) - (r+x) log(alpha+T) + softplus(d)
//   sigmoid(d)  = e^d / (1 + e^d)              -> share of the "dead after the last purchase" branch
// weighted by the row counts, with the sums the analytic gradient and Hessian need. Computed as
// e = exp(-|d|) in (0, 1], softplus = max(d, 0) + log(1 + e), sigmoid = d >= 0 ? 1/(1+e) : e/(1+e):
// no overflow whatever x, T, and log(1 + e) keeps the absolute error below 2.2e-16.
//
// Two implementations with the same sums up to rounding (tests check 1e-13 relative): a portable
// scalar loop and an AVX2 + FMA one (4 rows at a time, glibc's libmvec exp/log), chosen at run time
// by the CPU. Each is deterministic: a fixed table gives the same bits on the same kind of CPU.
//
// Only plain structs here (no inline functions): the AVX2 file includes this header and must not
// emit any code the linker could share with files built for the baseline ISA.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crmpi::clv {

struct BgNbdRunInput {
  double rx;                    // r + x
  double c4;                    // log(a / (b + x - 1))
  const double* log_au;         // per distinct time value u: log(alpha + u)
  const double* inv_au;         // per distinct time value u: 1 / (alpha + u) (gradient only)
  const std::uint32_t* i_tx;    // per row: index of t_x in u
  const std::uint32_t* i_T;     // per row: index of T in u
  const double* w;              // per row: count
  std::size_t n;                // rows
  bool want_grad;
  bool want_hess;               // implies want_grad
};

struct BgNbdRunSums {  // sums over the rows of w times ...
  double w;            // 1
  double softplus;     // softplus(d)
  double log_T;        // log(alpha + T)
  double inv_T;        // 1 / (alpha + T)                             (gradient only)
  double sig;          // sigmoid(d)                                  (gradient only)
  double sig_dlog;     // sigmoid(d) (log(alpha+T) - log(alpha+t_x))  (gradient only)
  double sig_dinv;     // sigmoid(d) (1/(alpha+T) - 1/(alpha+t_x))    (gradient only)
  // Hessian only, with D = log(alpha+T) - log(alpha+t_x), G = 1/(alpha+T) - 1/(alpha+t_x) and
  // q = sigmoid(d) (1 - sigmoid(d)), the curvature of softplus:
  double inv2_T;       // 1 / (alpha + T)^2
  double sig_h;        // sigmoid(d) (1/(alpha+T)^2 - 1/(alpha+t_x)^2)
  double q, q_d, q_g;  // q, q D, q G
  double q_dd, q_dg, q_gg;  // q D^2, q D G, q G^2
};

enum class RowIsa { kScalar, kAvx2 };

// The best implementation this CPU runs (kAvx2 needs AVX2 and FMA).
RowIsa best_row_isa();
// Sums over one run's rows with the given implementation (kAvx2 falls back to kScalar when the
// CPU lacks it). The gradient-only fields are 0 unless in.want_grad, the Hessian-only ones unless
// in.want_hess.
BgNbdRunSums bgnbd_run_sums(const BgNbdRunInput& in, RowIsa isa);

// The AVX2 + FMA implementation (kernels/clv/bgnbd_rows_avx2.cpp); call only when the CPU has both.
BgNbdRunSums bgnbd_run_sums_avx2(const BgNbdRunInput& in);

}  // namespace crmpi::clv
