// `crmpi clv` stage 5: lifecycle stages of the primary model, exact (rank-count independent)
// aggregates, holdout metrics and the weekly expected-vs-actual tracking.
#include <spdlog/spdlog.h>

#include <cmath>

#include "jobs/clv/clv_internal.hpp"
#include "jobs/common/log.hpp"
#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/lifecycle.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi::clv_job {

namespace {

// Each run's sum over its rows of count x per-row value, in row order, added exactly: the totals
// of a spread table, the same at any rank count (clv_stage.hpp: SpreadTable).
void add_runs(const SpreadTable<clv::Triple>& table, std::span<const double> per_row, WideSum& total) {
  std::size_t begin = 0;
  for (const std::size_t end : table.run_end) {
    double sum = 0.0;
    for (std::size_t i = begin; i < end; ++i) sum += static_cast<double>(table.rows[i].count) * per_row[i];
    total.add(sum);
    begin = end;
  }
}

struct Columns {
  std::vector<double> x, tx, T;
  explicit Columns(std::span<const clv::Triple> rows) : x(rows.size()), tx(rows.size()), T(rows.size()) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      x[i] = rows[i].x;
      tx[i] = rows[i].t_x;
      T[i] = rows[i].T;
    }
  }
};

// Expected purchases of the table's customers over each horizon (weights 1), Pareto/NBD closed
// form (pareto_nbd.hpp) with P(alive) computed once for all horizons: this rank's runs.
void pareto_weekly(const clv::ParetoNbdParams& p, const SpreadTable<clv::Triple>& table,
                   std::span<const double> horizons, std::vector<WideSum>& totals) {
  const Columns c(table.rows);
  const std::size_t n = table.rows.size();
  std::vector<double> alive(n), v(n);
  clv::pareto_nbd_p_alive(p, c.x, c.tx, c.T, alive);
  for (std::size_t k = 0; k < horizons.size(); ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      const double lead = (p.r + c.x[i]) * (p.beta + c.T[i]) / (p.alpha + c.T[i]);
      const double l = std::log1p(horizons[k] / (p.beta + c.T[i]));
      const double shape = std::fabs(p.s - 1) < 1e-8 ? l : -std::expm1(-(p.s - 1) * l) / (p.s - 1);
      v[i] = lead * shape * alive[i];
    }
    add_runs(table, v, totals[k]);
  }
}

void bgnbd_weekly(const clv::BgNbdParams& p, clv::BgFamily family, const SpreadTable<clv::Triple>& table,
                  std::span<const double> horizons, double time_grid, std::vector<WideSum>& totals) {
  const Columns c(table.rows);
  std::vector<double> v(table.rows.size());
  for (std::size_t k = 0; k < horizons.size(); ++k) {
    clv::BgNbdScorer scorer(p, {clv::HorizonSet{{horizons[k]}, {1.0}}}, family);
    scorer.set_time_grid(time_grid);  // the table is sorted by x first: the hashed cache would thrash
    scorer.score(c.x, c.tx, c.T, v);
    add_runs(table, v, totals[k]);
  }
}

}  // namespace

