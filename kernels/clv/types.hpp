// Plain data shared by the CLV kernels: the per-customer summary triple, the spend pair, the
// time unit. Kept separate so the MPI driver can move these tables without pulling in models.
#pragma once

#include <cstdint>

namespace crmpi::clv {

// Time unit of x-axis quantities (t_x, T, horizons). Models are fitted in this unit, so
// alpha/beta and horizons are in it too. A "month" for CLV is 30 days or 4.345 weeks
// (lifetimes' convention, see clv_value.hpp).
enum class TimeUnit { kDay, kWeek };

inline constexpr double days_per_unit(TimeUnit u) { return u == TimeUnit::kWeek ? 7.0 : 1.0; }
inline constexpr double month_length(TimeUnit u) { return u == TimeUnit::kWeek ? 4.345 : 30.0; }

// One row of the collapsed (x, t_x, T) table: `count` customers share the same summary.
// Tables are sorted lexicographically by (x, t_x, T) with unique keys (see collapse.hpp).
struct Triple {
  double x = 0;    // repeat purchases (distinct purchase days after the first)
  double t_x = 0;  // time of last purchase since first purchase
  double T = 0;    // time from first purchase to calibration end
  std::uint64_t count = 1;
};

// One row of the collapsed Gamma-Gamma table: repeat customers only (x > 0).
struct SpendPair {
  double x = 0;           // repeat purchases
  double mean_spend = 0;  // mean per-day spend over the repeat days
  std::uint64_t count = 1;
};

inline bool operator==(const Triple& a, const Triple& b) {
  return a.x == b.x && a.t_x == b.t_x && a.T == b.T && a.count == b.count;
}
inline bool operator==(const SpendPair& a, const SpendPair& b) {
  return a.x == b.x && a.mean_spend == b.mean_spend && a.count == b.count;
}

}  // namespace crmpi::clv
