// SeenIds + distinct_count: the exact number of distinct ids over all ranks, whatever the split of
// the input, with enough ids per rank to go through several compactions (appended tails sorted
// and merged into the distinct part) and with consecutive repeats skipped on the way. Expected
// counts follow from how the ids are built (id_at below); each rank's distinct values are
// checked against sort + unique of the ids it added.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "comm/comm.hpp"
#include "comm/distinct_count.hpp"
#include "kernels/common/seen_ids.hpp"
#include "tests/mpi/toolkit/partitions.hpp"

namespace crmpi {
namespace {

using crmpi_test::kShapes;
using crmpi_test::share;

// The i-th id of the input: base = (i / 3) mod 1.5M, so lines 0..3k-1 hold min(k, 1.5M) distinct
// bases, each in a run of 3 equal ids (as an invoice's lines are), mapped injectively to
// unordered values.
std::uint64_t id_at(std::uint64_t i) {
  const std::uint64_t base = (i / 3) % 1500000;
  return (base * 0x9E3779B97F4A7C15ULL) ^ (base >> 7);
}

std::uint64_t count_share(const Comm& comm, std::uint64_t b, std::uint64_t e) {
  SeenIds seen;
  std::vector<std::uint64_t> mine;
  for (std::uint64_t i = b; i < e; ++i) {
    seen.add(id_at(i));
    mine.push_back(id_at(i));
  }
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  const auto values = seen.values();
  EXPECT_EQ(values, mine);
  return distinct_count(comm, values);
}

TEST(DistinctCount, ExactAtAnyRankCountThroughSeveralCompactions) {
  const Comm comm;
  constexpr std::uint64_t kLines = 6000000;  // > 2^20 adds on every rank at 1..4 ranks
  const auto [b, e] = share(crmpi_test::Shape::kGeometric, kLines, comm.rank(), comm.size());
  EXPECT_EQ(count_share(comm, b, e), std::uint64_t{1500000});  // 2M runs, bases wrap at 1.5M
}

TEST(DistinctCount, SkewedAndEmptyPartitions) {
  const Comm comm;
  for (const std::uint64_t lines : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{30000}})
    for (const auto shape : kShapes) {
      const auto [b, e] = share(shape, lines, comm.rank(), comm.size());
      EXPECT_EQ(count_share(comm, b, e), (lines + 2) / 3) << lines << " lines, " << name(shape);
    }
}

TEST(DistinctCount, RepeatsAcrossRanksCountOnce) {
  const Comm comm;
  SeenIds seen;
  // Every rank sees 0 1 2 3 0 1 2 3 0 1: 4 distinct values in all.
  for (std::uint64_t i = 0; i < 10; ++i) seen.add(i % 4);
  EXPECT_EQ(distinct_count(comm, seen.values()), std::uint64_t{4});
  EXPECT_TRUE(SeenIds{}.values().empty());
}

}  // namespace
}  // namespace crmpi
