// Lifecycle stage of a customer from its summary and P(alive). Pure, per customer.
//
// Rules, checked in this order; the FIRST matching rule wins:
//   1. new          tenure (T, time since first purchase) <= new_max_tenure
//   2. churned      p_alive < churned_below
//   3. at_risk      p_alive < at_risk_below
//   4. reactivated  last_gap > reactivation_gap: the latest purchase came after a gap longer
//                   than X (the customer had lapsed and came back), and is not yet at risk
//   5. loyal        frequency (x) >= loyal_min_frequency and tenure >= loyal_min_tenure
//   6. active       everything else
// Thresholds are in the summary's time unit; the defaults are stated in weeks and converted by
// LifecycleThresholds::for_unit (days = weeks * 7).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "kernels/clv/types.hpp"

namespace crmpi::clv {

enum class LifecycleStage : std::uint8_t { kNew, kActive, kLoyal, kAtRisk, kChurned, kReactivated };

std::string_view to_string(LifecycleStage s);

struct LifecycleThresholds {
  double new_max_tenure = 4;        // weeks: first purchase within the last 4 weeks
  double churned_below = 0.2;       // P(alive)
  double at_risk_below = 0.5;       // P(alive)
  double reactivation_gap = 26;     // weeks: a gap of more than half a year before the last purchase
  double loyal_min_frequency = 4;   // repeat purchases
  double loyal_min_tenure = 26;     // weeks
  static LifecycleThresholds for_unit(TimeUnit unit);  // defaults above, in `unit`
};

struct LifecycleInput {
  double recency = 0;   // T - t_x: time since last purchase (informational; P(alive) carries it)
  double frequency = 0; // x
  double tenure = 0;    // T
  double p_alive = 1;
  double last_gap = 0;  // time between the last two purchase days (0 when x == 0)
};

LifecycleStage classify_lifecycle(const LifecycleInput& in, const LifecycleThresholds& th);

// Gap before the last purchase, from sorted purchase days up to calibration end, in `unit`.
double last_purchase_gap(std::span<const std::int32_t> sorted_days, std::int32_t calibration_end, TimeUnit unit);

}  // namespace crmpi::clv
