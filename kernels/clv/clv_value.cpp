#include "kernels/clv/clv_value.hpp"

#include <cmath>

#include "kernels/common/errors.hpp"

namespace crmpi::clv {

void clv_horizons_and_weights(const ClvSettings& s, std::vector<double>& horizons, std::vector<double>& weights) {
  if (s.months < 1) throw ConfigError("CLV: months must be >= 1");
  if (!(s.monthly_discount_rate > -1.0)) throw ConfigError("CLV: monthly discount rate must be > -1");
  const double m = month_length(s.unit);
  const double v = 1.0 / (1.0 + s.monthly_discount_rate);
  horizons.resize(static_cast<std::size_t>(s.months));
  weights.resize(static_cast<std::size_t>(s.months));
  for (int i = 1; i <= s.months; ++i) {
    const auto k = static_cast<std::size_t>(i - 1);
    horizons[k] = i * m;
    const double vi = std::pow(v, i);
    weights[k] = i < s.months ? vi - vi * v : vi;
  }
}

namespace {
void scale_by_spend(std::span<const double> spend, std::span<double> out) {
  if (spend.size() != out.size()) throw DataError("CLV: expected_spend length mismatch");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] *= spend[i];
}
}  // namespace

void bgnbd_clv(const BgNbdParams& p, const ClvSettings& s, std::span<const double> x, std::span<const double> t_x,
               std::span<const double> T, std::span<const double> expected_spend, std::span<double> out) {
  std::vector<double> h, w;
  clv_horizons_and_weights(s, h, w);
  BgNbdScorer scorer(p, std::move(h), std::move(w));
  scorer.score(x, t_x, T, out);
  scale_by_spend(expected_spend, out);
}

void pareto_nbd_clv(const ParetoNbdParams& p, const ClvSettings& s, std::span<const double> x,
                    std::span<const double> t_x, std::span<const double> T, std::span<const double> expected_spend,
                    std::span<double> out) {
  std::vector<double> h, w;
  clv_horizons_and_weights(s, h, w);
  pareto_nbd_score(p, h, w, x, t_x, T, out);
  scale_by_spend(expected_spend, out);
}

void churn_risk(std::span<const double> p_alive, std::span<double> out) {
  if (p_alive.size() != out.size()) throw DataError("churn_risk: length mismatch");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = 1.0 - p_alive[i];
}

}  // namespace crmpi::clv
