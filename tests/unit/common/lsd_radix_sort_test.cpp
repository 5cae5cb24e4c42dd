// lsd_radix_sort (kernels/common/lsd_radix_sort.hpp): the same sequence as std::stable_sort by key,
// on keys of many shapes (bytes that vary, bytes all keys share, few keys, one key) and sizes.
#include "kernels/common/lsd_radix_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace crmpi {
namespace {

struct Record {
  std::uint64_t key = 0;
  std::uint64_t index = 0;  // input position: tells whether equal keys kept their order
};

std::uint64_t shaped_key(std::mt19937_64& rng, int shape) {
  const std::uint64_t r = rng();
  switch (shape) {
    case 0: return r;                                // every byte varies
    case 1: return r % 200000 + 12346;               // low 3 bytes vary
    case 2: return (r % 50) << 40;                   // only a middle byte varies
    case 3: return 0xFFFFFFFFFFFFFFFFULL - (r % 7);  // the low byte only, under shared high bytes
    case 4: {                                        // packed ranks, Zipf-like: most start small
      std::uint64_t k = 0;
      for (int j = 0; j < 5; ++j) k = (k << 11) | (rng() % (j == 0 ? 8 : 2000));
      return k;
    }
    case 5: return r % 3;  // few keys: long runs of equal keys
    default: return 42;    // one key: no pass at all
  }
}

TEST(LsdRadixSort, SameSequenceAsStableSortOnManyShapesAndSizes) {
  std::mt19937_64 rng(17);
  for (std::size_t n : {0UL, 1UL, 2UL, 255UL, 256UL, 257UL, 5000UL, 200000UL}) {
    for (int shape = 0; shape < 7; ++shape) {
      std::vector<Record> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = Record{shaped_key(rng, shape), i};
      std::vector<Record> want = v;
      std::stable_sort(want.begin(), want.end(), [](const Record& a, const Record& b) { return a.key < b.key; });
      lsd_radix_sort(v, [](const Record& r) { return r.key; });
      ASSERT_EQ(v.size(), want.size());
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(v[i].key, want[i].key) << "n " << n << " shape " << shape << " at " << i;
        ASSERT_EQ(v[i].index, want[i].index) << "n " << n << " shape " << shape << " at " << i;
      }
    }
  }
}

}  // namespace
}  // namespace crmpi
