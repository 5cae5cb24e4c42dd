// `crmpi clv` output: /clv/* in results.h5, csv/clv_*.csv, and the hidden --timings JSON.
#include <cmath>
#include <fstream>

#include "io/csv_writer.hpp"
#include "jobs/clv/clv_internal.hpp"
#include "kernels/clv/types.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

using clv_job::kNaN;
namespace layout = results_schema;

namespace {

void write_fit(ResultsFile& results, std::string_view model, const clv::FitResult& f) {
  results.write_strings(layout::at(layout::clv::kParameterName, model), f.names);
  results.write_replicated(layout::at(layout::clv::kParameterEstimate, model), f.estimates);
  results.write_replicated(layout::at(layout::clv::kParameterStdError, model), f.std_errors);
  results.write_attr_double(layout::at(layout::clv::kModelLogLikelihood, model), f.log_likelihood);
  results.write_attr_double(layout::at(layout::clv::kModelAic, model), f.aic);
  results.write_attr_double(layout::at(layout::clv::kModelBic, model), f.bic);
  results.write_attr_int(layout::at(layout::clv::kModelCustomers, model),
                         static_cast<std::int64_t>(f.n_customers));
  results.write_attr_int(layout::at(layout::clv::kModelIterations, model), f.iterations);
  results.write_attr_int(layout::at(layout::clv::kModelConverged, model), f.converged ? 1 : 0);
  results.write_attr_string(layout::at(layout::clv::kModelMessage, model), f.message);
  std::string w;
  for (const auto& s : f.warnings) w += (w.empty() ? "" : "; ") + s;
  results.write_attr_string(layout::at(layout::clv::kModelWarnings, model), w);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// NaN-aware CSV number.
std::string num(double v, int decimals = 6) { return std::isfinite(v) ? csv_number(v, decimals) : "NaN"; }

// Per-customer summary columns, NaN for customers without a purchase by calibration end.
std::vector<double> masked(const std::vector<double>& v, const std::vector<std::uint8_t>& in_cal) {
  std::vector<double> out(v);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!in_cal[i]) out[i] = kNaN;
  return out;
}

}  // namespace

