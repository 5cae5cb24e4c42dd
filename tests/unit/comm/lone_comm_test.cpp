// comm/ and io/ in a process that does not start MPI (comm/comm.hpp: crmpi started without a
// launcher). This binary is a plain gtest one: nothing here calls MPI_Init. Every Comm is then rank
// 0 of 1, and each collective's result is what MPI defines for a communicator of one (the expected
// values below follow from those definitions: a sum, maximum or gather of one contribution is
// that contribution, an exclusive scan over no earlier rank is 0, an exchange delivers what the
// rank sends itself). The last test checks that none of it started MPI behind the scenes.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/h5.hpp"

namespace crmpi {
namespace {

TEST(LoneComm, IsRankZeroOfOneWithoutMpi) {
  ASSERT_FALSE(mpi_running());
  const Comm world, self(MPI_COMM_SELF);
  EXPECT_EQ(world.rank(), 0);
  EXPECT_EQ(world.size(), 1);
  EXPECT_TRUE(world.is_root());
  EXPECT_EQ(self.size(), 1);
}

TEST(LoneComm, ReductionsAndScanOfOneContribution) {
  const Comm c;
  EXPECT_EQ(c.allreduce_sum<std::int64_t>(-42), -42);
  EXPECT_EQ(c.allreduce_max<std::uint32_t>(7), 7u);
  EXPECT_EQ(c.allreduce_min<double>(2.5), 2.5);
  EXPECT_TRUE(c.allreduce_or(true));
  EXPECT_FALSE(c.allreduce_or(false));
  EXPECT_EQ(c.exscan_sum<std::uint64_t>(99), 0u);
  std::vector<std::uint64_t> v{1, 2, 3};
  c.allreduce_sum_inplace<std::uint64_t>(v);
  c.allreduce_max_inplace<std::uint64_t>(v);
  c.allreduce_min_inplace<std::uint64_t>(v);
  EXPECT_EQ(v, (std::vector<std::uint64_t>{1, 2, 3}));
  c.barrier();
}

TEST(LoneComm, BroadcastsKeepTheRootsValue) {
  const Comm c;
  int x = 5;
  c.bcast(x);
  EXPECT_EQ(x, 5);
  std::vector<double> v{0.5, -1.0};
  c.bcast(v);
  EXPECT_EQ(v, (std::vector<double>{0.5, -1.0}));
  std::string s = "a, b";
  c.bcast(s);
  EXPECT_EQ(s, "a, b");
}

TEST(LoneComm, GathersHoldTheOnePart) {
  const Comm c;
  EXPECT_EQ(c.allgather<int>(3), std::vector<int>{3});
  EXPECT_EQ(c.gather_to_root<std::uint64_t>(8), std::vector<std::uint64_t>{8});
  const std::vector<std::uint32_t> part{4, 5, 6, 7};
  EXPECT_EQ(c.allgatherv<std::uint32_t>(std::span<const std::uint32_t>(part)), part);
  EXPECT_EQ(c.allgatherv<std::uint32_t>(std::vector<std::uint32_t>(part)), part);
  EXPECT_EQ(c.gatherv_to_root<std::uint32_t>(part), part);
  EXPECT_EQ(c.gatherv_to_root<std::uint32_t>(part, /*max_call=*/3), part);  // the chunked path's size
  std::vector<std::uint8_t> out(5, 0);
  const std::vector<std::uint8_t> bytes{9, 8, 7, 6, 5};
  const std::vector<std::uint64_t> counts{5};
  c.allgatherv_bytes_into(bytes, counts, out.data(), /*max_call=*/2);
  EXPECT_EQ(out, bytes);
  EXPECT_EQ(c.allgather_strings("segment"), std::vector<std::string>{"segment"});
  EXPECT_TRUE(c.allgatherv<std::uint32_t>(std::span<const std::uint32_t>()).empty());
}

TEST(LoneComm, AllToAllDeliversWhatTheRankSendsItself) {
  const Comm c;
  std::vector<std::uint64_t> send(1000);
  std::iota(send.begin(), send.end(), 17);
  const std::vector<std::uint64_t> counts{send.size()};
  std::vector<std::uint64_t> recv_counts;
  EXPECT_EQ(c.alltoallv<std::uint64_t>(send, counts, &recv_counts), send);
  EXPECT_EQ(recv_counts, counts);
  Comm::set_exchange_round_bytes(64);  // the packed rounds' limit: still one local copy
  EXPECT_EQ(c.alltoallv<std::uint64_t>(send, counts), send);
  Comm::set_exchange_round_bytes(std::uint64_t{1} << 28);
  const std::vector<std::uint64_t> none{0};
  EXPECT_TRUE(c.alltoallv<std::uint64_t>(std::span<const std::uint64_t>(), none).empty());
}

TEST(LoneComm, CallsAreCountedAsAtAnyRankCount) {
  // The jobs log Comm::traffic() per stage; a communicator of one counts each call and the bytes
  // it was handed, as it did when these calls went through MPI.
  const Comm c;
  const CommTraffic before = Comm::traffic();
  c.allreduce_sum<std::uint64_t>(1);
  std::vector<double> v(10);
  c.bcast(v);  // its length, then its 80 bytes
  const CommTraffic after = Comm::traffic();
  EXPECT_EQ(after.calls - before.calls, 3u);
  EXPECT_EQ(after.bytes - before.bytes, 8u + 8u + 80u);
}

TEST(LoneComm, ResultsFileIsWrittenThroughPosixWithoutMpi) {
  h5::silence_hdf5_errors();
  const Comm c;
  const std::string path =
      (std::filesystem::temp_directory_path() / ("crmpi_lone_comm_" + std::to_string(::getpid()) + ".h5")).string();
  const std::vector<std::uint64_t> v{3, 1, 4, 1, 5};
  {
    auto f = h5::open_parallel(path, c, h5::Access::kCreate);
    h5::Handle fapl(H5Fget_access_plist(f.id()));
    EXPECT_EQ(H5Pget_driver(fapl.id()), H5FD_SEC2);
    auto d = h5::create_dataset<std::uint64_t>(f.id(), "/g/v", v.size());
    h5::write<std::uint64_t>(d.id(), 0, v, /*collective=*/true, "v");
  }
  {
    auto f = h5::open_parallel(path, c, h5::Access::kRead);
    auto d = h5::open_dataset(f.id(), "/g/v");
    EXPECT_EQ(h5::read_vector<std::uint64_t>(d.id(), 0, v.size(), "v"), v);
  }
  std::filesystem::remove(path);
}

TEST(LoneComm, NothingAboveStartedMpi) {
  EXPECT_FALSE(mpi_running());
}

TEST(LoneCommDeathTest, AbortEndsTheProcessWithTheCode) {
  EXPECT_EXIT(Comm().abort(65), ::testing::ExitedWithCode(65), "");
}

}  // namespace
}  // namespace crmpi
