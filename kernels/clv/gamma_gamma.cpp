#include "kernels/clv/gamma_gamma.hpp"

#include <boost/math/special_functions/trigamma.hpp>

#include <cmath>
#include <limits>

#include "kernels/clv/special_functions.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {

double gamma_gamma_log_likelihood(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                  std::array<double, 3>* grad_log) {
  return gamma_gamma_log_likelihood(prm, SpendIndex(table), grad_log);
}

namespace {

// Value, gradient and (when hess_log) Hessian in (log p, log q, log gamma). Per row, with
// den = gamma + x zbar and the run's px = p x:
//   l      = lgG(px+q) - lgG(px) - lgG(q) + q log gamma + px log x + (px-1) log zbar - (px+q) log den
//   dl/dp  = x (psi(px+q) - psi(px) + log x + log zbar - log den)
//   dl/dq  = psi(px+q) - psi(q) + log gamma - log den
//   dl/dg  = q/gamma - (px+q)/den
//   d2l/dp2 = x^2 (psi1(px+q) - psi1(px))   d2l/dpdq = x psi1(px+q)   d2l/dpdg = -x/den
//   d2l/dq2 = psi1(px+q) - psi1(q)           d2l/dqdg = 1/gamma - 1/den
//   d2l/dg2 = -q/gamma^2 + (px+q)/den^2
// so the rows add up four sums per run (w, w log zbar, w log den, w/den, and w/den^2 for the
// Hessian); the terms of x alone are computed once per run.
double evaluate(const GammaGammaParams& prm, const SpendIndex& idx, std::array<double, 3>* grad_log,
                std::array<double, 9>* hess_log) {
  const double p = prm.p, q = prm.q, g = prm.gamma;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(std::isfinite(p) && std::isfinite(q) && std::isfinite(g) && p > 0 && q > 0 && g > 0)) {
    if (grad_log) grad_log->fill(nan);
    if (hess_log) hess_log->fill(nan);
    return nan;
  }
  const bool want_hess = hess_log != nullptr;
  const bool want_grad = grad_log != nullptr || want_hess;
  const double lg_q = std::lgamma(q), log_g = std::log(g), psi_q = want_grad ? digamma(q) : 0.0;
  const double psi1_q = want_hess ? boost::math::trigamma(q) : 0.0;
  const double* zs = idx.z.data();
  const double* lz = idx.log_z.data();
  const double* wt = idx.w.data();
  double ll = 0, dp = 0, dq = 0, dg = 0;
  std::array<double, 9> h{};  // natural parameters (p, q, gamma), row-major, upper triangle
  for (std::size_t k = 0; k < idx.run_x.size(); ++k) {
    const double x = idx.run_x[k], px = p * x, log_x = std::log(x);
    double s_w = 0, s_lz = 0, s_lden = 0, s_inv = 0, s_inv2 = 0;
    for (std::size_t i = idx.run_begin(k); i < idx.run_end[k]; ++i) {
      const double w = wt[i], den = g + x * zs[i];
      s_w += w;
      s_lz += w * lz[i];
      s_lden += w * std::log(den);
      if (want_grad) {
        const double inv = 1.0 / den;
        s_inv += w * inv;
        if (want_hess) s_inv2 += w * inv * inv;
      }
    }
    const double lg_pxq = std::lgamma(px + q), lg_px = std::lgamma(px);
    ll += s_w * (lg_pxq - lg_px - lg_q + q * log_g + px * log_x) + (px - 1) * s_lz - (px + q) * s_lden;
    if (!want_grad) continue;
    const double psi_pxq = digamma(px + q);
    dp += x * (s_w * (psi_pxq - digamma(px) + log_x) + s_lz - s_lden);
    dq += s_w * (psi_pxq - psi_q + log_g) - s_lden;
    dg += s_w * (q / g) - (px + q) * s_inv;
    if (!want_hess) continue;
    const double t_pxq = boost::math::trigamma(px + q);
    h[0] += x * x * s_w * (t_pxq - boost::math::trigamma(px));
    h[1] += x * s_w * t_pxq;
    h[2] += -x * s_inv;
    h[4] += s_w * (t_pxq - psi1_q);
    h[5] += s_w / g - s_inv;
    h[8] += -s_w * q / (g * g) + (px + q) * s_inv2;
  }
  const std::array<double, 3> gn{dp, dq, dg}, pv{p, q, g};
  if (grad_log) *grad_log = {dp * p, dq * q, dg * g};
  if (hess_log)
    for (int i = 0; i < 3; ++i)
      for (int j = i; j < 3; ++j) {
        // d2l/dlog p_i dlog p_j = p_i p_j d2l/dp_i dp_j + [i == j] p_i dl/dp_i
        const double v = pv[i] * pv[j] * h[3 * i + j] + (i == j ? pv[i] * gn[i] : 0.0);
        (*hess_log)[3 * i + j] = (*hess_log)[3 * j + i] = v;
      }
  return ll;
}

}  // namespace

double gamma_gamma_log_likelihood(const GammaGammaParams& prm, const SpendIndex& idx,
                                  std::array<double, 3>* grad_log) {
  return evaluate(prm, idx, grad_log, nullptr);
}

double gamma_gamma_log_likelihood_hessian(const GammaGammaParams& prm, const SpendIndex& idx,
                                          std::array<double, 3>& grad_log, std::array<double, 9>& hess_log) {
  return evaluate(prm, idx, &grad_log, &hess_log);
}

void gamma_gamma_expected_spend(const GammaGammaParams& prm, std::span<const double> x,
                                std::span<const double> mean_spend, std::span<double> out) {
  if (x.size() != mean_spend.size() || out.size() != x.size()) throw DataError("gamma_gamma_expected_spend: length mismatch");
  const double p = prm.p, q = prm.q, g = prm.gamma;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i] > 0 ? x[i] : 0.0;
    out[i] = q > 1 ? p * (g + xi * mean_spend[i]) / (p * xi + q - 1) : nan;
  }
}

double frequency_spend_correlation(std::span<const SpendPair> table) {
  double n = 0, mx = 0, mz = 0;
  for (const auto& r : table) {
    const double w = static_cast<double>(r.count);
    n += w;
    mx += w * r.x;
    mz += w * r.mean_spend;
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  mx /= n;
  mz /= n;
  double sxx = 0, szz = 0, sxz = 0;  // two-pass: no cancellation from raw moments
  for (const auto& r : table) {
    const double w = static_cast<double>(r.count), dx = r.x - mx, dz = r.mean_spend - mz;
    sxx += w * dx * dx;
    szz += w * dz * dz;
    sxz += w * dx * dz;
  }
  if (sxx <= 0 || szz <= 0) return std::numeric_limits<double>::quiet_NaN();
  return sxz / std::sqrt(sxx * szz);
}

std::vector<std::string> gamma_gamma_warnings(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                              double corr_threshold) {
  std::vector<std::string> out;
  if (prm.q <= 1.0) {
    out.push_back("Gamma-Gamma: q = " + std::to_string(prm.q) +
                  " <= 1, so the mean spend p*gamma/(q-1) does not exist; expected spend is undefined");
  }
  const double corr = frequency_spend_correlation(table);
  if (std::isfinite(corr) && std::fabs(corr) > corr_threshold) {
    out.push_back("Gamma-Gamma: correlation between frequency and mean spend is " + std::to_string(corr) +
                  " (|corr| > " + std::to_string(corr_threshold) + "); the model assumes independence");
  }
  return out;
}

}  // namespace crmpi::clv
