// The results.h5 layout, defined once (docs/results.md describes it for people; its tables are
// printed from kEntries by tests/e2e/results/results_layout).
//
// Every group, dataset and attribute any job writes is one Entry below. Writers (ResultsFile) and
// the reader (ResultsReader) take entries, not strings, and check the element type against it.
// Paths that depend on a CLV model hold a placeholder that at() fills in:
//   {model}   a purchase model: bgnbd, mbgnbd, pareto_nbd
//   {fitted}  any fitted model: a purchase model or gamma_gamma
// There is no layout version attribute: adding one would change every output file. A reader
// tells the layout from the objects present (stages, models, holdout).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace crmpi::results_schema {

// How an object is stored.
enum class Kind : std::uint8_t {
  kGroup,
  kColumn,     // one row per customer, in the row order of its stage's customer_id; each rank writes its part
  kTable,      // small 1-D table, the same on every rank, written by rank 0
  kStrings,    // 1-D fixed-length UTF-8 strings (names: code c names entry c)
  kAttr,       // scalar attribute of the group `path`
  kAttrArray,  // 1-D attribute of the group `path`
  kRows,       // a per-customer list flattened: each rank writes its customers' rows in rank order
               // (customer order); `rows` names the per-customer column that counts them
};

// Element type as stored (little-endian; integers as named, strings fixed-length UTF-8).
enum class Type : std::uint8_t { kNone, kUint8, kUint32, kUint64, kInt32, kInt64, kFloat64, kString };

// The stage that writes an object (its first path component); kRoot: every job.
// kMigration: DIR/migration.h5 of `crmpi migrate` (a file of its own, with the root attributes).
enum class Part : std::uint8_t { kRoot, kRfm, kClv, kKmeans, kRules, kInsights, kMigration };

// When an object is present, given that its stage ran.
enum class When : std::uint8_t {
  kAlways,
  kPipeline,    // `crmpi run` only
  kGammaGamma,  // gamma_gamma among the CLV models (--models ...,gg)
  kHoldout,     // CLV with --holdout-end
};

// Which models a placeholder stands for (kOnce: the path has none).
enum class Each : std::uint8_t { kOnce, kPurchaseModel, kFittedModel };

struct Entry {
  std::string_view path;  // the group, the dataset, or the group that holds the attribute
  std::string_view attr;  // attribute name ("" unless kAttr / kAttrArray)
  Kind kind;
  Type type;
  When when;
  std::string_view rows;  // datasets: the dataset whose length this one shares ("": its own)
  std::string_view meaning;
  Part part;  // derived from path
  Each each;  // derived from path
};

// Model names in paths, group names and CSV files (jobs/clv's model_name() returns these).
inline constexpr std::string_view kBgNbd = "bgnbd";
inline constexpr std::string_view kMbgNbd = "mbgnbd";
inline constexpr std::string_view kParetoNbd = "pareto_nbd";
inline constexpr std::string_view kGammaGamma = "gamma_gamma";
inline constexpr std::string_view kPurchaseModels[] = {kBgNbd, kMbgNbd, kParetoNbd};
inline constexpr std::string_view kFittedModels[] = {kBgNbd, kMbgNbd, kParetoNbd, kGammaGamma};
inline constexpr std::string_view kModelPlaceholder = "{model}";
inline constexpr std::string_view kFittedPlaceholder = "{fitted}";

// ---- building entries (derived fields filled in) ----------------------------------------------
namespace detail {
constexpr bool contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}
constexpr Part part_of(std::string_view path) {
  if (path.starts_with("/rfm")) return Part::kRfm;
  if (path.starts_with("/clv")) return Part::kClv;
  if (path.starts_with("/kmeans")) return Part::kKmeans;
  if (path.starts_with("/rules")) return Part::kRules;
  if (path.starts_with("/insights")) return Part::kInsights;
  if (path.starts_with("/migration")) return Part::kMigration;
  return Part::kRoot;
}
constexpr Each each_of(std::string_view path) {
  if (contains(path, kModelPlaceholder)) return Each::kPurchaseModel;
  if (contains(path, kFittedPlaceholder)) return Each::kFittedModel;
  return Each::kOnce;
}
// /kmeans has no customer_id of its own: its columns are aligned with /rfm/customer_id (the rfm
// stage always runs before it).
constexpr std::string_view customer_id_of(std::string_view path) {
  return part_of(path) == Part::kClv     ? "/clv/customer_id"
         : part_of(path) == Part::kRules ? "/rules/customer_id"
                                         : "/rfm/customer_id";
}
constexpr Entry make(std::string_view path, std::string_view attr, Kind k, Type t, When w,
                     std::string_view rows, std::string_view meaning) {
  return Entry{path, attr, k, t, w, rows, meaning, part_of(path), each_of(path)};
}
}  // namespace detail

constexpr Entry group(std::string_view path, std::string_view meaning, When w = When::kAlways) {
  return detail::make(path, "", Kind::kGroup, Type::kNone, w, "", meaning);
}
constexpr Entry column(std::string_view path, Type t, std::string_view meaning, When w = When::kAlways) {
  return detail::make(path, "", Kind::kColumn, t, w, detail::customer_id_of(path), meaning);
}
// count_column: the kColumn giving each customer's number of rows (docs only; not a length).
constexpr Entry list_rows(std::string_view path, Type t, std::string_view count_column, std::string_view meaning,
                          When w = When::kAlways) {
  return detail::make(path, "", Kind::kRows, t, w, count_column, meaning);
}
constexpr Entry table(std::string_view path, Type t, std::string_view rows, std::string_view meaning,
                      When w = When::kAlways) {
  return detail::make(path, "", Kind::kTable, t, w, rows, meaning);
}
constexpr Entry strings(std::string_view path, std::string_view meaning, When w = When::kAlways) {
  return detail::make(path, "", Kind::kStrings, Type::kString, w, "", meaning);
}
constexpr Entry attr(std::string_view path, std::string_view name, Type t, std::string_view meaning,
                     When w = When::kAlways) {
  return detail::make(path, name, Kind::kAttr, t, w, "", meaning);
}
constexpr Entry attr_array(std::string_view path, std::string_view name, Type t, std::string_view meaning,
                           When w = When::kAlways) {
  return detail::make(path, name, Kind::kAttrArray, t, w, "", meaning);
}

using enum Type;

