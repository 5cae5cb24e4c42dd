// The kmeans stage: category and channel counts on the pass over the orders, then features,
// model selection over k, the chosen model's segments, profiles and names (kmeans_stage.hpp).
#include "jobs/kmeans/kmeans_stage.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "jobs/clv/clv_stage.hpp"
#include "jobs/common/stop_signal.hpp"
#include "jobs/common/log.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

using kmeans_job::Feature;

namespace {

// What a fit did (distributed.cpp leaves logging to the stage): its iterations at debug level and
// the Lloyd loop's time and communication.
void log_fit(const kmeans_job::FitResult& r) {
  for (const kmeans::IterationStats& st : r.iterations)
    spdlog::debug("kmeans: k={} iteration {} inertia {:.6f} changed {} distances {} relocated {} shift {:.3g}",
                  r.k, st.iteration, st.inertia, st.changed, st.distances, st.relocated, st.max_shift);
  spdlog::info("kmeans: k={} Lloyd loop: {} iterations in {:.3f}s, {:.2f} ms per iteration, {} bytes per iteration "
               "per rank ({} far-point gathers)",
               r.k, r.iterations.size(), r.loop_seconds,
               1e3 * r.loop_seconds / static_cast<double>(std::max<std::size_t>(r.iterations.size(), 1)),
               r.bytes_per_iteration, r.far_gathers);
}

}  // namespace

OrderColumns KmeansStage::extra_order_columns() const {
  return {.channel = cfg_.wants(Feature::kChannelShares), .item_offset = cfg_.wants(Feature::kCategories)};
}

void KmeansStage::begin_pass(const StageInput& in) {
  const std::size_t n = in.customers.id.size();
  pass_ = {};
  pass_.as_of = rfm_cfg_.as_of_day.value_or(in.file.as_of_day());
  pass_.order_offset = in.customers.order_offset;
  pass_.file = &in.file;
  if (cfg_.wants(Feature::kCategories)) {
    if (!in.file.has_part(schema::Part::kItems) || !in.file.has_part(schema::Part::kProducts)) {
      pass_problem_ = "kmeans: feature categories needs /items and /products, which the input lacks";
    } else {
      pass_.want_categories = true;
      // The product table is small and not per customer: every rank reads it whole.
      pass_.product_category =
          in.file.read<std::uint16_t>(schema::kProductCategory, 0, in.file.sizes().products);
      pass_.cat_stamp.assign(std::size_t{1} << 16, 0);
      pass_.categories.assign(n, 0);
    }
  }
  if (cfg_.wants(Feature::kChannelShares)) {
    if (!in.file.has(schema::kOrderChannel)) {
      pass_problem_ = "kmeans: feature channel_shares needs /orders/channel, which the input lacks";
    } else {
      pass_.want_channels = true;
      pass_.channel_names = in.file.dictionary_of(schema::kOrderChannel);
      pass_.channel_orders.assign(n * pass_.channel_names.size(), 0);
    }
  }
}

void KmeansStage::consume(const OrderChunk& ch) {
  if (!pass_.want_categories && !pass_.want_channels) return;
  std::vector<std::uint32_t> product;  // the chunk's items (a contiguous range of /items)
  if (pass_.want_categories && ch.size)
    product = pass_.file->read<std::uint32_t>(schema::kItemProduct, ch.item_offset.front(),
                                              ch.item_offset.back() - ch.item_offset.front());
  const std::size_t nch = pass_.channel_names.size();
  for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c)
    for (std::uint64_t o = pass_.order_offset[c]; o < pass_.order_offset[c + 1]; ++o) {
      const std::uint64_t j = o - ch.order_begin;
      if (ch.day[j] > pass_.as_of) continue;  // as RFM: only orders by as_of count
      if (pass_.want_channels) ++pass_.channel_orders[c * nch + ch.channel[j]];
      if (!pass_.want_categories) continue;
      for (std::uint64_t it = ch.item_offset[j]; it < ch.item_offset[j + 1]; ++it) {
        const std::uint16_t cat = pass_.product_category[product[it - ch.item_offset.front()]];
        if (pass_.cat_stamp[cat] == c + 1) continue;  // already counted for this customer
        pass_.cat_stamp[cat] = static_cast<std::uint32_t>(c + 1);
        ++pass_.categories[c];
      }
    }
}

