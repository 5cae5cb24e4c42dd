#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "kernels/common/checksum.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi {
namespace {

TEST(CivilDate, RoundTripsEveryDayOfTwoCenturies) {
  for (std::int32_t d = -1000; d < 80000; ++d) {
    const CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2026, 9, 30), 20726);
  EXPECT_EQ(format_iso_date(20726), "2026-09-30");
}

TEST(CivilDate, ParsesOnlyRealIsoDates) {
  EXPECT_EQ(parse_iso_date("2024-02-29"), days_from_civil(2024, 2, 29));
  for (const char* bad : {"2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-4-1", "20230401", "", "abcd-ef-gh"})
    EXPECT_FALSE(parse_iso_date(bad).has_value()) << bad;
}

TEST(Checksum, SlicesCombineToTheWholeAndPositionsMatter) {
  std::vector<std::uint64_t> v(1000);
  std::iota(v.begin(), v.end(), 7);
  const auto whole = column_checksum<std::uint64_t>(v, 0);
  for (std::size_t cut : {0u, 1u, 333u, 999u, 1000u}) {
    const auto a = column_checksum<std::uint64_t>(std::span(v).first(cut), 0);
    const auto b = column_checksum<std::uint64_t>(std::span(v).subspan(cut), cut);
    EXPECT_EQ(a + b, whole);
  }
  std::swap(v[3], v[4]);
  EXPECT_NE(column_checksum<std::uint64_t>(v, 0), whole);
}

}  // namespace
}  // namespace crmpi
