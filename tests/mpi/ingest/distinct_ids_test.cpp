// SeenIds + distinct_count: the exact number of distinct ids over all ranks, whatever the split of
// the input, with enough ids per rank to go through several compactions (appended tails sorted
// and merged into the distinct part) and with consecutive repeats skipped on the way.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/distributed_strings.hpp"

namespace {

using crmpi::Comm;
using crmpi::ingest_job::SeenIds;

// The i-th id of the input: 1.5M distinct values, each seen several times, sometimes on
// consecutive lines (as an invoice's lines are), mixed so that values are not in order.
std::uint64_t id_at(std::uint64_t i) {
  const std::uint64_t base = (i / 3) % 1500000;            // runs of 3 equal ids
  return (base * 0x9E3779B97F4A7C15ULL) ^ (base >> 7);     // injective on base, unordered
}

TEST(DistinctIds, ExactCountAndSortedValuesAtAnyRankCount) {
  Comm comm;
  constexpr std::uint64_t kLines = 6000000;  // > 2^20 adds on every rank at 1..4 ranks
  const auto p = static_cast<std::uint64_t>(comm.size());
  const auto r = static_cast<std::uint64_t>(comm.rank());
  // An uneven split: rank r's share grows with r.
  auto bound = [&](std::uint64_t k) { return kLines * k * (k + 1) / (p * (p + 1)); };
  SeenIds seen;
  std::vector<std::uint64_t> mine;
  for (std::uint64_t i = bound(r); i < bound(r + 1); ++i) {
    seen.add(id_at(i));
    mine.push_back(id_at(i));
  }
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  EXPECT_EQ(seen.values(), mine);
  EXPECT_EQ(crmpi::ingest_job::distinct_count(comm, seen), std::uint64_t{1500000});
}

TEST(DistinctIds, EmptyRanksAndNoIds) {
  Comm comm;
  SeenIds seen;
  if (comm.rank() == comm.size() - 1)
    for (std::uint64_t i = 0; i < 10; ++i) seen.add(i % 4);  // 0 1 2 3 0 1 2 3 0 1
  EXPECT_EQ(crmpi::ingest_job::distinct_count(comm, seen), std::uint64_t{4});
  SeenIds none;
  EXPECT_TRUE(none.values().empty());
  EXPECT_EQ(crmpi::ingest_job::distinct_count(comm, none), std::uint64_t{0});
}

}  // namespace
