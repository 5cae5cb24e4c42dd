// String dictionaries: codes are byte-order positions, and merging per-rank parts gives the one-build codes.
#include "kernels/ingest/string_dictionary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "kernels/common/errors.hpp"

namespace crmpi::ingest {
namespace {

TEST(StringDictionary, CodesAreSortedPositions) {
  const auto d = StringDictionary::from_strings({"United Kingdom", "France", "EIRE", "France", "Australia"});
  // 4 distinct names; byte order: Australia < EIRE < France < United Kingdom -> codes 0..3.
  ASSERT_EQ(d.size(), 4U);
  EXPECT_EQ(d.code_of("Australia"), 0);
  EXPECT_EQ(d.code_of("EIRE"), 1);
  EXPECT_EQ(d.code_of("France"), 2);
  EXPECT_EQ(d.code_of("United Kingdom"), 3);
  EXPECT_EQ(d.code_of("Spain"), kNoCode);
  EXPECT_EQ(d.string_of(2), "France");
}

TEST(StringDictionary, ByteWiseOrderIncludingUtf8AndEmpty) {
  const auto d = StringDictionary::from_strings({"\xC3\xA9t\xC3\xA9", "z", "", "Z"});
  EXPECT_EQ(d.code_of(""), 0);
  EXPECT_EQ(d.code_of("Z"), 1);
  EXPECT_EQ(d.code_of("z"), 2);
  EXPECT_EQ(d.code_of("\xC3\xA9t\xC3\xA9"), 3);  // bytes >= 0x80 sort after ASCII
}

TEST(StringDictionary, MergingRankPartsGivesTheSameCodesAsOneBuild) {
  std::vector<std::string> all;
  for (int i = 0; i < 2000; ++i) all.push_back("cust" + std::to_string(i * 7919 % 1301));
  const auto whole = StringDictionary::from_strings(all);
  std::mt19937 rng(42);
  for (int nranks = 1; nranks <= 7; ++nranks) {
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<DistinctStrings> collectors(static_cast<std::size_t>(nranks));
    for (std::size_t i = 0; i < all.size(); ++i) collectors[i % collectors.size()].add(all[i]);
    std::vector<std::vector<std::string>> parts;
    for (auto& c : collectors) {
      // Through the packed form the driver sends over MPI.
      const auto local = c.take_sorted();
      EXPECT_EQ(c.size(), 0U);
      const PackedStrings p = pack_strings(local);
      ASSERT_EQ(p.count(), local.size());
      parts.push_back(unpack_strings(p.bytes, p.offsets));
    }
    const auto merged = StringDictionary::from_sorted_unique(merge_sorted_unique(parts));
    EXPECT_EQ(merged.strings(), whole.strings()) << nranks << " ranks";
  }
}

TEST(StringDictionary, CopyKeepsLookupsWorking) {
  StringDictionary copy;
  {
    const auto d = StringDictionary::from_strings({"b", "a", "a long string that does not fit in SSO"});
    copy = d;
  }
  // Byte order: "a" < "a long ..." (a prefix sorts first) < "b".
  EXPECT_EQ(copy.code_of("a long string that does not fit in SSO"), 1);
  EXPECT_EQ(copy.code_of("b"), 2);
}

TEST(StringDictionary, RejectsUnsortedInputAndBadPacking) {
  EXPECT_THROW(StringDictionary::from_sorted_unique({"b", "a"}), DataError);
  EXPECT_THROW(StringDictionary::from_sorted_unique({"a", "a"}), DataError);
  const std::vector<char> bytes = {'a', 'b'};
  const std::vector<std::uint64_t> offsets = {0, 3};
  EXPECT_THROW(unpack_strings(bytes, offsets), DataError);
}

TEST(StringDictionary, MergeHandlesEmptyParts) {
  const std::vector<std::vector<std::string>> parts = {{}, {"a", "c"}, {}, {"b", "c"}};
  EXPECT_EQ(merge_sorted_unique(parts), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(merge_sorted_unique({}).empty());
}

}  // namespace
}  // namespace crmpi::ingest
