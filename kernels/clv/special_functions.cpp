#include "kernels/clv/special_functions.hpp"

#include <cmath>
#include <limits>

namespace crmpi::clv {

double digamma(double x) {
  double result = 0.0;
  while (x < 10.0) {  // psi(x) = psi(x + 1) - 1/x
    result -= 1.0 / x;
    x += 1.0;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  // Bernoulli-number series; at x >= 10 the first omitted term is ~1e-17 relative.
  const double series =
      inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))));
  return result + std::log(x) - 0.5 * inv - series;
}

double log_sum_exp(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

double log1mexp(double d) {
  return d > -0.6931471805599453 ? std::log(-std::expm1(d)) : std::log1p(-std::exp(d));
}

LogHyp log_hyp2f1_unit_a(double b, double c, double z) {
  LogHyp out;
  // Outside the domain (a line search that reached NaN/inf parameters, or z -> 1 where the series
  // would need ~40/(1-z) terms): report non-convergence at once instead of summing to the cap.
  if (!(std::isfinite(b) && std::isfinite(c) && b > 0 && c > b && z >= 0.0 && z < 1.0 - kHypMinOneMinusZ)) {
    out.log_value = out.d_b = out.d_c = out.d_z = std::numeric_limits<double>::quiet_NaN();
    out.converged = false;
    return out;
  }
  if (z == 0.0) {
    out.d_z = b / c;  // G = 1 + (b/c) z + O(z^2)
    return out;
  }
  // Running sums of T_n, T_n * sum_{k<n} 1/(b+k), T_n * sum_{k<n} 1/(c+k), n T_n / z.
  double term = 1.0, sum = 1.0, sum_b = 0.0, sum_c = 0.0, sum_z = 0.0;
  double hb = 0.0, hc = 0.0;
  constexpr int kMaxTerms = kHypMaxTerms;
  int n = 0;
  for (; n < kMaxTerms; ++n) {
    const double nd = static_cast<double>(n);
    hb += 1.0 / (b + nd);
    hc += 1.0 / (c + nd);
    const double ratio = (b + nd) / (c + nd);
    sum_z += (nd + 1.0) * term * ratio;  // (n+1) T_{n+1} / z
    term *= ratio * z;
    sum += term;
    sum_b += term * hb;
    sum_c += term * hc;
    // Remaining terms shrink at least like z^k; the derivative sums carry an extra factor
    // ~n (and log n), hence the (n + 2) / (1 - z) safety margin.
    if (term * (nd + 2.0) < 1e-17 * (1.0 - z) * sum && n > 2) break;
  }
  out.converged = n < kMaxTerms;
  if (!out.converged) {
    out.log_value = out.d_b = out.d_c = out.d_z = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.log_value = std::log(sum);
  out.d_b = sum_b / sum;
  out.d_c = -sum_c / sum;
  out.d_z = sum_z / sum;
  return out;
}

double hyp2f1_minus_one(double a, double b, double c, double z) {
  if (!(std::isfinite(a) && std::isfinite(b) && std::isfinite(c) && std::isfinite(z)) || z < 0 || z >= 1)
    return std::numeric_limits<double>::quiet_NaN();
  if (z == 0.0) return 0.0;
  double term = 1.0, sum = 0.0;
  for (int n = 0; n < kHypMaxTerms; ++n) {
    const double nd = static_cast<double>(n);
    const double ratio = (a + nd) * (b + nd) / ((c + nd) * (nd + 1.0)) * z;
    term *= ratio;
    sum += term;
    // Stop once terms are shrinking (|ratio| < 1, tail bounded by a geometric series) and tiny.
    if (std::fabs(ratio) < 1.0 && std::fabs(term) < 1e-17 * (1.0 - z) * std::fabs(1.0 + sum)) break;
    if (term == 0.0) break;
  }
  return sum;
}

}  // namespace crmpi::clv
