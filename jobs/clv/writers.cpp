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

namespace {

void write_fit(ResultsFile& results, const std::string& group, const clv::FitResult& f) {
  results.write_strings(group + "/parameters/name", f.names);
  results.write_replicated(group + "/parameters/estimate", f.estimates);
  results.write_replicated(group + "/parameters/std_error", f.std_errors);
  auto g = results.group(group);
  h5::write_attr_double(g.id(), "log_likelihood", f.log_likelihood);
  h5::write_attr_double(g.id(), "aic", f.aic);
  h5::write_attr_double(g.id(), "bic", f.bic);
  h5::write_attr_int(g.id(), "customers", static_cast<std::int64_t>(f.n_customers));
  h5::write_attr_int(g.id(), "iterations", f.iterations);
  h5::write_attr_int(g.id(), "converged", f.converged ? 1 : 0);
  h5::write_attr_string(g.id(), "message", f.message);
  std::string w;
  for (const auto& s : f.warnings) w += (w.empty() ? "" : "; ") + s;
  h5::write_attr_string(g.id(), "warnings", w);
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
  results.write_column("/clv/customer_id", r.customer_id);
  results.write_column("/clv/in_calibration", r.in_calibration);
  results.write_column("/clv/x", masked(r.x, r.in_calibration));
  results.write_column("/clv/t_x", masked(r.t_x, r.in_calibration));
  results.write_column("/clv/T", masked(r.T, r.in_calibration));
  results.write_column("/clv/mean_spend", masked(r.mean_spend, r.in_calibration));
  results.write_column("/clv/lifecycle_stage", r.stage);
  results.write_strings("/clv/lifecycle_stage_names", r.stage_names);

  // Models.
  std::vector<std::string> fit_models;
  std::vector<const clv::FitResult*> fits;
  for (const auto& ms : r.models) {
    const std::string g = "/clv/" + std::string(model_name(ms.model));
    results.write_column(g + "/p_alive", std::span<const double>(ms.p_alive));
    results.write_column(g + "/churn_risk", std::span<const double>(ms.churn_risk));
    results.write_column(g + "/expected_purchases", std::span<const double>(ms.expected_purchases));
    if (!ms.clv.empty()) results.write_column(g + "/clv", std::span<const double>(ms.clv));
    write_fit(results, g, ms.fit);
    fit_models.emplace_back(model_name(ms.model));
    fits.push_back(&ms.fit);
  }
  if (r.gamma_gamma) {
    results.write_column("/clv/gamma_gamma/expected_spend", r.expected_spend);
    write_fit(results, "/clv/gamma_gamma", *r.gamma_gamma);
    auto g = results.group("/clv/gamma_gamma");
    h5::write_attr_double(g.id(), "frequency_spend_correlation", r.frequency_spend_correlation);
    fit_models.push_back("gamma_gamma");
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
    results.write_strings("/clv/fit/model", fit_models);
    results.write_replicated("/clv/fit/log_likelihood", ll);
    results.write_replicated("/clv/fit/aic", aic);
    results.write_replicated("/clv/fit/bic", bic);
    results.write_replicated("/clv/fit/customers", customers);
    results.write_replicated("/clv/fit/converged", converged);
  }

  // Lifecycle summary.
  std::vector<double> stage_share, stage_clv_mean;
  for (std::size_t s = 0; s < r.stage_names.size(); ++s) {
    const double c = static_cast<double>(r.stage_customers[s]);
    stage_share.push_back(r.customers ? c / static_cast<double>(r.customers) : 0.0);
    stage_clv_mean.push_back(c > 0 ? r.stage_clv[s] / c : kNaN);
  }
  results.write_strings("/clv/lifecycle/stage", r.stage_names);
  results.write_replicated("/clv/lifecycle/customers", r.stage_customers);
  results.write_replicated("/clv/lifecycle/customer_share", stage_share);
  results.write_replicated("/clv/lifecycle/expected_purchases", r.stage_expected_purchases);
  results.write_replicated("/clv/lifecycle/clv_sum", r.stage_clv);
  results.write_replicated("/clv/lifecycle/clv_mean", stage_clv_mean);

  // Holdout.
  if (r.holdout_end) {
    results.write_column("/clv/holdout/actual_purchases", r.holdout_purchases);
    results.write_column("/clv/holdout/actual_spend", masked(r.holdout_spend, r.in_calibration));
    std::vector<double> mae, corr, pred_total;
    for (const auto& ms : r.models) {
      results.write_column("/clv/holdout/predicted_" + std::string(model_name(ms.model)), std::span<const double>(ms.holdout_predicted));
      mae.push_back(ms.holdout_mae);
      corr.push_back(ms.holdout_correlation);
      pred_total.push_back(ms.holdout_predicted_total);
    }
    std::vector<std::string> names;
    for (const auto& ms : r.models) names.emplace_back(model_name(ms.model));
    results.write_strings("/clv/holdout/metrics/model", names);
    results.write_replicated("/clv/holdout/metrics/mae", mae);
    results.write_replicated("/clv/holdout/metrics/correlation", corr);
    results.write_replicated("/clv/holdout/metrics/predicted_total", pred_total);
    results.write_replicated("/clv/holdout/weekly/week_end_day", r.week_end_day);
    results.write_replicated("/clv/holdout/weekly/actual_cumulative", r.weekly_actual_cumulative);
    for (const auto& ms : r.models)
      results.write_replicated("/clv/holdout/weekly/expected_cumulative_" + std::string(model_name(ms.model)), ms.weekly_expected_cumulative);
    auto g = results.group("/clv/holdout");
    h5::write_attr_int(g.id(), "actual_total", static_cast<std::int64_t>(r.holdout_actual_total));
    h5::write_attr_string(g.id(), "start", format_iso_date(r.calibration_end + 1));
    h5::write_attr_string(g.id(), "end", format_iso_date(*r.holdout_end));
  }

  {
    auto g = results.group("/clv");
    h5::write_attr_int(g.id(), "calibration_end_day", r.calibration_end);
    h5::write_attr_string(g.id(), "calibration_end", format_iso_date(r.calibration_end));
    h5::write_attr_string(g.id(), "holdout_end", r.holdout_end ? format_iso_date(*r.holdout_end) : "");
    h5::write_attr_string(g.id(), "time_unit", cfg.time_unit);
    h5::write_attr_string(g.id(), "models", join(fit_models, ","));
    h5::write_attr_string(g.id(), "primary_model", std::string(model_name(r.models.front().model)));
    h5::write_attr_int(g.id(), "horizon_months", cfg.horizon_months);
    h5::write_attr_double(g.id(), "horizon_units",
                          static_cast<double>(cfg.horizon_months) * clv::month_length(r.unit));
    h5::write_attr_double(g.id(), "monthly_discount_rate", cfg.discount_rate);
    const auto th = cfg.thresholds();
    const double t[] = {th.new_max_tenure, th.churned_below, th.at_risk_below, th.reactivation_gap,
                        th.loyal_min_frequency, th.loyal_min_tenure};
    h5::write_attr_doubles(g.id(), "lifecycle_thresholds", t);
    h5::write_attr_string(g.id(), "lifecycle_thresholds_names",
                          "new_max_tenure,churned_below,at_risk_below,reactivation_gap,loyal_min_frequency,"
                          "loyal_min_tenure (time unit of the models)");
    h5::write_attr_int(g.id(), "customers", static_cast<std::int64_t>(r.customers));
    h5::write_attr_int(g.id(), "calibration_customers", static_cast<std::int64_t>(r.calibration_customers));
    h5::write_attr_int(g.id(), "distinct_summaries", static_cast<std::int64_t>(r.triples));
    h5::write_attr_int(g.id(), "spend_customers", static_cast<std::int64_t>(r.spend_customers));
    h5::write_attr_string(g.id(), "currency", currency);
    h5::write_attr_string(g.id(), "warnings", join(r.warnings, "; "));
    h5::write_attr_string(g.id(), "aggregation",
                          "fits on the merged global (x, t_x, T) table; sums over customers exact "
                          "(fixed point 2^-24, 128-bit): identical at any rank count (docs/clv.md)");
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
    << ", \"collapse_s\": " << r.t_collapse << ", \"fit_gamma_gamma_s\": " << r.t_fit_gg
    << ", \"aggregate_s\": " << r.t_aggregate;
  for (const auto& ms : r.models)
    f << ", \"fit_" << model_name(ms.model) << "_s\": " << ms.t_fit << ", \"score_" << model_name(ms.model) << "_s\": " << ms.t_score;
  f << "}\n";
}

}  // namespace crmpi
