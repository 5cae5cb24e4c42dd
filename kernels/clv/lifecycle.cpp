#include "kernels/clv/lifecycle.hpp"

namespace crmpi::clv {

std::string_view to_string(LifecycleStage s) {
  switch (s) {
    case LifecycleStage::kNew: return "new";
    case LifecycleStage::kActive: return "active";
    case LifecycleStage::kLoyal: return "loyal";
    case LifecycleStage::kAtRisk: return "at_risk";
    case LifecycleStage::kChurned: return "churned";
    case LifecycleStage::kReactivated: return "reactivated";
  }
  return "unknown";
}

LifecycleThresholds LifecycleThresholds::for_unit(TimeUnit unit) {
  LifecycleThresholds t;
  const double k = 7.0 / days_per_unit(unit);  // weeks -> unit
  t.new_max_tenure *= k;
  t.reactivation_gap *= k;
  t.loyal_min_tenure *= k;
  return t;
}

LifecycleStage classify_lifecycle(const LifecycleInput& in, const LifecycleThresholds& th) {
  if (in.tenure <= th.new_max_tenure) return LifecycleStage::kNew;
  if (in.p_alive < th.churned_below) return LifecycleStage::kChurned;
  if (in.p_alive < th.at_risk_below) return LifecycleStage::kAtRisk;
  if (in.frequency > 0 && in.last_gap > th.reactivation_gap) return LifecycleStage::kReactivated;
  if (in.frequency >= th.loyal_min_frequency && in.tenure >= th.loyal_min_tenure) return LifecycleStage::kLoyal;
  return LifecycleStage::kActive;
}

double last_purchase_gap(std::span<const std::int32_t> sorted_days, std::int32_t calibration_end, TimeUnit unit) {
  // Distinct days up to calibration end: the last one and the one before it.
  std::int32_t last = 0, before = 0;
  int distinct = 0;
  for (const std::int32_t d : sorted_days) {
    if (d > calibration_end) break;
    if (distinct == 0 || d != last) {
      before = last;
      last = d;
      ++distinct;
    }
  }
  return distinct >= 2 ? static_cast<double>(last - before) / days_per_unit(unit) : 0.0;
}

}  // namespace crmpi::clv
