// The RFM stage's result for one rank's customers, and its distributed part. Plain data and the
// communicator only (no HDF5, no logging), so bench/smpi builds it with SimGrid's smpicxx.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/rfm/quintiles.hpp"
#include "kernels/rfm/rfm.hpp"
#include "kernels/rfm/segments.hpp"

namespace crmpi {

// One rank's RFM rows plus the job-wide figures every rank agrees on.
struct RfmResult {
  std::int32_t as_of_day = 0;
  std::span<const std::uint64_t> customer_id;  // the slice's ids, lent by the job (not copied)
  rfm::Activity activity;
  rfm::Metrics metrics;
  std::vector<std::uint8_t> r_score, f_score, m_score, segment;
  rfm::SegmentMap segments;
  std::uint64_t buyers = 0;                  // customers with an order by as_of (all ranks)
  std::array<rfm::CutPoints, 3> cuts;        // R (on -recency), F, M
  // Per segment: customers, revenue, sums of recency/frequency/monetary (exact integers).
  std::vector<std::uint64_t> seg_customers;
  std::vector<std::int64_t> seg_revenue, seg_recency_sum, seg_frequency_sum;
  std::vector<std::uint64_t> cell_customers;  // 125 score cells
};

// The distributed part, once activity and metrics hold the rank's customers (scores.cpp):
// exact quintile cut points over the buyers of all ranks, per-customer scores and segments, exact
// per-segment and per-cell sums. Collective; the same at any rank count.
void score_and_segment(const Comm& comm, RfmResult& r);

}  // namespace crmpi