// ---- root: provenance (every job) and the pipeline's stage list --------------------------------
namespace root {
inline constexpr Entry kCrmpiVersion =
    attr("/", "crmpi_version", kString, "version of the crmpi that wrote the file");
inline constexpr Entry kCommand = attr("/", "command", kString, "the subcommand: run, rfm, clv or segment");
inline constexpr Entry kConfig = attr("/", "config", kString, "the effective configuration (TOML)");
inline constexpr Entry kInputPath = attr("/", "input_path", kString, "the input file as given");
inline constexpr Entry kInputBytes = attr("/", "input_bytes", kInt64, "size of the input file");
inline constexpr Entry kInputChecksum =
    attr("/", "input_checksum", kString, "hex of the position-keyed checksum of the input's key datasets");
inline constexpr Entry kRanks = attr("/", "ranks", kInt64, "MPI ranks of the job");
inline constexpr Entry kStartTime = attr("/", "start_time", kString, "job start, ISO 8601 UTC");
inline constexpr Entry kEndTime = attr("/", "end_time", kString, "job end, ISO 8601 UTC");
inline constexpr Entry kStagesRun =
    attr("/", "stages_run", kString, "stages run, comma-separated, in order (rfm,clv,kmeans,rules,insights)", When::kPipeline);
inline constexpr Entry kStagesSkipped =
    attr("/", "stages_skipped", kString, "why stages were skipped, one reason each, '; '-separated",
         When::kPipeline);
}  // namespace root

// ---- /rfm: `crmpi rfm` and the rfm stage of `crmpi run` (docs/rfm.md) --------------------------
namespace rfm {
inline constexpr Entry kGroup = group("/rfm", "RFM metrics, scores and segments");
inline constexpr Entry kAsOfDay =
    attr("/rfm", "as_of_day", kInt64, "orders up to this day count (days since 1970-01-01)");
inline constexpr Entry kAsOf = attr("/rfm", "as_of", kString, "as_of_day as YYYY-MM-DD");
inline constexpr Entry kBuyers =
    attr("/rfm", "buyers", kInt64, "customers with an order by as_of (the n of the scores)");
inline constexpr Entry kCurrency = attr("/rfm", "currency", kString, "ISO 4217 code of the money columns");
inline constexpr Entry kScoreMethod =
    attr("/rfm", "score_method", kString, "how scores follow from the values");
inline constexpr Entry kCutPointsNegRecency = attr_array(
    "/rfm", "cut_points_neg_recency", kInt64, "the 4 order statistics of -recency_days (INT64_MIN: none)");
inline constexpr Entry kCutPointsFrequency = attr_array(
    "/rfm", "cut_points_frequency", kInt64, "the 4 order statistics of frequency (INT64_MIN: none)");
inline constexpr Entry kCutPointsMonetary =
    attr_array("/rfm", "cut_points_monetary_cents", kInt64,
               "the 4 order statistics of monetary_cents (INT64_MIN: none)");

inline constexpr Entry kCustomerId =
    column("/rfm/customer_id", kUint64, "the input's /customers/customer_id");
inline constexpr Entry kRecencyDays =
    column("/rfm/recency_days", kInt32, "as_of - day of the last order (-1: no order)");
inline constexpr Entry kFrequency = column("/rfm/frequency", kUint32, "number of orders");
inline constexpr Entry kMonetaryCents = column("/rfm/monetary_cents", kInt64, "total amount, minor units");
inline constexpr Entry kAvgOrderCents =
    column("/rfm/avg_order_cents", kFloat64, "monetary / frequency (0: no order)");
inline constexpr Entry kTenureDays =
    column("/rfm/tenure_days", kInt32, "as_of - min(signup day, first order day)");
inline constexpr Entry kFirstOrderDay =
    column("/rfm/first_order_day", kInt32, "days since 1970-01-01 (-1: no order)");
inline constexpr Entry kLastOrderDay =
    column("/rfm/last_order_day", kInt32, "days since 1970-01-01 (-1: no order)");
inline constexpr Entry kRScore = column("/rfm/r_score", kUint8, "recency quintile score 1-5 (0: no order)");
inline constexpr Entry kFScore = column("/rfm/f_score", kUint8, "frequency quintile score 1-5 (0: no order)");
inline constexpr Entry kMScore = column("/rfm/m_score", kUint8, "monetary quintile score 1-5 (0: no order)");
inline constexpr Entry kSegment =
    column("/rfm/segment", kUint8, "segment code into segment_names (0: No Purchases)");
inline constexpr Entry kSegmentNames = strings("/rfm/segment_names", "segment names");

inline constexpr Entry kSummary = group("/rfm/summary", "one row per segment (rows of segment_names)");
inline constexpr Entry kSummaryCustomers =
    table("/rfm/summary/customers", kUint64, "/rfm/segment_names", "customers");
inline constexpr Entry kSummaryRevenueCents =
    table("/rfm/summary/revenue_cents", kInt64, "/rfm/segment_names", "revenue, minor units");
inline constexpr Entry kSummaryCustomerShare =
    table("/rfm/summary/customer_share", kFloat64, "/rfm/segment_names", "share of all customers");
inline constexpr Entry kSummaryRevenueShare =
    table("/rfm/summary/revenue_share", kFloat64, "/rfm/segment_names", "share of all revenue");
inline constexpr Entry kSummaryMeanRecency =
    table("/rfm/summary/mean_recency_days", kFloat64, "/rfm/segment_names",
          "mean recency_days (0 for No Purchases)");
inline constexpr Entry kSummaryMeanFrequency =
    table("/rfm/summary/mean_frequency", kFloat64, "/rfm/segment_names", "mean frequency");
inline constexpr Entry kSummaryMeanMonetary =
    table("/rfm/summary/mean_monetary", kFloat64, "/rfm/segment_names", "mean monetary, currency units");

inline constexpr Entry kCells = group("/rfm/cells", "the 125 (r, f, m) score cells");
inline constexpr Entry kCellsCustomers =
    table("/rfm/cells/customers", kUint64, "", "customers per cell, index (r-1)*25 + (f-1)*5 + (m-1)");
}  // namespace rfm

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

