// The likelihoods' exact sums over runs (kernels/clv/likelihood_sums.hpp): a table cut into runs
// and split into parts, each part's sums added exactly, gives the same bits as the whole table
// with the same runs, whatever the split and the order of the runs. That is what the CLV job's
// distributed fits rely on (jobs/clv/tables.cpp; across ranks: tests/mpi/clv). Expected values:
// the whole table's own sums (bit for bit), and the plain x-run evaluation of the same table
// (another rounding: within 1e-12 relative).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/table_index.hpp"
#include "kernels/common/errors.hpp"
#include "simulate.hpp"

using namespace crmpi::clv;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// A cut of a sorted table into runs (each within one x): a new run at every change of x and,
// within an x, at random points (runs of 1 to 40 rows).
template <class Row>
std::vector<std::size_t> random_runs(const std::vector<Row>& t, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> ends;
  std::size_t len = 0;
  for (std::size_t i = 1; i <= t.size(); ++i) {
    ++len;
    if (i == t.size() || !(t[i].x == t[i - 1].x) || len >= 1 + rng() % 40) {
      ends.push_back(i);
      len = 0;
    }
  }
  return ends;
}

// The runs dealt into `parts` tables (whole runs, shuffled order): each part's rows and runs.
template <class Row>
struct Part {
  std::vector<Row> rows;
  std::vector<std::size_t> ends;
};
template <class Row>
std::vector<Part<Row>> deal(const std::vector<Row>& t, const std::vector<std::size_t>& ends, int parts,
                            std::uint64_t seed) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  std::size_t b = 0;
  for (const std::size_t e : ends) {
    runs.emplace_back(b, e);
    b = e;
  }
  std::mt19937_64 rng(seed);
  std::shuffle(runs.begin(), runs.end(), rng);
  std::vector<Part<Row>> out(static_cast<std::size_t>(parts));
  for (const auto& [rb, re] : runs) {
    auto& p = out[rng() % out.size()];
    p.rows.insert(p.rows.end(), t.begin() + static_cast<std::ptrdiff_t>(rb), t.begin() + static_cast<std::ptrdiff_t>(re));
    p.ends.push_back(p.rows.size());
  }
  return out;
}

template <std::size_t K>
void expect_same_sums(const LikelihoodSums<K>& a, const LikelihoodSums<K>& b) {
  for (std::size_t i = 0; i < a.sums.size(); ++i)
    EXPECT_TRUE(same_bits(a.sums[i].value(), b.sums[i].value())) << i << ": " << a.sums[i].value() << " vs "
                                                                 << b.sums[i].value();
}

