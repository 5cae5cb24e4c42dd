// Times of real data lie on a grid of whole days: in days, t = k; in weeks, t = k / 7. Both are
// k / 7.0 for an integer step k (a multiple of 7 in days), so one step grid covers both units and
// lets tables, indices and caches key time values by small integers.
#pragma once

#include <cstdint>
#include <vector>

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

// The same test with k / 7.0 looked up for the first kTableSteps steps (16 years of days),
// instead of a division per value: for passes over millions of values.
class DayGrid {
 public:
  static constexpr std::uint64_t kTableSteps = std::uint64_t{1} << 15;
  DayGrid() : value_(kTableSteps) {
    for (std::uint64_t k = 0; k < kTableSteps; ++k) value_[k] = static_cast<double>(k) / kDayGridSteps;
  }
  bool step(double v, double limit, std::uint64_t& k) const {
    const double s = v * kDayGridSteps;
    if (!(s >= 0 && s < limit)) return false;
    k = static_cast<std::uint64_t>(s + 0.5);
    return value(k) == v;
  }
  double value(std::uint64_t k) const {  // k / 7.0
    return k < kTableSteps ? value_[k] : static_cast<double>(k) / kDayGridSteps;
  }

 private:
  std::vector<double> value_;
};

}  // namespace crmpi::clv
