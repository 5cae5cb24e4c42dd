#include "kernels/ingest/exact_number.hpp"

#include <limits>

namespace crmpi::ingest {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// |value| accumulated as a negative number, so INT64_MIN's magnitude fits.
bool accumulate_negative(std::int64_t& acc, int digit) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (acc < kMin / 10 || (acc == kMin / 10 && -digit < kMin % 10)) return false;
  acc = acc * 10 - digit;
  return true;
}

std::int64_t divide_round_half_away(std::int64_t value, std::int64_t divisor) {
  const std::int64_t q = value / divisor;
  const std::int64_t r = value % divisor;  // same sign as value
  // Compare 2|r| >= divisor without overflow: |r| < divisor, so divisor - |r| > 0.
  const std::int64_t abs_r = r < 0 ? -r : r;
  if (abs_r >= divisor - abs_r) return value < 0 ? q - 1 : q + 1;
  return q;
}

}  // namespace

const char* describe(NumberError error) {
  switch (error) {
    case NumberError::kNone: return "ok";
    case NumberError::kEmpty: return "empty number";
    case NumberError::kNotANumber: return "not a decimal number";
    case NumberError::kExponent: return "exponent notation is not accepted for exact values";
    case NumberError::kTooManyDecimals: return "more than 6 decimal places";
    case NumberError::kOverflow: return "number out of range";
  }
  return "unknown number error";
}

IntParse parse_int64(std::string_view text) {
  IntParse r;
  // Most quantities: an optional '-' and up to 18 digits cannot overflow, so no check per digit.
  if (!text.empty() && text.size() <= 18) {
    const bool negative = text[0] == '-';
    std::size_t i = negative ? 1 : 0;
    if (i < text.size()) {
      std::int64_t v = 0;
      for (; i < text.size() && is_digit(text[i]); ++i) v = v * 10 + (text[i] - '0');
      if (i == text.size()) {
        r.value = negative ? -v : v;
        return r;
      }
    }
  }
  if (text.empty()) {
    r.error = NumberError::kEmpty;
    return r;
  }
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') ++i;
  if (i == text.size()) {
    r.error = NumberError::kNotANumber;
    return r;
  }
  std::int64_t acc = 0;
  for (; i < text.size(); ++i) {
    if (!is_digit(text[i])) {
      r.error = NumberError::kNotANumber;
      return r;
    }
    if (!accumulate_negative(acc, text[i] - '0')) {
      r.error = NumberError::kOverflow;
      return r;
    }
  }
  if (!negative) {
    if (acc == std::numeric_limits<std::int64_t>::min()) {
      r.error = NumberError::kOverflow;
      return r;
    }
    acc = -acc;
  }
  r.value = acc;
  return r;
}

MoneyParse parse_money_micros(std::string_view text) {
  MoneyParse r;
  if (text.empty()) {
    r.error = NumberError::kEmpty;
    return r;
  }
  // Most prices: [-]digits[.digits], at most 12 digits before the dot (no overflow possible) and
  // 6 after it, read without the checks below; anything else takes the full grammar.
  if (text.size() <= 20) {
    const bool negative = text[0] == '-';
    std::size_t i = negative ? 1 : 0;
    const std::size_t int_begin = i;
    std::int64_t units = 0;
    // At most 13 digits read: more fail the test below (and could overflow int64).
    for (; i < text.size() && i - int_begin < 13 && is_digit(text[i]); ++i) units = units * 10 + (text[i] - '0');
    const std::size_t int_digits = i - int_begin;
    if (int_digits >= 1 && int_digits <= 12) {
      std::int64_t frac = 0;
      std::size_t frac_digits = 0;
      bool simple = i == text.size();
      if (!simple && text[i] == '.') {
        const std::size_t frac_begin = ++i;
        for (; i < text.size() && is_digit(text[i]); ++i) frac = frac * 10 + (text[i] - '0');
        frac_digits = i - frac_begin;
        simple = i == text.size() && frac_digits >= 1 && frac_digits <= 6;
      }
      if (simple) {
        static constexpr std::int64_t kFracScale[] = {1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
        const std::int64_t micros = units * kMicrosPerUnit + frac * kFracScale[frac_digits];
        r.micros = negative ? -micros : micros;
        return r;
      }
    }
  }
  // NaN / inf / infinity need no test of their own: they hold no digit, so the grammar below
  // rejects them as kNotANumber like any other junk (a word test here cost ~40 instructions a line).
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') ++i;
  std::int64_t acc = 0;  // negative magnitude in micro-units
  int int_digits = 0;
  for (; i < text.size() && is_digit(text[i]); ++i, ++int_digits) {
    if (!accumulate_negative(acc, text[i] - '0')) {
      r.error = NumberError::kOverflow;
      return r;
    }
  }
  int frac_digits = 0;
  bool nonzero_beyond_micros = false;
  std::int64_t frac = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i, ++frac_digits) {
      if (frac_digits < 6) {
        frac = frac * 10 + (text[i] - '0');
      } else if (text[i] != '0') {
        nonzero_beyond_micros = true;
      }
    }
  }
  if (i < text.size()) {
    r.error = (text[i] == 'e' || text[i] == 'E') && int_digits + frac_digits > 0 ? NumberError::kExponent
                                                                                 : NumberError::kNotANumber;
    return r;
  }
  if (int_digits + frac_digits == 0) {
    r.error = NumberError::kNotANumber;
    return r;
  }
  if (nonzero_beyond_micros) {
    r.error = NumberError::kTooManyDecimals;
    return r;
  }
  static constexpr std::int64_t kScale[] = {1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
  frac *= kScale[frac_digits < 6 ? frac_digits : 6];
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (acc < kMin / kMicrosPerUnit) {
    r.error = NumberError::kOverflow;
    return r;
  }
  acc *= kMicrosPerUnit;
  if (acc < kMin + frac) {
    r.error = NumberError::kOverflow;
    return r;
  }
  acc -= frac;
  if (!negative) {
    if (acc == kMin) {
      r.error = NumberError::kOverflow;
      return r;
    }
    acc = -acc;
  }
  r.micros = acc;
  return r;
}

AmountResult line_amount_cents(std::int64_t quantity, std::int64_t unit_price_micros) {
  AmountResult r;
  std::int64_t product = 0;
  if (__builtin_mul_overflow(quantity, unit_price_micros, &product)) {
    r.error = NumberError::kOverflow;
    return r;
  }
  r.cents = divide_round_half_away(product, kMicrosPerCent);
  return r;
}

std::int64_t micros_to_cents(std::int64_t micros) { return divide_round_half_away(micros, kMicrosPerCent); }

}  // namespace crmpi::ingest
