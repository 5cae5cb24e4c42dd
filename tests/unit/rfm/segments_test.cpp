// RFM segment rules: every R/F/M cell has exactly one segment; gaps, overlaps and bad patterns are refused.
#include "kernels/rfm/segments.hpp"

#include <gtest/gtest.h>

#include <set>

#include "kernels/common/errors.hpp"

namespace crmpi::rfm {
namespace {

// The shipped table, as the job reads it (config/rfm_segments.toml), is checked by the jobs test;
// here the kernel's coverage rules are exercised directly.
std::vector<SegmentRule> shipped_rules() {
  return {{"Champions", {"5 4-5 *"}},
          {"Loyal Customers", {"3-4 4-5 *"}},
          {"Potential Loyalist", {"4-5 2-3 *"}},
          {"New Customers", {"5 1 *"}},
          {"Promising", {"4 1 *"}},
          {"Need Attention", {"3 3 *"}},
          {"About to Sleep", {"3 1-2 *"}},
          {"At Risk", {"1-2 3-4 1-4"}},
          {"Can't Lose Them", {"1-2 5 *", "1-2 3-4 5"}},
          {"Hibernating", {"2 1-2 *", "1 2 *"}},
          {"Lost", {"1 1 *"}}};
}

TEST(Segments, EveryCellHasExactlyOneSegment) {
  const SegmentMap map = build_segment_map(shipped_rules());
  ASSERT_EQ(map.names.size(), 12u);  // the 11 named segments + kNoPurchasesName at 0
  EXPECT_EQ(map.names[0], kNoPurchasesName);
  std::set<std::uint8_t> used;
  for (std::uint8_t r = 1; r <= 5; ++r)
    for (std::uint8_t f = 1; f <= 5; ++f)
      for (std::uint8_t m = 1; m <= 5; ++m) {
        const auto s = map.of(r, f, m);
        ASSERT_GE(s, 1);
        ASSERT_LT(s, map.names.size());
        used.insert(s);
      }
  EXPECT_EQ(used.size(), 11u) << "every named segment owns at least one cell";
  // By hand from shipped_rules(): 5 5 5 in "5 4-5 *", 1 1 1 in "1 1 *", 1 3 5 in "1-2 3-4 5",
  // 1 3 4 in "1-2 3-4 1-4", 5 1 3 in "5 1 *".
  EXPECT_EQ(map.names[map.of(5, 5, 5)], "Champions");
  EXPECT_EQ(map.names[map.of(1, 1, 1)], "Lost");
  EXPECT_EQ(map.names[map.of(1, 3, 5)], "Can't Lose Them");
  EXPECT_EQ(map.names[map.of(1, 3, 4)], "At Risk");
  EXPECT_EQ(map.names[map.of(5, 1, 3)], "New Customers");
}

TEST(Segments, RejectsUncoveredCells) {
  auto rules = shipped_rules();
  rules.pop_back();  // drop "Lost": R1 F1 * uncovered
  try {
    build_segment_map(rules);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cell R1 F1 M1 belongs to no segment"), std::string::npos) << e.what();
  }
}

TEST(Segments, RejectsOverlaps) {
  auto rules = shipped_rules();
  rules[0].cells.push_back("4 4 4");  // Loyal's cell
  try {
    build_segment_map(rules);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("R4 F4 M4 is claimed by both"), std::string::npos) << e.what();
  }
}

TEST(Segments, RejectsBadPatternsAndNames) {
  for (const char* bad : {"6 1 1", "1 1", "1 1 1 1", "3-1 * *", "a * *", "1-6 * *"}) {
    auto rules = shipped_rules();
    rules.push_back({"Extra", {bad}});
    EXPECT_THROW(build_segment_map(rules), ConfigError) << bad;
  }
  auto rules = shipped_rules();
  rules[1].name = "Champions";
  EXPECT_THROW(build_segment_map(rules), ConfigError);
  EXPECT_THROW(build_segment_map({}), ConfigError);
}

}  // namespace
}  // namespace crmpi::rfm
