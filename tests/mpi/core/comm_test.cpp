// The communicator layer at 1, 2 and 4 ranks.
#include <gtest/gtest.h>

#include <numeric>

#include "comm/comm.hpp"

namespace crmpi {
namespace {

TEST(Comm, IntegerReductionsAndScans) {
  Comm w;
  const auto r = static_cast<std::uint64_t>(w.rank());
  EXPECT_EQ(w.allreduce_sum<std::uint64_t>(r + 1), static_cast<std::uint64_t>(w.size() * (w.size() + 1) / 2));
  EXPECT_EQ(w.exscan_sum<std::uint64_t>(r + 1), r * (r + 1) / 2);
  EXPECT_EQ(w.allreduce_max<int>(w.rank()), w.size() - 1);
  EXPECT_EQ(w.allreduce_min<std::int64_t>(-static_cast<std::int64_t>(r)), -(w.size() - 1));
  EXPECT_EQ(w.allreduce_or(w.rank() == w.size() - 1), true);
  EXPECT_EQ(w.allreduce_or(false), false);
}

TEST(Comm, BroadcastsAndGathers) {
  Comm w;
  std::string s = w.is_root() ? std::string("hello from rank 0") : std::string();
  w.bcast(s);
  EXPECT_EQ(s, "hello from rank 0");
  std::vector<double> v = w.is_root() ? std::vector<double>{1.5, 2.5} : std::vector<double>{};
  w.bcast(v);
  EXPECT_EQ(v, (std::vector<double>{1.5, 2.5}));
  const auto all = w.allgather<int>(w.rank() * 10);
  for (int i = 0; i < w.size(); ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i * 10);
  // Rank r contributes r copies of r.
  std::vector<int> mine(static_cast<std::size_t>(w.rank()), w.rank());
  const auto cat = w.allgatherv<int>(mine);
  std::vector<int> want;
  for (int i = 0; i < w.size(); ++i) want.insert(want.end(), static_cast<std::size_t>(i), i);
  EXPECT_EQ(cat, want);
  // The form that takes the rank's vector: the same concatenation (at one rank, the vector itself).
  std::vector<int> given = mine;
  const int* given_data = given.data();
  const auto moved = w.allgatherv<int>(std::move(given));
  EXPECT_EQ(moved, want);
  if (w.size() == 1) {
    EXPECT_EQ(moved.data(), given_data);
  }
  const auto strs = w.allgather_strings(std::string(static_cast<std::size_t>(w.rank()), 'x'));
  ASSERT_EQ(strs.size(), static_cast<std::size_t>(w.size()));
  EXPECT_EQ(strs.back().size(), static_cast<std::size_t>(w.size() - 1));
}

TEST(Comm, AllgathervInChunksEqualsOneCall) {
  // The > 2 GiB path (one broadcast per rank in chunks) forced with a 100-byte limit.
  Comm w;
  std::vector<std::uint8_t> mine(static_cast<std::size_t>(w.rank() + 1) * 1000 + 7);
  for (std::size_t i = 0; i < mine.size(); ++i) mine[i] = static_cast<std::uint8_t>(i * 31 + static_cast<std::size_t>(w.rank()));
  const auto bytes = w.allgather<std::uint64_t>(mine.size());
  std::uint64_t total = 0;
  for (auto b : bytes) total += b;
  std::vector<std::uint8_t> one(total), chunked(total);
  w.allgatherv_bytes_into(mine, bytes, one.data());
  w.allgatherv_bytes_into(mine, bytes, chunked.data(), 100);
  EXPECT_EQ(one, chunked);
  EXPECT_EQ(one, w.allgatherv<std::uint8_t>(mine));
  EXPECT_THROW(w.allgatherv_bytes_into(std::span<const std::uint8_t>(mine).first(1), bytes, one.data()),
               std::invalid_argument);
}

TEST(Comm, GathervToRootOnlyOnRoot) {
  Comm w;
  std::vector<std::uint32_t> mine(static_cast<std::size_t>(w.rank()) * 300 + 5);
  for (std::size_t i = 0; i < mine.size(); ++i) mine[i] = static_cast<std::uint32_t>(w.rank() * 100000) + static_cast<std::uint32_t>(i);
  const auto all = w.allgatherv<std::uint32_t>(mine);
  const auto one = w.gatherv_to_root<std::uint32_t>(mine);
  const auto chunked = w.gatherv_to_root<std::uint32_t>(mine, 64);  // point-to-point path
  if (w.is_root()) {
    EXPECT_EQ(one, all);
    EXPECT_EQ(chunked, all);
  } else {
    EXPECT_TRUE(one.empty());
    EXPECT_TRUE(chunked.empty());
  }
}

TEST(Comm, AlltoallvDeliversGroupedBySource) {
  Comm w;
  const auto P = static_cast<std::size_t>(w.size());
  // Rank s sends (s + d) values "s*1000 + d*10 + k" to rank d.
  std::vector<std::uint64_t> counts(P);
  std::vector<std::uint64_t> send;
  for (std::size_t d = 0; d < P; ++d) {
    counts[d] = static_cast<std::uint64_t>(w.rank()) + d;
    for (std::uint64_t k = 0; k < counts[d]; ++k) send.push_back(static_cast<std::uint64_t>(w.rank()) * 1000 + d * 10 + k);
  }
  std::vector<std::uint64_t> recv_counts;
  const auto got = w.alltoallv<std::uint64_t>(send, counts, &recv_counts);
  std::vector<std::uint64_t> want;
  const auto me = static_cast<std::uint64_t>(w.rank());
  for (std::uint64_t s = 0; s < P; ++s) {
    EXPECT_EQ(recv_counts[s], s + me);
    for (std::uint64_t k = 0; k < s + me; ++k) want.push_back(s * 1000 + me * 10 + k);
  }
  EXPECT_EQ(got, want);
}

// The same exchange (and one with some empty pairs) through the rounds that large exchanges
// take, with a round of 24 bytes: several rounds, partial last rounds, then back to one call.
TEST(Comm, AlltoallvInRoundsDeliversTheSame) {
  Comm w;
  const auto P = static_cast<std::size_t>(w.size());
  const auto me = static_cast<std::uint64_t>(w.rank());
  for (int empty_pairs = 0; empty_pairs < 2; ++empty_pairs) {
    std::vector<std::uint64_t> counts(P), send;
    for (std::size_t d = 0; d < P; ++d) {
      counts[d] = (empty_pairs && (me + d) % 2 == 0) ? 0 : 3 * me + 2 * d + 1;
      for (std::uint64_t k = 0; k < counts[d]; ++k) send.push_back(me * 1000 + d * 10 + k);
    }
    Comm::set_exchange_round_bytes(24);
    std::vector<std::uint64_t> rounds_counts, direct_counts;
    const auto in_rounds = w.alltoallv<std::uint64_t>(send, counts, &rounds_counts);
    Comm::set_exchange_round_bytes(std::uint64_t{1} << 28);
    const auto direct = w.alltoallv<std::uint64_t>(send, counts, &direct_counts);
    EXPECT_EQ(in_rounds, direct);
    EXPECT_EQ(rounds_counts, direct_counts);
    std::vector<std::uint64_t> want;
    for (std::uint64_t s = 0; s < P; ++s) {
      const std::uint64_t n = (empty_pairs && (s + me) % 2 == 0) ? 0 : 3 * s + 2 * me + 1;
      EXPECT_EQ(direct_counts[s], n);
      for (std::uint64_t k = 0; k < n; ++k) want.push_back(s * 1000 + me * 10 + k);
    }
    EXPECT_EQ(direct, want);
  }
}

}  // namespace
}  // namespace crmpi
