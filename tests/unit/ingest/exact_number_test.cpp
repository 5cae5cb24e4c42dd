// Exact integer and money parsing (micro-units), line amounts rounded half away from zero, overflow.
#include "kernels/ingest/exact_number.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

namespace crmpi::ingest {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(ParseInt64, ValuesAndErrors) {
  EXPECT_EQ(parse_int64("0").value, 0);
  EXPECT_EQ(parse_int64("17850").value, 17850);
  EXPECT_EQ(parse_int64("-80995").value, -80995);
  EXPECT_EQ(parse_int64("+7").value, 7);
  EXPECT_EQ(parse_int64("9223372036854775807").value, kMax);
  EXPECT_EQ(parse_int64("-9223372036854775808").value, kMin);
  EXPECT_EQ(parse_int64("9223372036854775808").error, NumberError::kOverflow);
  EXPECT_EQ(parse_int64("-9223372036854775809").error, NumberError::kOverflow);
  EXPECT_EQ(parse_int64("99999999999999999999").error, NumberError::kOverflow);
  EXPECT_EQ(parse_int64("").error, NumberError::kEmpty);
  EXPECT_EQ(parse_int64("-").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_int64("12a").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_int64("1.0").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_int64(" 1").error, NumberError::kNotANumber);
}

TEST(ParseMoney, ExactMicros) {
  EXPECT_EQ(parse_money_micros("2.55").micros, 2'550'000);
  EXPECT_EQ(parse_money_micros("-0.5").micros, -500'000);
  EXPECT_EQ(parse_money_micros("0.001").micros, 1'000);
  EXPECT_EQ(parse_money_micros(".5").micros, 500'000);
  EXPECT_EQ(parse_money_micros("3.").micros, 3'000'000);
  EXPECT_EQ(parse_money_micros("+11062.06").micros, 11'062'060'000);
  EXPECT_EQ(parse_money_micros("1.123456").micros, 1'123'456);
  EXPECT_EQ(parse_money_micros("2.5500000").micros, 2'550'000);  // trailing zeros beyond 6 are exact
  EXPECT_EQ(parse_money_micros("-0").micros, 0);
  EXPECT_EQ(parse_money_micros("9223372036854.775807").micros, kMax);  // 2^63 - 1 micros
  EXPECT_EQ(parse_money_micros("-9223372036854.775808").micros, kMin);
}

TEST(ParseMoney, RejectionsWithReasons) {
  EXPECT_EQ(parse_money_micros("").error, NumberError::kEmpty);
  EXPECT_EQ(parse_money_micros("1e3").error, NumberError::kExponent);
  EXPECT_EQ(parse_money_micros("2.5E-1").error, NumberError::kExponent);
  EXPECT_EQ(parse_money_micros("NaN").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("-inf").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("Infinity").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("1,000.00").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("$3").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros(".").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("-").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("e5").error, NumberError::kNotANumber);
  EXPECT_EQ(parse_money_micros("1.2345678").error, NumberError::kTooManyDecimals);
  EXPECT_EQ(parse_money_micros("9223372036854.775808").error, NumberError::kOverflow);
  EXPECT_EQ(parse_money_micros("-9223372036854.775809").error, NumberError::kOverflow);
  EXPECT_EQ(parse_money_micros("10000000000000").error, NumberError::kOverflow);
}

TEST(LineAmount, RoundsHalfAwayFromZero) {
  EXPECT_EQ(line_amount_cents(6, 2'550'000).cents, 1530);  // 6 x 2.55 = 15.30
  EXPECT_EQ(line_amount_cents(1, 5'000).cents, 1);          // 0.005 -> 0.01
  EXPECT_EQ(line_amount_cents(-1, 5'000).cents, -1);        // -0.005 -> -0.01
  EXPECT_EQ(line_amount_cents(1, -5'000).cents, -1);
  EXPECT_EQ(line_amount_cents(1, 4'999).cents, 0);
  EXPECT_EQ(line_amount_cents(1, -4'999).cents, 0);
  EXPECT_EQ(line_amount_cents(3, 1'000).cents, 0);          // 0.003
  EXPECT_EQ(line_amount_cents(5, 1'000).cents, 1);          // 0.005
  // UCI's largest cancellation (C581484, stock 23843, online_retail_2010_2011.csv.gz):
  // -80995 x 2.08 = -168,469.60 -> -16,846,960 cents.
  EXPECT_EQ(line_amount_cents(-80995, 2'080'000).cents, -16'846'960);
  EXPECT_EQ(line_amount_cents(0, 123).cents, 0);
  // 0.1 + 0.2 style drift cannot happen: 3 x 0.10 is exactly 30 cents.
  EXPECT_EQ(line_amount_cents(3, 100'000).cents, 30);
}

TEST(LineAmount, OverflowIsAnError) {
  EXPECT_EQ(line_amount_cents(kMax, 2).error, NumberError::kOverflow);
  EXPECT_EQ(line_amount_cents(10'000'000'000, 1'000'000'000).error, NumberError::kOverflow);
  EXPECT_EQ(line_amount_cents(kMin, -1).error, NumberError::kOverflow);
  EXPECT_TRUE(line_amount_cents(kMax, 1).ok());
  // kMax micros = 922,337,203,685,477.5807 cents: the fraction .5807 rounds up.
  EXPECT_EQ(line_amount_cents(kMax, 1).cents, kMax / 10'000 + 1);
  EXPECT_EQ(line_amount_cents(kMin, 1).cents, kMin / 10'000 - 1);
}

TEST(MicrosToCents, Rounding) {
  // Half away from zero: 2.555 -> 2.56, -2.555 -> -2.56, 2.554999 -> 2.55.
  EXPECT_EQ(micros_to_cents(2'555'000), 256);
  EXPECT_EQ(micros_to_cents(-2'555'000), -256);
  EXPECT_EQ(micros_to_cents(2'554'999), 255);
}

// The short-text fast paths of parse_int64 / parse_money_micros must give what the full grammar
// gives. A leading '+' never takes a fast path, so "+X" is the full grammar's answer for "X"
// (and its negation for "-X"); generated texts cover digit counts around the fast paths' limits.
TEST(ExactNumber, FastPathsAgreeWithTheFullGrammar) {
  std::mt19937 rng(3);
  const char pieces[] = {'0', '1', '9', '5', '.', '-', 'e', ' ', '7', '3'};
  for (int n = 0; n < 300000; ++n) {
    std::string t;
    const int len = static_cast<int>(rng() % 24);
    for (int i = 0; i < len; ++i) t += rng() % 3 ? static_cast<char>('0' + rng() % 10) : pieces[rng() % sizeof pieces];
    if (rng() % 2 && !t.empty()) t[0] = '-';
    const bool negative = !t.empty() && t[0] == '-';
    const std::string plus = "+" + (negative ? t.substr(1) : t);
    const MoneyParse m = parse_money_micros(t), mp = parse_money_micros(plus);
    const IntParse i = parse_int64(t), ip = parse_int64(plus);
    if (t.size() == (negative ? 1U : 0U)) continue;  // "" is kEmpty, "+" is not: no fast path either way
    ASSERT_EQ(m.ok(), mp.ok()) << t;
    if (m.ok()) ASSERT_EQ(m.micros, negative ? -mp.micros : mp.micros) << t;
    else ASSERT_EQ(m.error, mp.error) << t;
    ASSERT_EQ(i.ok(), ip.ok()) << t;
    if (i.ok()) ASSERT_EQ(i.value, negative ? -ip.value : ip.value) << t;
    else ASSERT_EQ(i.error, ip.error) << t;
  }
}

}  // namespace
}  // namespace crmpi::ingest
