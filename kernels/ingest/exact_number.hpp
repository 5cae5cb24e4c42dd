// Exact integers and money. Money is held as int64 micro-units (1e-6 of the currency unit), which
// represents every price with up to 6 decimals exactly (UCI prices go to 0.001) and amounts up to
// about 9.2e12 currency units. Line amounts are computed in integer arithmetic, never in double.
//
// Decimal grammar (whole text, no blanks): [+-] digits [. digits] | [+-] . digits.
// Rejected, each with a reason: empty text; exponents ("1e3": a float renderer wrote it and may
// already have rounded the value, so it must not pass as exact); NaN / inf; thousands separators;
// more than 6 significant decimals (trailing zeros beyond the 6th are fine: "2.5500000" == 2.55);
// values beyond int64 micro-units.
//
// Rounding of line amounts: amount_cents = round(quantity * unit_price) to whole cents, half away
// from zero (2 x 0.0025 = 0.005 -> 0.01, -0.005 -> -0.01), i.e. the commercial rule; any product
// that overflows int64 micro-units is an error, not a wrap.
#pragma once

#include <cstdint>
#include <string_view>

namespace crmpi::ingest {

inline constexpr std::int64_t kMicrosPerUnit = 1'000'000;
inline constexpr std::int64_t kMicrosPerCent = 10'000;

enum class NumberError : std::uint8_t {
  kNone,
  kEmpty,
  kNotANumber,  // stray characters, separators, "NaN", "inf", a lone sign or dot
  kExponent,
  kTooManyDecimals,
  kOverflow,
};
const char* describe(NumberError error);

struct IntParse {
  std::int64_t value = 0;
  NumberError error = NumberError::kNone;
  bool ok() const { return error == NumberError::kNone; }
};

// [+-]digits, overflow-checked against the int64 range (-9223372036854775808 parses).
IntParse parse_int64(std::string_view text);

struct MoneyParse {
  std::int64_t micros = 0;
  NumberError error = NumberError::kNone;
  bool ok() const { return error == NumberError::kNone; }
};

MoneyParse parse_money_micros(std::string_view text);

struct AmountResult {
  std::int64_t cents = 0;
  NumberError error = NumberError::kNone;  // kOverflow or kNone
  bool ok() const { return error == NumberError::kNone; }
};

// round_half_away(quantity * unit_price_micros / 10^4): the line amount in cents.
AmountResult line_amount_cents(std::int64_t quantity, std::int64_t unit_price_micros);

// round_half_away(micros / 10^4): a money value in cents.
std::int64_t micros_to_cents(std::int64_t micros);

}  // namespace crmpi::ingest
