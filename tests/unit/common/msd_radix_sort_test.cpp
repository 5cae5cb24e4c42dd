#include "kernels/common/merge_runs.hpp"
#include "kernels/common/msd_radix_sort.hpp"
#include "tests/sanitized_build.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <random>
#include <tuple>
#include <vector>

namespace crmpi {
namespace {

// A record the size of the ingest's order lines: a sort key, later criteria, and a payload that
// must travel with its record.
struct Record {
  std::uint64_t key = 0;
  std::uint32_t second = 0;
  std::uint64_t third = 0;
  std::array<std::uint64_t, 6> payload{};
};

struct RecordLess {
  bool operator()(const Record& a, const Record& b) const {
    return std::tie(a.key, a.second, a.third) < std::tie(b.key, b.second, b.third);
  }
};

std::uint64_t shaped_key(std::mt19937_64& rng, int shape) {
  const std::uint64_t r = rng();
  switch (shape) {
    case 0: return r;                                 // full 64 bits
    case 1: return r % 200000 + 12346;                // numeric ids: low 3 bytes vary
    case 2: return (r % 50) << 40;                    // only middle bits vary
    case 3: return 0xFFFFFFFFFFFFFFFFULL - (r % 7);   // near the top, shared high bits
    case 4: return r % 3;                             // few keys: long runs for the comparator
    default: return 42;                               // one key
  }
}

TEST(MsdRadixSort, SameSequenceAsStdSortOnManyShapesAndSizes) {
  std::mt19937_64 rng(5);
  // The largest size leaves more than kSmallBucket full keys in each first-byte bucket, so the
  // sort recurses, at 30,000 (the sanitizer build) as at 200,000.
  const std::size_t largest = crmpi_test::kSanitizedBuild ? 30000 : 200000;
  for (std::size_t n : {0UL, 1UL, 2UL, 63UL, 64UL, 65UL, 257UL, 5000UL, largest}) {
    for (int shape = 0; shape < 6; ++shape) {
      std::vector<Record> v(n);
      for (std::size_t i = 0; i < n; ++i) {
        v[i].key = shaped_key(rng, shape);
        v[i].second = static_cast<std::uint32_t>(rng() % 4);
        v[i].third = i;  // makes the order total, so the expected sequence is unique
        v[i].payload.fill(v[i].key ^ (i * 0x9E3779B97F4A7C15ULL));
      }
      std::vector<Record> want = v;
      std::sort(want.begin(), want.end(), RecordLess{});
      msd_radix_sort(v.data(), v.data() + v.size(), [](const Record& r) { return r.key; }, RecordLess{});
      ASSERT_EQ(v.size(), want.size());
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(v[i].key, want[i].key) << "n " << n << " shape " << shape << " at " << i;
        ASSERT_EQ(v[i].third, want[i].third) << "n " << n << " shape " << shape << " at " << i;
        ASSERT_EQ(v[i].payload, want[i].payload) << "payload moved apart from its record at " << i;
      }
    }
  }
}

// The key may be only a prefix of what the comparator orders by (the ingest's customer keys
// longer than 8 bytes): records with one key but different later criteria stay correctly ordered.
TEST(MsdRadixSort, KeyPrefixThenComparator) {
  std::mt19937_64 rng(9);
  std::vector<Record> v(50000);
  for (auto& r : v) {
    r.key = (rng() % 8) << 56;  // 8 keys, differing only in the top byte
    r.second = static_cast<std::uint32_t>(rng());
    r.third = rng();
  }
  std::vector<Record> want = v;
  std::sort(want.begin(), want.end(), RecordLess{});
  msd_radix_sort(v.data(), v.data() + v.size(), [](const Record& r) { return r.key; }, RecordLess{});
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end(), RecordLess{}));
  for (std::size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i].third, want[i].third) << "at " << i;
}

TEST(MergeSortedRuns, AnyNumberOfRunsOfAnyLength) {
  std::mt19937_64 rng(3);
  for (std::size_t nruns : {0UL, 1UL, 2UL, 3UL, 4UL, 7UL}) {
    std::vector<int> v;
    std::vector<std::uint64_t> runs;
    for (std::size_t k = 0; k < nruns; ++k) {
      const std::size_t len = k == 1 ? 0 : rng() % 1000;  // an empty run among them
      std::vector<int> run(len);
      for (auto& x : run) x = static_cast<int>(rng() % 500);
      std::sort(run.begin(), run.end());
      v.insert(v.end(), run.begin(), run.end());
      runs.push_back(len);
    }
    std::vector<int> want = v;
    std::sort(want.begin(), want.end());
    merge_sorted_runs(v.begin(), runs);
    EXPECT_EQ(v, want) << nruns << " runs";
  }
  std::vector<int> desc = {9, 5, 1, 8, 2};
  merge_sorted_runs(desc.begin(), {3, 2}, std::greater<>{});
  EXPECT_EQ(desc, (std::vector<int>{9, 8, 5, 2, 1}));
}

}  // namespace
}  // namespace crmpi
