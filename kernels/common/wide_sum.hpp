// Exact sums of doubles in wide fixed point, for sums that must not depend on the order of
// addition nor on how the values are split over processes, at double precision or better.
//
// Every value is truncated to a multiple of 2^-64 (an error below 5.5e-20 per value; values of
// magnitude 2^-11 and above are represented exactly) and added exactly into a 192-bit two's
// complement integer. The sum of a multiset of values is therefore the same bits whatever the
// order, and value() rounds it once, to nearest. |value| must stay below 2^100 per value (the
// total below 2^126); a non-finite or larger value makes the sum NaN.
//
// comm/exact_sum.hpp reduces WideSums across ranks (allreduce_exact); ExactSum there is the
// narrower 2^-24 grid that the job's per-customer aggregates use. Pure code: no MPI here.
#pragma once

#include <array>
#include <cstdint>

namespace crmpi {

class WideSum {
 public:
  static constexpr int kFractionBits = 64;
  // Limbs of the integer for an exact reduction by integer sums (comm/exact_sum.hpp): limbs 0-3
  // hold 40 bits each (0 <= limb < 2^40), limb 4 the signed top 32 bits, limb 5 is 1 when the sum
  // is NaN. Limbwise sums of up to 2^23 such arrays stay exact in int64 and from_limbs rebuilds
  // their total.
  static constexpr std::size_t kLimbs = 6;
  using Limbs = std::array<std::int64_t, kLimbs>;

  void add(double v);
  void add(const WideSum& other);
  // The exact sum rounded to the nearest double (NaN after a non-finite or too large value).
  double value() const;
  bool is_nan() const { return bad_; }

  Limbs limbs() const;
  static WideSum from_limbs(const Limbs& limbs);

 private:
  void add_words(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, bool negative);
  std::uint64_t w_[3] = {0, 0, 0};  // little-endian words of the 192-bit two's complement integer
  bool bad_ = false;
};

}  // namespace crmpi
