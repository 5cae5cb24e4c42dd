#include "kernels/ingest/date_parse.hpp"

#include "kernels/common/civil_date.hpp"

namespace crmpi::ingest {
namespace {

// Reads between min_digits and max_digits decimal digits at text[pos]; advances pos.
bool read_number(std::string_view text, std::size_t& pos, int min_digits, int max_digits, int& value) {
  int n = 0;
  value = 0;
  while (pos < text.size() && n < max_digits && text[pos] >= '0' && text[pos] <= '9') {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++n;
  }
  return n >= min_digits;
}

bool read_char(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

DateError check_date(int year, int month, int day) {
  if (year < 1 || year > 9999) return DateError::kBadYear;
  if (month < 1 || month > 12) return DateError::kBadMonth;
  if (day < 1 || day > static_cast<int>(days_in_month(year, static_cast<unsigned>(month)))) return DateError::kBadDay;
  return DateError::kNone;
}

// H[H]:MM[:SS[.fff]] at text[pos]; hour_min_digits 2 for ISO, 1 for the US style.
DateError read_time(std::string_view text, std::size_t& pos, int hour_min_digits, std::int32_t& seconds) {
  int h = 0, m = 0, s = 0;
  if (!read_number(text, pos, hour_min_digits, 2, h) || !read_char(text, pos, ':') ||
      !read_number(text, pos, 2, 2, m)) {
    return DateError::kBadFormat;
  }
  if (read_char(text, pos, ':')) {
    if (!read_number(text, pos, 2, 2, s)) return DateError::kBadFormat;
    if (read_char(text, pos, '.')) {
      int fraction = 0;
      if (!read_number(text, pos, 1, 9, fraction)) return DateError::kBadFormat;
    }
  }
  if (h > 23 || m > 59 || s > 59) return DateError::kBadTime;
  seconds = h * 3600 + m * 60 + s;
  return DateError::kNone;
}

DateTimeParse finish(int year, int month, int day, std::int32_t seconds, DateError time_error) {
  DateTimeParse r;
  r.error = check_date(year, month, day);
  if (r.error == DateError::kNone) r.error = time_error;
  if (r.error != DateError::kNone) return r;
  r.days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  r.seconds = seconds;
  return r;
}

DateTimeParse fail(DateError e) {
  DateTimeParse r;
  r.error = e;
  return r;
}

}  // namespace

const char* describe(DateError error) {
  switch (error) {
    case DateError::kNone: return "ok";
    case DateError::kEmpty: return "empty date";
    case DateError::kBadFormat: return "unrecognised date format";
    case DateError::kBadYear: return "year outside 0001..9999";
    case DateError::kBadMonth: return "month outside 1..12";
    case DateError::kBadDay: return "day does not exist in that month";
    case DateError::kBadTime: return "impossible time of day";
  }
  return "unknown date error";
}

namespace {

// The most common export timestamp, "YYYY-MM-DD HH:MM:SS", read at fixed positions. Only a valid
// one is returned; anything else (other shapes, impossible values) goes to the general parser,
// which gives the reason, so the result is always the general parser's.
bool parse_iso_seconds(std::string_view t, DateTimeParse& out) {
  if (t.size() != 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':') return false;
  constexpr int kDigitAt[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
  for (const int i : kDigitAt)
    if (t[static_cast<std::size_t>(i)] < '0' || t[static_cast<std::size_t>(i)] > '9') return false;
  auto two = [&](std::size_t i) { return (t[i] - '0') * 10 + (t[i + 1] - '0'); };
  const int year = two(0) * 100 + two(2), month = two(5), day = two(8), h = two(11), m = two(14), sec = two(17);
  if (check_date(year, month, day) != DateError::kNone || h > 23 || m > 59 || sec > 59) return false;
  out.days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  out.seconds = h * 3600 + m * 60 + sec;
  out.error = DateError::kNone;
  return true;
}

}  // namespace

DateTimeParse parse_datetime(std::string_view text, SlashOrder slash_order) {
  if (text.empty()) return fail(DateError::kEmpty);
  if (DateTimeParse fast; parse_iso_seconds(text, fast)) return fast;
  std::size_t pos = 0;
  int a = 0;
  bool digits_only = true;  // a plain loop: find_first_not_of tests each byte against all ten digits
  for (const char c : text) {
    if (c < '0' || c > '9') {
      digits_only = false;
      break;
    }
  }
  if (digits_only) {  // YYYYMMDD
    if (text.size() != 8) return fail(DateError::kBadFormat);
    int y = 0, m = 0, d = 0;
    read_number(text, pos, 4, 4, y);
    read_number(text, pos, 2, 2, m);
    read_number(text, pos, 2, 2, d);
    return finish(y, m, d, kNoTime, DateError::kNone);
  }
  if (!read_number(text, pos, 1, 4, a)) return fail(DateError::kBadFormat);
  std::int32_t seconds = kNoTime;
  DateError time_error = DateError::kNone;
  if (pos == 4 && read_char(text, pos, '-')) {  // ISO 8601
    int m = 0, d = 0;
    if (!read_number(text, pos, 2, 2, m) || !read_char(text, pos, '-') || !read_number(text, pos, 2, 2, d)) {
      return fail(DateError::kBadFormat);
    }
    if (pos < text.size()) {
      const bool t_sep = text[pos] == 'T';
      if (!t_sep && text[pos] != ' ') return fail(DateError::kBadFormat);
      ++pos;
      time_error = read_time(text, pos, 2, seconds);
      if (time_error == DateError::kBadFormat) return fail(time_error);
      if (t_sep) read_char(text, pos, 'Z');
      if (pos != text.size()) return fail(DateError::kBadFormat);
    }
    return finish(a, m, d, seconds, time_error);
  }
  if (pos <= 2 && read_char(text, pos, '/')) {  // M/D/YYYY or D/M/YYYY
    int b = 0, y = 0;
    if (!read_number(text, pos, 1, 2, b) || !read_char(text, pos, '/') || !read_number(text, pos, 4, 4, y)) {
      return fail(DateError::kBadFormat);
    }
    if (pos < text.size()) {
      if (!read_char(text, pos, ' ')) return fail(DateError::kBadFormat);
      time_error = read_time(text, pos, 1, seconds);
      if (time_error == DateError::kBadFormat || pos != text.size()) return fail(DateError::kBadFormat);
    }
    return slash_order == SlashOrder::kMonthFirst ? finish(y, a, b, seconds, time_error)
                                                  : finish(y, b, a, seconds, time_error);
  }
  return fail(DateError::kBadFormat);
}

}  // namespace crmpi::ingest