TEST(ClvLikelihoodSums, PartsOfATableAddUpToTheWholeBitForBit) {
  const auto table = collapse_triples(clv_sim::simulate_bgnbd({0.25, 4.0, 0.8, 2.5}, 20000, 11, true));
  const auto ends = random_runs(table, 1);
  const TripleIndex whole(table, ends);
  const BgNbdParams bg{0.3, 5.0, 0.7, 2.2};
  const ParetoNbdParams pn{0.3, 5.0, 0.6, 8.0};
  BgNbdSums bg_whole, mbg_whole;
  ParetoNbdSums pn_whole;
  bg_family_sums(bg, whole, BgFamily::kBgNbd, Derivatives::kHessian, bg_whole);
  bg_family_sums(bg, whole, BgFamily::kMbgNbd, Derivatives::kHessian, mbg_whole);
  pareto_nbd_sums(pn, whole, Derivatives::kGradient, pn_whole);
  for (const int parts : {1, 2, 3, 7}) {
    BgNbdSums bg_sum, mbg_sum;
    ParetoNbdSums pn_sum;
    for (const auto& p : deal(table, ends, parts, static_cast<std::uint64_t>(parts))) {
      const TripleIndex idx(p.rows, p.ends);
      BgNbdSums s1, s2;
      ParetoNbdSums s3;
      bg_family_sums(bg, idx, BgFamily::kBgNbd, Derivatives::kHessian, s1);
      bg_family_sums(bg, idx, BgFamily::kMbgNbd, Derivatives::kHessian, s2);
      pareto_nbd_sums(pn, idx, Derivatives::kGradient, s3);
      for (std::size_t i = 0; i < s1.sums.size(); ++i) {
        bg_sum.sums[i].add(s1.sums[i]);
        mbg_sum.sums[i].add(s2.sums[i]);
        pn_sum.sums[i].add(s3.sums[i]);
      }
    }
    expect_same_sums(bg_sum, bg_whole);
    expect_same_sums(mbg_sum, mbg_whole);
    expect_same_sums(pn_sum, pn_whole);
  }
  // The same likelihood as the table's runs of equal x, to rounding.
  std::array<double, 4> g_runs{}, g_x{};
  const double v_runs = finish_log_params<4>({bg.r, bg.alpha, bg.a, bg.b}, values_of(bg_whole), &g_runs, nullptr);
  const double v_x = bgnbd_log_likelihood(bg, TripleIndex(table), &g_x);
  EXPECT_NEAR(v_runs, v_x, 1e-12 * std::fabs(v_x));
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(g_runs[j], g_x[j], 1e-9 * (1 + std::fabs(g_x[j]))) << j;
  std::array<double, 4> p_runs{}, p_x{};
  const double w_runs = finish_log_params<4>({pn.r, pn.alpha, pn.s, pn.beta}, values_of(pn_whole), &p_runs, nullptr);
  const double w_x = pareto_nbd_log_likelihood(pn, TripleIndex(table), &p_x);
  EXPECT_NEAR(w_runs, w_x, 1e-12 * std::fabs(w_x));
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(p_runs[j], p_x[j], 1e-9 * (1 + std::fabs(p_x[j]))) << j;
}

TEST(ClvLikelihoodSums, GammaGammaPartsAddUpToTheWholeBitForBit) {
  std::mt19937_64 rng(5);
  std::gamma_distribution<double> nu(3.7, 1.0 / 15.0);
  std::uniform_int_distribution<int> xd(1, 12);
  std::vector<SpendPair> rows;
  for (int i = 0; i < 8000; ++i) {
    const double x = xd(rng);
    std::gamma_distribution<double> z(6.25 * x, 1.0 / nu(rng));
    rows.push_back({x, std::round(z(rng) / x * 100) / 100, 1});
  }
  const auto table = collapse_spend(rows);
  const auto ends = random_runs(table, 2);
  const GammaGammaParams prm{6.0, 3.5, 15.0};
  GammaGammaSums whole;
  gamma_gamma_sums(prm, SpendIndex(table, ends), Derivatives::kHessian, whole);
  for (const int parts : {2, 5}) {
    GammaGammaSums sum;
    for (const auto& p : deal(table, ends, parts, 9)) {
      GammaGammaSums s;
      gamma_gamma_sums(prm, SpendIndex(p.rows, p.ends), Derivatives::kHessian, s);
      for (std::size_t i = 0; i < s.sums.size(); ++i) sum.sums[i].add(s.sums[i]);
    }
    expect_same_sums(sum, whole);
  }
  std::array<double, 3> g_runs{}, g_x{};
  const double v_runs = finish_log_params<3>({prm.p, prm.q, prm.gamma}, values_of(whole), &g_runs, nullptr);
  const double v_x = gamma_gamma_log_likelihood(prm, SpendIndex(table), &g_x);
  EXPECT_NEAR(v_runs, v_x, 1e-12 * std::fabs(v_x));
  for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(g_runs[j], g_x[j], 1e-9 * (1 + std::fabs(g_x[j]))) << j;
}

TEST(ClvLikelihoodSums, ExplicitRunsMustEachHoldOneX) {
  const std::vector<Triple> t = {{0, 0, 5, 1}, {1, 2, 5, 1}, {1, 3, 5, 2}};
  EXPECT_NO_THROW(TripleIndex(t, std::vector<std::size_t>{1, 2, 3}));
  EXPECT_THROW(TripleIndex(t, std::vector<std::size_t>{2, 3}), crmpi::DataError);  // x = 0 and 1 in one run
  EXPECT_THROW(TripleIndex(t, std::vector<std::size_t>{1, 2}), crmpi::DataError);  // a row left out
}

}  // namespace
