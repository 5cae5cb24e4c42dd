// support_counts (kernels/fpgrowth/support_count.hpp) against a hand count and a naive scan (each
// basket as a std::set, each candidate checked item by item), on random baskets.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "fpgrowth_test_util.hpp"
#include "kernels/fpgrowth/support_count.hpp"

namespace {

using crmpi::fpgrowth::Count;
using crmpi::fpgrowth::IdItemsets;
using crmpi::fpgrowth::support_counts;

struct Csr {
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> ids;
};

Csr csr_of(const std::vector<std::vector<std::uint32_t>>& baskets) {
  Csr c;
  for (const auto& b : baskets) {
    c.ids.insert(c.ids.end(), b.begin(), b.end());
    c.offsets.push_back(c.ids.size());
  }
  return c;
}

TEST(SupportCount, HandCounted) {
  // Baskets {1,2,3}, {1,2,2}, {2,4}, {}, {3,1}: counted by hand.
  const Csr c = csr_of({{1, 2, 3}, {1, 2, 2}, {2, 4}, {}, {3, 1}});
  IdItemsets q;
  q.add(std::vector<std::uint32_t>{1, 2});  // baskets 0, 1
  q.add(std::vector<std::uint32_t>{2});     // 0, 1, 2 (basket 1 lists 2 twice: once)
  q.add(std::vector<std::uint32_t>{3, 1});  // 0, 4
  q.add(std::vector<std::uint32_t>{4, 1});  // none
  q.add(std::vector<std::uint32_t>{9});     // an item in no basket
  q.add(std::vector<std::uint32_t>{});      // every basket
  q.add(std::vector<std::uint32_t>{2, 2});  // a repeated item counts once: as {2}
  EXPECT_EQ(support_counts(c.offsets, c.ids, q), (std::vector<Count>{2, 3, 2, 0, 0, 5, 3}));
}

TEST(SupportCount, NoBaskets) {
  IdItemsets q;
  q.add(std::vector<std::uint32_t>{1});
  const std::vector<std::uint64_t> offsets{0};
  EXPECT_EQ(support_counts(offsets, {}, q), (std::vector<Count>{0}));
}

TEST(SupportCount, RandomAgainstNaiveScan) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const fpt::Baskets b = fpt::random_baskets(seed, 12, 150, false);
    const Csr c = csr_of(b.ids);
    std::mt19937_64 rng(seed * 7919);
    IdItemsets q;
    for (int i = 0; i < 40; ++i) {
      std::vector<std::uint32_t> cand;
      const auto len = rng() % 5;
      for (std::uint64_t k = 0; k < len; ++k) cand.push_back(static_cast<std::uint32_t>(rng() % 14));  // 12, 13: in no basket
      q.add(cand);
    }
    const std::vector<Count> got = support_counts(c.offsets, c.ids, q);
    for (std::size_t i = 0; i < q.size(); ++i) {
      Count want = 0;
      for (const auto& basket : b.ids) {
        const std::set<std::uint32_t> s(basket.begin(), basket.end());
        bool all = true;
        for (const std::uint32_t id : q[i]) all = all && s.count(id) > 0;
        want += all;
      }
      ASSERT_EQ(got[i], want) << "seed " << seed << ", candidate " << i;
    }
  }
}

}  // namespace
