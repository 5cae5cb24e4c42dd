// Named RFM segments from a mapping table over the 5x5x5 cube of (R, F, M) scores.
//
// The table (config/rfm_segments.toml) lists, per segment, boxes of cells written "R F M" where
// each part is a score 1-5, a range "2-4" or "*". The table must cover each of the 125 cells
// exactly once; build_segment_map() says which cells are missing or claimed twice otherwise.
// Segment code 0 is reserved for customers with no order ("No Purchases").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace crmpi::rfm {

struct SegmentRule {
  std::string name;
  std::vector<std::string> cells;  // "R F M" patterns
};

struct SegmentMap {
  std::vector<std::string> names;     // names[0] == "No Purchases"
  std::array<std::uint8_t, 125> code{};  // cell (r-1)*25 + (f-1)*5 + (m-1) -> segment code
  std::uint8_t of(std::uint8_t r, std::uint8_t f, std::uint8_t m) const {
    return code[static_cast<std::size_t>((r - 1) * 25 + (f - 1) * 5 + (m - 1))];
  }
};

inline constexpr const char* kNoPurchasesName = "No Purchases";

// Throws crmpi::ConfigError naming the first problems (bad pattern, uncovered or overlapping cells).
SegmentMap build_segment_map(const std::vector<SegmentRule>& rules);

}  // namespace crmpi::rfm
