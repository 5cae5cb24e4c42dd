// Exact, reproducible sums of doubles across ranks: the sum of a multiset of values is the same
// bits whatever the partition over ranks and the order of addition.
//
// Every value is rounded to a fixed point of 2^-24 and summed exactly in a 128-bit integer; the
// 128-bit partial sums are reduced across ranks as three 40-bit limbs with an integer
// allreduce_sum (exact for any realistic number of ranks) and the total rebuilt in 128 bits.
// |value| must stay below 2^38 (else the sum is NaN, as it is when a value is not finite).
//
// allreduce_exact: the same for WideSum (kernels/common/wide_sum.hpp), the 192-bit sums of a 2^-64
// grid that the CLV fits accumulate their likelihoods in (the 2^-24 grid is too coarse for a
// likelihood's gradient near the optimum: docs/clv.md).
#pragma once

#include <span>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/common/wide_sum.hpp"

namespace crmpi {

class ExactSum {
 public:
  static constexpr int kFractionBits = 24;
  void add(double v);
  // Collective: the global sums of every accumulator, identical on every rank.
  static std::vector<double> reduce(const Comm& comm, std::span<const ExactSum> sums);
  // This rank's sum alone (no communication).
  double local_value() const;

 private:
  __extension__ using Int128 = __int128;
  Int128 acc_ = 0;
  bool bad_ = false;
};

// Collective: replaces every rank's sums by the global ones (the sums of every rank's values),
// identical on every rank: one integer allreduce of WideSum::kLimbs int64 per sum.
void allreduce_exact(const Comm& comm, std::span<WideSum> sums);

}  // namespace crmpi
