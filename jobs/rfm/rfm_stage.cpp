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

}  // namespace crmpi
