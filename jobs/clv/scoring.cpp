// `crmpi clv` stage 4: per-customer scores from the broadcast parameters (so they depend only on
// the customer, never on the rank count): P(alive), churn risk, expected purchases over the
// horizon, CLV (with Gamma-Gamma's expected spend) and holdout predictions.
//
// BG/NBD: one fused pass per customer (BgNbdScorer with up to three horizon sets): P(alive) costs
// one log1p and one exp, the (x, T)-only numerators of E[Y(t)] come from a dense [T day][x] table
// filled on first use (T is a whole number of days), so the customers need no sorting.
// Pareto/NBD: the same fused pass over sets (pareto_nbd_score_sets): end terms per (x, day) summed
// in batches per x, P(alive) with one exp per customer.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "jobs/clv/stages.hpp"
#include "jobs/log.hpp"
#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/clv_value.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"

namespace crmpi::clv_stages {

namespace {

// The horizon sets scored in one pass and their outputs: E[Y(horizon)], the CLV months (with
// Gamma-Gamma), the holdout period (with a holdout).
struct SetsAndOutputs {
  std::vector<clv::HorizonSet> sets;
  std::vector<std::span<double>> outs;
};

SetsAndOutputs sets_and_outputs(double horizon, const std::vector<double>& clv_h, const std::vector<double>& clv_w,
                                double holdout_len, ClvModelScores& ms) {
  SetsAndOutputs so{{{{horizon}, {1.0}}}, {ms.expected_purchases}};
  if (!ms.clv.empty()) {
    so.sets.push_back({clv_h, clv_w});
    so.outs.emplace_back(ms.clv);
  }
  if (!ms.holdout_predicted.empty()) {
    so.sets.push_back({{holdout_len}, {1.0}});
    so.outs.emplace_back(ms.holdout_predicted);
  }
  return so;
}

void score_bgnbd(const clv::BgNbdParams& p, double per_unit, double horizon, const std::vector<double>& clv_h,
                 const std::vector<double>& clv_w, double holdout_len, const ClvResult& r, ClvModelScores& ms) {
  SetsAndOutputs so = sets_and_outputs(horizon, clv_h, clv_w, holdout_len, ms);
  clv::BgNbdScorer scorer(p, std::move(so.sets), bg_family(ms.model));
  scorer.set_time_grid(per_unit);  // T = whole days / days per unit
  scorer.score_sets(r.x, r.t_x, r.T, so.outs, ms.p_alive);
}

void score_pareto(const clv::ParetoNbdParams& p, double horizon, const std::vector<double>& clv_h,
                  const std::vector<double>& clv_w, double holdout_len, const ClvResult& r, ClvModelScores& ms) {
  // One fused pass for all horizon sets: P(alive) and the end terms once per customer / (x, day).
  const SetsAndOutputs so = sets_and_outputs(horizon, clv_h, clv_w, holdout_len, ms);
  clv::pareto_nbd_score_sets(p, so.sets, r.x, r.t_x, r.T, so.outs, ms.p_alive);
}

}  // namespace

void score_customers(const ClvConfig& cfg, ClvResult& r) {
  const std::size_t n = r.x.size();
  const clv::TimeUnit unit = r.unit;
  const double per_unit = clv::days_per_unit(unit);
  if (r.gamma_gamma) {
    r.expected_spend.assign(n, 0.0);
    clv::gamma_gamma_expected_spend(clv::gamma_gamma_params(*r.gamma_gamma), r.x, r.mean_spend, r.expected_spend);
    for (std::size_t i = 0; i < n; ++i)
      if (!r.in_calibration[i]) r.expected_spend[i] = kNaN;
  }
  const clv::ClvSettings settings{static_cast<int>(cfg.horizon_months), cfg.discount_rate, unit};
  std::vector<double> clv_h, clv_w;
  clv::clv_horizons_and_weights(settings, clv_h, clv_w);
  const double horizon = static_cast<double>(cfg.horizon_months) * clv::month_length(unit);
  const double holdout_len = r.holdout_end ? static_cast<double>(*r.holdout_end - r.calibration_end) / per_unit : 0.0;
  for (auto& ms : r.models) {
    Stopwatch ss;
    ms.p_alive.assign(n, 0.0);
    ms.expected_purchases.assign(n, 0.0);
    if (r.gamma_gamma) ms.clv.assign(n, 0.0);
    if (r.holdout_end) ms.holdout_predicted.assign(n, 0.0);
    if (ms.model != "pareto_nbd")  // BG/NBD or MBG/NBD
      score_bgnbd(clv::bgnbd_params(ms.fit), per_unit, horizon, clv_h, clv_w, holdout_len, r, ms);
    else
      score_pareto(clv::pareto_nbd_params(ms.fit), horizon, clv_h, clv_w, holdout_len, r, ms);
    ms.churn_risk.assign(n, 0.0);
    clv::churn_risk(ms.p_alive, ms.churn_risk);
    for (std::size_t i = 0; i < n; ++i) {
      if (!ms.clv.empty()) ms.clv[i] *= r.expected_spend[i];
      if (r.in_calibration[i]) continue;
      ms.p_alive[i] = ms.churn_risk[i] = ms.expected_purchases[i] = kNaN;
      if (!ms.clv.empty()) ms.clv[i] = kNaN;
      if (!ms.holdout_predicted.empty()) ms.holdout_predicted[i] = kNaN;
    }
    ms.t_score = ss.seconds();
    spdlog::info("clv: {} scored {} customers in {:.3f}s on this rank ({} customers/s per rank)", ms.model,
                 human_count(static_cast<double>(n)), ms.t_score,
                 human_count(static_cast<double>(n) / std::max(ms.t_score, 1e-9)));
  }
}

}  // namespace crmpi::clv_stages
