#include "kernels/common/civil_date.hpp"

#include <array>

namespace crmpi {

std::optional<std::int32_t> parse_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t pos, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m))) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string format_iso_date(std::int32_t day) {
  const CivilDate c = civil_from_days(day);
  std::array<char, 16> buf{};
  const unsigned y = static_cast<unsigned>(c.year < 0 ? 0 : c.year);
  buf[0] = static_cast<char>('0' + y / 1000 % 10);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + c.month / 10);
  buf[6] = static_cast<char>('0' + c.month % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + c.day / 10);
  buf[9] = static_cast<char>('0' + c.day % 10);
  return std::string(buf.data(), 10);
}

}  // namespace crmpi
