// The CLV job's distributed fits give bit-identical results at any rank count and partition.
// Every test runs the distributed computation on sub-communicators of 1..size ranks (with
// balanced, skewed and empty-rank partitions) and compares with the same computation on one
// process holding the whole input (MPI_COMM_SELF): the spread table's runs and every fit must be
// the same bits. The distributed fits are also checked against the kernel's fit of the whole
// collapsed table (kernels/clv/fit.hpp; its runs are the runs of equal x): the same optimum, to
// the optimiser's tolerance. (The exact sums are comm/exact_sum.hpp, tested in tests/mpi/toolkit.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <tuple>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/clv/clv_stage.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "tests/sanitized_build.hpp"
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

// The sanitizer build (-O0 under ASan + UBSan, where each fit is ~20x slower, and 4 ranks share 2
// cores) checks memory and undefined behaviour on the edge cases only: one rank and all ranks,
// skewed partitions and empty ranks; in the thinned start paths, the distributed fits without
// their one-rank references (Pareto/NBD's took 20 s a rank) nor the one-table fits, which the
// unit tests run. The release build runs every case for the bit-identity.
using crmpi_test::kSanitizedBuild;

bool sanitizer_leaves_out(int k, int ranks, int how) {
  return kSanitizedBuild && (how == 0 || (k != 1 && k != ranks));
}

