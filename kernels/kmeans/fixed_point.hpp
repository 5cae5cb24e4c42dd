// Exact fixed-point arithmetic for the statistics k-means reduces across ranks.
//
// A value v is represented by the integer round(v * 2^32) (round to nearest, ties to even: the
// default rounding mode, which every rank runs under). The rounding of a value depends on that
// value alone, and the sums are integer sums that never overflow (limits below), so the total
// over any partition of the points into ranks, added in any order, is the same integer: the same
// bits. Features are float32: any |x| >= 2^-9 is represented exactly (its ulp is >= 2^-32).
//
// Limits (checked where the data enter: validate_points, validate_centroids, merge):
//   |feature| <= 2^24                    -> a coordinate is below 2^56 in fixed point;
//   d <= 64                              -> a squared distance is below 64 * (2^25)^2 = 2^56,
//                                           below 2^88 in fixed point;
//   at most 2^38 points in one reduction -> coordinate sums below 2^94, sums of squared
//                                           distances below 2^126 < 2^127: no overflow.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace crmpi::kmeans {

__extension__ using Int128 = __int128;

inline constexpr double kFixedScale = 0x1p32;  // 32 fraction bits
inline constexpr float kMaxAbsFeature = 0x1p24f;
inline constexpr std::size_t kMaxDim = 64;
inline constexpr std::uint64_t kMaxPoints = std::uint64_t{1} << 38;

// A feature or centroid coordinate (|x| <= 2^24, so |x * 2^32| <= 2^56 fits int64).
inline Int128 fixed_of_feature(float x) { return std::llrint(static_cast<double>(x) * kFixedScale); }

// Any finite double below 2^94 in magnitude (squared distances, distances, silhouette values).
inline Int128 to_fixed(double v) {
  const double s = v * kFixedScale;  // exact: scaling by a power of two
  if (std::fabs(s) < 0x1p62) return std::llrint(s);
  return static_cast<Int128>(s);  // |s| >= 2^62 > 2^53: already an integer, converted exactly
}

// The value of a fixed-point sum, rounded once to double.
inline double fixed_to_double(Int128 f) { return static_cast<double>(f) / kFixedScale; }

// MPI has no 128-bit integer: a sum travels as three int64 limbs of 42 bits (two unsigned low
// limbs, one signed high limb), summed element-wise by an integer MPI_SUM and joined after. Each
// limb is below 2^43 in magnitude, so fewer than 2^20 ranks cannot overflow an int64 limb sum, and
// the joined total is exact because the true total is below 2^127 (limits above).
inline constexpr int kLimbBits = 42;
inline constexpr std::size_t kLimbs = 3;

inline std::array<std::int64_t, kLimbs> to_limbs(Int128 v) {
  const Int128 mask = (Int128{1} << kLimbBits) - 1;
  const auto l0 = static_cast<std::int64_t>(v & mask);
  v >>= kLimbBits;  // arithmetic shift (C++20)
  const auto l1 = static_cast<std::int64_t>(v & mask);
  v >>= kLimbBits;
  return {l0, l1, static_cast<std::int64_t>(v)};
}

inline Int128 from_limbs(const std::int64_t* l) {
  return Int128{l[0]} + Int128{l[1]} * (Int128{1} << kLimbBits) + Int128{l[2]} * (Int128{1} << (2 * kLimbBits));
}

}  // namespace crmpi::kmeans
