// The CLV stage: runs the steps of jobs/clv/ in order (clv_internal.hpp). Options:
// config.cpp; tables spread over the ranks: tables.cpp; summaries and the spread table:
// summaries.cpp; fits: fits.cpp; per-customer scores: scoring.cpp; lifecycle and aggregates:
// aggregates.cpp; output: writers.cpp.
#include "jobs/clv/clv_stage.hpp"

#include <spdlog/spdlog.h>

#include "jobs/clv/clv_internal.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void ClvStage::begin_pass(const StageInput& in) {
  r_.unit = cfg_.unit;
  r_.calibration_end = cfg_.calibration_end_day.value_or(in.file.as_of_day());
  r_.holdout_end = cfg_.holdout_end_day;
  clv_job::begin_summaries(in, r_, pass_);
}

void ClvStage::consume(const OrderChunk& chunk) { clv_job::summarize_chunk(chunk, pass_, r_); }

std::optional<std::string> ClvStage::compute(const StageInput& in, const EarlierStages&) {
  const Comm& comm = in.comm();
  const std::int32_t as_of = in.file.as_of_day();
  // Windows against the input's as_of_day (the options alone were checked before any work).
  if (r_.calibration_end > as_of)
    throw CollectiveError(ConfigError("--calibration-end " + format_iso_date(r_.calibration_end) +
                                      " is after the input's as_of_day " + format_iso_date(as_of)));
  if (r_.holdout_end && *r_.holdout_end <= r_.calibration_end)
    throw CollectiveError(ConfigError("--holdout-end " + format_iso_date(*r_.holdout_end) +
                                      " must be after the calibration end " + format_iso_date(r_.calibration_end)));
  if (r_.holdout_end && *r_.holdout_end > as_of)
    throw CollectiveError(ConfigError("--holdout-end " + format_iso_date(*r_.holdout_end) +
                                      " is after the input's as_of_day " + format_iso_date(as_of) +
                                      ": the holdout would have no data at its end"));
  // 1. summaries (done on the pass); 2. the spread table; 3. fits; 4. per-customer scores;
  // 5. lifecycle, aggregates.
  clv_job::end_summaries(comm, r_);
  const SpreadTable<clv::Triple> table = clv_job::build_spread_table(comm, r_);
  if (!r_.skipped.empty()) return r_.skipped;
  clv_job::fit_purchase_models(comm, cfg_, table, r_);
  fault_point(comm, "clv");
  clv_job::fit_spend_model(comm, cfg_, r_);
  for (const auto& w : r_.warnings) spdlog::warn("{}", w);
  clv_job::score_customers(comm, cfg_, r_);
  clv_job::lifecycle_and_aggregates(comm, cfg_, table, pass_, r_);
  return std::nullopt;
}

void ClvStage::write(const StageInput& in, ResultsFile& results, OutputSet& out) const {
  write_clv(in.comm(), results, out, r_, cfg_, in.file.currency());
}

void ClvStage::report(const StageInput& in) const {
  write_clv_timings(in.comm(), r_, cfg_.timings);
  if (!in.comm().is_root()) return;
  spdlog::info("clv: results in {}/results.h5 and {}/csv/clv_*.csv", in.common.out, in.common.out);
  for (const auto& ms : r_.models) {
    std::string p;
    for (std::size_t j = 0; j < ms.fit.names.size(); ++j)
      p += fmt::format(" {}={:.4f} (se {:.4f})", ms.fit.names[j], ms.fit.estimates[j], ms.fit.std_errors[j]);
    spdlog::info("  {:<11} LL {:.2f}{}", model_name(ms.model), ms.fit.log_likelihood, p);
  }
  if (r_.gamma_gamma) {
    std::string p;
    for (std::size_t j = 0; j < r_.gamma_gamma->names.size(); ++j)
      p += fmt::format(" {}={:.4f}", r_.gamma_gamma->names[j], r_.gamma_gamma->estimates[j]);
    spdlog::info("  gamma_gamma LL {:.2f}{}", r_.gamma_gamma->log_likelihood, p);
  }
  for (std::size_t s = 0; s < r_.stage_names.size(); ++s)
    spdlog::info("  {:<20} {:>10} customers", r_.stage_names[s], r_.stage_customers[s]);
}


// What k-means and insights read: the primary model's per-customer P(alive), churn risk and CLV
// (kmeans_job::build_features, build_profile, InsightsStage::compute).
void ClvStage::save_carry(const StageInput&, CarryWriter& w) const {
  w.value("models", static_cast<std::int64_t>(r_.models.size()));
  if (r_.models.empty()) return;
  const ClvModelScores& m = r_.models.front();
  w.value("model", static_cast<std::int64_t>(m.model));
  w.value("has_clv", m.clv.empty() ? 0 : 1);
  w.column("p_alive", m.p_alive);
  w.column("churn_risk", m.churn_risk);
  if (!m.clv.empty()) w.column("clv", m.clv);
}

void ClvStage::load_carry(const StageInput& in, const CarryReader& r) {
  r_.customer_id = in.customers.id;
  r_.models.clear();
  if (r.value("models") == 0) return;
  ClvModelScores m;
  m.model = static_cast<ClvModel>(r.value("model"));
  auto fill = [&](ScoreColumn& to, const char* name) {
    const std::vector<double> v = r.column<double>(name);
    to.assign(v.begin(), v.end());
  };
  fill(m.p_alive, "p_alive");
  fill(m.churn_risk, "churn_risk");
  if (r.value("has_clv")) fill(m.clv, "clv");
  r_.models.push_back(std::move(m));
}

}  // namespace crmpi
