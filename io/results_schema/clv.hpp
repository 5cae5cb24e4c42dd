// The results layout: the entries of /clv (io/results_schema.hpp lists them all).
#pragma once

#include "io/results_schema/entry.hpp"

namespace crmpi::results_schema {

// ---- /clv: `crmpi clv` and the clv stage of `crmpi run` (docs/clv.md) --------------------------
namespace clv {
inline constexpr Entry kGroup = group("/clv", "CLV summaries, models, scores, lifecycle");
inline constexpr Entry kCalibrationEndDay =
    attr("/clv", "calibration_end_day", kInt64, "last day of calibration (days since 1970-01-01)");
inline constexpr Entry kCalibrationEnd =
    attr("/clv", "calibration_end", kString, "calibration_end_day as YYYY-MM-DD");
inline constexpr Entry kHoldoutEnd =
    attr("/clv", "holdout_end", kString, "last day of the holdout, YYYY-MM-DD (\"\": none)");
inline constexpr Entry kTimeUnit =
    attr("/clv", "time_unit", kString, "unit of t_x, T, rates and horizons: day or week");
inline constexpr Entry kModels =
    attr("/clv", "models", kString, "fitted models, comma-separated, purchase models first");
inline constexpr Entry kPrimaryModel =
    attr("/clv", "primary_model", kString, "the purchase model of the lifecycle stages");
inline constexpr Entry kHorizonMonths =
    attr("/clv", "horizon_months", kInt64, "horizon of expected purchases and CLV");
inline constexpr Entry kHorizonUnits = attr("/clv", "horizon_units", kFloat64, "the horizon in time units");
inline constexpr Entry kMonthlyDiscountRate =
    attr("/clv", "monthly_discount_rate", kFloat64, "CLV discount rate per month");
inline constexpr Entry kLifecycleThresholds = attr_array(
    "/clv", "lifecycle_thresholds", kFloat64, "the 6 lifecycle thresholds (time units), named below");
inline constexpr Entry kLifecycleThresholdsNames =
    attr("/clv", "lifecycle_thresholds_names", kString, "names of lifecycle_thresholds, comma-separated");
inline constexpr Entry kCustomers = attr("/clv", "customers", kInt64, "customers (rows of the columns)");
inline constexpr Entry kCalibrationCustomers =
    attr("/clv", "calibration_customers", kInt64, "customers with a purchase by calibration end");
inline constexpr Entry kDistinctSummaries =
    attr("/clv", "distinct_summaries", kInt64, "distinct (x, t_x, T) fitted");
inline constexpr Entry kSpendCustomers =
    attr("/clv", "spend_customers", kInt64, "rows of the Gamma-Gamma table (repeat buyers with spend > 0)");
inline constexpr Entry kCurrency = attr("/clv", "currency", kString, "ISO 4217 code of spend and CLV");
inline constexpr Entry kWarnings = attr("/clv", "warnings", kString, "warnings of the job, '; '-separated");
inline constexpr Entry kAggregation = attr("/clv", "aggregation", kString, "how sums stay rank-independent");

inline constexpr Entry kCustomerId =
    column("/clv/customer_id", kUint64, "the input's /customers/customer_id");
inline constexpr Entry kInCalibration =
    column("/clv/in_calibration", kUint8, "1: a purchase by calibration end");
inline constexpr Entry kX =
    column("/clv/x", kFloat64, "repeat purchase days in calibration (NaN: not in calibration)");
inline constexpr Entry kTX =
    column("/clv/t_x", kFloat64, "last - first purchase day, time units (NaN: not in calibration)");
inline constexpr Entry kT =
    column("/clv/T", kFloat64, "calibration end - first purchase day, time units (NaN: not in calibration)");
inline constexpr Entry kMeanSpend = column(
    "/clv/mean_spend", kFloat64, "mean spend of the repeat days, currency units (NaN: not in calibration)");
inline constexpr Entry kLifecycleStage =
    column("/clv/lifecycle_stage", kUint8, "stage code into lifecycle_stage_names (primary model)");
inline constexpr Entry kLifecycleStageNames = strings("/clv/lifecycle_stage_names", "lifecycle stage names");

// Per fitted model: the fit.
inline constexpr Entry kModelGroup = group("/clv/{fitted}", "one fitted model");
inline constexpr Entry kModelLogLikelihood =
    attr("/clv/{fitted}", "log_likelihood", kFloat64, "at the estimates");
inline constexpr Entry kModelAic = attr("/clv/{fitted}", "aic", kFloat64, "Akaike information criterion");
inline constexpr Entry kModelBic = attr("/clv/{fitted}", "bic", kFloat64, "Bayesian information criterion");
inline constexpr Entry kModelCustomers = attr("/clv/{fitted}", "customers", kInt64, "customers fitted");
inline constexpr Entry kModelIterations =
    attr("/clv/{fitted}", "iterations", kInt64,
         "log-likelihood evaluations by the optimiser, line-search trials included");
inline constexpr Entry kModelConverged =
    attr("/clv/{fitted}", "converged", kInt64, "1: the optimiser converged");
inline constexpr Entry kModelMessage = attr("/clv/{fitted}", "message", kString, "the optimiser's message");
inline constexpr Entry kModelWarnings =
    attr("/clv/{fitted}", "warnings", kString, "the fit's warnings, '; '-separated");
inline constexpr Entry kParameters = group("/clv/{fitted}/parameters", "one row per parameter");
inline constexpr Entry kParameterName = strings("/clv/{fitted}/parameters/name", "parameter names");
inline constexpr Entry kParameterEstimate =
    table("/clv/{fitted}/parameters/estimate", kFloat64, "/clv/{fitted}/parameters/name", "estimate");
inline constexpr Entry kParameterStdError =
    table("/clv/{fitted}/parameters/std_error", kFloat64, "/clv/{fitted}/parameters/name", "standard error");

// Per purchase model: the scores.
inline constexpr Entry kPAlive = column("/clv/{model}/p_alive", kFloat64, "P(alive | x, t_x, T)");
inline constexpr Entry kChurnRisk = column("/clv/{model}/churn_risk", kFloat64, "1 - p_alive");
inline constexpr Entry kExpectedPurchases =
    column("/clv/{model}/expected_purchases", kFloat64, "E[purchases over the horizon | x, t_x, T]");
inline constexpr Entry kClv = column("/clv/{model}/clv", kFloat64,
                                     "discounted CLV over the horizon, currency units", When::kGammaGamma);

// The spend model.
inline constexpr Entry kExpectedSpend = column("/clv/gamma_gamma/expected_spend", kFloat64,
                                               "E[spend per purchase | x, mean_spend]", When::kGammaGamma);
inline constexpr Entry kFrequencySpendCorrelation =
    attr("/clv/gamma_gamma", "frequency_spend_correlation", kFloat64,
         "corr(x, mean_spend) over repeat buyers", When::kGammaGamma);

// All fits side by side.
inline constexpr Entry kFit = group("/clv/fit", "one row per fitted model");
inline constexpr Entry kFitModel = strings("/clv/fit/model", "model name");
inline constexpr Entry kFitLogLikelihood =
    table("/clv/fit/log_likelihood", kFloat64, "/clv/fit/model", "log-likelihood");
inline constexpr Entry kFitAic = table("/clv/fit/aic", kFloat64, "/clv/fit/model", "AIC");
inline constexpr Entry kFitBic = table("/clv/fit/bic", kFloat64, "/clv/fit/model", "BIC");
inline constexpr Entry kFitCustomers =
    table("/clv/fit/customers", kUint64, "/clv/fit/model", "customers fitted");
inline constexpr Entry kFitConverged = table("/clv/fit/converged", kUint8, "/clv/fit/model", "1: converged");

// Lifecycle stages (primary model).
inline constexpr Entry kLifecycle = group("/clv/lifecycle", "one row per lifecycle stage");
inline constexpr Entry kLifecycleStageName = strings("/clv/lifecycle/stage", "stage name");
inline constexpr Entry kLifecycleCustomers =
    table("/clv/lifecycle/customers", kUint64, "/clv/lifecycle/stage", "customers");
inline constexpr Entry kLifecycleCustomerShare =
    table("/clv/lifecycle/customer_share", kFloat64, "/clv/lifecycle/stage", "share of all customers");
inline constexpr Entry kLifecycleExpectedPurchases =
    table("/clv/lifecycle/expected_purchases", kFloat64, "/clv/lifecycle/stage",
          "sum of the primary model's expected_purchases");
inline constexpr Entry kLifecycleClvSum =
    table("/clv/lifecycle/clv_sum", kFloat64, "/clv/lifecycle/stage",
          "sum of the primary model's clv (NaN: no gamma_gamma, not_in_calibration)");
inline constexpr Entry kLifecycleClvMean = table("/clv/lifecycle/clv_mean", kFloat64, "/clv/lifecycle/stage",
                                                 "clv_sum / customers (NaN: no customers)");

// Holdout validation.
inline constexpr Entry kHoldout =
    group("/clv/holdout", "holdout validation of the purchase models", When::kHoldout);
inline constexpr Entry kHoldoutActualTotal =
    attr("/clv/holdout", "actual_total", kInt64, "holdout purchase days of the calibration customers",
         When::kHoldout);
inline constexpr Entry kHoldoutStart =
    attr("/clv/holdout", "start", kString, "first holdout day, YYYY-MM-DD", When::kHoldout);
inline constexpr Entry kHoldoutEndDate =
    attr("/clv/holdout", "end", kString, "last holdout day, YYYY-MM-DD", When::kHoldout);
inline constexpr Entry kHoldoutActualPurchases =
    column("/clv/holdout/actual_purchases", kUint32, "distinct purchase days in the holdout", When::kHoldout);
inline constexpr Entry kHoldoutActualSpend =
    column("/clv/holdout/actual_spend", kFloat64,
           "spend in the holdout, currency units (NaN: not in calibration)", When::kHoldout);
inline constexpr Entry kHoldoutPredicted = column(
    "/clv/holdout/predicted_{model}", kFloat64, "E[purchases over the holdout | x, t_x, T]", When::kHoldout);
inline constexpr Entry kHoldoutMetrics =
    group("/clv/holdout/metrics", "one row per purchase model", When::kHoldout);
inline constexpr Entry kHoldoutMetricsModel =
    strings("/clv/holdout/metrics/model", "model name", When::kHoldout);
inline constexpr Entry kHoldoutMae =
    table("/clv/holdout/metrics/mae", kFloat64, "/clv/holdout/metrics/model",
          "mean |predicted - actual| over calibration customers", When::kHoldout);
inline constexpr Entry kHoldoutCorrelation =
    table("/clv/holdout/metrics/correlation", kFloat64, "/clv/holdout/metrics/model",
          "Pearson correlation of predicted and actual", When::kHoldout);
inline constexpr Entry kHoldoutPredictedTotal =
    table("/clv/holdout/metrics/predicted_total", kFloat64, "/clv/holdout/metrics/model", "sum of predicted",
          When::kHoldout);
inline constexpr Entry kWeekly = group("/clv/holdout/weekly", "one row per holdout week", When::kHoldout);
inline constexpr Entry kWeekEndDay = table("/clv/holdout/weekly/week_end_day", kInt32, "",
                                           "last day of the week (the last may be partial)", When::kHoldout);
inline constexpr Entry kWeeklyActualCumulative =
    table("/clv/holdout/weekly/actual_cumulative", kUint64, "/clv/holdout/weekly/week_end_day",
          "actual purchase days up to the week's end", When::kHoldout);
inline constexpr Entry kWeeklyExpectedCumulative =
    table("/clv/holdout/weekly/expected_cumulative_{model}", kFloat64, "/clv/holdout/weekly/week_end_day",
          "expected purchases up to the week's end", When::kHoldout);
}  // namespace clv

}  // namespace crmpi::results_schema
