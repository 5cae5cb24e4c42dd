#include "jobs/rfm/rfm_stage.hpp"

#include <spdlog/spdlog.h>

#include "jobs/common/log.hpp"

namespace crmpi {

void RfmStage::begin_pass(const StageInput& in) {
  r_.as_of_day = cfg_.as_of_day.value_or(in.file.as_of_day());
  r_.customer_id = in.customers.id;
  order_offset_ = in.customers.order_offset;
  r_.activity.resize(in.customers.id.size());
}

void RfmStage::consume(const OrderChunk& ch) {
  Stopwatch sw;
  rfm::accumulate(order_offset_, ch.customer_begin, ch.customer_end, ch.order_begin, ch.day, ch.amount_cents,
                  r_.as_of_day, r_.activity);
  t_accumulate_ += sw.seconds();
}

std::optional<std::string> RfmStage::compute(const StageInput& in, const EarlierStages&) {
  Stopwatch sw;
  const Comm& comm = in.comm();
  r_.segments = cfg_.segment_map;
  r_.metrics = rfm::derive_metrics(r_.activity, in.customers.signup_day, r_.as_of_day);
  fault_point(comm, "rfm");
  score_and_segment(comm, r_);
  const double secs = sw.seconds();
  const auto all_customers = comm.allreduce_sum<std::uint64_t>(r_.customer_id.size());
  spdlog::info("rfm: {} customers ({} buyers) scored in {:.2f}s (+{:.2f}s accumulating on the read pass)",
               human_count(static_cast<double>(all_customers)), human_count(static_cast<double>(r_.buyers)), secs,
               t_accumulate_);
  return std::nullopt;
}

void RfmStage::write(const StageInput& in, ResultsFile& results, OutputSet& out) const {
  write_rfm(in.comm(), results, out, r_, in.file.currency());
}

void RfmStage::report(const StageInput& in) const {
  if (!in.comm().is_root()) return;
  spdlog::info("rfm: results in {}/results.h5 and {}/csv/rfm_segments.csv", in.common.out, in.common.out);
  for (std::size_t s = 0; s < r_.segments.names.size(); ++s)
    spdlog::info("  {:<20} {:>10} customers", r_.segments.names[s], r_.seg_customers[s]);
}

// What k-means, rules, insights and the run's summary read (kmeans_job::build_features,
// build_profile, InsightsStage::compute, print_summary in jobs/pipeline/pipeline.cpp).
void RfmStage::save_carry(const StageInput&, CarryWriter& w) const {
  w.value("as_of_day", r_.as_of_day);
  w.value("buyers", static_cast<std::int64_t>(r_.buyers));
  w.column("orders", r_.activity.orders);
  w.column("total_cents", r_.activity.total_cents);
  w.column("recency_days", r_.metrics.recency_days);
  w.column("tenure_days", r_.metrics.tenure_days);
  w.column("avg_order_cents", r_.metrics.avg_order_cents);
  w.column("segment", r_.segment);
  w.table("seg_customers", r_.seg_customers);
  w.table("seg_revenue", r_.seg_revenue);
}

void RfmStage::load_carry(const StageInput& in, const CarryReader& r) {
  r_.customer_id = in.customers.id;
  r_.segments = cfg_.segment_map;  // part of the checkpoint's key (jobs/pipeline/checkpoints.cpp)
  r_.as_of_day = static_cast<std::int32_t>(r.value("as_of_day"));
  r_.buyers = static_cast<std::uint64_t>(r.value("buyers"));
  r_.activity.orders = r.column<std::uint32_t>("orders");
  r_.activity.total_cents = r.column<std::int64_t>("total_cents");
  r_.metrics.recency_days = r.column<std::int32_t>("recency_days");
  r_.metrics.tenure_days = r.column<std::int32_t>("tenure_days");
  r_.metrics.avg_order_cents = r.column<double>("avg_order_cents");
  r_.segment = r.column<std::uint8_t>("segment");
  r_.seg_customers = r.table<std::uint64_t>("seg_customers");
  r_.seg_revenue = r.table<std::int64_t>("seg_revenue");
}

}  // namespace crmpi
