// Byte-range shares: every record is owned by exactly one range and the shares cover the file.
#include "kernels/ingest/record_boundary.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crmpi::ingest {
namespace {

TEST(RecordBoundary, FirstRecordStartAfterOffset) {
  const std::string buf = "aa\nbbb\ncc";  // records start at bytes 0, 3 and 7
  EXPECT_EQ(find_record_start(buf, 0), 0U);
  EXPECT_EQ(find_record_start(buf, 1), 3U);
  EXPECT_EQ(find_record_start(buf, 3), 3U);  // a range starting on a record start keeps it
  EXPECT_EQ(find_record_start(buf, 4), 7U);
  EXPECT_EQ(find_record_start(buf, 8), kNoRecordStart);
  EXPECT_EQ(find_record_start(buf, 100), kNoRecordStart);
}

TEST(RecordBoundary, EveryRecordOwnedByExactlyOneRange) {
  const std::string buf = "a\nbb\n\nccc\nd";
  for (std::size_t cut = 0; cut <= buf.size(); ++cut) {
    // [0, cut) owns starts < cut; [cut, size) owns starts >= find_record_start(cut).
    const std::size_t s = find_record_start(buf, cut);
    const std::size_t first_of_second = s == kNoRecordStart ? buf.size() : s;
    for (std::size_t p = 0; p < buf.size(); ++p) {
      const bool is_start = p == 0 || buf[p - 1] == '\n';
      if (!is_start) continue;
      EXPECT_NE(p < cut, p >= first_of_second) << "cut " << cut << " record at " << p;
    }
  }
}

TEST(RecordBoundary, SharesCoverTheFile) {
  for (std::uint64_t size : {0ULL, 1ULL, 7ULL, 1000003ULL, (1ULL << 62) + 5}) {
    for (int n = 1; n <= 7; ++n) {
      std::uint64_t prev = 0;
      for (int r = 0; r < n; ++r) {
        const ByteRange b = share_of(size, r, n);
        EXPECT_EQ(b.begin, prev);
        EXPECT_LE(b.begin, b.end);
        prev = b.end;
      }
      EXPECT_EQ(prev, size);
    }
  }
  EXPECT_THROW(share_of(10, 3, 3), std::invalid_argument);
}

}  // namespace
}  // namespace crmpi::ingest
