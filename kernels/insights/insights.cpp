#include "kernels/insights/insights.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/common/civil_date.hpp"

namespace crmpi::insights {

Nps nps(std::uint64_t responses, std::uint64_t promoters, std::uint64_t detractors) {
  Nps r{responses, promoters, detractors, 0, 0, 0, responses < kNpsMinResponses};
  if (responses == 0) {
    r.nps = r.low = r.high = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  const auto n = static_cast<double>(responses);
  const double p = static_cast<double>(promoters) / n, d = static_cast<double>(detractors) / n;
  const double mean = p - d, var = std::max(0.0, p + d - mean * mean);
  const double half = 1.96 * std::sqrt(var / n);
  r.nps = 100.0 * mean;
  r.low = std::max(-100.0, 100.0 * (mean - half));
  r.high = std::min(100.0, 100.0 * (mean + half));
  return r;
}

Retention retention(std::span<const std::int32_t> days, std::int32_t as_of, std::int32_t window_days) {
  Retention r;
  if (days.empty()) return r;
  const std::int64_t first = days.front(), end = first + window_days;
  r.eligible = end <= as_of;
  if (!r.eligible) return r;
  r.retained = std::any_of(days.begin() + 1, days.end(), [&](std::int32_t d) { return d > first && d <= end; });
  return r;
}

std::int32_t month_index(std::int32_t day) {
  const CivilDate c = civil_from_days(day);
  return (c.year - 1970) * 12 + static_cast<std::int32_t>(c.month) - 1;
}

Cohorts::Cohorts(std::int32_t as_of_day, std::uint32_t n_months)
    : first_month(month_index(as_of_day) - static_cast<std::int32_t>(n_months) + 1),
      months(n_months),
      customers(static_cast<std::size_t>(n_months) * n_months, 0),
      revenue_cents(static_cast<std::size_t>(n_months) * n_months, 0) {}

void Cohorts::add(std::span<const std::int32_t> days, std::span<const std::int64_t> amounts_cents) {
  if (days.empty()) return;
  const std::int32_t cohort = month_index(days.front()) - first_month;
  if (cohort < 0 || cohort >= static_cast<std::int32_t>(months)) return;
  const std::size_t row = static_cast<std::size_t>(cohort) * months;
  std::int32_t last = -1;  // the last column counted for this customer: each month counts them once
  for (std::size_t i = 0; i < days.size(); ++i) {
    const std::int32_t m = month_index(days[i]) - first_month - cohort;
    if (m < 0 || cohort + m >= static_cast<std::int32_t>(months)) continue;
    if (m != last) {
      ++customers[row + static_cast<std::size_t>(m)];
      last = m;
    }
    revenue_cents[row + static_cast<std::size_t>(m)] += amounts_cents[i];
  }
}

}  // namespace crmpi::insights