std::optional<std::string> KmeansStage::compute(const StageInput& in, const EarlierStages& earlier) {
  Stopwatch sw;
  const Comm& comm = in.comm();
  const RfmStage* rfm = earlier.find<RfmStage>();
  if (!rfm) throw Error(ExitCode::kSoftware, "kmeans: the rfm stage must run before it (a bug)");
  const ClvStage* clv_stage = earlier.find<ClvStage>();
  const ClvResult* clv = clv_stage ? &clv_stage->result() : nullptr;
  const bool has_gg = clv && !clv->models.empty() && !clv->models.front().clv.empty();
  if (!pass_problem_.empty()) return pass_problem_;

  // "auto": the RFM features, and P(alive) and CLV when the clv stage ran (docs/kmeans.md).
  std::vector<Feature> list = cfg_.feature_list;
  if (list.empty()) {
    list = {Feature::kRecency, Feature::kFrequency, Feature::kMonetary, Feature::kTenure, Feature::kAov};
    if (clv) list.push_back(Feature::kPAlive);
    if (has_gg) list.push_back(Feature::kClv);
  }
  if (cfg_.needs_clv() && !clv) return "kmeans: features p_alive and clv need the clv stage, which did not run";
  if (cfg_.wants(Feature::kClv) && !has_gg) return "kmeans: feature clv needs gg among the clv models";

  r_.customer_id = in.customers.id;
  r_.fm = kmeans_job::build_features(comm, list, rfm->result(), clv, pass_);
  const std::uint64_t points = r_.fm.global_points;
  if (points == 0) return "kmeans: no customer has an order by the as-of day; nothing to cluster";
  if (cfg_.k_max > points) {
    const std::string why = "kmeans: k = " + std::to_string(cfg_.k_max) + " exceeds the " + std::to_string(points) +
                            " customers with orders";
    if (in_pipeline_) return why;
    throw CollectiveError(ConfigError(why));
  }

  fault_point(comm, "kmeans");
  try {
    select_model(comm);
  } catch (const CollectiveError& e) {
    // Fewer distinct positions than k (every rank knows it at once, from replicated data).
    if (!in_pipeline_ || e.code() != ExitCode::kDataErr) throw;
    return e.what();
  }

  const std::size_t n = in.customers.id.size();
  r_.segment.assign(n, 0);
  r_.distance.assign(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < r_.fm.rows.size(); ++i) {
    r_.segment[r_.fm.rows[i]] = r_.fit.labels[i] + 1;
    r_.distance[r_.fm.rows[i]] = std::sqrt(static_cast<double>(r_.fit.dist2[i]));
  }
  r_.profile = kmeans_job::build_profile(comm, in.file, in.slice, r_.segment, rfm->result(), clv, r_.fm,
                                         r_.fit.centroids, r_.fit.k);
  r_.seconds = sw.seconds();
  spdlog::info("kmeans: k={} chosen, {} customers clustered on {} features in {:.2f}s; {} iterations, {} bytes per "
               "iteration per rank",
               r_.fit.k, human_count(static_cast<double>(points)), r_.fm.d(), r_.seconds, r_.fit.iterations.size(),
               r_.fit.bytes_per_iteration);
  return std::nullopt;
}

