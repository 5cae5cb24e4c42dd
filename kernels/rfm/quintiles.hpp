// Quintile scores that are exact, tie-safe and independent of how customers are partitioned.
//
// A value v among n values gets   score(v) = 1 + floor(5 * L(v) / n),
// where L(v) is the number of values strictly smaller than v. Equal values share L and hence
// the score; a score can be skipped when one value is very common (e.g. 40% buy once).
// Equivalently score(v) = 1 + #{k in 1..4 : v > s[ceil(k*n/5) - 1]} with s the sorted values,
// so four exact order statistics ("cut points") found across ranks are all a rank needs.
// Recency is scored on its negation, so recent customers get 5.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace crmpi::rfm {

// 0-based sorted positions whose values are the cut points: ceil(k*n/5) - 1 for k = 1..4,
// or nullopt when ceil(k*n/5) == 0 (only for n == 0).
std::array<std::optional<std::uint64_t>, 4> quintile_positions(std::uint64_t n);

struct CutPoints {
  std::array<std::optional<std::int64_t>, 4> value;  // nullopt: boundary always passed
};

inline std::uint8_t score(std::int64_t v, const CutPoints& cuts) {
  std::uint8_t s = 1;
  for (const auto& c : cuts.value) s = static_cast<std::uint8_t>(s + (!c || v > *c ? 1 : 0));
  return s;
}

}  // namespace crmpi::rfm
