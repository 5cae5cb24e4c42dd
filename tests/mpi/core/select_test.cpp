// Distributed exact order statistics agree with sorting everything, at any rank count.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "comm/comm.hpp"
#include "comm/exact_select.hpp"
#include "kernels/rfm/quintiles.hpp"

namespace crmpi {
namespace {

// The same global data on every rank; each rank keeps an uneven contiguous share.
std::vector<std::int64_t> global_data(std::uint64_t seed, std::size_t n, std::int64_t lo, std::uint64_t range) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + rng() % range);  // wraps, no UB
  return v;
}

std::span<const std::int64_t> my_share(const Comm& w, const std::vector<std::int64_t>& v) {
  // Uneven split: rank r gets a share proportional to r + 1 (rank 0 may get nothing when n is small).
  const auto P = static_cast<std::uint64_t>(w.size()), r = static_cast<std::uint64_t>(w.rank());
  const std::uint64_t total_w = P * (P + 1) / 2;
  const std::uint64_t b = v.size() * (r * (r + 1) / 2) / total_w, e = v.size() * ((r + 1) * (r + 2) / 2) / total_w;
  return std::span(v).subspan(b, e - b);
}

TEST(DistributedSelect, MatchesSortingOnManyShapes) {
  Comm w;
  struct Case {
    std::size_t n;
    std::int64_t lo;
    std::uint64_t range;
  };
  const Case cases[] = {{1, 5, 1},          {7, -3, 2},           {1000, 0, 5},
                        {5000, -1000, 100000}, {3000, 0, 1ULL << 40}, {2000, std::numeric_limits<std::int64_t>::min(), ~0ULL}};
  std::uint64_t seed = 1;
  for (const auto& c : cases) {
    auto data = global_data(seed++, c.n, c.lo, c.range);
    auto sorted = data;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint64_t> pos = {0, c.n - 1, c.n / 2, c.n / 3};
    for (const auto& q : rfm::quintile_positions(c.n))
      if (q) pos.push_back(*q);
    const auto got = exact_order_statistics(w, my_share(w, data), pos);
    for (std::size_t i = 0; i < pos.size(); ++i) EXPECT_EQ(got[i], sorted[pos[i]]) << "n=" << c.n << " pos=" << pos[i];
  }
}

TEST(DistributedSelect, RejectsPositionsBeyondTheData) {
  Comm w;
  std::vector<std::int64_t> mine = {1};
  const std::uint64_t bad = static_cast<std::uint64_t>(w.size());
  EXPECT_THROW(exact_order_statistics(w, mine, std::span(&bad, 1)), std::out_of_range);
}

}  // namespace
}  // namespace crmpi
