// Date/time parsing: day numbers against <chrono>, every accepted format, and each rejection reason.
#include "kernels/ingest/date_parse.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "kernels/common/civil_date.hpp"

namespace crmpi::ingest {
namespace {

// Days since 1970-01-01 from the standard library's calendar (C++20 <chrono>), independent of
// crmpi's days_from_civil.
std::int32_t std_days(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<std::int32_t>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count());
}

TEST(ParseDatetime, KnownDayNumbers) {
  // Python: (datetime.date(Y, M, D) - datetime.date(1970, 1, 1)).days gives 0, -1, 14944, 9862, -719162.
  EXPECT_EQ(parse_datetime("19700101").days, 0);
  EXPECT_EQ(parse_datetime("1969-12-31").days, -1);
  EXPECT_EQ(parse_datetime("2010-12-01 08:26:00").days, 14944);
  EXPECT_EQ(parse_datetime("19970101").days, 9862);
  EXPECT_EQ(parse_datetime("0001-01-01").days, -719162);
  EXPECT_EQ(std_days(2010, 12, 1), 14944);  // the literals agree with <chrono>
  EXPECT_EQ(std_days(1, 1, 1), -719162);
}

struct Case {
  const char* text;
  int y, m, d;
  std::int32_t seconds;
};

TEST(ParseDatetime, AllAcceptedFormats) {
  const Case cases[] = {
      {"19970101", 1997, 1, 1, kNoTime},
      {"2011-12-09", 2011, 12, 9, kNoTime},
      {"2010-12-01 08:26", 2010, 12, 1, 8 * 3600 + 26 * 60},
      {"2010-12-01 08:26:07", 2010, 12, 1, 8 * 3600 + 26 * 60 + 7},
      {"2010-12-01 08:26:07.250", 2010, 12, 1, 8 * 3600 + 26 * 60 + 7},
      {"2010-12-01T23:59:59", 2010, 12, 1, 86399},
      {"2010-12-01T00:00:00Z", 2010, 12, 1, 0},
      {"12/1/2010 8:26", 2010, 12, 1, 8 * 3600 + 26 * 60},
      {"12/01/2010", 2010, 12, 1, kNoTime},
      {"1/9/2011 17:05:30", 2011, 1, 9, 17 * 3600 + 5 * 60 + 30},
      {"2012-02-29", 2012, 2, 29, kNoTime},
      {"20000229", 2000, 2, 29, kNoTime},
  };
  for (const Case& c : cases) {
    const DateTimeParse p = parse_datetime(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << describe(p.error);
    EXPECT_EQ(p.days, std_days(c.y, static_cast<unsigned>(c.m), static_cast<unsigned>(c.d))) << c.text;
    EXPECT_EQ(p.seconds, c.seconds) << c.text;
  }
}

TEST(ParseDatetime, DayFirstSlashOrder) {
  const DateTimeParse p = parse_datetime("1/9/2011", SlashOrder::kDayFirst);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.days, std_days(2011, 9, 1));
  EXPECT_EQ(parse_datetime("13/1/2011", SlashOrder::kMonthFirst).error, DateError::kBadMonth);
  EXPECT_TRUE(parse_datetime("13/1/2011", SlashOrder::kDayFirst).ok());
}

TEST(ParseDatetime, ImpossibleDatesAndTimesWithReasons) {
  const std::pair<const char*, DateError> bad[] = {
      {"", DateError::kEmpty},
      {"2011-02-30", DateError::kBadDay},
      {"2011-02-29", DateError::kBadDay},
      {"19000229", DateError::kBadDay},
      {"2011-13-01", DateError::kBadMonth},
      {"2011-00-10", DateError::kBadMonth},
      {"2011-04-31", DateError::kBadDay},
      {"2011-04-00", DateError::kBadDay},
      {"00000101", DateError::kBadYear},
      {"2/30/2011", DateError::kBadDay},
      {"2010-12-01 24:00", DateError::kBadTime},
      {"2010-12-01 23:60", DateError::kBadTime},
      {"2010-12-01 23:59:60", DateError::kBadTime},
      {"2010-12-01 8:26", DateError::kBadFormat},
      {"2010-12-01T08:26:00+01:00", DateError::kBadFormat},
      {"2010-12-01 08:26:00Z ", DateError::kBadFormat},
      {"2010-12-1", DateError::kBadFormat},
      {"1997011", DateError::kBadFormat},
      {"199701011", DateError::kBadFormat},
      {"2010/12/01", DateError::kBadFormat},
      {"12/1/10", DateError::kBadFormat},
      {" 2010-12-01", DateError::kBadFormat},
      {"12/1/2010 8:26 PM", DateError::kBadFormat},
      {"yesterday", DateError::kBadFormat},
  };
  for (const auto& [text, error] : bad) {
    const DateTimeParse p = parse_datetime(text);
    EXPECT_EQ(p.error, error) << "'" << text << "' gave " << describe(p.error);
  }
}

TEST(ParseDatetime, RoundTripsThroughIsoFormatting) {
  for (std::int32_t d = -1000; d <= 20000; d += 7) {
    const DateTimeParse p = parse_datetime(format_iso_date(d));
    ASSERT_TRUE(p.ok()) << d;
    EXPECT_EQ(p.days, d);
  }
}

}  // namespace
}  // namespace crmpi::ingest
