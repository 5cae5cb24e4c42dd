// `crmpi clv`: BG/NBD, Pareto/NBD and Gamma-Gamma fitted over all customers of all ranks, then
// per-customer P(alive), expected purchases, expected spend, CLV, churn risk and lifecycle stage,
// with holdout validation when a holdout window is given. Definitions: docs/clv.md.
//
// Rank-count independence (the results are bit-identical at any number of ranks):
//  - fits: each rank collapses its customers to a sorted (x, t_x, T) table with integer counts;
//    the rows are shuffled so that each distinct summary lives on one rank with its total count,
//    in runs (rows of one x, cut into buckets by a hash of the rest of the key) that do not
//    depend on the rank count (spread_triples, jobs/clv/spread_table.hpp). Every rank evaluates the likelihood, its
//    gradient and Hessian on its own runs, each run summed in double and the runs exactly
//    (192-bit fixed point, kernels/clv/likelihood_sums.hpp), the sums reduced exactly across
//    ranks (comm/exact_sum.hpp: allreduce_exact); every rank runs the same optimiser on the same
//    values. No rank holds more than its share of the table. Same for Gamma-Gamma (x, zbar);
//  - per-customer scores depend only on the customer and the parameters;
//  - aggregates over customers: integer counts by allreduce_sum; floating sums by ExactSum
//    (every value rounded to a fixed point of 2^-24, summed exactly in 128-bit integers, the
//    128-bit partial sums reduced as three 40-bit limbs with integer allreduce_sum): the sum of a
//    multiset of rounded values, whatever the partition and order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "comm/exact_sum.hpp"
#include "jobs/clv/spread_table.hpp"
#include "jobs/common/job_common.hpp"
#include "jobs/common/stage.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/lifecycle.hpp"
#include "kernels/clv/types.hpp"
#include "kernels/common/uninitialized_allocator.hpp"

namespace crmpi {

// The models the stage fits. Purchase models give P(alive), expected purchases and CLV; the
// Gamma-Gamma spend model gives the expected spend that turns purchases into CLV.
enum class ClvModel : std::uint8_t { kBgNbd, kMbgNbd, kParetoNbd, kGammaGamma };
// The model's name in results.h5 (group /clv/<name>) and in the CSV files (io/results_schema.hpp).
std::string_view model_name(ClvModel m);
// A model named on the command line or in the config file (aliases accepted: pareto, gg, ...).
std::optional<ClvModel> parse_model(std::string_view name);

class Options;

struct ClvConfig {
  // As given (command line or config file); validate() parses them into the typed fields below.
  std::string calibration_end;  // "YYYY-MM-DD", inclusive; "" = the input's as_of_day
  std::string holdout_end;      // "YYYY-MM-DD", inclusive; "" = no holdout validation
  std::string time_unit = "week";
  std::vector<std::string> models = {"bgnbd", "pareto", "gg"};
  std::int64_t horizon_months = 12;
  double discount_rate = 0.01;  // monthly
  // Lifecycle thresholds (docs/clv.md); tenures and gaps in weeks whatever the time unit.
  double new_max_tenure_weeks = 4;
  double churned_below = 0.2;
  double at_risk_below = 0.5;
  double reactivation_gap_weeks = 26;
  double loyal_min_frequency = 4;
  double loyal_min_tenure_weeks = 26;
  std::string timings;  // hidden: rank 0 writes stage timings as JSON to this file

  void bind(Options& o);
  void validate();  // throws ConfigError; fills the typed fields

