// Dates and times of order exports, parsed to int32 days since 1970-01-01 (the crmpi date type)
// and seconds of day. Calendar arithmetic comes from kernels/common/civil_date.hpp (Hinnant's
// days_from_civil / civil_from_days): no locale, no time zone, no <ctime>. Times are taken as written (no zone conversion); a trailing
// 'Z' is accepted, other zone offsets are rejected.
//
// Accepted (whole text, no surrounding blanks):
//   YYYYMMDD                       19970101           (CDNOW)
//   YYYY-MM-DD                     2011-12-09
//   YYYY-MM-DD HH:MM[:SS[.fff]]    2010-12-01 08:26:00  (fraction truncated)
//   YYYY-MM-DDTHH:MM[:SS[.fff]][Z] 2010-12-01T08:26:00Z
//   M/D/YYYY [H:MM[:SS]]           12/1/2010 8:26, 12/01/2010   (month first by default; set
//                                  SlashOrder::kDayFirst for D/M/YYYY exports; no AM/PM)
// Years 0001..9999. Impossible dates (month 13, Feb 30, Feb 29 outside leap years) and times
// (24:00, minute 60, second 60) are rejected with a reason.
#pragma once

#include <cstdint>
#include <string_view>

namespace crmpi::ingest {

enum class DateError : std::uint8_t { kNone, kEmpty, kBadFormat, kBadYear, kBadMonth, kBadDay, kBadTime };
const char* describe(DateError error);

enum class SlashOrder : std::uint8_t { kMonthFirst, kDayFirst };

inline constexpr std::int32_t kNoTime = -1;

struct DateTimeParse {
  std::int32_t days = 0;
  std::int32_t seconds = kNoTime;  // seconds of day 0..86399, kNoTime when the text had no time
  DateError error = DateError::kNone;
  bool ok() const { return error == DateError::kNone; }
};

DateTimeParse parse_datetime(std::string_view text, SlashOrder slash_order = SlashOrder::kMonthFirst);

// Formatting days back to text is crmpi::format_iso_date (kernels/common/civil_date.hpp).

}  // namespace crmpi::ingest
