// RFM stage (`crmpi rfm`, and a stage of `crmpi run`): recency, frequency, monetary and tenure
// per customer, exact quintile scores across ranks, named segments from the mapping table, and a
// per-segment summary. Definitions: docs/rfm.md.
//
//   config.cpp        RfmConfig: options, the as-of day and the segment table parsed once
//   segment_table.cpp the segment mapping table (TOML) -> rfm::SegmentMap
//   rfm_result.hpp    the rank's result, and the distributed part (scores.cpp): exact cut
//                     points, scores, segments, exact sums; no I/O, so the SMPI scaling driver
//                     (bench/smpi) runs this very code
//   writer.cpp        /rfm in results.h5, csv/rfm_segments.csv and csv/rfm_cells.csv
//   rfm_stage.cpp     the stage: accumulation on the single pass over the orders, then the above
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/common/stage.hpp"
#include "jobs/rfm/rfm_result.hpp"
#include "kernels/rfm/segments.hpp"

namespace crmpi {

class Options;

struct RfmConfig {
  std::string segments;  // mapping table file; "" = the built-in config/rfm_segments.toml
  std::string as_of;     // "YYYY-MM-DD"; "" = the input's as_of_day
  void bind(Options& o);
  void validate();  // throws ConfigError; fills the typed fields

  // Typed, valid after validate().
  std::optional<std::int32_t> as_of_day;  // unset: the input's as_of_day
  rfm::SegmentMap segment_map;
};

rfm::SegmentMap load_segment_map(const std::string& path);  // "" = built-in table

// Writes /rfm/* to results.h5 and csv/rfm_segments.csv + csv/rfm_cells.csv (writer.cpp).
void write_rfm(const Comm& comm, ResultsFile& results, OutputSet& out, const RfmResult& r, const std::string& currency);

class RfmStage : public Stage {
 public:
  explicit RfmStage(const RfmConfig& cfg) : cfg_(cfg) {}
  std::string_view name() const override { return "rfm"; }
  void begin_pass(const StageInput& in) override;
  void consume(const OrderChunk& chunk) override;
  std::optional<std::string> compute(const StageInput& in, const EarlierStages& earlier) override;
  void write(const StageInput& in, ResultsFile& results, OutputSet& out) const override;
  void report(const StageInput& in) const override;
  void save_carry(const StageInput& in, CarryWriter& w) const override;
  void load_carry(const StageInput& in, const CarryReader& r) override;
  const RfmResult& result() const { return r_; }

 private:
  const RfmConfig& cfg_;
  RfmResult r_;
  std::span<const std::uint64_t> order_offset_;  // the slice's, lent by the pass
  double t_accumulate_ = 0;
};

}  // namespace crmpi
