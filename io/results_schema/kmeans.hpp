// The results layout: the entries of /kmeans (io/results_schema.hpp lists them all).
#pragma once

#include "io/results_schema/entry.hpp"

namespace crmpi::results_schema {

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

}  // namespace crmpi::results_schema
