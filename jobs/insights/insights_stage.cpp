// The insights stage: the orders' days on the pass (retention, cohorts), then the per-group sums,
// reduced exactly, and the at-risk list (docs/insights.md).
#include "jobs/insights/insights_stage.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "comm/exact_sum.hpp"
#include "io/schema.hpp"
#include "jobs/clv/clv_stage.hpp"
#include "jobs/common/log.hpp"
#include "jobs/common/surveys.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

constexpr std::int32_t kWindows[2] = {90, 365};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One grouping of the rank's customers: a code per customer and the names by code.
struct Grouping {
  std::string name;
  std::vector<std::uint32_t> code;
  std::vector<std::string> names;
};

// A demographic column of the slice with its dictionary, or nothing when the input lacks it.
std::optional<Grouping> demographic(InputFile& file, const Slice& slice, std::string_view column, std::string name) {
  if (!file.has(column)) return std::nullopt;
  Grouping g{std::move(name), std::vector<std::uint32_t>(slice.customers(), 0), file.dictionary_of(column)};
  if (slice.customers()) file.read<std::uint32_t>(column, slice.customer_begin, slice.customers(), g.code.data());
  for (const std::uint32_t c : g.code)  // validation checked codes against the dictionary
    if (c >= g.names.size()) throw DataError("insights: " + std::string(column) + " code " + std::to_string(c) + " outside its dictionary");
  return g;
}

bool before(const AtRisk& a, const AtRisk& b) {
  if (a.clv != b.clv) return a.clv > b.clv;
  return a.customer_id < b.customer_id;
}

}  // namespace

void InsightsStage::begin_pass(const StageInput& in) {
  r_.as_of_day = as_of_cfg_.value_or(in.file.as_of_day());
  order_offset_ = in.customers.order_offset;
  retention_.assign(in.customers.id.size(), 0);
  r_.cohorts = insights::Cohorts(r_.as_of_day, static_cast<std::uint32_t>(cfg_.cohort_months));
}

void InsightsStage::consume(const OrderChunk& ch) {
  for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c) {
    days_.clear();
    amounts_.clear();
    for (std::uint64_t o = order_offset_[c]; o < order_offset_[c + 1]; ++o) {
      const std::uint64_t j = o - ch.order_begin;
      if (ch.day[j] > r_.as_of_day) continue;  // as RFM: only orders by as_of
      days_.push_back(ch.day[j]);
      amounts_.push_back(ch.amount_cents[j]);
    }
    std::uint8_t bits = 0;
    for (int w = 0; w < 2; ++w) {
      const insights::Retention rt = insights::retention(days_, r_.as_of_day, kWindows[w]);
      bits |= static_cast<std::uint8_t>((rt.eligible ? 1u : 0u) << w | (rt.retained ? 1u : 0u) << (w + 2));
    }
    retention_[c] = bits;
    r_.cohorts.add(days_, amounts_);
  }
}