// Model selection: every k of the range, n_init seeds each (lowest inertia kept, ties: the
// first); then the highest silhouette (NaN lowest; ties: the smaller k, the first seen).
void KmeansStage::select_model(const Comm& comm) {
  const std::uint64_t points = r_.fm.global_points;
  const kmeans::PointSet p = r_.fm.points();
  const double rate =
      cfg_.silhouette_sample > 0
          ? std::min(1.0, static_cast<double>(cfg_.silhouette_sample) / static_cast<double>(points))
          : 0.0;
  kmeans_job::FitParams prm{.k = 0,
                            .seed = static_cast<std::uint64_t>(cfg_.seed),
                            .max_iter = static_cast<std::uint32_t>(cfg_.max_iter),
                            .tol = cfg_.tol,
                            .step = cfg_.step_kind,
                            .init = cfg_.init_kind,
                            .init_rounds = static_cast<std::uint32_t>(cfg_.init_rounds),
                            .oversampling = cfg_.oversampling};
  double best_sil = -std::numeric_limits<double>::infinity();
  bool chosen = false;
  for (std::size_t k = cfg_.k_min; k <= cfg_.k_max; ++k) {
    prm.k = k;
    kmeans_job::FitResult best;
    std::size_t best_i = 0;
    for (std::int64_t i = 0; i < cfg_.n_init; ++i) {
      stop_point(comm, "kmeans");
      // Seed i: the configured seed, then keyed derivations of it (independent streams).
      prm.seed = i == 0 ? static_cast<std::uint64_t>(cfg_.seed)
                        : kmeans::keyed_hash(static_cast<std::uint64_t>(cfg_.seed), 0x500, static_cast<std::uint64_t>(i));
      kmeans_job::FitResult f = kmeans_job::fit(comm, p, prm, r_.fm.x);  // the rows lent to the step
      log_fit(f);
      if (i == 0 || f.inertia < best.inertia) {
        best = std::move(f);
        best_i = static_cast<std::size_t>(i);
      }
    }
    const kmeans_job::Scores s = kmeans_job::score(comm, p, best, static_cast<std::uint64_t>(cfg_.seed), rate);
    auto& sel = r_.selection;
    sel.k.push_back(k);
    sel.iterations.push_back(best.iterations.size());
    sel.inertia.push_back(best.inertia);
    sel.ch.push_back(s.calinski_harabasz);
    sel.db.push_back(s.davies_bouldin);
    sel.silhouette.push_back(s.silhouette);
    sel.sampled = s.sampled;
    spdlog::info("kmeans: k={} inertia {:.4f} iterations {} CH {:.2f} DB {:.4f} silhouette {:.4f} ({} bytes per "
                 "iteration, {} k-means|| candidates)",
                 k, best.inertia, best.iterations.size(), s.calinski_harabasz, s.davies_bouldin, s.silhouette,
                 best.bytes_per_iteration, best.candidates);
    const double sil = std::isnan(s.silhouette) ? -std::numeric_limits<double>::infinity() : s.silhouette;
    if (!chosen || sil > best_sil) {
      chosen = true;
      best_sil = sil;
      r_.fit = std::move(best);
      r_.best_init = best_i;
    }
  }
}

void KmeansStage::write(const StageInput& in, ResultsFile& results, OutputSet& out) const {
  write_kmeans(in.comm(), results, out, r_, cfg_, in.file.currency());
}

// Per-customer rows are the export's (csv/customers/, on request: docs/exports.md); a
// kmeans_segments.csv of an earlier crmpi would no longer match these results.
void KmeansStage::retire_outputs(OutputSet& out) const { out.retire("csv/kmeans_segments.csv"); }

void KmeansStage::report(const StageInput& in) const {
  if (!in.comm().is_root()) return;
  spdlog::info("kmeans: results in {}/results.h5 and {}/csv/kmeans_*.csv", in.common.out, in.common.out);
  for (std::size_t s = 0; s < r_.profile.names.size(); ++s)
    spdlog::info("  {:<40} {:>10} customers  {:5.1f}% of revenue", r_.profile.names[s], r_.profile.customers[s],
                 100.0 * r_.profile.revenue_share[s]);
}


// What rules, insights and the run's summary read: the segment of each customer and the
// segments' names, customers and revenue shares.
void KmeansStage::save_carry(const StageInput&, CarryWriter& w) const {
  w.value("k", static_cast<std::int64_t>(r_.fit.k));
  w.column("segment", r_.segment);
  w.strings("names", r_.profile.names);
  w.table("customers", r_.profile.customers);
  w.table("revenue_share", r_.profile.revenue_share);
}

void KmeansStage::load_carry(const StageInput& in, const CarryReader& r) {
  r_.customer_id = in.customers.id;
  r_.fit.k = static_cast<std::size_t>(r.value("k"));
  r_.segment = r.column<std::uint32_t>("segment");
  r_.profile.names = r.strings("names");
  r_.profile.customers = r.table<std::uint64_t>("customers");
  r_.profile.revenue_share = r.table<double>("revenue_share");
}

}  // namespace crmpi