// ---- /kmeans: `crmpi segment` and the kmeans stage of `crmpi run` (docs/kmeans.md) ---------------
namespace kmeans {
inline constexpr Entry kGroup = group("/kmeans", "k-means segmentation of the customers with orders");
inline constexpr Entry kK = attr("/kmeans", "k", kInt64, "clusters of the chosen model");
inline constexpr Entry kSeed = attr("/kmeans", "seed", kInt64, "seed of every keyed draw");
inline constexpr Entry kFeatures =
    attr("/kmeans", "features", kString, "features clustered, comma-separated, in centroid column order");
inline constexpr Entry kFeatureMean = attr_array("/kmeans", "feature_mean", kFloat64,
                                                 "mean of each transformed feature over the customers clustered");
inline constexpr Entry kFeatureStd = attr_array(
    "/kmeans", "feature_std", kFloat64, "population std of each transformed feature (0: constant, z = 0)");
inline constexpr Entry kClustered =
    attr("/kmeans", "customers_clustered", kInt64, "customers with an order by as_of (the points)");
inline constexpr Entry kInit = attr("/kmeans", "init", kString, "kmeans_parallel or kmeanspp");
inline constexpr Entry kStep = attr("/kmeans", "step", kString, "naive or hamerly (same labels)");
inline constexpr Entry kNInit = attr("/kmeans", "n_init", kInt64, "initialisations per k (best inertia kept)");
inline constexpr Entry kBestInit = attr("/kmeans", "best_init", kInt64, "which initialisation was kept (0-based)");
inline constexpr Entry kIterations = attr("/kmeans", "iterations", kInt64, "Lloyd iterations of the chosen model");
inline constexpr Entry kConverged =
    attr("/kmeans", "converged", kInt64, "1: stopped on tol or unchanged labels, 0: on max_iter");
inline constexpr Entry kInertia =
    attr("/kmeans", "inertia", kFloat64, "sum of squared standardized distances to the final centroids");
inline constexpr Entry kTol = attr("/kmeans", "tol", kFloat64, "stop when the relative inertia change is <= tol");
inline constexpr Entry kBytesPerIteration =
    attr("/kmeans", "bytes_per_iteration", kInt64, "bytes each rank sends per Lloyd iteration (O(k d))");
inline constexpr Entry kSelectionRule = attr("/kmeans", "selection_rule", kString, "how k was chosen");

inline constexpr Entry kSegment =
    column("/kmeans/segment", kUint32, "segment code into segment_names (0: No orders, c >= 1: cluster c - 1)");
inline constexpr Entry kDistance = column("/kmeans/distance", kFloat64,
                                          "Euclidean distance to the segment's centroid, standardized (NaN: no orders)");
inline constexpr Entry kSegmentNames =
    strings("/kmeans/segment_names", "segment names; row 0 No orders, row c cluster c - 1");
inline constexpr Entry kCentroids = table("/kmeans/centroids", kFloat64, "",
                                          "final centroids, standardized, row-major k x features");
inline constexpr Entry kCentroidsOriginal = table(
    "/kmeans/centroids_original", kFloat64, "",
    "final centroids in feature units (standardization and transform undone), row-major k x features");
inline constexpr Entry kInitCentroids = table("/kmeans/init_centroids", kFloat64, "",
                                              "initial centroids of the kept run, standardized, row-major k x features");

inline constexpr Entry kProfile = group("/kmeans/profile", "one row per segment (rows of segment_names)");
inline constexpr Entry kProfileCustomers =
    table("/kmeans/profile/customers", kUint64, "/kmeans/segment_names", "customers");
inline constexpr Entry kProfileCustomerShare =
    table("/kmeans/profile/customer_share", kFloat64, "/kmeans/segment_names", "share of all customers");
inline constexpr Entry kProfileRevenueCents =
    table("/kmeans/profile/revenue_cents", kInt64, "/kmeans/segment_names", "revenue, minor units");
inline constexpr Entry kProfileRevenueShare =
    table("/kmeans/profile/revenue_share", kFloat64, "/kmeans/segment_names", "share of all revenue");
inline constexpr Entry kProfileMeanRecency = table("/kmeans/profile/mean_recency_days", kFloat64,
                                                   "/kmeans/segment_names", "mean recency_days (NaN: No orders)");
inline constexpr Entry kProfileMeanFrequency =
    table("/kmeans/profile/mean_frequency", kFloat64, "/kmeans/segment_names", "mean orders");
inline constexpr Entry kProfileMeanMonetary =
    table("/kmeans/profile/mean_monetary", kFloat64, "/kmeans/segment_names", "mean monetary, currency units");
inline constexpr Entry kProfileMeanPAlive = table("/kmeans/profile/mean_p_alive", kFloat64, "/kmeans/segment_names",
                                                  "mean P(alive) of the CLV primary model (NaN: no clv stage)");
inline constexpr Entry kProfileMeanClv = table("/kmeans/profile/mean_clv", kFloat64, "/kmeans/segment_names",
                                               "mean CLV, currency units (NaN: no clv stage or no gg)");
inline constexpr Entry kProfileSurveyed = table("/kmeans/profile/surveyed", kUint64, "/kmeans/segment_names",
                                                "customers with a survey score by as_of");
inline constexpr Entry kProfileNps = table("/kmeans/profile/nps", kFloat64, "/kmeans/segment_names",
                                           "100 (promoters - detractors) / surveyed, latest score (NaN: none)");
inline constexpr Entry kProfileAcquisitionNames = strings(
    "/kmeans/profile/acquisition_channel_names", "acquisition channels (one 'unknown' without the column)");
inline constexpr Entry kProfileAcquisitionMix =
    table("/kmeans/profile/acquisition_channel_mix", kFloat64, "",
          "share of each channel in each segment, row-major segments x acquisition_channel_names");
inline constexpr Entry kProfileRegionNames =
    strings("/kmeans/profile/region_names", "regions (one 'unknown' without the column)");
inline constexpr Entry kProfileRegionMix = table("/kmeans/profile/region_mix", kFloat64, "",
                                                 "share of each region in each segment, row-major segments x regions");
inline constexpr Entry kProfileAgeBandNames =
    strings("/kmeans/profile/age_band_names", "age bands (one 'unknown' without the column)");
inline constexpr Entry kProfileAgeBandMix = table("/kmeans/profile/age_band_mix", kFloat64, "",
                                                  "share of each age band in each segment, row-major segments x bands");

inline constexpr Entry kSelection = group("/kmeans/selection", "one row per k tried (model selection)");
inline constexpr Entry kSelectionK = table("/kmeans/selection/k", kUint64, "", "k");
inline constexpr Entry kSelectionInertia =
    table("/kmeans/selection/inertia", kFloat64, "/kmeans/selection/k", "inertia of the best initialisation");
inline constexpr Entry kSelectionCh = table("/kmeans/selection/calinski_harabasz", kFloat64, "/kmeans/selection/k",
                                            "Calinski-Harabasz index (NaN for k = 1)");
inline constexpr Entry kSelectionDb =
    table("/kmeans/selection/davies_bouldin", kFloat64, "/kmeans/selection/k", "Davies-Bouldin index");
inline constexpr Entry kSelectionSilhouette = table("/kmeans/selection/silhouette", kFloat64, "/kmeans/selection/k",
                                                    "mean silhouette on the keyed sample (NaN: empty sample)");
inline constexpr Entry kSelectionIterations =
    table("/kmeans/selection/iterations", kUint64, "/kmeans/selection/k", "Lloyd iterations");
inline constexpr Entry kSelectionSampled =
    attr("/kmeans/selection", "silhouette_sample", kInt64, "customers in the silhouette sample");
}  // namespace kmeans

