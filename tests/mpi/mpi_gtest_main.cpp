// gtest main for MPI tests: every rank runs every test; only rank 0 prints; the exit code is
// non-zero on every rank if any rank failed, so mpiexec and ctest see one verdict.
#include <gtest/gtest.h>

#include "comm/comm.hpp"

int main(int argc, char** argv) {
  crmpi::MpiSession mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  crmpi::Comm world;
  if (world.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int local = RUN_ALL_TESTS();
  const int any_failed = world.allreduce_max(local);
  if (local != 0 && world.rank() != 0)
    std::fprintf(stderr, "[rank %d] some tests failed on this rank\n", world.rank());
  return any_failed;
}
