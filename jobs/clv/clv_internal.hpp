// Internal stages of `crmpi clv` (ClvStage in jobs/clv/clv_stage.cpp runs them in this order).
// Not a public API: jobs/clv/clv_stage.hpp is. Each stage fills its part of ClvResult.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "jobs/clv/clv_stage.hpp"
#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/types.hpp"

namespace crmpi::clv_job {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::uint64_t kMinFitCustomers = 10;

// The scorer's model for a fitted BG/NBD or MBG/NBD.
inline clv::BgFamily bg_family(ClvModel model) {
  return model == ClvModel::kMbgNbd ? clv::BgFamily::kMbgNbd : clv::BgFamily::kBgNbd;
}

// 1. Per-customer summaries on the single pass over the orders (summaries.cpp): set up before the
// first chunk, one chunk at a time, then the job-wide count. Also counts the distinct holdout
// purchase days per holdout week (this rank's customers).
void begin_summaries(const StageInput& in, ClvResult& r, SummaryPass& pass);
void summarize_chunk(const OrderChunk& chunk, SummaryPass& pass, ClvResult& r);
void end_summaries(const Comm& comm, ClvResult& r);

// 2. The (x, t_x, T) table spread over the ranks (summaries.cpp; SpreadTable in clv_stage.hpp).
// Sets r.skipped when there are too few customers to fit.
SpreadTable<clv::Triple> build_spread_table(const Comm& comm, ClvResult& r);

// 3. Fits, every rank on its runs of the spread tables, the sums reduced exactly (fits.cpp).
void fit_purchase_models(const Comm& comm, const ClvConfig& cfg, const SpreadTable<clv::Triple>& table, ClvResult& r);
void fit_spend_model(const Comm& comm, const ClvConfig& cfg, ClvResult& r);

// 4. Per-customer P(alive), churn risk, expected purchases, CLV, holdout predictions (scoring.cpp).
void score_customers(const Comm& comm, const ClvConfig& cfg, ClvResult& r);

// 5. Lifecycle stages (primary model), exact aggregates, holdout metrics and weekly tracking
// (aggregates.cpp).
void lifecycle_and_aggregates(const Comm& comm, const ClvConfig& cfg, const SpreadTable<clv::Triple>& table,
                              SummaryPass& pass, ClvResult& r);

}  // namespace crmpi::clv_job
