#include "kernels/common/wide_sum.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace crmpi {

namespace {

__extension__ using U128 = unsigned __int128;

// The three words of (magnitude << shift) modulo 2^192, shift < 192.
void shifted_words(std::uint64_t magnitude, int shift, std::uint64_t out[3]) {
  out[0] = out[1] = out[2] = 0;
  const int word = shift / 64, bit = shift % 64;
  out[word] = magnitude << bit;
  if (bit != 0 && word + 1 < 3) out[word + 1] = magnitude >> (64 - bit);
}

// 64 bits of the 192-bit magnitude m starting at bit `lo` (lo < 0: shifted up, m < 2^64 then).
std::uint64_t bits_from(const std::uint64_t m[3], int lo) {
  if (lo < 0) return m[0] << -lo;
  const int word = lo / 64, bit = lo % 64;
  std::uint64_t r = m[word] >> bit;
  if (bit != 0 && word + 1 < 3) r |= m[word + 1] << (64 - bit);
  return r;
}

// Whether any of the bits of m below bit `lo` is set.
bool any_below(const std::uint64_t m[3], int lo) {
  if (lo <= 0) return false;
  const int word = lo / 64, bit = lo % 64;
  for (int k = 0; k < word && k < 3; ++k)
    if (m[k] != 0) return true;
  return word < 3 && bit != 0 && (m[word] & ((std::uint64_t{1} << bit) - 1)) != 0;
}

}  // namespace

void WideSum::add_words(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, bool negative) {
  if (negative) {  // two's complement of the 192-bit value, then add
    w0 = ~w0;
    w1 = ~w1;
    w2 = ~w2;
    const U128 t0 = static_cast<U128>(w0) + 1;
    w0 = static_cast<std::uint64_t>(t0);
    const U128 t1 = static_cast<U128>(w1) + static_cast<std::uint64_t>(t0 >> 64);
    w1 = static_cast<std::uint64_t>(t1);
    w2 += static_cast<std::uint64_t>(t1 >> 64);
  }
  const U128 s0 = static_cast<U128>(w_[0]) + w0;
  w_[0] = static_cast<std::uint64_t>(s0);
  const U128 s1 = static_cast<U128>(w_[1]) + w1 + static_cast<std::uint64_t>(s0 >> 64);
  w_[1] = static_cast<std::uint64_t>(s1);
  w_[2] += w2 + static_cast<std::uint64_t>(s1 >> 64);
}

void WideSum::add(double v) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
  const int e = static_cast<int>((bits >> 52) & 0x7ff);
  if (e == 0x7ff) {  // inf or NaN
    bad_ = true;
    return;
  }
  std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
  int exp2 = -1074;  // v = m 2^exp2 (subnormal)
  if (e != 0) {
    m |= std::uint64_t{1} << 52;
    exp2 = e - 1075;
  }
  if (m == 0) return;
  int shift = exp2 + kFractionBits;  // in units of 2^-64: m 2^shift
  if (shift > 100 - 53 + kFractionBits) {  // |v| >= 2^100
    bad_ = true;
    return;
  }
  if (shift < 0) {  // bits below 2^-64 are dropped (the magnitude truncated)
    if (shift <= -64) return;
    m >>= -shift;
    shift = 0;
    if (m == 0) return;
  }
  std::uint64_t w[3];
  shifted_words(m, shift, w);
  add_words(w[0], w[1], w[2], (bits >> 63) != 0);
}

void WideSum::add(const WideSum& other) {
  add_words(other.w_[0], other.w_[1], other.w_[2], false);
  bad_ = bad_ || other.bad_;
}

double WideSum::value() const {
  if (bad_) return std::numeric_limits<double>::quiet_NaN();
  const bool negative = static_cast<std::int64_t>(w_[2]) < 0;
  std::uint64_t m[3] = {w_[0], w_[1], w_[2]};
  if (negative) {  // magnitude
    m[0] = ~m[0];
    m[1] = ~m[1];
    m[2] = ~m[2];
    const U128 t0 = static_cast<U128>(m[0]) + 1;
    m[0] = static_cast<std::uint64_t>(t0);
    const U128 t1 = static_cast<U128>(m[1]) + static_cast<std::uint64_t>(t0 >> 64);
    m[1] = static_cast<std::uint64_t>(t1);
    m[2] += static_cast<std::uint64_t>(t1 >> 64);
  }
  int top = 2;
  while (top >= 0 && m[top] == 0) --top;
  if (top < 0) return 0.0;
  const int msb = 64 * top + 63 - std::countl_zero(m[top]);
  // The 64 leading bits, with every bit below them folded into the last one (a sticky bit): the
  // conversion then rounds to nearest as the exact value would (64 > 53 + 2 bits).
  const int lo = msb - 63;
  const std::uint64_t lead = bits_from(m, lo) | (any_below(m, lo) ? 1 : 0);
  const double mag = std::ldexp(static_cast<double>(lead), lo - kFractionBits);
  return negative ? -mag : mag;
}

WideSum::Limbs WideSum::limbs() const {
  Limbs out{};
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 40) - 1;
  for (int k = 0; k < 4; ++k) out[static_cast<std::size_t>(k)] = static_cast<std::int64_t>(bits_from(w_, 40 * k) & kMask);
  out[4] = static_cast<std::int64_t>(w_[2]) >> 32;  // bits 160..191, signed
  out[5] = bad_ ? 1 : 0;
  return out;
}

WideSum WideSum::from_limbs(const Limbs& limbs) {
  WideSum s;
  for (int k = 0; k < 5; ++k) {
    const std::int64_t v = limbs[static_cast<std::size_t>(k)];
    if (v == 0) continue;
    // |v| as unsigned (also for INT64_MIN), shifted into place modulo 2^192: the total is exact
    // whenever it fits in 192 bits, whatever the intermediate wrap-arounds.
    const std::uint64_t mag = v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
    std::uint64_t w[3];
    shifted_words(mag, 40 * k, w);
    s.add_words(w[0], w[1], w[2], v < 0);
  }
  s.bad_ = limbs[5] != 0;
  return s;
}

}  // namespace crmpi
