// BG/NBD and MBG/NBD analytic Hessians against central differences of the analytic gradient, and
// the two row implementations (scalar, AVX2) against each other: value, gradient and Hessian.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/table_index.hpp"
#include "simulate.hpp"

using namespace crmpi::clv;

namespace {

std::vector<Triple> grid_table() {  // day grid, as real data
  return collapse_triples(clv_sim::simulate_bgnbd({0.8, 4.0, 1.2, 6.0}, 20000, 3, true, 1, 150));
}
std::vector<Triple> extreme_table() {  // large x, t_x = T, tiny and huge gaps, x = 0 rows
  return collapse_triples(std::vector<Triple>{{0, 0, 38.86, 5}, {1, 1.71, 38.86, 3}, {2, 30.43, 38.86, 2},
                                              {7, 7, 7, 1}, {300, 480, 500, 1}, {300, 5, 500, 1},
                                              {50, 499.5, 500, 1}, {0, 0, 0.5, 1}, {1, 0.01, 1000, 1},
                                              {120, 1000, 1000, 2}, {3, 2, 9, 1}, {5, 6, 6.5, 1}, {6, 1, 2, 1}});
}
const std::vector<BgNbdParams> kPoints{{0.2426, 4.4137, 0.7930, 2.4262}, {1, 1, 1, 1}, {5, 0.1, 20, 0.3},
                                       {0.01, 200, 0.05, 50}, {0.8, 4, 1.2, 6}};

BgNbdParams at(const std::array<double, 4>& lp) {
  return {std::exp(lp[0]), std::exp(lp[1]), std::exp(lp[2]), std::exp(lp[3])};
}

// One model of the BG/NBD family: its value/gradient and value/gradient/Hessian entry points, and
// a day-grid table simulated from its own story.
struct Model {
  const char* name;
  double (*ll)(const BgNbdParams&, const TripleIndex&, std::array<double, 4>*, RowIsa);
  double (*llh)(const BgNbdParams&, const TripleIndex&, std::array<double, 4>&, std::array<double, 16>&, RowIsa);
  std::vector<Triple> grid;
};
std::vector<Model> models() {
  return {{"bgnbd", bgnbd_log_likelihood, bgnbd_log_likelihood_hessian, grid_table()},
          {"mbgnbd", mbgnbd_log_likelihood, mbgnbd_log_likelihood_hessian,
           collapse_triples(clv_sim::simulate_mbgnbd({0.8, 4.0, 1.2, 6.0}, 20000, 3, true, 1, 150))}};
}

}  // namespace

TEST(ClvBgNbdHessian, MatchesCentralDifferencesOfTheGradient) {
  for (const Model& m : models())
    for (const auto& table : {m.grid, extreme_table()}) {
      const TripleIndex index(table);
      for (const BgNbdParams& p : kPoints) {
        const std::array<double, 4> lp{std::log(p.r), std::log(p.alpha), std::log(p.a), std::log(p.b)};
        std::array<double, 4> g{};
        std::array<double, 16> h{};
        const double v = m.llh(p, index, g, h, best_row_isa());
        std::array<double, 4> g_plain{};
        EXPECT_EQ(v, m.ll(p, index, &g_plain, best_row_isa())) << m.name;
        for (int i = 0; i < 4; ++i) EXPECT_EQ(g[i], g_plain[i]) << m.name << " " << i;
        const double step = 1e-5;
        for (int j = 0; j < 4; ++j) {
          auto up = lp, dn = lp;
          up[j] += step;
          dn[j] -= step;
          std::array<double, 4> gu{}, gd{};
          const double vu = m.ll(at(up), index, &gu, best_row_isa());
          const double vd = m.ll(at(dn), index, &gd, best_row_isa());
          EXPECT_NEAR(g[j], (vu - vd) / (2 * step), 1e-6 * std::max(1.0, std::fabs(v))) << m.name << " grad " << j;
          double scale = 1.0;
          for (int i = 0; i < 4; ++i) scale = std::max({scale, std::fabs(h[4 * i + j]), std::fabs(g[i])});
          for (int i = 0; i < 4; ++i) {
            const double fd = (gu[i] - gd[i]) / (2 * step);
            EXPECT_NEAR(h[4 * i + j], fd, 1e-6 * scale) << m.name << " r=" << p.r << " entry " << i << "," << j;
            EXPECT_EQ(h[4 * i + j], h[4 * j + i]);
          }
        }
      }
    }
}

TEST(ClvBgNbdRows, Avx2AgreesWithScalar) {
  if (best_row_isa() != RowIsa::kAvx2) GTEST_SKIP() << "this CPU has no AVX2 + FMA: only the scalar rows run";
  for (const Model& m : models())
  for (const auto& table : {m.grid, extreme_table()}) {
    const TripleIndex index(table);
    for (const BgNbdParams& p : kPoints) {
      std::array<double, 4> gs{}, gv{};
      std::array<double, 16> hs{}, hv{};
      const double vs = m.llh(p, index, gs, hs, RowIsa::kScalar);
      const double vv = m.llh(p, index, gv, hv, RowIsa::kAvx2);
      const double tol = 1e-13 * std::max(1.0, std::fabs(vs));
      const std::string what = std::string(m.name) + " r=" + std::to_string(p.r);
      EXPECT_NEAR(vv, vs, tol) << what;
      for (int i = 0; i < 4; ++i) EXPECT_NEAR(gv[i], gs[i], tol) << what << " grad " << i;
      for (int i = 0; i < 16; ++i)
        EXPECT_NEAR(hv[i], hs[i], 1e-12 * std::max(1.0, std::fabs(hs[i])) + tol) << what << " hess " << i;
      EXPECT_EQ(vv, m.ll(p, index, nullptr, RowIsa::kAvx2)) << what << " value alone: same sums";
    }
  }
}
