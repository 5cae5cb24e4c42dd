// k-means segmentation stage (`crmpi segment`, and the stage after CLV in `crmpi run`): customers
// with orders clustered on standardized behavioural features, k chosen over a range by silhouette,
// every segment profiled and named. Definitions: docs/kmeans.md.
//
//   config.cpp       KmeansConfig: options, k or k range, features, parsed once
//   features.cpp     per-customer features from the rfm (and clv) results and the pass, exact
//                    global mean/std (ExactSum), standardized float32 points
//   distributed.cpp  the distributed algorithm on top of kernels/kmeans: k-means|| or k-means++
//                    init, the Lloyd loop (one integer allreduce per iteration), the metrics;
//                    declared in distributed.hpp (no HDF5/spdlog/toml++: bench/smpi builds it)
//   profiles.cpp     per-segment profile (RFM, CLV, demographics mix, NPS) and readable names
//   writer.cpp       /kmeans in results.h5, csv/kmeans_*.csv
//   kmeans_stage.cpp the stage: categories and channel counts on the pass, then the above
//
// Rank independence: features are per customer; the mean/std are exact sums; every reduction of
// the algorithm is an exact integer sum (kernels/kmeans/kmeans.hpp says why the kernels give the
// same bits on any partition); replicated data (k-means|| candidates, the silhouette sample) are in
// customer-id order; every draw is keyed by (seed, purpose, customer id).
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/common/stage.hpp"
#include "jobs/kmeans/distributed.hpp"
#include "kernels/kmeans/kmeans.hpp"

namespace crmpi {

class Options;
class RfmStage;
struct RfmConfig;
struct RfmResult;
struct ClvResult;

namespace kmeans_job {

// A feature as configured (docs/kmeans.md has the transforms). kChannelShares expands to one
// column per order channel of the input's dictionary.
enum class Feature : std::uint8_t {
  kRecency,        // recency_days
  kFrequency,      // log(frequency)
  kMonetary,       // log1p(monetary, currency units)
  kTenure,         // tenure_days
  kAov,            // log1p(average order value, currency units)
  kCategories,     // distinct product categories bought
  kChannelShares,  // share of the orders in each order channel
  kPAlive,         // P(alive), CLV primary model
  kClv,            // log1p(max(CLV, 0)), CLV primary model (needs gg)
};
std::string_view feature_name(Feature f);
std::optional<Feature> parse_feature(std::string_view name);
std::string known_features();  // for messages
bool is_clv_feature(Feature f);

// What the stage gathers on the pass over the orders (kmeans_stage.cpp).
struct PassData {
  std::int32_t as_of = 0;
  std::span<const std::uint64_t> order_offset;  // lent by the pass
  InputFile* file = nullptr;
  bool want_categories = false, want_channels = false;
  std::vector<std::uint16_t> product_category;  // the /products table (small, the same on every rank)
  std::vector<std::uint32_t> cat_stamp;         // per category: 1 + the last local customer counted
  std::vector<std::uint32_t> categories;        // per customer: distinct categories bought
  std::vector<std::string> channel_names;
  std::vector<std::uint32_t> channel_orders;  // customers x channels: orders by as_of
};

// The points: standardized features of this rank's customers with an order by as_of.
struct FeatureMatrix {
  std::vector<std::string> names;           // one per column
  std::vector<Feature> kinds;               // the feature of each column
  std::vector<std::uint32_t> rows;          // local customer index of each point
  std::vector<std::uint64_t> ids;           // customer id of each point
  kmeans::FeatureRows x;                    // points x columns, standardized (lent to the Lloyd steps)
  std::vector<double> mean, std;            // per column, over all ranks' points
  std::uint64_t global_points = 0;
  std::size_t d() const { return names.size(); }
  kmeans::PointSet points() const { return {x, ids, names.size()}; }
};
// Collective. clv: the clv stage's result when it ran (required by the CLV features).
FeatureMatrix build_features(const Comm& comm, const std::vector<Feature>& list, const RfmResult& rfm,
                             const ClvResult* clv, const PassData& pass);
// A standardized coordinate back in feature units (standardization and transform undone).
double to_feature_units(Feature f, double z, double mean, double std);

// Per-segment profile and names (profiles.cpp). Row 0 is "No orders", row c the cluster c - 1.
struct Profile {
  std::vector<std::string> names;
  std::vector<std::uint64_t> customers, surveyed;
  std::vector<std::int64_t> revenue_cents;
  std::vector<double> customer_share, revenue_share, mean_recency, mean_frequency, mean_monetary;
  std::vector<double> mean_p_alive, mean_clv, nps;
  struct Mix {
    std::vector<std::string> names;
    std::vector<double> share;  // segments x names
  };
  Mix acquisition, region, age_band;
};
// Collective. segment: per local customer (0: no orders).
Profile build_profile(const Comm& comm, InputFile& file, const Slice& slice, std::span<const std::uint32_t> segment,
                      const RfmResult& rfm, const ClvResult* clv, const FeatureMatrix& fm,
                      std::span<const float> centroids, std::size_t k);
// Names from the centroids in feature units and the profile (deterministic, unique).
std::vector<std::string> segment_names(const FeatureMatrix& fm, std::span<const float> centroids, std::size_t k,
                                       const Profile& p);

struct Selection {
  std::vector<std::uint64_t> k, iterations;
  std::vector<double> inertia, ch, db, silhouette;
  std::uint64_t sampled = 0;
};

}  // namespace kmeans_job

struct KmeansConfig {
  // As given (command line or config file).
  // Not given (the smallest int64, which no one types): 8 unless --k-range. Any given value is
  // checked, so --k 0 is an error, not the default.
  std::int64_t k = kKNotGiven;
  static constexpr std::int64_t kKNotGiven = INT64_MIN;
  std::string k_range;  // "LO:HI"
  std::int64_t seed = 1;
  std::int64_t max_iter = 100;
  double tol = 1e-4;
  std::string step = "naive";  // faster than hamerly at k = 8 and 32 (docs/kmeans.md)
  std::string init = "kmeans_parallel";
  std::int64_t init_rounds = 5;
  double oversampling = 0;
  std::int64_t n_init = 1;
  std::int64_t silhouette_sample = 2000;
  std::vector<std::string> features = {"auto"};

