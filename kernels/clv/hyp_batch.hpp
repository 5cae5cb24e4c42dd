// G(b, c; z) = 2F1(1, b; c; z) (special_functions.hpp: log_hyp2f1_unit_a) for many z sharing b, c.
//
// The terms are c_n z^n with c_n = (b)_n/(c)_n: the coefficients (and the harmonic sums of the
// b/c derivatives) depend on b and c only, so Pareto/NBD's end terms for one x and all the time
// values u of a fit share them. Computing them once per (b, c) leaves, per z and term, a handful of
// multiply-adds with no division (log_hyp2f1_unit_a: three divisions per term), evaluated a few z
// at a time in lanes GCC vectorises. Each z stops by log_hyp2f1_unit_a's test on its own terms,
// checked every 8 terms, so its value does not depend on the other z of the batch; it differs
// from the scalar series by rounding (c_n z^n here, a running product of ratios there: ~n ulp)
// and by at most 7 extra terms below 1e-17 of the sum (tests check 1e-13/1e-12). Same domain
// and NaN outside it.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "kernels/clv/special_functions.hpp"

namespace crmpi::clv {

class UnitAHypBatch {
 public:
  // Coefficients for G(b, c; .); with want_grad the d_b, d_c, d_z outputs are filled too (else 0).
  void reset(double b, double c, bool want_grad);
  // out[i] = log_hyp2f1_unit_a(b, c, z[i]) to rounding. out.size() == z.size().
  void eval(std::span<const double> z, std::span<LogHyp> out);

 private:
  struct Block;  // kLanes z values with their running sums (hyp_batch.cpp)
  template <bool Grad>
  bool sum_block(Block& k);  // true when every lane converged
  void extend(std::size_t n);  // coefficients of terms 0..n available
  double b_ = 1, c_ = 2;
  bool grad_ = false, valid_ = false;
  double hb_ = 0, hc_ = 0;     // harmonic sums up to the last coefficient
  std::vector<double> coef_;   // c_n
  std::vector<double> cb_;     // c_n sum_{k<n} 1/(b+k)
  std::vector<double> cc_;     // c_n sum_{k<n} 1/(c+k)
  std::vector<double> cz_;     // (n+1) c_{n+1}: d/dz coefficient of z^n
};

// 2F1(a, b; c; z) - 1 (special_functions.hpp: hyp2f1_minus_one) for many z sharing a, b, c: the
// coefficients (a)_n (b)_n / ((c)_n n!) are computed once (BG/NBD's expected purchases: one set per
// x, shared by every T and horizon), each z stops by hyp2f1_minus_one's own test (|ratio| < 1 and
// a tiny term, or a zero term) checked every 8 terms. Differs from the scalar series by ~n ulp
// of rounding and at most 7 extra terms below 1e-17 of 1 + the sum.
class Hyp2f1MinusOneBatch {
 public:
  void reset(double a, double b, double c);
  // out[i] = hyp2f1_minus_one(a, b, c, z[i]) to rounding (NaN outside [0, 1) or on non-finite input).
  void eval(std::span<const double> z, std::span<double> out);

 private:
  void extend(std::size_t n);
  double a_ = 0, b_ = 0, c_ = 1;
  bool finite_ = true;
  std::vector<double> coef_;  // coef_[n] = (a)_n (b)_n / ((c)_n n!), n >= 0
  std::vector<double> rho_;   // rho_[n] = |(a+n)(b+n) / ((c+n)(n+1))|: the term ratio over z
};

}  // namespace crmpi::clv
