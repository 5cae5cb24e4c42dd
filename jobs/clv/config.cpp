// `crmpi clv` options: binding, validation, derived settings.
#include <algorithm>
#include <cmath>
#include <optional>

#include "jobs/clv/stages.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace clv_stages {
std::string canonical_model(const std::string& m) {
  if (m == "bgnbd" || m == "bg_nbd" || m == "bg-nbd") return "bgnbd";
  if (m == "mbgnbd" || m == "mbg_nbd" || m == "mbg-nbd" || m == "mbg") return "mbgnbd";
  if (m == "pareto" || m == "pareto_nbd" || m == "pareto-nbd" || m == "pnbd") return "pareto_nbd";
  if (m == "gg" || m == "gamma_gamma" || m == "gamma-gamma") return "gamma_gamma";
  return "";
}
}  // namespace clv_stages

namespace {
using clv_stages::canonical_model;

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

void ClvConfig::validate() const {
  std::optional<std::int32_t> cal, hold;
  if (!calibration_end.empty()) {
    cal = parse_iso_date(calibration_end);
    if (!cal) throw ConfigError("--calibration-end must be a real date YYYY-MM-DD, got '" + calibration_end + "'");
  }
  if (!holdout_end.empty()) {
    hold = parse_iso_date(holdout_end);
    if (!hold) throw ConfigError("--holdout-end must be a real date YYYY-MM-DD, got '" + holdout_end + "'");
  }
  if (cal && hold && *hold <= *cal)
    throw ConfigError("--holdout-end (" + holdout_end + ") must be after --calibration-end (" + calibration_end + ")");
  if (time_unit != "day" && time_unit != "week")
    throw ConfigError("--time-unit must be day or week, got '" + time_unit + "'");
  if (models.empty()) throw ConfigError("--models needs at least one of bgnbd, mbgnbd, pareto, gg");
  for (const auto& m : models)
    if (canonical_model(m).empty())
      throw ConfigError("--models: unknown model '" + m + "' (known: bgnbd, mbgnbd, pareto, gg)");
  if (!wants("bgnbd") && !wants("mbgnbd") && !wants("pareto_nbd"))
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

clv::TimeUnit ClvConfig::unit() const { return time_unit == "day" ? clv::TimeUnit::kDay : clv::TimeUnit::kWeek; }

bool ClvConfig::wants(const std::string& model) const {
  return std::any_of(models.begin(), models.end(), [&](const std::string& m) { return canonical_model(m) == model; });
}

clv::LifecycleThresholds ClvConfig::thresholds() const {
  clv::LifecycleThresholds t;
  const double k = 7.0 / clv::days_per_unit(unit());  // weeks -> unit
  t.new_max_tenure = new_max_tenure_weeks * k;
  t.churned_below = churned_below;
  t.at_risk_below = at_risk_below;
  t.reactivation_gap = reactivation_gap_weeks * k;
  t.loyal_min_frequency = loyal_min_frequency;
  t.loyal_min_tenure = loyal_min_tenure_weeks * k;
  return t;
}

}  // namespace crmpi