void lifecycle_and_aggregates(const Comm& comm, const ClvConfig& cfg, const SpreadTable<clv::Triple>& table,
                              SummaryPass& pass, ClvResult& r) {
  Stopwatch sw;
  const std::size_t n = r.x.size();
  const double per_unit = clv::days_per_unit(r.unit);
  std::vector<double> week_horizons;
  for (const std::int32_t d : r.week_end_day) week_horizons.push_back(static_cast<double>(d - r.calibration_end) / per_unit);
  const auto th = cfg.thresholds();
  const ClvModelScores& primary = r.models.front();
  for (int s = 0; s < 6; ++s) r.stage_names.emplace_back(clv::to_string(static_cast<clv::LifecycleStage>(s)));
  r.stage_names.emplace_back("not_in_calibration");
  r.stage.assign(n, kNotInCalibration);
  r.stage_customers.assign(r.stage_names.size(), 0);
  std::vector<ExactSum> stage_sums(2 * r.stage_names.size());  // expected purchases, CLV
  for (std::size_t i = 0; i < n; ++i) {
    if (r.in_calibration[i]) {
      const clv::LifecycleInput li{r.T[i] - r.t_x[i], r.x[i], r.T[i], primary.p_alive[i], r.last_gap[i]};
      r.stage[i] = static_cast<std::uint8_t>(clv::classify_lifecycle(li, th));
      stage_sums[2 * r.stage[i]].add(primary.expected_purchases[i]);
      if (!primary.clv.empty()) stage_sums[2 * r.stage[i] + 1].add(primary.clv[i]);
    }
    ++r.stage_customers[r.stage[i]];
  }
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(r.stage_customers));
  const std::vector<double> stage_totals = ExactSum::reduce(comm, stage_sums);
  for (std::size_t s = 0; s < r.stage_names.size(); ++s) {
    r.stage_expected_purchases.push_back(stage_totals[2 * s]);
    r.stage_clv.push_back(primary.clv.empty() || s == kNotInCalibration ? kNaN : stage_totals[2 * s + 1]);
  }
  if (!r.stage_expected_purchases.empty()) r.stage_expected_purchases[kNotInCalibration] = kNaN;

  // Holdout: MAE and correlation (two passes of exact sums), weekly tracking.
  if (r.holdout_end) {
    comm.allreduce_sum_inplace(std::span<std::uint64_t>(pass.weekly));
    std::uint64_t cum = 0;
    for (const auto w : pass.weekly) r.weekly_actual_cumulative.push_back(cum += w);
    std::uint64_t actual_total = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (r.in_calibration[i]) actual_total += r.holdout_purchases[i];
    r.holdout_actual_total = comm.allreduce_sum<std::uint64_t>(actual_total);
    const double cn = static_cast<double>(r.calibration_customers);
    const double mean_actual = static_cast<double>(r.holdout_actual_total) / cn;
    std::vector<ExactSum> first(2 * r.models.size());
    for (std::size_t m = 0; m < r.models.size(); ++m)
      for (std::size_t i = 0; i < n; ++i) {
        if (!r.in_calibration[i]) continue;
        const double pr = r.models[m].holdout_predicted[i];
        first[2 * m].add(pr);
        first[2 * m + 1].add(std::fabs(pr - static_cast<double>(r.holdout_purchases[i])));
      }
    const auto s1 = ExactSum::reduce(comm, first);
    std::vector<ExactSum> second(3 * r.models.size());
    for (std::size_t m = 0; m < r.models.size(); ++m) {
      const double mean_pred = s1[2 * m] / cn;
      for (std::size_t i = 0; i < n; ++i) {
        if (!r.in_calibration[i]) continue;
        const double dp = r.models[m].holdout_predicted[i] - mean_pred;
        const double da = static_cast<double>(r.holdout_purchases[i]) - mean_actual;
        second[3 * m].add(dp * dp);
        second[3 * m + 1].add(da * da);
        second[3 * m + 2].add(dp * da);
      }
    }
    const auto s2 = ExactSum::reduce(comm, second);
    for (std::size_t m = 0; m < r.models.size(); ++m) {
      auto& ms = r.models[m];
      ms.holdout_predicted_total = s1[2 * m];
      ms.holdout_mae = s1[2 * m + 1] / cn;
      const double den = std::sqrt(s2[3 * m] * s2[3 * m + 1]);
      ms.holdout_correlation = den > 0 ? s2[3 * m + 2] / den : kNaN;
      // Weekly expected cumulative purchases: over the spread table, each rank its runs.
      std::vector<WideSum> weekly(week_horizons.size());
      if (ms.model != ClvModel::kParetoNbd)  // BG/NBD or MBG/NBD
        bgnbd_weekly(clv::bgnbd_params(ms.fit), bg_family(ms.model), table, week_horizons, per_unit, weekly);
      else
        pareto_weekly(clv::pareto_nbd_params(ms.fit), table, week_horizons, weekly);
      allreduce_exact(comm, weekly);
      ms.weekly_expected_cumulative.clear();
      for (const WideSum& w : weekly) ms.weekly_expected_cumulative.push_back(w.value());
      spdlog::info("clv: holdout {} .. {} ({} weeks): {} predicted {:.1f} purchases, actual {}; MAE {:.4f}, corr {:.4f}",
                   format_iso_date(r.calibration_end + 1), format_iso_date(*r.holdout_end), pass.weeks, model_name(ms.model),
                   ms.holdout_predicted_total, r.holdout_actual_total, ms.holdout_mae, ms.holdout_correlation);
    }
  }
  r.t_aggregate = sw.seconds();
  if (r.gamma_gamma && std::fabs(r.frequency_spend_correlation) > 0.3)
    spdlog::warn("clv: frequency/spend correlation {:.3f}: Gamma-Gamma assumes independence",
                 r.frequency_spend_correlation);
}

}  // namespace crmpi::clv_job
