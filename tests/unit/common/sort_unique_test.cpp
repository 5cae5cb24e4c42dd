#include "kernels/common/sort_unique.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace crmpi {
namespace {

TEST(RadixSortU64, AgreesWithStdSortOnManyShapes) {
  std::mt19937_64 rng(17);
  for (std::size_t n : {0UL, 1UL, 2UL, 255UL, 256UL, 257UL, 5000UL, 100000UL}) {
    for (int shape = 0; shape < 5; ++shape) {
      std::vector<std::uint64_t> v(n);
      for (auto& x : v) {
        const std::uint64_t r = rng();
        x = shape == 0 ? r                                   // full 64 bits
            : shape == 1 ? r % 1000                          // small, many repeats
            : shape == 2 ? (r % 50) << 40                    // only high digits vary
            : shape == 3 ? 0xFFFFFFFFFFFFFFFFULL - (r % 7)  // near the top, shared digits
                         : 42;                               // all equal
      }
      std::vector<std::uint64_t> want = v, scratch;
      std::sort(want.begin(), want.end());
      radix_sort_u64(v, scratch);
      EXPECT_EQ(v, want) << "n " << n << " shape " << shape;
      std::vector<std::uint64_t> u = want;
      u.erase(std::unique(u.begin(), u.end()), u.end());
      std::shuffle(want.begin(), want.end(), rng);
      merge_unique_tail_u64(want, 0, scratch);  // no sorted part: sort and drop repeats
      EXPECT_EQ(want, u) << "n " << n << " shape " << shape;
    }
  }
}

TEST(MergeUniqueTailU64, SortedDistinctPartPlusAnyTail) {
  std::mt19937_64 rng(23);
  for (std::size_t head : {0UL, 1UL, 300UL, 20000UL}) {
    for (std::size_t tail : {0UL, 1UL, 255UL, 256UL, 50000UL}) {
      std::vector<std::uint64_t> keys;
      for (std::size_t i = 0; i < head + tail; ++i) keys.push_back(rng() % 30000);  // repeats within and across
      std::vector<std::uint64_t> want = keys;
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
      // Make the head part sorted and distinct, as the function requires.
      std::vector<std::uint64_t> h(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(head));
      std::sort(h.begin(), h.end());
      h.erase(std::unique(h.begin(), h.end()), h.end());
      std::vector<std::uint64_t> v = h, scratch;
      v.insert(v.end(), keys.begin() + static_cast<std::ptrdiff_t>(head), keys.end());
      const std::size_t n = merge_unique_tail_u64(v, h.size(), scratch);
      EXPECT_EQ(n, want.size());
      EXPECT_EQ(v, want) << "head " << head << " tail " << tail;
    }
  }
}

}  // namespace
}  // namespace crmpi
