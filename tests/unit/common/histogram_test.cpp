// histogram_in_range: the local step of the distributed exact selection. Expected counts are
// hand counts of the listed values per bin.
#include "kernels/common/histogram.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace crmpi {
namespace {

TEST(Histogram, CountsOnlyValuesInRange) {
  const std::vector<std::int64_t> v = {-5, 0, 1, 2, 3, 10, 11, 12, 100};
  std::vector<std::uint64_t> counts(4, 0);
  histogram_in_range(v, 0, 11, 3, counts);  // bins [0,2] [3,5] [6,8] [9,11]
  EXPECT_EQ(counts, (std::vector<std::uint64_t>{3, 1, 0, 2}));
}

TEST(Histogram, HandlesTheFullInt64Range) {
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  const std::vector<std::int64_t> v = {lo, -1, 0, hi};
  std::vector<std::uint64_t> counts(4096, 0);
  const std::uint64_t width = std::numeric_limits<std::uint64_t>::max() / 4096 + 1;
  histogram_in_range(v, lo, hi, width, counts);
  EXPECT_EQ(counts.front(), 1u);
  EXPECT_EQ(counts.back(), 1u);
  EXPECT_EQ(counts[2047] + counts[2048], 2u);  // -1 and 0 straddle the middle
}

}  // namespace
}  // namespace crmpi
