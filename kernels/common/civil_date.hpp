// Calendar days <-> civil dates (proleptic Gregorian), with no locale or time-zone dependence.
// crmpi stores every date as int32 days since 1970-01-01 (see docs/schema.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmpi {

// Howard Hinnant's days_from_civil: exact for every representable year.
constexpr std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int32_t>(era * 146097 + static_cast<int>(doe) - 719468);
}

struct CivilDate {
  int year;
  unsigned month;
  unsigned day;
};

constexpr CivilDate civil_from_days(std::int32_t z_in) {
  const int z = z_in + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(int y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29u : kDays[m - 1];
}

// Strict "YYYY-MM-DD"; nullopt for anything else, including impossible dates (2023-02-30).
std::optional<std::int32_t> parse_iso_date(std::string_view s);

// "YYYY-MM-DD".
std::string format_iso_date(std::int32_t day);

}  // namespace crmpi