std::optional<std::string> InsightsStage::compute(const StageInput& in, const EarlierStages& earlier) {
  Stopwatch sw;
  const Comm& comm = in.comm();
  const RfmStage* rfm_stage = earlier.find<RfmStage>();
  if (!rfm_stage) throw Error(ExitCode::kSoftware, "insights: the rfm stage must run before it (a bug)");
  const RfmResult& rfm = rfm_stage->result();
  const ClvStage* clv_stage = earlier.find<ClvStage>();
  const ClvModelScores* model =
      clv_stage && !clv_stage->result().models.empty() ? &clv_stage->result().models.front() : nullptr;
  const KmeansStage* km = earlier.find<KmeansStage>();
  r_.has_clv = model != nullptr;
  r_.has_clv_value = model && !model->clv.empty();
  r_.has_kmeans = km != nullptr;
  r_.has_surveys = in.file.has_part(schema::Part::kSurveys);
  if (model) r_.clv_model = std::string(model_name(model->model));
  const std::size_t n = rfm.customer_id.size();

  std::vector<Grouping> groupings;
  groupings.push_back({"rfm", {rfm.segment.begin(), rfm.segment.end()}, rfm.segments.names});
  if (km) groupings.push_back({"kmeans", km->result().segment, km->result().profile.names});
  for (auto [column, name] : {std::pair{schema::kAcquisitionChannel, "acquisition_channel"}, std::pair{schema::kRegion, "region"}})
    if (auto g = demographic(in.file, in.slice, column, name)) groupings.push_back(std::move(*g));

  const std::vector<int> score = latest_scores(in.file, rfm.customer_id, r_.as_of_day);  // -1: none
  auto& G = r_.groups;
  G = {};
  // The integer sums of a group, in this order.
  enum { kCustomers, kBuyers, kRevenue, kResponses, kPromoters, kDetractors, kScored, kAtRisk, kValued, kE90, kR90,
         kE365, kR365, kSums };
  for (const Grouping& g : groupings) {
    const std::size_t S = g.names.size();
    std::vector<std::int64_t> sums(kSums * S, 0);
    auto at = [&](std::size_t what, std::size_t s) -> std::int64_t& { return sums[what * S + s]; };
    std::vector<ExactSum> churn(S), value(S), value_at_risk(S);
    for (std::size_t c = 0; c < n; ++c) {
      const std::size_t s = g.code[c];
      at(kCustomers, s) += 1;
      at(kBuyers, s) += rfm.activity.orders[c] > 0;
      at(kRevenue, s) += rfm.activity.total_cents[c];
      if (score[c] >= 0) {
        at(kResponses, s) += 1;
        at(kPromoters, s) += score[c] >= 9;
        at(kDetractors, s) += score[c] <= 6;
      }
      const bool risky = model && !std::isnan(model->churn_risk[c]) && model->churn_risk[c] > cfg_.churn_threshold;
      if (model && !std::isnan(model->churn_risk[c])) {
        at(kScored, s) += 1;
        churn[s].add(model->churn_risk[c]);
        at(kAtRisk, s) += risky;
      }
      if (r_.has_clv_value && !std::isnan(model->clv[c])) {
        at(kValued, s) += 1;
        value[s].add(model->clv[c]);
        if (risky) value_at_risk[s].add(model->clv[c]);
      }
      const std::uint8_t bits = retention_[c];
      at(kE90, s) += bits & 1;
      at(kR90, s) += (bits >> 2) & 1;
      at(kE365, s) += (bits >> 1) & 1;
      at(kR365, s) += (bits >> 3) & 1;
    }
    comm.allreduce_sum_inplace(std::span<std::int64_t>(sums));
    const std::vector<double> churn_sum = ExactSum::reduce(comm, churn), value_sum = ExactSum::reduce(comm, value),
                              risk_value = ExactSum::reduce(comm, value_at_risk);
    for (std::size_t s = 0; s < S; ++s) {
      auto u = [&](std::size_t what) { return static_cast<std::uint64_t>(at(what, s)); };
      G.grouping.push_back(g.name);
      G.code.push_back(static_cast<std::uint32_t>(s));
      G.name.push_back(g.names[s]);
      G.customers.push_back(u(kCustomers));
      G.buyers.push_back(u(kBuyers));
      G.revenue_cents.push_back(at(kRevenue, s));
      G.nps.push_back(insights::nps(u(kResponses), u(kPromoters), u(kDetractors)));
      G.scored.push_back(u(kScored));
      G.at_risk.push_back(u(kAtRisk));
      G.valued.push_back(u(kValued));
      G.churn_risk_mean.push_back(u(kScored) ? churn_sum[s] / static_cast<double>(u(kScored)) : kNaN);
      G.clv_mean.push_back(u(kValued) ? value_sum[s] / static_cast<double>(u(kValued)) : kNaN);
      G.clv_at_risk.push_back(r_.has_clv_value ? risk_value[s] : kNaN);
      G.eligible_90.push_back(u(kE90));
      G.retained_90.push_back(u(kR90));
      G.eligible_365.push_back(u(kE365));
      G.retained_365.push_back(u(kR365));
    }
  }

  fault_point(comm, "insights");
  // The cohort matrix: integer sums.
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(r_.cohorts.customers));
  comm.allreduce_sum_inplace(std::span<std::int64_t>(r_.cohorts.revenue_cents));

  // The at-risk high-value list: each rank's best N, gathered (at most N per rank), the best N kept.
  r_.at_risk.clear();
  if (r_.has_clv_value && cfg_.at_risk_top > 0) {
    std::vector<AtRisk> local;
    for (std::size_t c = 0; c < n; ++c)
      if (!std::isnan(model->churn_risk[c]) && model->churn_risk[c] > cfg_.churn_threshold && !std::isnan(model->clv[c]))
        local.push_back({rfm.customer_id[c], model->clv[c], model->churn_risk[c], rfm.segment[c],
                         km ? km->result().segment[c] : 0});
    const auto top = static_cast<std::size_t>(cfg_.at_risk_top);
    auto keep_best = [&](std::vector<AtRisk>& v) {
      if (v.size() > top) {
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(top), v.end(), before);
        v.resize(top);
      }
      std::sort(v.begin(), v.end(), before);
    };
    keep_best(local);
    r_.at_risk = comm.allgatherv(std::span<const AtRisk>(local));
    keep_best(r_.at_risk);
  }
  r_.seconds = sw.seconds();
  std::uint64_t buyers = 0, at_risk = 0;
  for (std::size_t i = 0; i < G.size(); ++i)
    if (G.grouping[i] == "rfm") {
      buyers += G.buyers[i];
      at_risk += G.at_risk[i];
    }
  spdlog::info("insights: {} groupings, {} groups; {} buyers, {} at risk (churn risk > {}); cohorts over {} months; "
               "at-risk list {} rows; in {:.2f}s",
               groupings.size(), G.size(), buyers, at_risk, cfg_.churn_threshold, cfg_.cohort_months, r_.at_risk.size(),
               r_.seconds);
  if (!model && comm.is_root()) spdlog::info("insights: no churn, CLV or at-risk list: the clv stage did not run");
  return std::nullopt;
}

void InsightsStage::write(const StageInput& in, ResultsFile& results, OutputSet& out) const {
  write_insights(in.comm(), results, out, r_, cfg_, pseudonymize_);
}

void InsightsStage::report(const StageInput& in) const {
  if (!in.comm().is_root()) return;
  spdlog::info("insights: results in {}/results.h5 (/insights) and {}/csv/insights_groups.csv, "
               "{}/csv/cohort_retention.csv, {}/csv/at_risk.csv",
               in.common.out, in.common.out, in.common.out, in.common.out);
}

}  // namespace crmpi
