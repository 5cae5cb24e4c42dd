// `crmpi clv` options: binding, validation, derived settings.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

#include "io/results_schema.hpp"
#include "jobs/clv/clv_internal.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

std::string_view model_name(ClvModel m) {
  switch (m) {
    case ClvModel::kBgNbd: return results_schema::kBgNbd;
    case ClvModel::kMbgNbd: return results_schema::kMbgNbd;
    case ClvModel::kParetoNbd: return results_schema::kParetoNbd;
    case ClvModel::kGammaGamma: return results_schema::kGammaGamma;
  }
  return "";
}

std::optional<ClvModel> parse_model(std::string_view m) {
  if (m == "bgnbd" || m == "bg_nbd" || m == "bg-nbd") return ClvModel::kBgNbd;
  if (m == "mbgnbd" || m == "mbg_nbd" || m == "mbg-nbd" || m == "mbg") return ClvModel::kMbgNbd;
  if (m == "pareto" || m == "pareto_nbd" || m == "pareto-nbd" || m == "pnbd") return ClvModel::kParetoNbd;
  if (m == "gg" || m == "gamma_gamma" || m == "gamma-gamma") return ClvModel::kGammaGamma;
  return std::nullopt;
}

namespace {

void check_nonneg(double v, const char* name) {
  if (!std::isfinite(v) || v < 0) throw ConfigError(std::string("--") + name + " must be a number >= 0");
}

}  // namespace

void ClvConfig::bind(Options& o) {
  o.bind("clv", "calibration-end", calibration_end,
         "last day (inclusive) of the calibration period YYYY-MM-DD; default: the input's as_of_day");
  o.bind("clv", "holdout-end", holdout_end,
         "last day (inclusive) of the holdout period YYYY-MM-DD (after --calibration-end); default: no holdout");
  o.bind("clv", "time-unit", time_unit, "time unit of the models: day or week");
  o.bind("clv", "models", models, "models to fit, comma-separated: bgnbd, mbgnbd, pareto, gg");
  o.bind("clv", "horizon-months", horizon_months, "CLV and expected-purchases horizon in months");
  o.bind("clv", "discount-rate", discount_rate, "monthly discount rate of the CLV (0.01 = 1% a month)");
  o.bind("clv", "new-max-tenure-weeks", new_max_tenure_weeks, "lifecycle: 'new' while tenure <= this");
  o.bind("clv", "churned-below", churned_below, "lifecycle: 'churned' when P(alive) < this");
  o.bind("clv", "at-risk-below", at_risk_below, "lifecycle: 'at_risk' when P(alive) < this");
  o.bind("clv", "reactivation-gap-weeks", reactivation_gap_weeks,
         "lifecycle: 'reactivated' when the gap before the last purchase exceeds this");
  o.bind("clv", "loyal-min-frequency", loyal_min_frequency, "lifecycle: 'loyal' needs this many repeat purchases");
  o.bind("clv", "loyal-min-tenure-weeks", loyal_min_tenure_weeks, "lifecycle: 'loyal' needs this tenure");
  o.bind("clv", "timings", timings, "write stage timings (JSON) to this file")->group("");
}

void ClvConfig::validate() {
  calibration_end_day.reset();
  holdout_end_day.reset();
  if (!calibration_end.empty()) {
    calibration_end_day = parse_iso_date(calibration_end);
    if (!calibration_end_day)
      throw ConfigError("--calibration-end must be a real date YYYY-MM-DD, got '" + calibration_end + "'");
  }
  if (!holdout_end.empty()) {
    holdout_end_day = parse_iso_date(holdout_end);
    if (!holdout_end_day) throw ConfigError("--holdout-end must be a real date YYYY-MM-DD, got '" + holdout_end + "'");
  }
  if (calibration_end_day && holdout_end_day && *holdout_end_day <= *calibration_end_day)
    throw ConfigError("--holdout-end (" + holdout_end + ") must be after --calibration-end (" + calibration_end + ")");
  if (time_unit != "day" && time_unit != "week")
    throw ConfigError("--time-unit must be day or week, got '" + time_unit + "'");
  unit = time_unit == "day" ? clv::TimeUnit::kDay : clv::TimeUnit::kWeek;
  if (models.empty()) throw ConfigError("--models needs at least one of bgnbd, mbgnbd, pareto, gg");
  model_list.clear();
  // Fitted in this order whatever the order given: Pareto/NBD starts from the BG/NBD estimates.
  for (const ClvModel m : {ClvModel::kBgNbd, ClvModel::kMbgNbd, ClvModel::kParetoNbd, ClvModel::kGammaGamma})
    for (const auto& name : models)
      if (parse_model(name) == m) {
        model_list.push_back(m);
        break;
      }
  for (const auto& m : models)
    if (!parse_model(m)) throw ConfigError("--models: unknown model '" + m + "' (known: bgnbd, mbgnbd, pareto, gg)");
  if (!wants(ClvModel::kBgNbd) && !wants(ClvModel::kMbgNbd) && !wants(ClvModel::kParetoNbd))
    throw ConfigError("--models needs a purchase model (bgnbd, mbgnbd or pareto); gg alone gives no P(alive) or CLV");
  if (horizon_months < 1 || horizon_months > 1200)
    throw ConfigError("--horizon-months must be in 1..1200, got " + std::to_string(horizon_months));
  if (!std::isfinite(discount_rate) || discount_rate < 0 || discount_rate > 1)
    throw ConfigError("--discount-rate (monthly) must be in [0, 1], got " + std::to_string(discount_rate));
  check_nonneg(new_max_tenure_weeks, "new-max-tenure-weeks");
  check_nonneg(reactivation_gap_weeks, "reactivation-gap-weeks");
  check_nonneg(loyal_min_frequency, "loyal-min-frequency");
  check_nonneg(loyal_min_tenure_weeks, "loyal-min-tenure-weeks");
  if (!(churned_below >= 0 && churned_below <= at_risk_below && at_risk_below <= 1))
    throw ConfigError("lifecycle thresholds need 0 <= --churned-below <= --at-risk-below <= 1, got " +
                      std::to_string(churned_below) + " and " + std::to_string(at_risk_below));
}

bool ClvConfig::wants(ClvModel m) const { return std::find(model_list.begin(), model_list.end(), m) != model_list.end(); }

clv::LifecycleThresholds ClvConfig::thresholds() const {
  clv::LifecycleThresholds t;
  const double k = 7.0 / clv::days_per_unit(unit);  // weeks -> unit
  t.new_max_tenure = new_max_tenure_weeks * k;
  t.churned_below = churned_below;
  t.at_risk_below = at_risk_below;
  t.reactivation_gap = reactivation_gap_weeks * k;
  t.loyal_min_frequency = loyal_min_frequency;
  t.loyal_min_tenure = loyal_min_tenure_weeks * k;
  return t;
}

}  // namespace crmpi
