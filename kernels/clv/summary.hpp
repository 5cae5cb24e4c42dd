// Per-customer RFM summary (x, t_x, T, mean spend) from the customer's purchase days, following
// the conventions of lifetimes' summary_data_from_transaction_data:
//  - several orders on one day are one purchase (their spend is summed for that day);
//  - x   = number of distinct purchase days after the first purchase day ("repeat purchases");
//  - t_x = (last purchase day - first purchase day) / unit, 0 when x == 0;
//  - T   = (calibration_end - first purchase day) / unit, calibration_end being the LAST day of
//          the calibration period, inclusive (CDNOW: 1997-01-01..1997-09-30 gives T = 272/7 =
//          38.86 weeks for a 1997-01-01 first purchase, matching the published summary);
//  - mean_spend = mean over the repeat days of the per-day summed spend (the first day's spend
//          is excluded, as Gamma-Gamma models repeat spend), 0 when x == 0;
//  - holdout: distinct purchase days (and their spend) in (calibration_end, holdout_end].
// Customers whose first purchase is after calibration_end have no summary (std::nullopt).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct SummaryWindow {
  std::int32_t calibration_end = 0;           // day number, inclusive
  std::optional<std::int32_t> holdout_end;    // day number, inclusive; none = no holdout
  TimeUnit unit = TimeUnit::kWeek;
};

struct CustomerSummary {
  double x = 0;
  double t_x = 0;
  double T = 0;
  double mean_spend = 0;
  std::uint32_t holdout_purchases = 0;  // distinct purchase days in the holdout window
  double holdout_spend = 0;             // total spend in the holdout window
};

// `days` ascending (ties allowed: several orders per day), `spend` aligned with `days`.
// Throws crmpi::DataError when the sizes differ or the days are not sorted.
std::optional<CustomerSummary> summarize_customer(std::span<const std::int32_t> days,
                                                  std::span<const double> spend,
                                                  const SummaryWindow& window);

}  // namespace crmpi::clv
