// allgather_string_lists and merge_dictionary at any rank count and partition. Expected values:
// every rank regenerates the whole list of strings; the dictionary must be the std::set of all of
// them (byte order), each local string's code its position in that set, and the gathered lists
// the whole list (shares are contiguous, gathered in rank order).
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "comm/dictionary_merge.hpp"
#include "tests/mpi/toolkit/partitions.hpp"

namespace crmpi {
namespace {

using crmpi_test::kShapes;
using crmpi_test::share;

// n strings drawn with repeats from a vocabulary of `vocab` strings: the empty string, bytes over
// 0x7f (UTF-8), embedded NULs, common prefixes and strings longer than the small-string buffer.
std::vector<std::string> global_strings(std::uint64_t seed, std::size_t n, std::size_t vocab) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> words;
  for (std::size_t w = 0; w < vocab; ++w) {
    switch (w % 5) {
      case 0: words.push_back(std::string(w % 3, 'a')); break;  // "", "a", "aa"
      case 1: words.push_back("PRODUCT " + std::to_string(w)); break;
      case 2: words.push_back("\xC3\xA9t\xC3\xA9 " + std::to_string(w)); break;
      case 3: words.push_back(std::string("nul\0", 4) + std::to_string(w)); break;
      default: words.push_back(std::string(40, 'z') + std::to_string(w)); break;
    }
  }
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(words[rng() % vocab]);
  return v;
}

TEST(DictionaryMerge, GlobalSortedDistinctAndRemapAtAnyPartition) {
  const Comm w;
  std::uint64_t seed = 3;
  for (const auto& [n, vocab] : {std::pair<std::size_t, std::size_t>{0, 1}, {1, 1}, {50, 7}, {5000, 400}}) {
    const auto all = global_strings(seed++, n, vocab);
    const std::set<std::string> distinct(all.begin(), all.end());
    const std::vector<std::string> want(distinct.begin(), distinct.end());
    for (const auto shape : kShapes) {
      const auto [b, e] = share(shape, n, w.rank(), w.size());
      const std::span<const std::string> mine = std::span(all).subspan(b, e - b);
      EXPECT_EQ(allgather_string_lists(w, mine), all) << n << ", " << name(shape);
      std::vector<std::uint32_t> remap;
      const auto dict = merge_dictionary(w, mine, remap);
      EXPECT_EQ(dict, want) << n << ", " << name(shape);
      std::vector<std::uint32_t> want_remap;  // each local string's position in the set
      for (const auto& m : mine)
        want_remap.push_back(static_cast<std::uint32_t>(std::distance(distinct.begin(), distinct.find(m))));
      EXPECT_EQ(remap, want_remap) << n << ", " << name(shape);
    }
  }
}

TEST(DictionaryMerge, ByteOrderPutsHighBytesLast) {
  const Comm w;
  // Hand-sorted by unsigned bytes: "" < "Z" < "a" < "\xC3\xA9" (0xC3 > 'a').
  const std::vector<std::string> mine = {"\xC3\xA9", "a", "Z", "", "a"};
  std::vector<std::uint32_t> remap;
  const auto dict = merge_dictionary(w, w.rank() == 0 ? std::span<const std::string>(mine) : std::span<const std::string>(),
                                     remap);
  EXPECT_EQ(dict, (std::vector<std::string>{"", "Z", "a", "\xC3\xA9"}));
  if (w.rank() == 0) EXPECT_EQ(remap, (std::vector<std::uint32_t>{3, 2, 1, 0, 2}));
  else EXPECT_TRUE(remap.empty());
}

}  // namespace
}  // namespace crmpi
