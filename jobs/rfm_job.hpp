// `crmpi rfm`: recency, frequency, monetary and tenure per customer, exact quintile scores
// across ranks, named segments from the mapping table, and a per-segment summary.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/job_common.hpp"
#include "kernels/rfm/quintiles.hpp"
#include "kernels/rfm/rfm.hpp"
#include "kernels/rfm/segments.hpp"

namespace crmpi {

struct RfmConfig {
  std::string segments;  // mapping table file; "" = the built-in config/rfm_segments.toml
  std::string as_of;     // "YYYY-MM-DD"; "" = the input's as_of_day attribute
  void bind(Options& o);
  void validate() const;
};

// One rank's RFM rows plus the job-wide figures every rank agrees on.
struct RfmResult {
  std::int32_t as_of_day = 0;
  std::vector<std::uint64_t> customer_id;
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

rfm::SegmentMap load_segment_map(const std::string& path);  // "" = built-in table

RfmResult compute_rfm(const Comm& comm, InputFile& in, const Slice& slice, const RfmConfig& cfg,
                      const CommonConfig& common);
// Writes /rfm/* to results.h5 and csv/rfm_segments.csv + csv/rfm_cells.csv.
void write_rfm(const Comm& comm, ResultsFile& results, OutputSet& out, const RfmResult& r, const std::string& currency);

int run_rfm_command(const JobContext& ctx, const CommonConfig& common, const RfmConfig& cfg);

}  // namespace crmpi
