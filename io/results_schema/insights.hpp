// The results layout: the entries of /insights (io/results_schema.hpp lists them all).
#pragma once

#include "io/results_schema/entry.hpp"

namespace crmpi::results_schema {

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

}  // namespace crmpi::results_schema
