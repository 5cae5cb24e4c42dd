// Per-customer and per-group arithmetic of the insights stage (docs/insights.md): net promoter
// score with its interval, repeat-purchase retention, and the cohort retention matrix. Pure
// functions on plain data; the stage (jobs/insights) sums what they return across ranks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace crmpi::insights {

// Net promoter score of n responses (0-10): promoters score 9-10, detractors 0-6. NPS = 100 (P - D)
// / n. Its 95% interval is the normal one for the mean of a score that is +1 for a promoter, -1
// for a detractor and 0 otherwise: variance (P + D)/n - ((P - D)/n)^2, half-width 1.96 sqrt(var/n),
// clipped to [-100, 100]. With n below kNpsMinResponses the figure is flagged as unreliable.
inline constexpr std::uint64_t kNpsMinResponses = 30;
struct Nps {
  std::uint64_t responses = 0, promoters = 0, detractors = 0;
  double nps = 0, low = 0, high = 0;  // NaN without responses
  bool few = true;                    // fewer than kNpsMinResponses responses
};
Nps nps(std::uint64_t responses, std::uint64_t promoters, std::uint64_t detractors);

// Retention of one customer after their first order (days sorted ascending, those by as_of):
// eligible when first + window <= as_of (the whole window observed), retained when another order
// falls in (first, first + window]. A second order on the first day is not a return.
struct Retention {
  bool eligible = false, retained = false;
};
Retention retention(std::span<const std::int32_t> days, std::int32_t as_of, std::int32_t window_days);

// Months since 1970-01 of a day (days since 1970-01-01): 1970-01 is 0, 1971-03 is 14.
std::int32_t month_index(std::int32_t day);

// The cohort retention matrix over the `months` calendar months ending with as_of's month: cohort
// c (row; 0 is the oldest) holds the customers whose first order (by as_of) falls in its month;
// column m counts those of them with an order in the m-th month after it (m = 0: the first month
// itself) and adds their revenue there. Cells past as_of's month stay 0.
struct Cohorts {
  std::int32_t first_month = 0;  // month_index of cohort 0
  std::uint32_t months = 0;
  std::vector<std::uint64_t> customers;  // months x months, row-major
  std::vector<std::int64_t> revenue_cents;

  Cohorts(std::int32_t as_of_day, std::uint32_t n_months);
  // One customer's orders by as_of (days ascending, amounts alongside).
  void add(std::span<const std::int32_t> days, std::span<const std::int64_t> amounts_cents);
};

}  // namespace crmpi::insights