void write_clv(const Comm& comm, ResultsFile& results, OutputSet& out, const ClvResult& r, const ClvConfig& cfg,
               const std::string& currency) {
  // Per-customer summary.
  results.write_column(layout::clv::kCustomerId, r.customer_id);
  results.write_column(layout::clv::kInCalibration, r.in_calibration);
  results.write_column(layout::clv::kX, masked(r.x, r.in_calibration));
  results.write_column(layout::clv::kTX, masked(r.t_x, r.in_calibration));
  results.write_column(layout::clv::kT, masked(r.T, r.in_calibration));
  results.write_column(layout::clv::kMeanSpend, masked(r.mean_spend, r.in_calibration));
  results.write_column(layout::clv::kLifecycleStage, r.stage);
  results.write_strings(layout::clv::kLifecycleStageNames, r.stage_names);

  // Models.
  std::vector<std::string> fit_models;
  std::vector<const clv::FitResult*> fits;
  for (const auto& ms : r.models) {
    const std::string_view m = model_name(ms.model);
    results.write_column(layout::at(layout::clv::kPAlive, m), ms.p_alive);
    results.write_column(layout::at(layout::clv::kChurnRisk, m), ms.churn_risk);
    results.write_column(layout::at(layout::clv::kExpectedPurchases, m), ms.expected_purchases);
    if (!ms.clv.empty()) results.write_column(layout::at(layout::clv::kClv, m), ms.clv);
    write_fit(results, m, ms.fit);
    fit_models.emplace_back(model_name(ms.model));
    fits.push_back(&ms.fit);
  }
  if (r.gamma_gamma) {
    results.write_column(layout::clv::kExpectedSpend, r.expected_spend);
    write_fit(results, layout::kGammaGamma, *r.gamma_gamma);
    results.write_attr_double(layout::clv::kFrequencySpendCorrelation, r.frequency_spend_correlation);
    fit_models.emplace_back(layout::kGammaGamma);
    fits.push_back(&*r.gamma_gamma);
  }
  {
    std::vector<double> ll, aic, bic;
    std::vector<std::uint64_t> customers;
    std::vector<std::uint8_t> converged;
    for (const auto* f : fits) {
      ll.push_back(f->log_likelihood);
      aic.push_back(f->aic);
      bic.push_back(f->bic);
      customers.push_back(f->n_customers);
      converged.push_back(f->converged ? 1 : 0);
    }
    results.write_strings(layout::clv::kFitModel, fit_models);
    results.write_replicated(layout::clv::kFitLogLikelihood, ll);
    results.write_replicated(layout::clv::kFitAic, aic);
    results.write_replicated(layout::clv::kFitBic, bic);
    results.write_replicated(layout::clv::kFitCustomers, customers);
    results.write_replicated(layout::clv::kFitConverged, converged);
  }

  // Lifecycle summary.
  std::vector<double> stage_share, stage_clv_mean;
  for (std::size_t s = 0; s < r.stage_names.size(); ++s) {
    const double c = static_cast<double>(r.stage_customers[s]);
    stage_share.push_back(r.customers ? c / static_cast<double>(r.customers) : 0.0);
    stage_clv_mean.push_back(c > 0 ? r.stage_clv[s] / c : kNaN);
  }
  results.write_strings(layout::clv::kLifecycleStageName, r.stage_names);
  results.write_replicated(layout::clv::kLifecycleCustomers, r.stage_customers);
  results.write_replicated(layout::clv::kLifecycleCustomerShare, stage_share);
  results.write_replicated(layout::clv::kLifecycleExpectedPurchases, r.stage_expected_purchases);
  results.write_replicated(layout::clv::kLifecycleClvSum, r.stage_clv);
  results.write_replicated(layout::clv::kLifecycleClvMean, stage_clv_mean);

  // Holdout.
  if (r.holdout_end) {
    results.write_column(layout::clv::kHoldoutActualPurchases, r.holdout_purchases);
    results.write_column(layout::clv::kHoldoutActualSpend, masked(r.holdout_spend, r.in_calibration));
    std::vector<double> mae, corr, pred_total;
    for (const auto& ms : r.models) {
      results.write_column(layout::at(layout::clv::kHoldoutPredicted, model_name(ms.model)),
                           ms.holdout_predicted);
      mae.push_back(ms.holdout_mae);
      corr.push_back(ms.holdout_correlation);
      pred_total.push_back(ms.holdout_predicted_total);
    }
    std::vector<std::string> names;
    for (const auto& ms : r.models) names.emplace_back(model_name(ms.model));
    results.write_strings(layout::clv::kHoldoutMetricsModel, names);
    results.write_replicated(layout::clv::kHoldoutMae, mae);
    results.write_replicated(layout::clv::kHoldoutCorrelation, corr);
    results.write_replicated(layout::clv::kHoldoutPredictedTotal, pred_total);
    results.write_replicated(layout::clv::kWeekEndDay, r.week_end_day);
    results.write_replicated(layout::clv::kWeeklyActualCumulative, r.weekly_actual_cumulative);
    for (const auto& ms : r.models)
      results.write_replicated(layout::at(layout::clv::kWeeklyExpectedCumulative, model_name(ms.model)),
                               ms.weekly_expected_cumulative);
    results.write_attr_int(layout::clv::kHoldoutActualTotal,
                           static_cast<std::int64_t>(r.holdout_actual_total));
    results.write_attr_string(layout::clv::kHoldoutStart, format_iso_date(r.calibration_end + 1));
    results.write_attr_string(layout::clv::kHoldoutEndDate, format_iso_date(*r.holdout_end));
  }

  {
    using namespace layout::clv;
    results.write_attr_int(kCalibrationEndDay, r.calibration_end);
    results.write_attr_string(kCalibrationEnd, format_iso_date(r.calibration_end));
    results.write_attr_string(kHoldoutEnd, r.holdout_end ? format_iso_date(*r.holdout_end) : "");
    results.write_attr_string(kTimeUnit, cfg.time_unit);
    results.write_attr_string(kModels, join(fit_models, ","));
    results.write_attr_string(kPrimaryModel, std::string(model_name(r.models.front().model)));
    results.write_attr_int(kHorizonMonths, cfg.horizon_months);
    results.write_attr_double(kHorizonUnits,
                              static_cast<double>(cfg.horizon_months) * clv::month_length(r.unit));
    results.write_attr_double(kMonthlyDiscountRate, cfg.discount_rate);
    const auto th = cfg.thresholds();
    const double t[] = {th.new_max_tenure, th.churned_below, th.at_risk_below, th.reactivation_gap,
                        th.loyal_min_frequency, th.loyal_min_tenure};
    results.write_attr_doubles(kLifecycleThresholds, t);
    results.write_attr_string(
        kLifecycleThresholdsNames,
        "new_max_tenure,churned_below,at_risk_below,reactivation_gap,loyal_min_frequency,"
        "loyal_min_tenure (time unit of the models)");
    results.write_attr_int(kCustomers, static_cast<std::int64_t>(r.customers));
    results.write_attr_int(kCalibrationCustomers, static_cast<std::int64_t>(r.calibration_customers));
    results.write_attr_int(kDistinctSummaries, static_cast<std::int64_t>(r.triples));
    results.write_attr_int(kSpendCustomers, static_cast<std::int64_t>(r.spend_customers));
    results.write_attr_string(kCurrency, currency);
    results.write_attr_string(kWarnings, join(r.warnings, "; "));
    results.write_attr_string(kAggregation,
                              "fits over the (x, t_x, T) table spread over the ranks in runs, likelihood sums "
                              "exact (fixed point 2^-64, 192-bit); sums over customers exact (fixed point "
                              "2^-24, 128-bit): identical at any rank count (docs/clv.md)");
  }

  const std::string models_csv = out.temp_path("csv/clv_models.csv");
  const std::string fit_csv = out.temp_path("csv/clv_fit.csv");
  const std::string life_csv = out.temp_path("csv/clv_lifecycle.csv");
  const std::string hold_csv = r.holdout_end ? out.temp_path("csv/clv_holdout.csv") : "";
  const std::string week_csv = r.holdout_end ? out.temp_path("csv/clv_weekly.csv") : "";
  if (!comm.is_root()) return;
  CsvWriter m(models_csv, {"model", "parameter", "estimate", "std_error"});
  CsvWriter f(fit_csv, {"model", "log_likelihood", "aic", "bic", "customers", "converged"});
  for (std::size_t k = 0; k < fits.size(); ++k) {
    for (std::size_t j = 0; j < fits[k]->names.size(); ++j)
      m.row({fit_models[k], fits[k]->names[j], num(fits[k]->estimates[j], 8), num(fits[k]->std_errors[j], 8)});
    f.row({fit_models[k], num(fits[k]->log_likelihood, 4), num(fits[k]->aic, 4), num(fits[k]->bic, 4),
           std::to_string(fits[k]->n_customers), fits[k]->converged ? "true" : "false"});
  }
  m.close();
  f.close();
  CsvWriter l(life_csv, {"stage", "customers", "customer_share", "expected_purchases", "clv_sum", "clv_mean",
                         "currency"});
  for (std::size_t s = 0; s < r.stage_names.size(); ++s)
    l.row({r.stage_names[s], std::to_string(r.stage_customers[s]), num(stage_share[s]),
           num(r.stage_expected_purchases[s], 3), num(r.stage_clv[s], 2), num(stage_clv_mean[s], 2), currency});
  l.close();
  if (r.holdout_end) {
    CsvWriter h(hold_csv, {"model", "customers", "actual_purchases", "predicted_purchases", "mae", "correlation"});
    for (const auto& ms : r.models)
      h.row({std::string(model_name(ms.model)), std::to_string(r.calibration_customers), std::to_string(r.holdout_actual_total),
             num(ms.holdout_predicted_total, 3), num(ms.holdout_mae), num(ms.holdout_correlation)});
    h.close();
    std::vector<std::string> header = {"week", "week_end", "actual_cumulative"};
    for (const auto& ms : r.models) header.push_back("expected_cumulative_" + std::string(model_name(ms.model)));
    CsvWriter w(week_csv, header);
    for (std::size_t k = 0; k < r.week_end_day.size(); ++k) {
      std::vector<std::string> row = {std::to_string(k + 1), format_iso_date(r.week_end_day[k]),
                                      std::to_string(r.weekly_actual_cumulative[k])};
      for (const auto& ms : r.models) row.push_back(num(ms.weekly_expected_cumulative[k], 3));
      w.row(row);
    }
    w.close();
  }
}

void write_clv_timings(const Comm& comm, const ClvResult& r, const std::string& path) {
  if (path.empty() || !comm.is_root()) return;
  std::ofstream f(path);
  if (!f) throw IoError("cannot write --timings file " + path);
  f << "{\"ranks\": " << comm.size() << ", \"customers\": " << r.customers
    << ", \"calibration_customers\": " << r.calibration_customers << ", \"triples\": " << r.triples
    << ", \"rank0_customers\": " << r.customer_id.size() << ", \"summary_s\": " << r.t_summary
    << ", \"collapse_s\": " << r.t_collapse << ", \"spread_gamma_gamma_s\": " << r.t_spread_gg << ", \"fit_gamma_gamma_s\": " << r.t_fit_gg
    << ", \"aggregate_s\": " << r.t_aggregate;
  for (const auto& ms : r.models)
    f << ", \"fit_" << model_name(ms.model) << "_s\": " << ms.t_fit << ", \"score_" << model_name(ms.model) << "_s\": " << ms.t_score;
  f << "}\n";
}

}  // namespace crmpi