// ---- /rules: frequent itemsets and association rules (not per customer) -------------------------
namespace rules {
inline constexpr Entry kGroup = group("/rules", "frequent itemsets (parallel FP-growth) and association rules");
inline constexpr Entry kBaskets = attr("/rules", "baskets", kInt64, "baskets mined (orders, or customers, with items by as_of)");
inline constexpr Entry kBasketKind = attr("/rules", "basket", kString, "order or customer");
inline constexpr Entry kLevel = attr("/rules", "level", kString, "items: product or category");
inline constexpr Entry kMinSupport = attr("/rules", "min_support", kFloat64, "--min-support as given");
inline constexpr Entry kMinCount =
    attr("/rules", "min_count", kInt64, "the count threshold applied: max(ceil(min_support x baskets), --min-count)");
inline constexpr Entry kMinConfidence = attr("/rules", "min_confidence", kFloat64, "--min-confidence");
inline constexpr Entry kMaxLength = attr("/rules", "max_length", kInt64, "--max-length (0: unlimited)");

inline constexpr Entry kItemId = table("/rules/item_id", kUint32, "",
                                       "the frequent items (the F-list): product id or category code, by count "
                                       "descending then id");
inline constexpr Entry kItemCount = table("/rules/item_count", kUint64, "/rules/item_id", "baskets holding the item");
inline constexpr Entry kItemName =
    strings("/rules/item_name", "the item's name (product name, else key; category name; '' when none)");

inline constexpr Entry kItemsets = group("/rules/itemsets", "every frequent itemset, single items included");
inline constexpr Entry kItemsetOffset = table("/rules/itemsets/offset", kUint64, "",
                                              "itemset i is items[offset[i], offset[i+1]) (one more row than count)");
inline constexpr Entry kItemsetItems =
    table("/rules/itemsets/items", kUint32, "", "item ids (rows of /rules/item_id's values), most frequent first");
inline constexpr Entry kItemsetCount =
    table("/rules/itemsets/count", kUint64, "", "baskets holding every item of the itemset");
inline constexpr Entry kItemsetSupport =
    table("/rules/itemsets/support", kFloat64, "/rules/itemsets/count", "count / baskets");

inline constexpr Entry kCustomerId =
    column("/rules/customer_id", kUint64, "customer id (every customer of the input, in input order)");
inline constexpr Entry kRecommendCount =
    column("/rules/recommend_count", kUint32, "cross-sell recommendations of the customer (0 to --recommend)");
inline constexpr Entry kRecommend = group("/rules/recommend", "the recommendations, customer by customer, best first");
inline constexpr Entry kRecommendItem = list_rows("/rules/recommend/item", kUint32, "/rules/recommend_count",
                                                  "recommended item id (product id or category code)");
inline constexpr Entry kRecommendScore = list_rows("/rules/recommend/score", kFloat64, "/rules/recommend_count",
                                                   "confidence x lift of the best rule recommending it");
inline constexpr Entry kRecommendRule = list_rows("/rules/recommend/rule", kUint64, "/rules/recommend_count",
                                                  "that rule: a row of /rules/rules");
inline constexpr Entry kRulesGroup = group("/rules/rules", "association rules antecedent -> consequent");
inline constexpr Entry kAntecedentOffset =
    table("/rules/rules/antecedent_offset", kUint64, "", "rule i's antecedent is antecedent[offset[i], offset[i+1])");
inline constexpr Entry kAntecedent = table("/rules/rules/antecedent", kUint32, "", "item ids");
inline constexpr Entry kConsequentOffset =
    table("/rules/rules/consequent_offset", kUint64, "", "rule i's consequent is consequent[offset[i], offset[i+1])");
inline constexpr Entry kConsequent = table("/rules/rules/consequent", kUint32, "", "item ids");
inline constexpr Entry kRuleCount = table("/rules/rules/count", kUint64, "", "baskets holding antecedent and consequent");
inline constexpr Entry kRuleSupport = table("/rules/rules/support", kFloat64, "/rules/rules/count", "count / baskets");
inline constexpr Entry kRuleConfidence =
    table("/rules/rules/confidence", kFloat64, "/rules/rules/count", "count / antecedent count");
inline constexpr Entry kRuleLift =
    table("/rules/rules/lift", kFloat64, "/rules/rules/count", "confidence / consequent support");
inline constexpr Entry kRuleLeverage = table("/rules/rules/leverage", kFloat64, "/rules/rules/count",
                                             "support - antecedent support x consequent support");
inline constexpr Entry kRuleConviction = table("/rules/rules/conviction", kFloat64, "/rules/rules/count",
                                               "(1 - consequent support) / (1 - confidence); inf at confidence 1");
// Per-segment rules (`crmpi run`; docs/rules.md "Per segment"): a row per segment of each
// segmentation, and the rules mined within each, beside the same rule over all baskets.
inline constexpr Entry kSegments = group(
    "/rules/segments", "rules within each segment: RFM segments, k-means segments when that stage ran", When::kPipeline);
inline constexpr Entry kSegmentMinCount = attr("/rules/segments", "segment_min_count", kInt64,
                                               "--segment-min-count: in a segment, frequent needs this many baskets too",
                                               When::kPipeline);
inline constexpr Entry kSegmentSegmentation =
    strings("/rules/segments/segmentation", "row s: the segmentation, rfm or kmeans", When::kPipeline);
inline constexpr Entry kSegmentCode = table("/rules/segments/code", kUint32, "",
                                            "row s: the segment's code in /rfm/segment or /kmeans/segment",
                                            When::kPipeline);
inline constexpr Entry kSegmentName = strings("/rules/segments/name", "row s: the segment's name", When::kPipeline);
inline constexpr Entry kSegmentBaskets =
    table("/rules/segments/baskets", kUint64, "/rules/segments/code", "baskets of the segment's customers", When::kPipeline);
inline constexpr Entry kSegmentMinCountRow = table(
    "/rules/segments/min_count", kUint64, "/rules/segments/code",
    "the count threshold applied: max(ceil(min_support x baskets), --min-count, --segment-min-count)", When::kPipeline);
inline constexpr Entry kSegmentItemsets =
    table("/rules/segments/itemsets", kUint64, "/rules/segments/code",
          "frequent itemsets in the segment (0 when not mined)", When::kPipeline);
inline constexpr Entry kSegmentStatus = strings(
    "/rules/segments/status", "row s: mined, no baskets, or over --max-itemsets N at min count M (the log suggests a support)",
    When::kPipeline);
inline constexpr Entry kSegmentRuleOffset =
    table("/rules/segments/rule_offset", kUint64, "",
          "segment row s's rules are rows [rule_offset[s], rule_offset[s+1]) of /rules/segments/rules", When::kPipeline);
inline constexpr Entry kSegmentRules =
    group("/rules/segments/rules", "the segments' rules, segment by segment, each in /rules/rules' order", When::kPipeline);
inline constexpr Entry kSegAntecedentOffset =
    table("/rules/segments/rules/antecedent_offset", kUint64, "",
          "rule i's antecedent is antecedent[offset[i], offset[i+1])", When::kPipeline);
inline constexpr Entry kSegAntecedent = table("/rules/segments/rules/antecedent", kUint32, "", "item ids", When::kPipeline);
inline constexpr Entry kSegConsequentOffset =
    table("/rules/segments/rules/consequent_offset", kUint64, "",
          "rule i's consequent is consequent[offset[i], offset[i+1])", When::kPipeline);
inline constexpr Entry kSegConsequent = table("/rules/segments/rules/consequent", kUint32, "", "item ids", When::kPipeline);
inline constexpr Entry kSegRuleCount = table("/rules/segments/rules/count", kUint64, "",
                                             "the segment's baskets holding antecedent and consequent", When::kPipeline);
inline constexpr Entry kSegRuleSupport = table("/rules/segments/rules/support", kFloat64, "/rules/segments/rules/count",
                                               "count / the segment's baskets", When::kPipeline);
inline constexpr Entry kSegRuleConfidence =
    table("/rules/segments/rules/confidence", kFloat64, "/rules/segments/rules/count",
          "in the segment: count / antecedent count", When::kPipeline);
inline constexpr Entry kSegRuleLift = table("/rules/segments/rules/lift", kFloat64, "/rules/segments/rules/count",
                                            "in the segment: confidence / consequent support", When::kPipeline);
inline constexpr Entry kSegRuleLeverage = table("/rules/segments/rules/leverage", kFloat64,
                                                "/rules/segments/rules/count", "in the segment", When::kPipeline);
inline constexpr Entry kSegRuleConviction =
    table("/rules/segments/rules/conviction", kFloat64, "/rules/segments/rules/count",
          "in the segment (+inf at confidence 1)", When::kPipeline);
inline constexpr Entry kSegRuleOverallCount =
    table("/rules/segments/rules/overall_count", kUint64, "/rules/segments/rules/count",
          "all baskets holding antecedent and consequent (counted exactly, frequent overall or not)", When::kPipeline);
inline constexpr Entry kSegRuleOverallSupport =
    table("/rules/segments/rules/overall_support", kFloat64, "/rules/segments/rules/count",
          "the same rule over all baskets: overall_count / baskets", When::kPipeline);
inline constexpr Entry kSegRuleOverallConfidence =
    table("/rules/segments/rules/overall_confidence", kFloat64, "/rules/segments/rules/count",
          "the same rule over all baskets: its confidence", When::kPipeline);
inline constexpr Entry kSegRuleOverallLift =
    table("/rules/segments/rules/overall_lift", kFloat64, "/rules/segments/rules/count",
          "the same rule over all baskets: its lift", When::kPipeline);
}  // namespace rules

