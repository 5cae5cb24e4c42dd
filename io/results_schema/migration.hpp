// The results layout: the entries of /migration (DIR/migration.h5) (io/results_schema.hpp lists them all).
#pragma once

#include "io/results_schema/entry.hpp"

namespace crmpi::results_schema {

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

}  // namespace crmpi::results_schema
