// RankCollector (kernels/fpgrowth/flist.hpp): a customer's items as ascending distinct F-list ranks,
// against an independent std::set of rank_of_id over the frequent ids, at F-list sizes that take
// each of its three ways (one word, several words, a sort), across calls that reuse its bitmap.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "kernels/fpgrowth/flist.hpp"

namespace crmpi::fpgrowth {
namespace {

TEST(RankCollector, AscendingDistinctRanksAsASetOfTheFrequentIdsGives) {
  std::mt19937_64 rng(23);
  for (const std::uint32_t frequent : {1U, 40U, 64U, 65U, 700U, 4096U, 4097U, 6000U}) {
    const std::uint32_t id_space = frequent + 500;  // 500 ids below the min count
    std::vector<Count> count(id_space);
    for (std::uint32_t id = 0; id < id_space; ++id) count[id] = id < frequent ? 10 + rng() % 1000 : 1 + rng() % 9;
    std::shuffle(count.begin(), count.end(), rng);
    const FList flist = make_flist(count, 10);
    ASSERT_EQ(flist.size(), frequent);
    RankCollector collect(flist);
    for (int call = 0; call < 50; ++call) {
      std::vector<std::uint32_t> ids(rng() % 80);
      for (auto& id : ids) id = static_cast<std::uint32_t>(rng() % (id_space + 3));  // repeats, and ids past the range
      std::set<Rank> want;
      for (const std::uint32_t id : ids)
        if (id < id_space && flist.rank_of_id[id] != kNotFrequent) want.insert(flist.rank_of_id[id]);
      std::vector<Rank> got{7};  // appended after what is there
      collect.append(ids, got);
      ASSERT_EQ(got.front(), 7u);
      EXPECT_EQ(std::vector<Rank>(got.begin() + 1, got.end()), std::vector<Rank>(want.begin(), want.end()))
          << frequent << " frequent items, call " << call;
    }
  }
}

}  // namespace
}  // namespace crmpi::fpgrowth
