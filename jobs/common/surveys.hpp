// The survey table (/surveys, sorted by customer id) as the stages read it: each rank only the
// rows of its own customers, found by binary search (no rank reads the whole table).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "io/input_file.hpp"

namespace crmpi {

// Per customer of `ids` (sorted ascending): the latest survey score by as_of (ties: the later
// row), -1 for none. Without /surveys, all -1.
std::vector<int> latest_scores(InputFile& file, std::span<const std::uint64_t> ids, std::int32_t as_of);

}  // namespace crmpi
