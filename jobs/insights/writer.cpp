// The insights stage's outputs: /insights in results.h5 (io/results_schema.hpp) and
// csv/insights_groups.csv, csv/cohort_retention.csv, csv/at_risk.csv. Every table is the same on
// every rank (reduced sums, the gathered list): rank 0 writes the CSV files.
#include <cmath>
#include <string>

#include "io/csv_writer.hpp"
#include "jobs/common/log.hpp"
#include "jobs/insights/insights_stage.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi {

namespace {

namespace layout = results_schema::insights;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double rate(std::uint64_t num, std::uint64_t den) {
  return den ? static_cast<double>(num) / static_cast<double>(den) : kNaN;
}
std::string cell(double v, int decimals = 6) {
  return std::isnan(v) ? std::string() : csv_number(v, decimals);
}
// YYYY-MM of a month index (months since 1970-01).
std::string month_name(std::int32_t month_index) {
  const std::int32_t y = month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
  const auto m = static_cast<unsigned>(month_index - y * 12 + 1);
  return format_iso_date(days_from_civil(1970 + y, m, 1)).substr(0, 7);
}

}  // namespace

void write_insights(const Comm& comm, ResultsFile& results, OutputSet& out, const InsightsResult& r,
                    const InsightsConfig& cfg, const Pseudonymizer* pseudonymize) {
  const InsightGroups& g = r.groups;
  results.write_attr_int(layout::kAsOfDay, r.as_of_day);
  results.write_attr_double(layout::kChurnThreshold, cfg.churn_threshold);
  results.write_attr_string(layout::kClvModel, r.clv_model);
  results.write_attr_int(layout::kCohortMonths, cfg.cohort_months);

  std::vector<std::uint64_t> responses, promoters, detractors;
  std::vector<double> nps, low, high, r90, r365;
  std::vector<std::uint8_t> few;
  for (std::size_t i = 0; i < g.size(); ++i) {
    responses.push_back(g.nps[i].responses);
    promoters.push_back(g.nps[i].promoters);
    detractors.push_back(g.nps[i].detractors);
    nps.push_back(g.nps[i].nps);
    low.push_back(g.nps[i].low);
    high.push_back(g.nps[i].high);
    few.push_back(g.nps[i].few ? 1 : 0);
    r90.push_back(rate(g.retained_90[i], g.eligible_90[i]));
    r365.push_back(rate(g.retained_365[i], g.eligible_365[i]));
  }
  results.write_strings(layout::kGrouping, g.grouping);
  results.write_replicated(layout::kCode, g.code);
  results.write_strings(layout::kName, g.name);
  results.write_replicated(layout::kCustomers, g.customers);
  results.write_replicated(layout::kBuyers, g.buyers);
  results.write_replicated(layout::kRevenue, g.revenue_cents);
  results.write_replicated(layout::kNpsResponses, responses);
  results.write_replicated(layout::kNpsPromoters, promoters);
  results.write_replicated(layout::kNpsDetractors, detractors);
  results.write_replicated(layout::kNps, nps);
  results.write_replicated(layout::kNpsLow, low);
  results.write_replicated(layout::kNpsHigh, high);
  results.write_replicated(layout::kNpsFew, few);
  results.write_replicated(layout::kChurnScored, g.scored);
  results.write_replicated(layout::kChurnRiskMean, g.churn_risk_mean);
  results.write_replicated(layout::kAtRisk, g.at_risk);
  results.write_replicated(layout::kClvMean, g.clv_mean);
  results.write_replicated(layout::kClvAtRisk, g.clv_at_risk);
  results.write_replicated(layout::kE90, g.eligible_90);
  results.write_replicated(layout::kR90, g.retained_90);
  results.write_replicated(layout::kRate90, r90);
  results.write_replicated(layout::kE365, g.eligible_365);
  results.write_replicated(layout::kR365, g.retained_365);
  results.write_replicated(layout::kRate365, r365);

  const auto& k = r.cohorts;
  std::vector<std::string> months;
  for (std::uint32_t c = 0; c < k.months; ++c)
    months.push_back(month_name(k.first_month + static_cast<std::int32_t>(c)));
  results.write_strings(layout::kCohortMonth, months);
  results.write_replicated(layout::kCohortCustomers, k.customers);
  results.write_replicated(layout::kCohortRevenue, k.revenue_cents);

  std::vector<std::uint64_t> ids;
  std::vector<double> clv, churn;
  std::vector<std::uint32_t> rfm_seg, km_seg;
  for (const AtRisk& a : r.at_risk) {
    ids.push_back(a.customer_id);
    clv.push_back(a.clv);
    churn.push_back(a.churn_risk);
    rfm_seg.push_back(a.rfm_segment);
    km_seg.push_back(a.kmeans_segment);
  }
  results.write_replicated(layout::kAtRiskId, ids);
  results.write_replicated(layout::kAtRiskClv, clv);
  results.write_replicated(layout::kAtRiskChurn, churn);
  results.write_replicated(layout::kAtRiskRfm, rfm_seg);
  results.write_replicated(layout::kAtRiskKmeans, km_seg);

  const std::string groups_csv = out.temp_path("csv/insights_groups.csv");
  const std::string cohorts_csv = out.temp_path("csv/cohort_retention.csv");
  const std::string at_risk_csv = out.temp_path("csv/at_risk.csv");
  if (!comm.is_root()) return;
  CsvWriter gc(groups_csv,
               {"grouping", "code", "group", "customers", "buyers", "revenue", "nps", "nps_low", "nps_high",
                "nps_responses", "nps_few_responses", "churn_risk_mean", "at_risk", "clv_mean", "clv_at_risk",
                "retention_90", "retention_90_eligible", "retention_365", "retention_365_eligible"});
  for (std::size_t i = 0; i < g.size(); ++i)
    gc.row({g.grouping[i], std::to_string(g.code[i]), g.name[i], std::to_string(g.customers[i]),
            std::to_string(g.buyers[i]), csv_number(static_cast<double>(g.revenue_cents[i]) / 100.0, 2),
            cell(nps[i], 2), cell(low[i], 2), cell(high[i], 2), std::to_string(responses[i]),
            few[i] ? "1" : "0", cell(g.churn_risk_mean[i]), std::to_string(g.at_risk[i]),
            cell(g.clv_mean[i], 2), cell(g.clv_at_risk[i], 2), cell(r90[i]), std::to_string(g.eligible_90[i]),
            cell(r365[i]), std::to_string(g.eligible_365[i])});
  gc.close();
  CsvWriter cc(cohorts_csv,
               {"cohort", "months_since", "customers", "cohort_customers", "retention", "revenue"});
  for (std::uint32_t c = 0; c < k.months; ++c) {
    const std::uint64_t size = k.customers[static_cast<std::size_t>(c) * k.months];
    for (std::uint32_t m = 0; c + m < k.months; ++m) {
      const std::size_t at = static_cast<std::size_t>(c) * k.months + m;
      cc.row({months[c], std::to_string(m), std::to_string(k.customers[at]), std::to_string(size),
              cell(rate(k.customers[at], size)),
              csv_number(static_cast<double>(k.revenue_cents[at]) / 100.0, 2)});
    }
  }
  cc.close();
  CsvWriter ac(at_risk_csv, {pseudonymize ? "customer_pseudonym" : "customer_id", "clv", "churn_risk",
                             "rfm_segment", "kmeans_segment"});
  for (std::size_t i = 0; i < ids.size(); ++i)
    ac.row({pseudonymize ? (*pseudonymize)(ids[i]) : std::to_string(ids[i]), csv_number(clv[i], 2),
            csv_number(churn[i]), std::to_string(rfm_seg[i]), std::to_string(km_seg[i])});
  ac.close();
}

}  // namespace crmpi
