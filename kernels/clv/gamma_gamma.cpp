#include "kernels/clv/gamma_gamma.hpp"

#include <cmath>
#include <limits>

#include "kernels/clv/special_functions.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {

double gamma_gamma_log_likelihood(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                  std::array<double, 3>* grad_log) {
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
