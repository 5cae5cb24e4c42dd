// Insights stage (the last stage of `crmpi run`; docs/insights.md): per group of customers (RFM
// segment, k-means segment, acquisition channel, region) their value, NPS with its interval,
// churn and repeat-purchase retention; the cohort retention matrix; and the at-risk high-value
// list. Everything is a sum over customers reduced exactly (integers, or ExactSum), so it is the
// same at any rank count; the at-risk list is a bounded top-N (at most --at-risk-top rows).
//
//   config.cpp          InsightsConfig: options and their checks
//   insights_stage.cpp  the orders' days on the pass, the sums per group, the list
//   writer.cpp          /insights in results.h5 and its CSV files
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/pseudonym.hpp"
#include "jobs/common/stage.hpp"
#include "kernels/insights/insights.hpp"

namespace crmpi {

class Options;

struct InsightsConfig {
  double churn_threshold = 0.5;   // churn risk (1 - P(alive)) above this: at risk
  std::int64_t at_risk_top = 1000;  // rows of the at-risk high-value list
  std::int64_t cohort_months = 12;  // the cohort matrix: the last N calendar months
  void bind(Options& o);
  void validate();
};

// One table row: one group of one grouping.
struct InsightGroups {
  std::vector<std::string> grouping, name;  // grouping: rfm, kmeans, acquisition_channel, region
  std::vector<std::uint32_t> code;
  std::vector<std::uint64_t> customers, buyers;
  std::vector<std::int64_t> revenue_cents;
  std::vector<insights::Nps> nps;
  std::vector<std::uint64_t> scored, at_risk, valued;  // with a churn risk; above the threshold; with a CLV
  std::vector<double> churn_risk_mean, clv_mean, clv_at_risk;  // clv_at_risk: the at-risk customers' CLV, summed
  std::vector<std::uint64_t> eligible_90, retained_90, eligible_365, retained_365;
  std::size_t size() const { return code.size(); }
};

struct AtRisk {
  std::uint64_t customer_id = 0;
  double clv = 0, churn_risk = 0;
  std::uint32_t rfm_segment = 0, kmeans_segment = 0;
};

struct InsightsResult {
  std::int32_t as_of_day = 0;
  bool has_clv = false, has_clv_value = false, has_kmeans = false, has_surveys = false;
  std::string clv_model;
  InsightGroups groups;
  insights::Cohorts cohorts{0, 0};
  std::vector<AtRisk> at_risk;  // the same on every rank: highest CLV first, then customer id
  double seconds = 0;
};

// pseudonymize: csv/at_risk.csv names customers by pseudonyms (nullptr: by their ids).
void write_insights(const Comm& comm, ResultsFile& results, OutputSet& out, const InsightsResult& r,
                    const InsightsConfig& cfg, const Pseudonymizer* pseudonymize);

class InsightsStage : public Stage {
 public:
  // as_of_day: the rfm stage's (the same orders as RFM).
  InsightsStage(const InsightsConfig& cfg, std::optional<std::int32_t> as_of_day) : cfg_(cfg), as_of_cfg_(as_of_day) {}
  std::string_view name() const override { return "insights"; }
  void begin_pass(const StageInput& in) override;
  void consume(const OrderChunk& chunk) override;
  std::optional<std::string> compute(const StageInput& in, const EarlierStages& earlier) override;
  void write(const StageInput& in, ResultsFile& results, OutputSet& out) const override;
  void report(const StageInput& in) const override;
  const InsightsResult& result() const { return r_; }
  // csv/at_risk.csv names customers by these pseudonyms instead of their ids (docs/exports.md).
  void pseudonymize_csv(const Pseudonymizer* p) { pseudonymize_ = p; }

 private:
  const InsightsConfig& cfg_;
  const Pseudonymizer* pseudonymize_ = nullptr;
  std::optional<std::int32_t> as_of_cfg_;
  InsightsResult r_;
  std::span<const std::uint64_t> order_offset_;
  // Per local customer, from the pass: retained within 90 / 365 days (bit 0/1: eligible, 2/3: retained).
  std::vector<std::uint8_t> retention_;
  std::vector<std::int32_t> days_;  // one customer's orders by as_of, reused
  std::vector<std::int64_t> amounts_;
};

}  // namespace crmpi