// Every entry, in the order of the documentation.
// ---- /insights: value, NPS, churn and retention by group; cohorts; the at-risk list (`crmpi run`) -
namespace insights {
inline constexpr Entry kGroup = group("/insights", "insights by group of customers, cohorts, at-risk list (docs/insights.md)", When::kPipeline);
inline constexpr Entry kAsOfDay = attr("/insights", "as_of_day", kInt64, "orders up to this day count (as /rfm)", When::kPipeline);
inline constexpr Entry kChurnThreshold = attr("/insights", "churn_threshold", kFloat64, "--churn-threshold: at risk above it", When::kPipeline);
inline constexpr Entry kClvModel = attr("/insights", "clv_model", kString, "the CLV model of churn risk and CLV ('' without the clv stage)", When::kPipeline);
inline constexpr Entry kCohortMonths = attr("/insights", "cohort_months", kInt64, "--cohort-months", When::kPipeline);
inline constexpr Entry kGroups = group("/insights/groups", "a row per group of each grouping: rfm, kmeans, acquisition_channel, region", When::kPipeline);
inline constexpr Entry kGrouping = strings("/insights/groups/grouping", "row i: the grouping", When::kPipeline);
inline constexpr Entry kCode = table("/insights/groups/code", kUint32, "", "row i: the group's code in its grouping (segment code, dictionary code)", When::kPipeline);
inline constexpr Entry kName = strings("/insights/groups/name", "row i: the group's name", When::kPipeline);
inline constexpr Entry kCustomers = table("/insights/groups/customers", kUint64, "/insights/groups/code", "customers", When::kPipeline);
inline constexpr Entry kBuyers = table("/insights/groups/buyers", kUint64, "/insights/groups/code", "customers with an order by as_of", When::kPipeline);
inline constexpr Entry kRevenue = table("/insights/groups/revenue_cents", kInt64, "/insights/groups/code", "revenue by as_of, minor units", When::kPipeline);
inline constexpr Entry kNpsResponses = table("/insights/groups/nps_responses", kUint64, "/insights/groups/code", "customers with a survey by as_of (their latest counts)", When::kPipeline);
inline constexpr Entry kNpsPromoters = table("/insights/groups/nps_promoters", kUint64, "/insights/groups/code", "latest score 9-10", When::kPipeline);
inline constexpr Entry kNpsDetractors = table("/insights/groups/nps_detractors", kUint64, "/insights/groups/code", "latest score 0-6", When::kPipeline);
inline constexpr Entry kNps = table("/insights/groups/nps", kFloat64, "/insights/groups/code", "100 (promoters - detractors) / responses (NaN: none)", When::kPipeline);
inline constexpr Entry kNpsLow = table("/insights/groups/nps_low", kFloat64, "/insights/groups/code", "95% interval, low end", When::kPipeline);
inline constexpr Entry kNpsHigh = table("/insights/groups/nps_high", kFloat64, "/insights/groups/code", "95% interval, high end", When::kPipeline);
inline constexpr Entry kNpsFew = table("/insights/groups/nps_few", kUint8, "/insights/groups/code", "1: fewer than 30 responses (unreliable)", When::kPipeline);
inline constexpr Entry kChurnScored = table("/insights/groups/churn_scored", kUint64, "/insights/groups/code", "customers with a churn risk (in the CLV calibration)", When::kPipeline);
inline constexpr Entry kChurnRiskMean = table("/insights/groups/churn_risk_mean", kFloat64, "/insights/groups/code", "mean churn risk (1 - P(alive)): the expected churned share", When::kPipeline);
inline constexpr Entry kAtRisk = table("/insights/groups/at_risk", kUint64, "/insights/groups/code", "customers with churn risk above the threshold", When::kPipeline);
inline constexpr Entry kClvMean = table("/insights/groups/clv_mean", kFloat64, "/insights/groups/code", "mean CLV (currency units; NaN without Gamma-Gamma)", When::kPipeline);
inline constexpr Entry kClvAtRisk = table("/insights/groups/clv_at_risk", kFloat64, "/insights/groups/code", "CLV of the at-risk customers, summed", When::kPipeline);
inline constexpr Entry kE90 = table("/insights/groups/retention_90_eligible", kUint64, "/insights/groups/code", "first order at least 90 days before as_of", When::kPipeline);
inline constexpr Entry kR90 = table("/insights/groups/retention_90_retained", kUint64, "/insights/groups/code", "of those, another order within 90 days after the first", When::kPipeline);
inline constexpr Entry kRate90 = table("/insights/groups/retention_90", kFloat64, "/insights/groups/code", "retained / eligible (NaN: none eligible)", When::kPipeline);
inline constexpr Entry kE365 = table("/insights/groups/retention_365_eligible", kUint64, "/insights/groups/code", "first order at least 365 days before as_of", When::kPipeline);
inline constexpr Entry kR365 = table("/insights/groups/retention_365_retained", kUint64, "/insights/groups/code", "of those, another order within 365 days after the first", When::kPipeline);
inline constexpr Entry kRate365 = table("/insights/groups/retention_365", kFloat64, "/insights/groups/code", "retained / eligible (NaN: none eligible)", When::kPipeline);
inline constexpr Entry kCohorts = group("/insights/cohorts", "cohort retention: first-order month x months since", When::kPipeline);
inline constexpr Entry kCohortMonth = strings("/insights/cohorts/month", "cohort c's month, YYYY-MM (the last cohort_months months to as_of)", When::kPipeline);
inline constexpr Entry kCohortCustomers = table("/insights/cohorts/customers", kUint64, "", "row-major months x months: cohort c's customers with an order in month c + m", When::kPipeline);
inline constexpr Entry kCohortRevenue = table("/insights/cohorts/revenue_cents", kInt64, "/insights/cohorts/customers", "their revenue in that month, minor units", When::kPipeline);
inline constexpr Entry kAtRiskList = group("/insights/at_risk", "the at-risk high-value list: highest CLV first (ties: customer id)", When::kPipeline);
inline constexpr Entry kAtRiskId = table("/insights/at_risk/customer_id", kUint64, "", "customer id", When::kPipeline);
inline constexpr Entry kAtRiskClv = table("/insights/at_risk/clv", kFloat64, "/insights/at_risk/customer_id", "CLV (currency units)", When::kPipeline);
inline constexpr Entry kAtRiskChurn = table("/insights/at_risk/churn_risk", kFloat64, "/insights/at_risk/customer_id", "churn risk, above the threshold", When::kPipeline);
inline constexpr Entry kAtRiskRfm = table("/insights/at_risk/rfm_segment", kUint32, "/insights/at_risk/customer_id", "code in /rfm/segment_names", When::kPipeline);
inline constexpr Entry kAtRiskKmeans = table("/insights/at_risk/kmeans_segment", kUint32, "/insights/at_risk/customer_id", "code in /kmeans/segment_names (0 without the kmeans stage)", When::kPipeline);
}  // namespace insights