template <class Row>
std::vector<Row> share_of(const std::vector<Row>& all, const Comm& comm, int how) {
  const auto [b, e] = part(all.size(), comm.rank(), comm.size(), how);
  std::vector<Row> mine(all.begin() + static_cast<std::ptrdiff_t>(b), all.begin() + static_cast<std::ptrdiff_t>(e));
  std::shuffle(mine.begin(), mine.end(), std::mt19937_64(static_cast<std::uint64_t>(comm.rank() + 7)));
  return mine;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_same_fit(const clv::FitResult& got, const clv::FitResult& want, const std::string& where) {
  ASSERT_EQ(got.estimates.size(), want.estimates.size()) << where;
  for (std::size_t j = 0; j < want.estimates.size(); ++j) {
    EXPECT_TRUE(same_bits(got.estimates[j], want.estimates[j]))
        << where << ": " << want.model << " " << want.names[j] << ": " << got.estimates[j] << " vs " << want.estimates[j];
    EXPECT_TRUE(same_bits(got.std_errors[j], want.std_errors[j]) ||
                (std::isnan(got.std_errors[j]) && std::isnan(want.std_errors[j])))
        << where;
  }
  EXPECT_TRUE(same_bits(got.log_likelihood, want.log_likelihood)) << where;
  EXPECT_EQ(got.n_customers, want.n_customers) << where;
  EXPECT_EQ(got.iterations, want.iterations) << where;
  EXPECT_EQ(got.converged, want.converged) << where;
  EXPECT_EQ(got.names, want.names) << where;
  EXPECT_EQ(got.message, want.message) << where;
  EXPECT_EQ(got.warnings, want.warnings) << where;
}

// The same optimum as another fit of the same data (another cut into runs, so other rounding):
// every estimate within 1e-5 relative, the log-likelihood within 1e-9 relative.
void expect_same_optimum(const clv::FitResult& got, const clv::FitResult& want) {
  ASSERT_TRUE(got.converged) << got.message;
  ASSERT_TRUE(want.converged) << want.message;
  for (std::size_t j = 0; j < want.estimates.size(); ++j)
    EXPECT_NEAR(got.estimates[j], want.estimates[j], 1e-5 * std::fabs(want.estimates[j])) << want.names[j];
  EXPECT_NEAR(got.log_likelihood, want.log_likelihood, 1e-9 * std::fabs(want.log_likelihood));
}

// Every run of a spread table, gathered on every rank (a test may gather; the job never does),
// as sorted lists of rows: the runs do not depend on the rank count iff these lists are equal.
std::vector<std::vector<clv::Triple>> all_runs(const Comm& comm, const crmpi::SpreadTable<clv::Triple>& t) {
  const std::vector<clv::Triple> rows = comm.allgatherv(std::span<const clv::Triple>(t.rows));
  std::vector<std::uint64_t> sizes;
  std::size_t begin = 0;
  for (const std::size_t end : t.run_end) {
    sizes.push_back(end - begin);
    begin = end;
  }
  const std::vector<std::uint64_t> all_sizes = comm.allgatherv(std::span<const std::uint64_t>(sizes));
  std::vector<std::vector<clv::Triple>> runs;
  std::size_t at = 0;
  for (const std::uint64_t n : all_sizes) {
    runs.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(at), rows.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  auto key = [](const clv::Triple& r) { return std::tie(r.x, r.t_x, r.T); };
  std::sort(runs.begin(), runs.end(), [&](const auto& a, const auto& b) { return key(a.front()) < key(b.front()); });
  return runs;
}

TEST(ClvMpi, SpreadTableHoldsEachSummaryOnceInTheSameRunsAtAnyRankCount) {
  // Whole days: many customers share a summary, so ranks hold the same keys and must merge them.
  const auto all = clv_sim::simulate_bgnbd({0.25, 4.0, 0.8, 2.5}, 20000, 11, true);
  const auto want_table = clv::collapse_triples(all);
  constexpr std::uint64_t kSmallRuns = 64;  // many runs of each x (several buckets)
  const Comm self(MPI_COMM_SELF);
  const auto ref = crmpi::spread_triples(self, clv::collapse_triples(all), kSmallRuns);
  const auto want_runs = all_runs(self, ref);
  ASSERT_GT(want_runs.size(), 150u);  // several runs for most x
  // One rank: the whole collapsed table (in run order).
  auto sorted = ref.rows;
  std::sort(sorted.begin(), sorted.end(),
            [](const clv::Triple& a, const clv::Triple& b) { return std::tie(a.x, a.t_x, a.T) < std::tie(b.x, b.t_x, b.T); });
  ASSERT_EQ(sorted, want_table);
  Comm world;
  for (int k = 1; k <= world.size(); ++k)
    for (int how = 0; how < 3; ++how) {
      if (sanitizer_leaves_out(k, world.size(), how)) continue;
      SubComm sc(k);
      if (sc.raw == MPI_COMM_NULL) continue;
      Comm comm(sc.raw);
      const auto t = crmpi::spread_triples(comm, clv::collapse_triples(share_of(all, comm, how)), kSmallRuns);
      EXPECT_EQ(t.total_rows, want_table.size());
      EXPECT_EQ(t.total_customers, all.size());
      EXPECT_EQ(t.total_runs, want_runs.size());
      EXPECT_EQ(all_runs(comm, t), want_runs) << k << " ranks, partition " << how;
    }
}

TEST(ClvMpi, PurchaseFitsIdenticalAtAnyRankCount) {
  const auto all = clv_sim::simulate_bgnbd({0.25, 4.0, 0.8, 2.5}, 20000, 11, true);
  const auto whole = clv::collapse_triples(all);
  constexpr std::uint64_t kRuns = 512;
  const Comm self(MPI_COMM_SELF);
  const auto ref = crmpi::spread_triples(self, clv::collapse_triples(all), kRuns);
  const clv::TripleIndex ref_index(ref.rows, ref.run_end);
  const auto want_bg = clv::fit_bgnbd(ref_index, crmpi::reduce_over(self));
  const auto want_mbg = clv::fit_mbgnbd(ref_index, crmpi::reduce_over(self));
  const auto want_pn = clv::fit_pareto_nbd(ref_index, crmpi::reduce_over(self));
  expect_same_optimum(want_bg, clv::fit_bgnbd(whole));
  expect_same_optimum(want_mbg, clv::fit_mbgnbd(whole));
  expect_same_optimum(want_pn, clv::fit_pareto_nbd(whole));
  Comm world;
  for (int k = 1; k <= world.size(); ++k)
    for (int how = 0; how < 3; ++how) {
      if (sanitizer_leaves_out(k, world.size(), how)) continue;
      SubComm sc(k);
      if (sc.raw == MPI_COMM_NULL) continue;
      Comm comm(sc.raw);
      const auto t = crmpi::spread_triples(comm, clv::collapse_triples(share_of(all, comm, how)), kRuns);
      const clv::TripleIndex index(t.rows, t.run_end);
      const auto reduce = crmpi::reduce_over(comm);
      const std::string where = std::to_string(k) + " ranks, partition " + std::to_string(how);
      expect_same_fit(clv::fit_bgnbd(index, reduce), want_bg, where);
      expect_same_fit(clv::fit_mbgnbd(index, reduce), want_mbg, where);
      if (how == 1) expect_same_fit(clv::fit_pareto_nbd(index, reduce), want_pn, where);
    }
}

TEST(ClvMpi, ThinnedStartPathsIdenticalAtAnyRankCount) {
  // Continuous times: every repeat customer its own row, > 60,000 rows (the fits' threshold),
  // so BG/NBD and Pareto/NBD start from the fit of the thinned table (kernels/clv/fit.hpp), each
  // rank thinning its own rows.
  const auto all = clv_sim::simulate_bgnbd({0.25, 4.0, 0.8, 2.5}, 160000, 5, false);
  const Comm self(MPI_COMM_SELF);
  const auto ref = crmpi::spread_triples(self, clv::collapse_triples(all));
  ASSERT_GT(ref.total_rows, 60000u);
  const clv::TripleIndex ref_index(ref.rows, ref.run_end);
  const auto want_bg = clv::fit_bgnbd(ref_index, crmpi::reduce_over(self));
  clv::FitOptions pn_start;
  pn_start.start = {want_bg.estimates[0], want_bg.estimates[1], 1.0, want_bg.estimates[1]};  // as the job does
  const auto want_pn = kSanitizedBuild ? clv::FitResult{} : clv::fit_pareto_nbd(ref_index, crmpi::reduce_over(self), pn_start);
  if (!kSanitizedBuild) {
    const auto whole = clv::collapse_triples(all);
    expect_same_optimum(want_bg, clv::fit_bgnbd(whole));
    expect_same_optimum(want_pn, clv::fit_pareto_nbd(whole, pn_start));
  }
  Comm world;
  for (int k = 2; k <= world.size(); ++k) {
    if (sanitizer_leaves_out(k, world.size(), 1)) continue;
    SubComm sc(k);
    if (sc.raw == MPI_COMM_NULL) continue;
    Comm comm(sc.raw);
    const auto t = crmpi::spread_triples(comm, clv::collapse_triples(share_of(all, comm, 1)));
    const clv::TripleIndex index(t.rows, t.run_end);
    const std::string where = std::to_string(k) + " ranks";
    expect_same_fit(clv::fit_bgnbd(index, crmpi::reduce_over(comm)), want_bg, where);
    if (k == world.size()) {  // the slowest fit: once, at the most ranks
      const auto pn = clv::fit_pareto_nbd(index, crmpi::reduce_over(comm), pn_start);
      if (kSanitizedBuild) EXPECT_TRUE(pn.converged) << pn.message;  // no reference fit to compare with
      else expect_same_fit(pn, want_pn, where);
    }
  }
}

TEST(ClvMpi, GammaGammaIdenticalAtAnyRankCount) {
  std::mt19937_64 rng(5);
  std::gamma_distribution<double> nu_dist(3.7, 1.0 / 15.0);
  std::uniform_int_distribution<int> xd(1, 12);
  std::vector<clv::SpendPair> all;
  for (int i = 0; i < 8000; ++i) {
    const double x = xd(rng);
    std::gamma_distribution<double> z(6.25 * x, 1.0 / nu_dist(rng));
    all.push_back({x, std::round(z(rng) / x * 100) / 100, 1});  // cents, so that keys repeat
  }
  const auto whole = clv::collapse_spend(all);
  constexpr std::uint64_t kRuns = 256;
  const Comm self(MPI_COMM_SELF);
  const auto ref = crmpi::spread_spend(self, clv::collapse_spend(all), kRuns);
  ASSERT_EQ(ref.total_rows, whole.size());
  const clv::SpendIndex ref_index(ref.rows, ref.run_end);
  const auto want = clv::fit_gamma_gamma(ref_index, crmpi::reduce_over(self));
  const double want_corr = clv::frequency_spend_correlation(ref_index, crmpi::reduce_over(self));
  expect_same_optimum(want, clv::fit_gamma_gamma(whole));
  EXPECT_NEAR(want_corr, clv::frequency_spend_correlation(whole), 1e-12);
  Comm world;
  for (int k = 1; k <= world.size(); ++k)
    for (int how = 0; how < 3; ++how) {
      if (sanitizer_leaves_out(k, world.size(), how)) continue;
      SubComm sc(k);
      if (sc.raw == MPI_COMM_NULL) continue;
      Comm comm(sc.raw);
      const auto t = crmpi::spread_spend(comm, clv::collapse_spend(share_of(all, comm, how)), kRuns);
      EXPECT_EQ(t.total_rows, whole.size());
      EXPECT_EQ(t.total_customers, all.size());
      const clv::SpendIndex index(t.rows, t.run_end);
      const std::string where = std::to_string(k) + " ranks, partition " + std::to_string(how);
      expect_same_fit(clv::fit_gamma_gamma(index, crmpi::reduce_over(comm)), want, where);
      EXPECT_TRUE(same_bits(clv::frequency_spend_correlation(index, crmpi::reduce_over(comm)), want_corr)) << where;
    }
}

}  // namespace