  // Typed, valid after validate(): dates as days since 1970-01-01, models in the order fitted.
  std::optional<std::int32_t> calibration_end_day, holdout_end_day;
  clv::TimeUnit unit = clv::TimeUnit::kWeek;
  std::vector<ClvModel> model_list;
  bool wants(ClvModel m) const;
  clv::LifecycleThresholds thresholds() const;
};

// Per-customer outputs that the scoring stage writes in full: resize() leaves them uninitialised
// (zero-filling first is one more pass over memory touched for the first time).
using ScoreColumn = UninitializedVector<double>;

struct ClvModelScores {
  ClvModel model = ClvModel::kBgNbd;  // a purchase model
  clv::FitResult fit;
  ScoreColumn p_alive, churn_risk, expected_purchases, clv, holdout_predicted;  // resize: uninitialised
  // Holdout metrics (NaN without holdout) and weekly expected cumulative purchases.
  double holdout_mae = 0, holdout_correlation = 0, holdout_predicted_total = 0;
  std::vector<double> weekly_expected_cumulative;
  double t_fit = 0, t_score = 0;  // seconds (fit: the distributed fit; score: this rank)
};

struct ClvResult {
  std::int32_t calibration_end = 0;
  std::optional<std::int32_t> holdout_end;
  clv::TimeUnit unit = clv::TimeUnit::kWeek;
  std::uint64_t customers = 0;              // all ranks
  std::uint64_t calibration_customers = 0;  // customers with a purchase by calibration end
  std::uint64_t spend_customers = 0;        // rows of the Gamma-Gamma table (repeat, spend > 0)
  std::uint64_t triples = 0;                // distinct (x, t_x, T)
  std::uint64_t triple_runs = 0;            // runs of the spread (x, t_x, T) table
  // This rank's customers.
  std::span<const std::uint64_t> customer_id;  // the slice's ids, lent by the job (not copied)
  std::vector<std::uint8_t> in_calibration;
  std::vector<double> x, t_x, T, mean_spend, last_gap;
  std::vector<std::uint32_t> holdout_purchases;
  std::vector<double> holdout_spend;
  // Models.
  std::vector<ClvModelScores> models;  // purchase models, the first is the primary (lifecycle)
  std::optional<clv::FitResult> gamma_gamma;
  double frequency_spend_correlation = 0;
  std::vector<double> expected_spend;  // Gamma-Gamma conditional mean spend (empty without gg)
  // Lifecycle (primary model): stage per customer, kNotInCalibration for customers without one.
  std::vector<std::uint8_t> stage;
  std::vector<std::string> stage_names;
  std::vector<std::uint64_t> stage_customers;
  std::vector<double> stage_expected_purchases, stage_clv;
  // Holdout weeks: end day of each week (the last one may be partial) and actual cumulative counts.
  std::vector<std::int32_t> week_end_day;
  std::vector<std::uint64_t> weekly_actual_cumulative;
  std::uint64_t holdout_actual_total = 0;
  std::vector<std::string> warnings;
  // Seconds, for the bench: summary pass, collapse + shuffle (spread table), Gamma-Gamma fit
  // (with its table's shuffle), aggregates.
  double t_summary = 0, t_collapse = 0, t_spread_gg = 0, t_fit_gg = 0, t_aggregate = 0;  // seconds; t_spread_gg: the
  // spend pairs collapsed and spread over ranks, t_fit_gg: the Gamma-Gamma fit on them
  std::string skipped;  // non-empty: too few customers to fit (nothing else is set)
};

inline constexpr std::uint8_t kNotInCalibration = 6;

// Writes /clv/* to results.h5 and csv/clv_models.csv, csv/clv_fit.csv, csv/clv_lifecycle.csv
// (+ csv/clv_holdout.csv and csv/clv_weekly.csv with a holdout).
void write_clv(const Comm& comm, ResultsFile& results, OutputSet& out, const ClvResult& r, const ClvConfig& cfg,
               const std::string& currency);
void write_clv_timings(const Comm& comm, const ClvResult& r, const std::string& path);

namespace clv_job {
// State of the summaries on the single pass over the orders (summaries.cpp): the slice's order
// offsets, a spend scratch column, and the distinct holdout purchase days per holdout week.
struct SummaryPass {
  std::span<const std::uint64_t> order_offset;
  std::vector<double> spend;
  std::size_t weeks = 0;
  std::vector<std::uint64_t> weekly;
};
}  // namespace clv_job

// The CLV stage: per-customer summaries on the single pass over the orders, then the spread
// (x, t_x, T) table, fits, scores, lifecycle and aggregates (the files of jobs/clv/).
class ClvStage : public Stage {
 public:
  explicit ClvStage(const ClvConfig& cfg) : cfg_(cfg) {}
  std::string_view name() const override { return "clv"; }
  void begin_pass(const StageInput& in) override;
  void consume(const OrderChunk& chunk) override;
  std::optional<std::string> compute(const StageInput& in, const EarlierStages& earlier) override;
  void write(const StageInput& in, ResultsFile& results, OutputSet& out) const override;
  void report(const StageInput& in) const override;
  void save_carry(const StageInput& in, CarryWriter& w) const override;
  void load_carry(const StageInput& in, const CarryReader& r) override;
  const ClvResult& result() const { return r_; }

 private:
  const ClvConfig& cfg_;
  ClvResult r_;
  clv_job::SummaryPass pass_;
};

}  // namespace crmpi