// ---- /migration: DIR/migration.h5 of `crmpi migrate` (docs/migration.md) -------------------------
// Two transition matrices, RFM and k-means, of the same shape: row r = the before-run's segment
// code r, column c = the after-run's segment code c, row-major. Row 0 is "new" (no order by the
// before run's as_of: its segment 0, or absent from it), column 0 "lost" (no order by the after
// run's as_of, or absent from it).
namespace migration {
inline constexpr Entry kGroup = group("/migration", "segment migration between two runs (docs/migration.md)");
inline constexpr Entry kBeforeResults = attr("/migration", "before_results", kString, "the before run's results.h5, as given");
inline constexpr Entry kAfterResults = attr("/migration", "after_results", kString, "the after run's results.h5, as given");
inline constexpr Entry kBeforeAsOf = attr("/migration", "before_as_of", kString, "the before run's /rfm@as_of");
inline constexpr Entry kAfterAsOf = attr("/migration", "after_as_of", kString, "the after run's /rfm@as_of");
inline constexpr Entry kBeforeEndTime = attr("/migration", "before_end_time", kString, "the before run's /@end_time (which run)");
inline constexpr Entry kAfterEndTime = attr("/migration", "after_end_time", kString, "the after run's /@end_time (which run)");
inline constexpr Entry kRevenueDefinition = attr("/migration", "revenue", kString, "what revenue_cents counts");
inline constexpr Entry kCustomersBefore = attr("/migration", "customers_before", kInt64, "rows of the before run's /rfm/customer_id");
inline constexpr Entry kCustomersAfter = attr("/migration", "customers_after", kInt64, "rows of the after run's /rfm/customer_id");
inline constexpr Entry kCustomersBoth = attr("/migration", "customers_both", kInt64, "customer ids in both runs");

inline constexpr Entry kRfm = group("/migration/rfm", "RFM segment transitions");
inline constexpr Entry kRfmBeforeName = strings("/migration/rfm/before_name", "row r: the before run's RFM segment r; row 0 new");
inline constexpr Entry kRfmAfterName = strings("/migration/rfm/after_name", "column c: the after run's RFM segment c; column 0 lost");
inline constexpr Entry kRfmCustomers = table("/migration/rfm/customers", kUint64, "", "customers per (row, column), row-major");
inline constexpr Entry kRfmRevenue = table("/migration/rfm/revenue_cents", kInt64, "/migration/rfm/customers", "revenue per cell, minor units: the after run's monetary, the before run's in column 0 (lost)");
inline constexpr Entry kRfmRevenueBefore = table("/migration/rfm/revenue_before_cents", kInt64, "/migration/rfm/customers", "the cell's before-run monetary, minor units (0 where absent)");
inline constexpr Entry kRfmRevenueAfter = table("/migration/rfm/revenue_after_cents", kInt64, "/migration/rfm/customers", "the cell's after-run monetary, minor units (0 where absent)");

inline constexpr Entry kKmeans = group("/migration/kmeans", "k-means segment transitions, segments matched by centroid");
inline constexpr Entry kKmeansStatus = attr("/migration/kmeans", "status", kString, "matched, or why there is no k-means matrix (its tables then empty)");
inline constexpr Entry kKmeansMethod = attr("/migration/kmeans", "method", kString, "how segments are matched");
inline constexpr Entry kKmeansBeforeName = strings("/migration/kmeans/before_name", "row r: the before run's k-means segment r; row 0 new");
inline constexpr Entry kKmeansAfterName = strings("/migration/kmeans/after_name", "column c: the after run's k-means segment c; column 0 lost");
inline constexpr Entry kKmeansMatch = table("/migration/kmeans/match", kUint32, "/migration/kmeans/before_name", "row r's matched after segment (0: none; row 0: 0)");
inline constexpr Entry kKmeansMatchDistance = table("/migration/kmeans/match_distance", kFloat64, "/migration/kmeans/before_name", "centroid distance to the match, the after run's standardized units (NaN: none)");
inline constexpr Entry kKmeansCustomers = table("/migration/kmeans/customers", kUint64, "", "customers per (row, column), row-major");
inline constexpr Entry kKmeansRevenue = table("/migration/kmeans/revenue_cents", kInt64, "/migration/kmeans/customers", "revenue per cell, as /migration/rfm/revenue_cents");
inline constexpr Entry kKmeansRevenueBefore = table("/migration/kmeans/revenue_before_cents", kInt64, "/migration/kmeans/customers", "the cell's before-run monetary, minor units");
inline constexpr Entry kKmeansRevenueAfter = table("/migration/kmeans/revenue_after_cents", kInt64, "/migration/kmeans/customers", "the cell's after-run monetary, minor units");
}  // namespace migration

