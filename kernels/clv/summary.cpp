#include "kernels/clv/summary.hpp"

#include <cstddef>

#include "kernels/common/errors.hpp"

namespace crmpi::clv {

std::optional<CustomerSummary> summarize_customer(std::span<const std::int32_t> days,
                                                  std::span<const double> spend,
                                                  const SummaryWindow& window) {
  if (days.size() != spend.size()) throw DataError("summarize_customer: days and spend differ in length");
  if (days.empty() || days.front() > window.calibration_end) return std::nullopt;
  for (std::size_t i = 1; i < days.size(); ++i) {
    if (days[i] < days[i - 1]) throw DataError("summarize_customer: purchase days are not sorted");
  }
  const double unit = days_per_unit(window.unit);
  const std::int32_t first = days.front();
  CustomerSummary s;
  s.T = static_cast<double>(window.calibration_end - first) / unit;

  std::int32_t last_repeat = first;
  double repeat_spend = 0.0;
  std::uint32_t repeat_days = 0;
  std::int32_t prev_day = first;
  for (std::size_t i = 0; i < days.size(); ++i) {
    const std::int32_t d = days[i];
    if (d == first) continue;  // the first day (all its orders) is not a repeat purchase
    const bool new_day = d != prev_day;
    prev_day = d;
    if (d <= window.calibration_end) {
      if (new_day) ++repeat_days;
      repeat_spend += spend[i];
      last_repeat = d;
    } else if (window.holdout_end && d <= *window.holdout_end) {
      if (new_day) ++s.holdout_purchases;
      s.holdout_spend += spend[i];
    }
  }
  s.x = repeat_days;
  s.t_x = static_cast<double>(last_repeat - first) / unit;
  s.mean_spend = repeat_days > 0 ? repeat_spend / repeat_days : 0.0;
  return s;
}

}  // namespace crmpi::clv
