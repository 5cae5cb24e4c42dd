// Times of real data lie on a grid of whole days: in days, t = k; in weeks, t = k / 7. Both are
// k / 7.0 for an integer step k (a multiple of 7 in days), so one step grid covers both units and
// lets tables, indices and caches key time values by small integers.
#pragma once

#include <cstdint>

namespace crmpi::clv {

inline constexpr double kDayGridSteps = 7.0;

// The step k with k / 7.0 == v exactly and v * 7 < limit; false when v is off the grid, negative,
// NaN or too large. Rounds by truncating v * 7 + 0.5 (inline, no libm call): a tie would be half a
// step, which is never on the grid, so this agrees with round-to-nearest wherever it matters.
inline bool day_grid_step(double v, double limit, std::uint64_t& k) {
  const double s = v * kDayGridSteps;
  if (!(s >= 0 && s < limit)) return false;
  k = static_cast<std::uint64_t>(s + 0.5);
  return static_cast<double>(k) / kDayGridSteps == v;
}

}  // namespace crmpi::clv
