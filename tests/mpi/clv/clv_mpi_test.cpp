// The CLV job's distributed path gives bit-identical tables and fits at any rank count and
// partition: every test runs the distributed computation on sub-communicators of 1..size ranks
// (with balanced, skewed and empty-rank partitions) and compares with a single-process reference.
// (Its exact sums are comm/exact_sum, tested in tests/mpi/toolkit.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/clv/clv_stage.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "tests/unit/clv/simulate.hpp"

namespace {

using crmpi::Comm;
namespace clv = crmpi::clv;

// A communicator of the first k ranks (others get none).
struct SubComm {
  MPI_Comm raw = MPI_COMM_NULL;
  explicit SubComm(int k) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_split(MPI_COMM_WORLD, rank < k ? 0 : MPI_UNDEFINED, rank, &raw);
  }
  ~SubComm() {
    if (raw != MPI_COMM_NULL) MPI_Comm_free(&raw);
  }
  SubComm(const SubComm&) = delete;
  SubComm& operator=(const SubComm&) = delete;
};

// Bounds of part `r` of `n` items over `p` parts: 0 = balanced, 1 = skewed (quadratic), 2 = the
// last part gets everything (other ranks empty).
std::pair<std::size_t, std::size_t> part(std::size_t n, int r, int p, int how) {
  auto bound = [&](int k) -> std::size_t {
    if (k >= p) return n;
    if (how == 0) return n * static_cast<std::size_t>(k) / static_cast<std::size_t>(p);
    if (how == 1) return n * static_cast<std::size_t>(k * k) / static_cast<std::size_t>(p * p);
    return 0;
  };
  return {bound(r), bound(r + 1)};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_same_fit(const clv::FitResult& got, const clv::FitResult& want) {
  ASSERT_EQ(got.estimates.size(), want.estimates.size());
  for (std::size_t j = 0; j < want.estimates.size(); ++j) {
    EXPECT_TRUE(same_bits(got.estimates[j], want.estimates[j]))
        << want.model << " " << want.names[j] << ": " << got.estimates[j] << " vs " << want.estimates[j];
    EXPECT_TRUE(same_bits(got.std_errors[j], want.std_errors[j]) ||
                (std::isnan(got.std_errors[j]) && std::isnan(want.std_errors[j])));
  }
  EXPECT_TRUE(same_bits(got.log_likelihood, want.log_likelihood));
  EXPECT_EQ(got.n_customers, want.n_customers);
  EXPECT_EQ(got.converged, want.converged);
  EXPECT_EQ(got.names, want.names);
  EXPECT_EQ(got.warnings, want.warnings);
}

TEST(ClvMpi, TripleTableAndFitsIdenticalAtAnyRankCount) {
  const auto all = clv_sim::simulate_bgnbd({0.25, 4.0, 0.8, 2.5}, 6000, 11, true);
  const auto want_table = clv::collapse_triples(all);
  const auto want_bg = clv::fit_bgnbd(want_table);
  const auto want_pn = clv::fit_pareto_nbd(want_table);
  ASSERT_TRUE(want_bg.converged);
  Comm world;
  for (int k = 1; k <= world.size(); ++k)
    for (int how = 0; how < 3; ++how) {
      SubComm sc(k);
      if (sc.raw == MPI_COMM_NULL) continue;
      Comm comm(sc.raw);
      const auto [b, e] = part(all.size(), comm.rank(), comm.size(), how);
      std::vector<clv::Triple> mine(all.begin() + static_cast<std::ptrdiff_t>(b),
                                    all.begin() + static_cast<std::ptrdiff_t>(e));
      std::shuffle(mine.begin(), mine.end(), std::mt19937_64(static_cast<std::uint64_t>(comm.rank() + 7)));
      const auto table = crmpi::gather_triples(comm, mine);  // the root's, empty elsewhere
      // The overload taking the local table (collapsed here, as the job passes it; returned as
      // is on one rank) gives the same table.
      const auto from_collapsed = crmpi::gather_triples(comm, clv::collapse_triples(mine));
      if (comm.is_root()) {
        ASSERT_EQ(table, want_table) << k << " ranks, partition " << how;
        ASSERT_EQ(from_collapsed, want_table) << k << " ranks, partition " << how;
      } else {
        ASSERT_TRUE(table.empty());
        ASSERT_TRUE(from_collapsed.empty());
      }
      const auto bg = crmpi::fit_on_root(comm, [&] { return clv::fit_bgnbd(table); });
      expect_same_fit(bg, want_bg);
      if (how == 1) {
        const auto pn = crmpi::fit_on_root(comm, [&] { return clv::fit_pareto_nbd(table); });
        expect_same_fit(pn, want_pn);
      }
    }
}

TEST(ClvMpi, SpendTableAndGammaGammaIdenticalAtAnyRankCount) {
  std::mt19937_64 rng(5);
  std::gamma_distribution<double> nu_dist(3.7, 1.0 / 15.0);
  std::uniform_int_distribution<int> xd(0, 12);
  std::vector<clv::SpendPair> all;
  for (int i = 0; i < 4000; ++i) {
    const double x = xd(rng);
    if (x == 0) {
      all.push_back({0, 0, 1});
      continue;
    }
    std::gamma_distribution<double> z(6.25 * x, 1.0 / nu_dist(rng));
    all.push_back({x, std::round(z(rng) / x * 100) / 100, 1});  // cents, so that keys repeat
  }
  const auto want_table = clv::collapse_spend(all);
  const auto want = clv::fit_gamma_gamma(want_table);
  Comm world;
  for (int k = 1; k <= world.size(); ++k) {
    SubComm sc(k);
    if (sc.raw == MPI_COMM_NULL) continue;
    Comm comm(sc.raw);
    const auto [b, e] = part(all.size(), comm.rank(), comm.size(), 1);
    std::vector<clv::SpendPair> mine(all.begin() + static_cast<std::ptrdiff_t>(b),
                                     all.begin() + static_cast<std::ptrdiff_t>(e));
    const auto table = crmpi::gather_spend(comm, std::move(mine));  // the root's, empty elsewhere
    EXPECT_EQ(table, comm.is_root() ? want_table : std::vector<clv::SpendPair>{});
    expect_same_fit(crmpi::fit_on_root(comm, [&] { return clv::fit_gamma_gamma(table); }), want);
  }
}

}  // namespace