inline constexpr const Entry* kEntries[] = {
    &root::kCrmpiVersion,
    &root::kCommand,
    &root::kConfig,
    &root::kInputPath,
    &root::kInputBytes,
    &root::kInputChecksum,
    &root::kRanks,
    &root::kStartTime,
    &root::kEndTime,
    &root::kStagesRun,
    &root::kStagesSkipped,
    // /rfm
    &rfm::kGroup,
    &rfm::kAsOfDay,
    &rfm::kAsOf,
    &rfm::kBuyers,
    &rfm::kCurrency,
    &rfm::kScoreMethod,
    &rfm::kCutPointsNegRecency,
    &rfm::kCutPointsFrequency,
    &rfm::kCutPointsMonetary,
    &rfm::kCustomerId,
    &rfm::kRecencyDays,
    &rfm::kFrequency,
    &rfm::kMonetaryCents,
    &rfm::kAvgOrderCents,
    &rfm::kTenureDays,
    &rfm::kFirstOrderDay,
    &rfm::kLastOrderDay,
    &rfm::kRScore,
    &rfm::kFScore,
    &rfm::kMScore,
    &rfm::kSegment,
    &rfm::kSegmentNames,
    &rfm::kSummary,
    &rfm::kSummaryCustomers,
    &rfm::kSummaryRevenueCents,
    &rfm::kSummaryCustomerShare,
    &rfm::kSummaryRevenueShare,
    &rfm::kSummaryMeanRecency,
    &rfm::kSummaryMeanFrequency,
    &rfm::kSummaryMeanMonetary,
    &rfm::kCells,
    &rfm::kCellsCustomers,
    // /clv
    &clv::kGroup,
    &clv::kCalibrationEndDay,
    &clv::kCalibrationEnd,
    &clv::kHoldoutEnd,
    &clv::kTimeUnit,
    &clv::kModels,
    &clv::kPrimaryModel,
    &clv::kHorizonMonths,
    &clv::kHorizonUnits,
    &clv::kMonthlyDiscountRate,
    &clv::kLifecycleThresholds,
    &clv::kLifecycleThresholdsNames,
    &clv::kCustomers,
    &clv::kCalibrationCustomers,
    &clv::kDistinctSummaries,
    &clv::kSpendCustomers,
    &clv::kCurrency,
    &clv::kWarnings,
    &clv::kAggregation,
    &clv::kCustomerId,
    &clv::kInCalibration,
    &clv::kX,
    &clv::kTX,
    &clv::kT,
    &clv::kMeanSpend,
    &clv::kLifecycleStage,
    &clv::kLifecycleStageNames,
    &clv::kModelGroup,
    &clv::kModelLogLikelihood,
    &clv::kModelAic,
    &clv::kModelBic,
    &clv::kModelCustomers,
    &clv::kModelIterations,
    &clv::kModelConverged,
    &clv::kModelMessage,
    &clv::kModelWarnings,
    &clv::kParameters,
    &clv::kParameterName,
    &clv::kParameterEstimate,
    &clv::kParameterStdError,
    &clv::kPAlive,
    &clv::kChurnRisk,
    &clv::kExpectedPurchases,
    &clv::kClv,
    &clv::kExpectedSpend,
    &clv::kFrequencySpendCorrelation,
    &clv::kFit,
    &clv::kFitModel,
    &clv::kFitLogLikelihood,
    &clv::kFitAic,
    &clv::kFitBic,
    &clv::kFitCustomers,
    &clv::kFitConverged,
    &clv::kLifecycle,
    &clv::kLifecycleStageName,
    &clv::kLifecycleCustomers,
    &clv::kLifecycleCustomerShare,
    &clv::kLifecycleExpectedPurchases,
    &clv::kLifecycleClvSum,
    &clv::kLifecycleClvMean,
    &clv::kHoldout,
    &clv::kHoldoutActualTotal,
    &clv::kHoldoutStart,
    &clv::kHoldoutEndDate,
    &clv::kHoldoutActualPurchases,
    &clv::kHoldoutActualSpend,
    &clv::kHoldoutPredicted,
    &clv::kHoldoutMetrics,
    &clv::kHoldoutMetricsModel,
    &clv::kHoldoutMae,
    &clv::kHoldoutCorrelation,
    &clv::kHoldoutPredictedTotal,
    &clv::kWeekly,
    &clv::kWeekEndDay,
    &clv::kWeeklyActualCumulative,
    &clv::kWeeklyExpectedCumulative,
    // /kmeans
    &kmeans::kGroup,
    &kmeans::kK,
    &kmeans::kSeed,
    &kmeans::kFeatures,
    &kmeans::kFeatureMean,
    &kmeans::kFeatureStd,
    &kmeans::kClustered,
    &kmeans::kInit,
    &kmeans::kStep,
    &kmeans::kNInit,
    &kmeans::kBestInit,
    &kmeans::kIterations,
    &kmeans::kConverged,
    &kmeans::kInertia,
    &kmeans::kTol,
    &kmeans::kBytesPerIteration,
    &kmeans::kSelectionRule,
    &kmeans::kSegment,
    &kmeans::kDistance,
    &kmeans::kSegmentNames,
    &kmeans::kCentroids,
    &kmeans::kCentroidsOriginal,
    &kmeans::kInitCentroids,
    &kmeans::kProfile,
    &kmeans::kProfileCustomers,
    &kmeans::kProfileCustomerShare,
    &kmeans::kProfileRevenueCents,
    &kmeans::kProfileRevenueShare,
    &kmeans::kProfileMeanRecency,
    &kmeans::kProfileMeanFrequency,
    &kmeans::kProfileMeanMonetary,
    &kmeans::kProfileMeanPAlive,
    &kmeans::kProfileMeanClv,
    &kmeans::kProfileSurveyed,
    &kmeans::kProfileNps,
    &kmeans::kProfileAcquisitionNames,
    &kmeans::kProfileAcquisitionMix,
    &kmeans::kProfileRegionNames,
    &kmeans::kProfileRegionMix,
    &kmeans::kProfileAgeBandNames,
    &kmeans::kProfileAgeBandMix,
    &kmeans::kSelection,
    &kmeans::kSelectionK,
    &kmeans::kSelectionInertia,
    &kmeans::kSelectionCh,
    &kmeans::kSelectionDb,
    &kmeans::kSelectionSilhouette,
    &kmeans::kSelectionIterations,
    &kmeans::kSelectionSampled,
    // /rules
    &rules::kGroup,
    &rules::kBaskets,
    &rules::kBasketKind,
    &rules::kLevel,
    &rules::kMinSupport,
    &rules::kMinCount,
    &rules::kMinConfidence,
    &rules::kMaxLength,
    &rules::kItemId,
    &rules::kItemCount,
    &rules::kItemName,
    &rules::kItemsets,
    &rules::kItemsetOffset,
    &rules::kItemsetItems,
    &rules::kItemsetCount,
    &rules::kItemsetSupport,
    &rules::kCustomerId,
    &rules::kRecommendCount,
    &rules::kRecommend,
    &rules::kRecommendItem,
    &rules::kRecommendScore,
    &rules::kRecommendRule,
    &rules::kRulesGroup,
    &rules::kAntecedentOffset,
    &rules::kAntecedent,
    &rules::kConsequentOffset,
    &rules::kConsequent,
    &rules::kRuleCount,
    &rules::kRuleSupport,
    &rules::kRuleConfidence,
    &rules::kRuleLift,
    &rules::kRuleLeverage,
    &rules::kRuleConviction,
    &rules::kSegments,
    &rules::kSegmentMinCount,
    &rules::kSegmentSegmentation,
    &rules::kSegmentCode,
    &rules::kSegmentName,
    &rules::kSegmentBaskets,
    &rules::kSegmentMinCountRow,
    &rules::kSegmentItemsets,
    &rules::kSegmentStatus,
    &rules::kSegmentRuleOffset,
    &rules::kSegmentRules,
    &rules::kSegAntecedentOffset,
    &rules::kSegAntecedent,
    &rules::kSegConsequentOffset,
    &rules::kSegConsequent,
    &rules::kSegRuleCount,
    &rules::kSegRuleSupport,
    &rules::kSegRuleConfidence,
    &rules::kSegRuleLift,
    &rules::kSegRuleLeverage,
    &rules::kSegRuleConviction,
    &rules::kSegRuleOverallCount,
    &rules::kSegRuleOverallSupport,
    &rules::kSegRuleOverallConfidence,
    &rules::kSegRuleOverallLift,
    &insights::kGroup,
    &insights::kAsOfDay,
    &insights::kChurnThreshold,
    &insights::kClvModel,
    &insights::kCohortMonths,
    &insights::kGroups,
    &insights::kGrouping,
    &insights::kCode,
    &insights::kName,
    &insights::kCustomers,
    &insights::kBuyers,
    &insights::kRevenue,
    &insights::kNpsResponses,
    &insights::kNpsPromoters,
    &insights::kNpsDetractors,
    &insights::kNps,
    &insights::kNpsLow,
    &insights::kNpsHigh,
    &insights::kNpsFew,
    &insights::kChurnScored,
    &insights::kChurnRiskMean,
    &insights::kAtRisk,
    &insights::kClvMean,
    &insights::kClvAtRisk,
    &insights::kE90,
    &insights::kR90,
    &insights::kRate90,
    &insights::kE365,
    &insights::kR365,
    &insights::kRate365,
    &insights::kCohorts,
    &insights::kCohortMonth,
    &insights::kCohortCustomers,
    &insights::kCohortRevenue,
    &insights::kAtRiskList,
    &insights::kAtRiskId,
    &insights::kAtRiskClv,
    &insights::kAtRiskChurn,
    &insights::kAtRiskRfm,
    &insights::kAtRiskKmeans,
    &migration::kGroup,
    &migration::kBeforeResults,
    &migration::kAfterResults,
    &migration::kBeforeAsOf,
    &migration::kAfterAsOf,
    &migration::kBeforeEndTime,
    &migration::kAfterEndTime,
    &migration::kRevenueDefinition,
    &migration::kCustomersBefore,
    &migration::kCustomersAfter,
    &migration::kCustomersBoth,
    &migration::kRfm,
    &migration::kRfmBeforeName,
    &migration::kRfmAfterName,
    &migration::kRfmCustomers,
    &migration::kRfmRevenue,
    &migration::kRfmRevenueBefore,
    &migration::kRfmRevenueAfter,
    &migration::kKmeans,
    &migration::kKmeansStatus,
    &migration::kKmeansMethod,
    &migration::kKmeansBeforeName,
    &migration::kKmeansAfterName,
    &migration::kKmeansMatch,
    &migration::kKmeansMatchDistance,
    &migration::kKmeansCustomers,
    &migration::kKmeansRevenue,
    &migration::kKmeansRevenueBefore,
    &migration::kKmeansRevenueAfter,
};

