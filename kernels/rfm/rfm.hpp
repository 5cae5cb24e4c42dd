// RFM per customer: recency, frequency, monetary and tenure from a customer's orders.
//
// Definitions (docs/rfm.md): only orders on or before the as-of day count.
//   frequency      number of orders
//   monetary       total amount (integer minor units) and average order value
//   recency_days   as_of - day of the last order
//   tenure_days    as_of - min(signup day, first order day)
// A customer with no order by as_of has frequency 0, no R/F/M scores and segment 0.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace crmpi::rfm {

inline constexpr std::int32_t kNoDay = -1;  // "no order" in the day columns (valid days are >= 0)

// Per-customer accumulators, structure of arrays over a rank's customers.
struct Activity {
  std::vector<std::uint32_t> orders;
  std::vector<std::int64_t> total_cents;
  std::vector<std::int32_t> first_day;
  std::vector<std::int32_t> last_day;
  void resize(std::size_t n);
  std::size_t size() const { return orders.size(); }
};

// Adds the orders of customers [c_begin, c_end) to `act`. order_offset holds absolute CSR
// offsets indexed by local customer; `day`/`amount` hold the orders starting at global row
// `rows_begin`. Orders after `as_of` are ignored.
void accumulate(std::span<const std::uint64_t> order_offset, std::size_t c_begin, std::size_t c_end,
                std::uint64_t rows_begin, std::span<const std::int32_t> day, std::span<const std::int64_t> amount,
                std::int32_t as_of, Activity& act);

struct Metrics {
  std::vector<std::int32_t> recency_days;  // kNoDay-like -1 when the customer has no order
  std::vector<std::int32_t> tenure_days;
  std::vector<double> avg_order_cents;     // 0 when no order
};

// signup_day may be empty (then tenure starts at the first order).
Metrics derive_metrics(const Activity& act, std::span<const std::int32_t> signup_day, std::int32_t as_of);

}  // namespace crmpi::rfm
