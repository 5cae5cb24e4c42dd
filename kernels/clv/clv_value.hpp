// Customer lifetime value as a discounted sum over months, following lifetimes'
// customer_lifetime_value (lifetimes/utils.py _customer_lifetime_value):
//   CLV = sum_{i=1..M} (E[Y(i m)] - E[Y((i-1) m)]) * spend / (1 + d)^i
// where E[Y(t)] is the model's conditional expected number of purchases by time t, m is one
// month in the model's time unit (30 days, or 4.345 weeks: lifetimes' factors), d the monthly
// discount rate and `spend` the expected spend per purchase (e.g. Gamma-Gamma's conditional mean).
// Since E[Y(0)] = 0 the sum is linear in the E[Y(i m)]: weights v^i - v^(i+1) for i < M and v^M
// for i = M, v = 1/(1+d). With d = 0 the CLV is E[Y(M m)] * spend.
#pragma once

#include <span>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct ClvSettings {
  int months = 12;                     // horizon in months
  double monthly_discount_rate = 0.01; // d
  TimeUnit unit = TimeUnit::kWeek;     // time unit the model was fitted in
};

// Horizons i*m (i = 1..months) in model time units and the weights above.
void clv_horizons_and_weights(const ClvSettings& s, std::vector<double>& horizons, std::vector<double>& weights);

void bgnbd_clv(const BgNbdParams& p, const ClvSettings& s, std::span<const double> x, std::span<const double> t_x,
               std::span<const double> T, std::span<const double> expected_spend, std::span<double> out);
void pareto_nbd_clv(const ParetoNbdParams& p, const ClvSettings& s, std::span<const double> x,
                    std::span<const double> t_x, std::span<const double> T, std::span<const double> expected_spend,
                    std::span<double> out);

// churn risk = 1 - P(alive).
void churn_risk(std::span<const double> p_alive, std::span<double> out);

}  // namespace crmpi::clv