// ---- concrete objects ---------------------------------------------------------------------------

// An entry at its concrete path (placeholder filled in). Entries without a placeholder convert
// implicitly, so writers pass them as they are.
struct Object {
  const Entry* entry;
  std::string path;        // the dataset or group (for an attribute: its group)
  Object(const Entry& e);  // NOLINT(google-explicit-constructor): an entry is its own object
  Object(const Entry& e, std::string concrete) : entry(&e), path(std::move(concrete)) {}
  std::string name() const;  // path, or path@attr for an attribute (for messages)
};

// The entry with its placeholder replaced by `model` (a name valid for the placeholder).
// Throws Error(kSoftware) for a model the placeholder does not stand for: a bug.
Object at(const Entry& e, std::string_view model);
// `pattern` with its placeholder (if any) replaced by `model`.
std::string fill(std::string_view pattern, std::string_view model);
// /clv/<model>: the group of a fitted model.
inline Object clv_model_group(std::string_view model) {
  return at(clv::kModelGroup, model);
}

// The models a placeholder stands for.
std::span<const std::string_view> models_for(Each each);

// Labels for messages and the documentation: "uint8", "float64", "string"; "column", ...
std::string_view type_name(Type t);
std::string_view kind_name(Kind k);
std::string_view part_name(Part p);  // "" (root), "rfm", "clv": also the stage names

template <class T>
constexpr Type type_of() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return Type::kUint8;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return Type::kUint32;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return Type::kUint64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return Type::kInt32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return Type::kInt64;
  else if constexpr (std::is_same_v<T, double>)
    return Type::kFloat64;
  else
    static_assert(sizeof(T) == 0, "no results.h5 element type for T");
}

// Throws Error(kSoftware) unless `o` is of kind `k` (or, for kAttr/kAttrArray, that kind) with
// element type `t`: code writing or reading an object as something the layout says it is not.
void expect(const Object& o, Kind k, Type t);

}  // namespace crmpi::results_schema
