// The distributed part of the RFM stage: exact quintile cut points over the buyers of all ranks
// (histogram refinement, comm/exact_select), scores, segments and exact per-segment sums. Plain
// data and the communicator only (no HDF5, no logging): bench/smpi runs this very code.
#include <cstddef>
#include <span>

#include "comm/exact_select.hpp"
#include "jobs/rfm/rfm_result.hpp"

namespace crmpi {

namespace {

// Cut points of one metric over the buyers of all ranks.
rfm::CutPoints cut_points(const Comm& comm, const std::vector<std::int64_t>& local, std::uint64_t n) {
  rfm::CutPoints cuts;
  const auto pos = rfm::quintile_positions(n);
  std::vector<std::uint64_t> wanted;
  for (const auto& p : pos)
    if (p) wanted.push_back(*p);
  const auto values = exact_order_statistics(comm, local, wanted);
  std::size_t k = 0;
  for (std::size_t i = 0; i < 4; ++i)
    if (pos[i]) cuts.value[i] = values[k++];
  return cuts;
}

}  // namespace

void score_and_segment(const Comm& comm, RfmResult& r) {
  const std::size_t n = r.activity.size();
  // Exact quintile cut points over the buyers of all ranks.
  std::vector<std::int64_t> neg_recency, frequency, monetary;
  for (std::size_t i = 0; i < n; ++i) {
    if (r.activity.orders[i] == 0) continue;
    neg_recency.push_back(-static_cast<std::int64_t>(r.metrics.recency_days[i]));
    frequency.push_back(r.activity.orders[i]);
    monetary.push_back(r.activity.total_cents[i]);
  }
  r.buyers = comm.allreduce_sum<std::uint64_t>(neg_recency.size());
  r.cuts[0] = cut_points(comm, neg_recency, r.buyers);
  r.cuts[1] = cut_points(comm, frequency, r.buyers);
  r.cuts[2] = cut_points(comm, monetary, r.buyers);

  // Scores, segments and exact per-segment sums.
  const std::size_t n_seg = r.segments.names.size();
  r.r_score.assign(n, 0);
  r.f_score.assign(n, 0);
  r.m_score.assign(n, 0);
  r.segment.assign(n, 0);
  r.seg_customers.assign(n_seg, 0);
  r.seg_revenue.assign(n_seg, 0);
  r.seg_recency_sum.assign(n_seg, 0);
  r.seg_frequency_sum.assign(n_seg, 0);
  r.cell_customers.assign(125, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t seg = 0;
    if (r.activity.orders[i] > 0) {
      r.r_score[i] = rfm::score(-static_cast<std::int64_t>(r.metrics.recency_days[i]), r.cuts[0]);
      r.f_score[i] = rfm::score(r.activity.orders[i], r.cuts[1]);
      r.m_score[i] = rfm::score(r.activity.total_cents[i], r.cuts[2]);
      seg = r.segments.of(r.r_score[i], r.f_score[i], r.m_score[i]);
      ++r.cell_customers[static_cast<std::size_t>((r.r_score[i] - 1) * 25 + (r.f_score[i] - 1) * 5 + r.m_score[i] - 1)];
      r.seg_recency_sum[seg] += r.metrics.recency_days[i];
    }
    r.segment[i] = seg;
    ++r.seg_customers[seg];
    r.seg_revenue[seg] += r.activity.total_cents[i];
    r.seg_frequency_sum[seg] += r.activity.orders[i];
  }
  comm.allreduce_sum_inplace(std::span(r.seg_customers));
  comm.allreduce_sum_inplace(std::span(r.seg_revenue));
  comm.allreduce_sum_inplace(std::span(r.seg_recency_sum));
  comm.allreduce_sum_inplace(std::span(r.seg_frequency_sum));
  comm.allreduce_sum_inplace(std::span(r.cell_customers));
}

}  // namespace crmpi
