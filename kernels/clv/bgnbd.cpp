#include "kernels/clv/bgnbd.hpp"

#include <bit>
#include <cmath>
#include <limits>

#include "kernels/clv/special_functions.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {

double bgnbd_log_likelihood(const BgNbdParams& p, std::span<const Triple> table, std::array<double, 4>* grad_log) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double psi_r = digamma(r), psi_b = digamma(b), psi_ab = digamma(a + b);
  double ll = 0.0;
  double gr = 0, galpha = 0, ga = 0, gb = 0;  // natural-parameter gradient
  for (const Triple& row : table) {
    const double x = row.x, w = static_cast<double>(row.count);
    const double rx = r + x;
    const double log_aT = std::log(alpha + row.T);
    // A1 + A2: shared by both branches.
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

void bgnbd_p_alive(const BgNbdParams& p, std::span<const double> x, std::span<const double> t_x,
                   std::span<const double> T, std::span<double> out) {
  const std::size_t n = x.size();
  if (t_x.size() != n || T.size() != n || out.size() != n) throw DataError("bgnbd_p_alive: length mismatch");
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  for (std::size_t i = 0; i < n; ++i) {
    // ((alpha+T)/(alpha+t_x))^(r+x) via log1p of the relative gap: accurate when T ~ t_x.
    const double odds = a / (b + x[i] - 1) * std::exp((r + x[i]) * std::log1p((T[i] - t_x[i]) / (alpha + t_x[i])));
    out[i] = x[i] > 0 ? 1.0 / (1.0 + odds) : 1.0;
  }
}

namespace {
constexpr std::size_t kCacheBits = 14;
constexpr std::size_t kCacheSize = std::size_t{1} << kCacheBits;

std::size_t cache_slot(double x, double T) {
  const std::uint64_t h = std::bit_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ULL ^
                          std::bit_cast<std::uint64_t>(T) * 0xC2B2AE3D27D4EB4FULL;
  return static_cast<std::size_t>((h ^ (h >> 29)) >> (64 - kCacheBits));
}
}  // namespace

BgNbdScorer::BgNbdScorer(const BgNbdParams& p, std::vector<double> horizons, std::vector<double> weights)
    : p_(p), horizons_(std::move(horizons)), weights_(std::move(weights)),
      cache_(kCacheSize, Entry{std::numeric_limits<double>::quiet_NaN(), 0.0, 0.0}) {
  if (horizons_.size() != weights_.size()) throw ConfigError("BgNbdScorer: horizons and weights differ in length");
  if (p_.a == 1.0) throw ConfigError("BgNbdScorer: a == 1 is a pole of the BG/NBD expectation formula");
}

double BgNbdScorer::numerator(double x, double T) const {
  const double r = p_.r, alpha = p_.alpha, a = p_.a, b = p_.b;
  const double scale = (a + b + x - 1) / (a - 1);
  double total = 0.0;
  for (std::size_t k = 0; k < horizons_.size(); ++k) {
    const double t = horizons_[k];
    if (t <= 0) continue;
    const double z = t / (alpha + T + t);
    const double h_minus_1 = hyp2f1_minus_one(a + b - 1 - r, a - 1, a + b + x - 1, z);
    // 1 - (1-z)^(a-1) H without cancellation when t is small.
    const double bracket = -std::expm1((a - 1) * std::log1p(-z) + std::log1p(h_minus_1));
    total += weights_[k] * scale * bracket;
  }
  return total;
}

void BgNbdScorer::score(std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
                        std::span<double> out_value, std::span<double> out_p_alive) {
  const std::size_t n = x.size();
  if (t_x.size() != n || T.size() != n || out_value.size() != n || (!out_p_alive.empty() && out_p_alive.size() != n))
    throw DataError("BgNbdScorer::score: length mismatch");
  const double r = p_.r, alpha = p_.alpha, a = p_.a, b = p_.b;
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i], Ti = T[i];
    Entry& e = cache_[cache_slot(xi, Ti)];
    if (!(e.x == xi && e.T == Ti)) e = Entry{xi, Ti, numerator(xi, Ti)};
    double denom = 1.0;
    if (xi > 0) denom += a / (b + xi - 1) * std::exp((r + xi) * std::log1p((Ti - t_x[i]) / (alpha + t_x[i])));
    out_value[i] = e.value / denom;
    if (!out_p_alive.empty()) out_p_alive[i] = 1.0 / denom;
  }
}

void bgnbd_expected_purchases(const BgNbdParams& p, double horizon, std::span<const double> x,
                              std::span<const double> t_x, std::span<const double> T, std::span<double> out) {
  BgNbdScorer scorer(p, {horizon}, {1.0});
  scorer.score(x, t_x, T, out);
}

}  // namespace crmpi::clv
