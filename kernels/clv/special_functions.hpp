// Special functions the CLV likelihoods need and the standard library lacks: digamma, stable
// log-sum-exp / log(1 - e^d), and two Gauss hypergeometric series specialised to the forms that
// appear in Pareto/NBD and BG/NBD (all terms of a known sign, so no cancellation inside a sum).
#pragma once

namespace crmpi::clv {

// psi(x) = d/dx lgamma(x), x > 0. Recurrence up to x >= 10, then the asymptotic series.
double digamma(double x);

// log(e^a + e^b) without overflow; either side may be -inf.
double log_sum_exp(double a, double b);

// log(1 - e^d) for d <= 0 (Maechler's log1mexp: expm1 near 0, log1p further out).
double log1mexp(double d);

// Work caps of the series below: at most kHypMaxTerms terms, and z <= 1 - kHypMinOneMinusZ (the
// series needs ~40/(1-z) terms). Outside (or on non-finite inputs) they return NaN at once
// (log_hyp2f1_unit_a: converged = false), which the likelihoods propagate so that a fit's line
// search sees +inf and steps back, instead of summing millions of terms on every row.
inline constexpr int kHypMaxTerms = 400'000;
inline constexpr double kHypMinOneMinusZ = 1e-4;

// G(b, c; z) = 2F1(1, b; c; z) for 0 < b < c, 0 <= z < 1, with derivatives of log G.
// Terms (b)_n/(c)_n z^n are positive and shrink at least like z^n, so G <= 1/(1-z) never
// overflows. Pareto/NBD's 2F1(a, b; a+1; z) is reduced to this form by Euler's transform.
struct LogHyp {
  double log_value = 0;
  double d_b = 0;  // d log G / d b
  double d_c = 0;  // d log G / d c
  double d_z = 0;  // d log G / d z
  bool converged = true;
};
LogHyp log_hyp2f1_unit_a(double b, double c, double z);

// 2F1(a, b; c; z) - 1 for 0 <= z < 1 and c > 0 by direct series (value only). Returning the
// excess over 1 keeps precision for small z, where BG/NBD's expected purchases need
// 1 - (1-z)^k * 2F1 without cancellation.
// NaN on non-finite inputs or z outside [0, 1).
double hyp2f1_minus_one(double a, double b, double c, double z);

}  // namespace crmpi::clv
