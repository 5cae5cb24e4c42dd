// The kmeans stage's outputs: /kmeans in results.h5 (io/results_schema.hpp) and csv/kmeans_*.csv.
#include <cmath>
#include <fstream>

#include "io/csv_writer.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

namespace layout = results_schema;
using kmeans_job::Feature;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::vector<double> widen(std::span<const float> v) { return {v.begin(), v.end()}; }

}  // namespace

void write_kmeans(const Comm& comm, ResultsFile& results, OutputSet& out, const KmeansResult& r,
                  const KmeansConfig& cfg, const std::string& currency) {
  const auto& fm = r.fm;
  const auto& f = r.fit;
  const auto& p = r.profile;
  const std::size_t k = f.k, d = fm.d();
  results.write_column(layout::kmeans::kSegment, r.segment);
  results.write_column(layout::kmeans::kDistance, r.distance);
  results.write_strings(layout::kmeans::kSegmentNames, p.names);
  std::vector<double> original(k * d);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j)
      original[c * d + j] = kmeans_job::to_feature_units(fm.kinds[j], f.centroids[c * d + j], fm.mean[j], fm.std[j]);
  results.write_replicated(layout::kmeans::kCentroids, widen(f.centroids));
  results.write_replicated(layout::kmeans::kCentroidsOriginal, original);
  results.write_replicated(layout::kmeans::kInitCentroids, widen(f.init_centroids));

  results.write_replicated(layout::kmeans::kProfileCustomers, p.customers);
  results.write_replicated(layout::kmeans::kProfileCustomerShare, p.customer_share);
  results.write_replicated(layout::kmeans::kProfileRevenueCents, p.revenue_cents);
  results.write_replicated(layout::kmeans::kProfileRevenueShare, p.revenue_share);
  results.write_replicated(layout::kmeans::kProfileMeanRecency, p.mean_recency);
  results.write_replicated(layout::kmeans::kProfileMeanFrequency, p.mean_frequency);
  results.write_replicated(layout::kmeans::kProfileMeanMonetary, p.mean_monetary);
  results.write_replicated(layout::kmeans::kProfileMeanPAlive, p.mean_p_alive);
  results.write_replicated(layout::kmeans::kProfileMeanClv, p.mean_clv);
  results.write_replicated(layout::kmeans::kProfileSurveyed, p.surveyed);
  results.write_replicated(layout::kmeans::kProfileNps, p.nps);
  results.write_strings(layout::kmeans::kProfileAcquisitionNames, p.acquisition.names);
  results.write_replicated(layout::kmeans::kProfileAcquisitionMix, p.acquisition.share);
  results.write_strings(layout::kmeans::kProfileRegionNames, p.region.names);
  results.write_replicated(layout::kmeans::kProfileRegionMix, p.region.share);
  results.write_strings(layout::kmeans::kProfileAgeBandNames, p.age_band.names);
  results.write_replicated(layout::kmeans::kProfileAgeBandMix, p.age_band.share);

  const auto& sel = r.selection;
  results.write_replicated(layout::kmeans::kSelectionK, sel.k);
  results.write_replicated(layout::kmeans::kSelectionInertia, sel.inertia);
  results.write_replicated(layout::kmeans::kSelectionCh, sel.ch);
  results.write_replicated(layout::kmeans::kSelectionDb, sel.db);
  results.write_replicated(layout::kmeans::kSelectionSilhouette, sel.silhouette);
  results.write_replicated(layout::kmeans::kSelectionIterations, sel.iterations);
  results.write_attr_int(layout::kmeans::kSelectionSampled, static_cast<std::int64_t>(sel.sampled));

  results.write_attr_int(layout::kmeans::kK, static_cast<std::int64_t>(k));
  results.write_attr_int(layout::kmeans::kSeed, cfg.seed);
  results.write_attr_string(layout::kmeans::kFeatures, join(fm.names));
  results.write_attr_doubles(layout::kmeans::kFeatureMean, fm.mean);
  results.write_attr_doubles(layout::kmeans::kFeatureStd, fm.std);
  results.write_attr_int(layout::kmeans::kClustered, static_cast<std::int64_t>(fm.global_points));
  results.write_attr_string(layout::kmeans::kInit,
                            cfg.init_kind == kmeans_job::Init::kParallel ? "kmeans_parallel" : "kmeanspp");
  results.write_attr_string(layout::kmeans::kStep, cfg.step_kind == kmeans::StepKind::kNaive ? "naive" : "hamerly");
  results.write_attr_int(layout::kmeans::kNInit, cfg.n_init);
  results.write_attr_int(layout::kmeans::kBestInit, static_cast<std::int64_t>(r.best_init));
  results.write_attr_int(layout::kmeans::kIterations, static_cast<std::int64_t>(f.iterations.size()));
  results.write_attr_int(layout::kmeans::kConverged, f.converged ? 1 : 0);
  results.write_attr_double(layout::kmeans::kInertia, f.inertia);
  results.write_attr_double(layout::kmeans::kTol, cfg.tol);
  results.write_attr_int(layout::kmeans::kBytesPerIteration, static_cast<std::int64_t>(f.bytes_per_iteration));
  results.write_attr_string(layout::kmeans::kSelectionRule,
                            sel.k.size() > 1 ? "highest silhouette on the keyed sample; ties and NaN: smaller k"
                                             : "k given (--k)");

  const std::string centroid_csv = out.temp_path("csv/kmeans_centroids.csv");
  const std::string selection_csv = out.temp_path("csv/kmeans_k_selection.csv");
  const std::string profile_csv = out.temp_path("csv/kmeans_profiles.csv");
  if (!comm.is_root()) return;
  std::vector<std::string> head = {"segment", "name", "customers"};
  for (const auto& n : fm.names) head.push_back(n);
  for (const auto& n : fm.names) head.push_back("z_" + n);
  CsvWriter c(centroid_csv, head);
  for (std::size_t s = 0; s < k; ++s) {
    std::vector<std::string> row = {std::to_string(s + 1), p.names[s + 1], std::to_string(p.customers[s + 1])};
    for (std::size_t j = 0; j < d; ++j) row.push_back(csv_number(original[s * d + j]));
    for (std::size_t j = 0; j < d; ++j) row.push_back(csv_number(f.centroids[s * d + j]));
    c.row(row);
  }
  c.close();
  CsvWriter ks(selection_csv, {"k", "inertia", "calinski_harabasz", "davies_bouldin", "silhouette", "iterations", "chosen"});
  for (std::size_t i = 0; i < sel.k.size(); ++i)
    ks.row({std::to_string(sel.k[i]), csv_number(sel.inertia[i]), csv_number(sel.ch[i]), csv_number(sel.db[i]),
            csv_number(sel.silhouette[i]), std::to_string(sel.iterations[i]), sel.k[i] == k ? "true" : "false"});
  ks.close();
  CsvWriter pr(profile_csv, {"segment", "name", "customers", "customer_share", "revenue", "revenue_share",
                             "mean_recency_days", "mean_frequency", "mean_monetary", "mean_p_alive", "mean_clv",
                             "surveyed", "nps", "currency"});
  for (std::size_t s = 0; s < p.names.size(); ++s)
    pr.row({std::to_string(s), p.names[s], std::to_string(p.customers[s]), csv_number(p.customer_share[s]),
            csv_number(static_cast<double>(p.revenue_cents[s]) / 100.0, 2), csv_number(p.revenue_share[s]),
            csv_number(p.mean_recency[s], 3), csv_number(p.mean_frequency[s], 3), csv_number(p.mean_monetary[s], 2),
            csv_number(p.mean_p_alive[s]), csv_number(p.mean_clv[s], 2), std::to_string(p.surveyed[s]),
            csv_number(p.nps[s], 2), currency});
  pr.close();
}

}  // namespace crmpi
