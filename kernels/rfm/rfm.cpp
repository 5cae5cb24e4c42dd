#include "kernels/rfm/rfm.hpp"

#include <algorithm>

namespace crmpi::rfm {

void Activity::resize(std::size_t n) {
  orders.assign(n, 0);
  total_cents.assign(n, 0);
  first_day.assign(n, kNoDay);
  last_day.assign(n, kNoDay);
}

void accumulate(std::span<const std::uint64_t> order_offset, std::size_t c_begin, std::size_t c_end,
                std::uint64_t rows_begin, std::span<const std::int32_t> day, std::span<const std::int64_t> amount,
                std::int32_t as_of, Activity& act) {
  for (std::size_t c = c_begin; c < c_end; ++c) {
    const std::size_t b = static_cast<std::size_t>(order_offset[c] - rows_begin);
    const std::size_t e = static_cast<std::size_t>(order_offset[c + 1] - rows_begin);
    // Orders are sorted by day, so the ones on or before as_of are a prefix.
    std::size_t k = b;
    std::int64_t sum = 0;
    while (k < e && day[k] <= as_of) sum += amount[k++];
    if (k == b) continue;
    act.orders[c] += static_cast<std::uint32_t>(k - b);
    act.total_cents[c] += sum;
    if (act.first_day[c] == kNoDay) act.first_day[c] = day[b];
    act.last_day[c] = day[k - 1];
  }
}

Metrics derive_metrics(const Activity& act, std::span<const std::int32_t> signup_day, std::int32_t as_of) {
  const std::size_t n = act.size();
  Metrics m;
  m.recency_days.assign(n, -1);
  m.tenure_days.assign(n, -1);
  m.avg_order_cents.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t start = act.first_day[i];
    if (!signup_day.empty() && signup_day[i] <= as_of && (start == kNoDay || signup_day[i] < start))
      start = signup_day[i];
    if (start != kNoDay) m.tenure_days[i] = as_of - start;
    if (act.orders[i] == 0) continue;
    m.recency_days[i] = as_of - act.last_day[i];
    m.avg_order_cents[i] = static_cast<double>(act.total_cents[i]) / static_cast<double>(act.orders[i]);
  }
  return m;
}

}  // namespace crmpi::rfm
