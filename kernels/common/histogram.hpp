// Counting values into equal-width bins of a range: the local step of the distributed exact
// selection (comm/exact_select), where the bins of all ranks are added with an integer allreduce.
#pragma once

#include <cstdint>
#include <span>

namespace crmpi {

// Adds each value in [lo, hi] to bin (v - lo) / width of `counts`; values outside [lo, hi] are
// skipped. The caller makes (hi - lo) / width < counts.size(). Differences are taken in uint64,
// so the full int64 range works.
void histogram_in_range(std::span<const std::int64_t> values, std::int64_t lo, std::int64_t hi,
                        std::uint64_t width, std::span<std::uint64_t> counts);

}  // namespace crmpi
