#include "comm/exact_sum.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace crmpi {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void ExactSum::add(double v) {
  if (!std::isfinite(v) || std::fabs(v) >= 0x1p38) {
    bad_ = true;
    return;
  }
  acc_ += static_cast<Int128>(std::llround(std::ldexp(v, kFractionBits)));
}

double ExactSum::local_value() const {
  return bad_ ? kNaN : std::ldexp(static_cast<double>(acc_), -kFractionBits);
}

std::vector<double> ExactSum::reduce(const Comm& comm, std::span<const ExactSum> sums) {
  // acc = l0 + l1 2^40 + l2 2^80 with 0 <= l0, l1 < 2^40: the limbs add up exactly in int64 for
  // any realistic number of ranks, and the total is rebuilt in 128 bits.
  constexpr Int128 kMask = (Int128{1} << 40) - 1;
  const std::size_t n = sums.size();
  std::vector<std::int64_t> limbs(4 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const Int128 a = sums[i].acc_;
    limbs[4 * i] = static_cast<std::int64_t>(a & kMask);
    limbs[4 * i + 1] = static_cast<std::int64_t>((a >> 40) & kMask);
    limbs[4 * i + 2] = static_cast<std::int64_t>(a >> 80);
    limbs[4 * i + 3] = sums[i].bad_ ? 1 : 0;
  }
  comm.allreduce_sum_inplace(std::span<std::int64_t>(limbs));
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (limbs[4 * i + 3] != 0) {
      out[i] = kNaN;
      continue;
    }
    const Int128 total = static_cast<Int128>(limbs[4 * i]) + (static_cast<Int128>(limbs[4 * i + 1]) << 40) +
                         static_cast<Int128>(limbs[4 * i + 2]) * (Int128{1} << 80);
    out[i] = std::ldexp(static_cast<double>(total), -kFractionBits);
  }
  return out;
}

void allreduce_exact(const Comm& comm, std::span<WideSum> sums) {
  if (comm.size() == 1 || sums.empty()) return;
  constexpr std::size_t k = WideSum::kLimbs;
  std::vector<std::int64_t> limbs(k * sums.size());
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const WideSum::Limbs l = sums[i].limbs();
    std::copy(l.begin(), l.end(), limbs.begin() + static_cast<std::ptrdiff_t>(k * i));
  }
  comm.allreduce_sum_inplace(std::span<std::int64_t>(limbs));
  for (std::size_t i = 0; i < sums.size(); ++i) {
    WideSum::Limbs l{};
    std::copy_n(limbs.begin() + static_cast<std::ptrdiff_t>(k * i), k, l.begin());
    sums[i] = WideSum::from_limbs(l);
  }
}

}  // namespace crmpi
