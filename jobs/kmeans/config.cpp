// `crmpi segment` / the [kmeans] table: binding, validation, the feature names.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "jobs/cli/options.hpp"
#include "jobs/kmeans/kmeans_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace kmeans_job {

namespace {
constexpr std::pair<Feature, std::string_view> kNames[] = {
    {Feature::kRecency, "recency"},   {Feature::kFrequency, "frequency"},
    {Feature::kMonetary, "monetary"}, {Feature::kTenure, "tenure"},
    {Feature::kAov, "aov"},           {Feature::kCategories, "categories"},
    {Feature::kChannelShares, "channel_shares"}, {Feature::kPAlive, "p_alive"},
    {Feature::kClv, "clv"}};
}  // namespace

std::string_view feature_name(Feature f) {
  for (const auto& [g, n] : kNames)
    if (g == f) return n;
  return "?";
}

std::optional<Feature> parse_feature(std::string_view name) {
  for (const auto& [g, n] : kNames)
    if (n == name) return g;
  return std::nullopt;
}

std::string known_features() {
  std::string s = "auto";
  for (const auto& [g, n] : kNames) s += ", " + std::string(n);
  return s;
}

bool is_clv_feature(Feature f) { return f == Feature::kPAlive || f == Feature::kClv; }

}  // namespace kmeans_job

namespace {

// The largest k accepted: far beyond what a segmentation is read with, and it keeps the per-iteration
// message (about 24 k d bytes) and the replicated candidate set small.
constexpr std::int64_t kMaxK = 1024;

std::int64_t parse_int(const std::string& s, const std::string& what) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(s, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != s.size()) throw ConfigError(what);
  return v;
}

}  // namespace

void KmeansConfig::bind(Options& o) {
  o.bind("kmeans", "k", k, "number of segments (default 8); or choose it with --k-range")->default_str("8");
  o.bind("kmeans", "k-range", k_range, "try every k in LO:HI and keep the best by silhouette (docs/kmeans.md)");
  o.bind("kmeans", "seed", seed, "seed of every random draw (draws are keyed by customer id)");
  o.bind("kmeans", "max-iter", max_iter, "Lloyd iterations at most");
  o.bind("kmeans", "tol", tol, "stop when the relative change of the inertia is <= this");
  o.bind("kmeans", "step", step,
         "assignment step: naive (the default, faster at typical k) or hamerly (bounds skip distances); same labels");
  o.bind("kmeans", "init", init, "initialisation: kmeans_parallel (k-means||) or kmeanspp");
  o.bind("kmeans", "init-rounds", init_rounds, "k-means|| rounds");
  o.bind("kmeans", "oversampling", oversampling, "k-means|| expected draws per round (0: 2 k)");
  o.bind("kmeans", "n-init", n_init, "initialisations per k (different seeds); the lowest inertia is kept");
  o.bind("kmeans", "silhouette-sample", silhouette_sample,
         "customers in the keyed silhouette sample (about; 0: no silhouette)");
  o.bind("kmeans", "features", features,
         "features, comma-separated: auto or " + kmeans_job::known_features().substr(6));
}

void KmeansConfig::validate() {
  const bool has_k = k != kKNotGiven, has_range = !k_range.empty();
  if (has_k && has_range) throw ConfigError("--k and --k-range exclude each other; give one");
  if (has_range) {
    const std::string msg = "--k-range must be LO:HI with 1 <= LO <= HI <= " + std::to_string(kMaxK) + ", got '" +
                            k_range + "'";
    const auto colon = k_range.find(':');
    if (colon == std::string::npos) throw ConfigError(msg);
    const std::int64_t lo = parse_int(k_range.substr(0, colon), msg), hi = parse_int(k_range.substr(colon + 1), msg);
    if (lo < 1 || hi < lo || hi > kMaxK) throw ConfigError(msg);
    k_min = static_cast<std::size_t>(lo);
    k_max = static_cast<std::size_t>(hi);
  } else {
    const std::int64_t kk = has_k ? k : 8;
    if (kk < 1 || kk > kMaxK)
      throw ConfigError("--k must be in 1.." + std::to_string(kMaxK) + ", got " + std::to_string(kk));
    k_min = k_max = static_cast<std::size_t>(kk);
  }
  if (seed < 0) throw ConfigError("--seed must be >= 0, got " + std::to_string(seed));
  if (max_iter < 1 || max_iter > 100000)
    throw ConfigError("--max-iter must be in 1..100000, got " + std::to_string(max_iter));
  if (!std::isfinite(tol) || tol < 0) throw ConfigError("--tol must be a number >= 0");
  if (step == "hamerly")
    step_kind = kmeans::StepKind::kHamerly;
  else if (step == "naive")
    step_kind = kmeans::StepKind::kNaive;
  else
    throw ConfigError("--step must be hamerly or naive, got '" + step + "'");
  if (init == "kmeans_parallel" || init == "k-means||")
    init_kind = kmeans_job::Init::kParallel;
  else if (init == "kmeanspp" || init == "k-means++")
    init_kind = kmeans_job::Init::kPlusPlus;
  else
    throw ConfigError("--init must be kmeans_parallel or kmeanspp, got '" + init + "'");
  if (init_rounds < 1 || init_rounds > 100)
    throw ConfigError("--init-rounds must be in 1..100, got " + std::to_string(init_rounds));
  if (!std::isfinite(oversampling) || oversampling < 0) throw ConfigError("--oversampling must be a number >= 0");
  if (n_init < 1 || n_init > 100) throw ConfigError("--n-init must be in 1..100, got " + std::to_string(n_init));
  if (silhouette_sample < 0) throw ConfigError("--silhouette-sample must be >= 0");
  if (k_min != k_max && silhouette_sample < 2)
    throw ConfigError("--k-range picks k by silhouette: --silhouette-sample must be >= 2");
  feature_list.clear();
  if (features.empty()) throw ConfigError("--features needs at least one feature (or auto)");
  const bool is_auto = features.size() == 1 && features[0] == "auto";
  if (!is_auto) {
    for (const auto& name : features) {
      const auto f = kmeans_job::parse_feature(name);
      if (!f)
        throw ConfigError("--features: unknown feature '" + name + "' (known: " + kmeans_job::known_features() + ")");
      if (wants(*f)) throw ConfigError("--features: '" + name + "' is listed twice");
      feature_list.push_back(*f);
    }
  }
}

bool KmeansConfig::wants(kmeans_job::Feature f) const {
  return std::find(feature_list.begin(), feature_list.end(), f) != feature_list.end();
}

bool KmeansConfig::needs_clv() const {
  return std::any_of(feature_list.begin(), feature_list.end(), kmeans_job::is_clv_feature);
}

}  // namespace crmpi
