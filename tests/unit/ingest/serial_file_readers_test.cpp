// Which ranks read which gzip file: largest first to the least loaded rank, extra ranks by bytes per reader.
#include "kernels/ingest/serial_file_readers.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "kernels/common/errors.hpp"

namespace crmpi::ingest {
namespace {

using Readers = std::vector<std::vector<int>>;

TEST(SerialFileReaders, OneFileIsReadByEveryRank) {
  const std::vector<std::uint64_t> sizes = {100};
  EXPECT_EQ(serial_file_readers(sizes, 1), (Readers{{0}}));
  EXPECT_EQ(serial_file_readers(sizes, 4), (Readers{{0, 1, 2, 3}}));
}

TEST(SerialFileReaders, ManyFilesGoLargestFirstToTheLeastLoadedRank) {
  const std::vector<std::uint64_t> sizes = {10, 50, 30, 30, 20};
  // Hand trace: 50 (file 1) -> r0; 30 (file 2) -> r1; 30 (file 3) -> r2; 20 (file 4): r1 and r2
  // tie at 30, the lower rank r1 takes it (loads 50, 50, 30); 10 (file 0) -> r2, the least loaded.
  EXPECT_EQ(serial_file_readers(sizes, 3), (Readers{{2}, {0}, {1}, {2}, {1}}));
  EXPECT_EQ(serial_file_readers(sizes, 1), (Readers{{0}, {0}, {0}, {0}, {0}}));
}

TEST(SerialFileReaders, FewerFilesThanRanksShareRanksBySizePerReader) {
  const std::vector<std::uint64_t> sizes = {300, 100};
  // One each, then the 3 extra ranks to the file with the most bytes per reader: 300/1, 300/2,
  // then 100/1 = 300/3 ties and the lower index (file 0) wins.
  EXPECT_EQ(serial_file_readers(sizes, 5), (Readers{{0, 1, 2, 3}, {4}}));
  EXPECT_EQ(serial_file_readers(sizes, 3), (Readers{{0, 1}, {2}}));
}

TEST(SerialFileReaders, EveryRankReadsAtMostItsShareAndEveryFileHasReaders) {
  for (int p = 1; p <= 9; ++p) {
    for (std::size_t n = 0; n <= 12; ++n) {
      std::vector<std::uint64_t> sizes;
      for (std::size_t f = 0; f < n; ++f) sizes.push_back((f * 7919) % 13 + 1);
      const Readers r = serial_file_readers(sizes, p);
      ASSERT_EQ(r.size(), n);
      std::vector<int> files_of_rank(static_cast<std::size_t>(p), 0);
      for (const auto& g : r) {
        ASSERT_FALSE(g.empty());
        for (std::size_t k = 0; k < g.size(); ++k) {
          ASSERT_GE(g[k], 0);
          ASSERT_LT(g[k], p);
          if (k > 0) {
            EXPECT_LT(g[k - 1], g[k]);
          }
          ++files_of_rank[static_cast<std::size_t>(g[k])];
        }
      }
      // Fewer files than ranks: each rank reads exactly one; otherwise each reads at least one.
      for (int c : files_of_rank) {
        if (n < static_cast<std::size_t>(p)) {
          EXPECT_EQ(c, n == 0 ? 0 : 1);
        } else {
          EXPECT_GE(c, 1);
        }
      }
    }
  }
  EXPECT_THROW(serial_file_readers(std::vector<std::uint64_t>{1}, 0), ConfigError);
}

}  // namespace
}  // namespace crmpi::ingest
