// The results layout: the entries of root attributes (provenance, the stage list) and /rfm (io/results_schema.hpp lists them all).
#pragma once

#include "io/results_schema/entry.hpp"

namespace crmpi::results_schema {

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

}  // namespace crmpi::results_schema