  void bind(Options& o);
  void validate();  // throws ConfigError; fills the typed fields

  // Typed, valid after validate().
  std::size_t k_min = 8, k_max = 8;
  kmeans::StepKind step_kind = kmeans::StepKind::kNaive;
  kmeans_job::Init init_kind = kmeans_job::Init::kParallel;
  std::vector<kmeans_job::Feature> feature_list;  // empty: "auto" (docs/kmeans.md)
  bool needs_clv() const;
  bool wants(kmeans_job::Feature f) const;
};

struct KmeansResult {
  std::span<const std::uint64_t> customer_id;  // the slice's ids, lent by the job
  kmeans_job::FeatureMatrix fm;
  kmeans_job::FitResult fit;
  kmeans_job::Selection selection;
  std::size_t best_init = 0;
  std::vector<std::uint32_t> segment;  // per local customer: 0 no orders, c + 1 cluster c
  std::vector<double> distance;        // per local customer (NaN: no orders)
  kmeans_job::Profile profile;
  double seconds = 0;
};

void write_kmeans(const Comm& comm, ResultsFile& results, OutputSet& out, const KmeansResult& r,
                  const KmeansConfig& cfg, const std::string& currency);

class KmeansStage : public Stage {
 public:
  // The as-of day of the features is the rfm stage's (rfm_cfg), which always runs before.
  // In the pipeline (`crmpi run`) an input too small for k skips the stage; in `crmpi segment`,
  // where k is what the user asked for, it is a configuration error (78).
  KmeansStage(const KmeansConfig& cfg, const RfmConfig& rfm_cfg, bool in_pipeline)
      : cfg_(cfg), rfm_cfg_(rfm_cfg), in_pipeline_(in_pipeline) {}
  std::string_view name() const override { return "kmeans"; }
  OrderColumns extra_order_columns() const override;
  void begin_pass(const StageInput& in) override;
  void consume(const OrderChunk& chunk) override;
  std::optional<std::string> compute(const StageInput& in, const EarlierStages& earlier) override;
  void write(const StageInput& in, ResultsFile& results, OutputSet& out) const override;
  void retire_outputs(OutputSet& out) const override;
  void report(const StageInput& in) const override;
  void save_carry(const StageInput& in, CarryWriter& w) const override;
  void load_carry(const StageInput& in, const CarryReader& r) override;
  const KmeansResult& result() const { return r_; }

 private:
  void select_model(const Comm& comm);  // every k of the range; the chosen fit into r_

 private:
  const KmeansConfig& cfg_;
  const RfmConfig& rfm_cfg_;
  bool in_pipeline_;
  KmeansResult r_;
  kmeans_job::PassData pass_;
  std::string pass_problem_;  // a feature the input cannot support
};

}  // namespace crmpi
