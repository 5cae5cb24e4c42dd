// CLV kernels on one core, stage by stage, on per-customer (x, t_x, T) from a raw file of
// float64 triples (bench/clv_bench.py writes it from crmpi's results.h5):
//   bench_clv_kernel FILE [--pareto] [--grid 7]
// Prints one JSON object: collapse (sort + merge of equal keys), index build, one log-likelihood
// + gradient evaluation of BG/NBD and Pareto/NBD (mean of several), the full fits (with their
// evaluation counts; Pareto/NBD from its default start and from BG/NBD's estimates as the job
// does), fused Pareto/NBD scoring (best of 3 passes, each filling its end terms), and fused BG/NBD scoring (P(alive), E[Y(52 weeks)], 12-month CLV) in
// customer order.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "jobs/common/heap_policy.hpp"
#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/clv_value.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/pareto_nbd.hpp"
#include "kernels/clv/table_index.hpp"

using namespace crmpi::clv;

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_clv_kernel FILE [--pareto] [--grid STEPS_PER_UNIT]\n");
    return 2;
  }
  // The heap policy of the crmpi executable (jobs/cli/main.cpp), which these kernels run under.
  const bool reuse = crmpi::apply_heap_policy_from_environment();
  bool pareto = false;
  double grid = 7.0;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--pareto") == 0) pareto = true;
    if (std::strcmp(argv[i], "--grid") == 0 && i + 1 < argc) grid = std::stod(argv[++i]);
  }
  std::ifstream f(argv[1], std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(f.tellg());
  const std::size_t n = bytes / (3 * sizeof(double));
  std::vector<double> raw(3 * n);
  f.seekg(0);
  f.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(3 * n * sizeof(double)));
  std::vector<double> x(n), t_x(n), T(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = raw[3 * i];
    t_x[i] = raw[3 * i + 1];
    T[i] = raw[3 * i + 2];
  }
  std::printf("{\"customers\": %zu, \"heap_reuse\": %s", n, reuse ? "true" : "false");
  double t0 = now();
  const std::vector<Triple> table = collapse_triples(x, t_x, T);
  const double t_collapse = now() - t0;
  t0 = now();
  const TripleIndex index(table);
  const double t_index = now() - t0;
  std::printf(", \"rows\": %zu, \"runs_x\": %zu, \"distinct_u\": %zu, \"collapse_s\": %.4f, \"index_s\": %.4f",
              table.size(), index.run_x.size(), index.u.size(), t_collapse, t_index);
  const int reps = 5;
  std::array<double, 4> g{};
  // One BG/NBD evaluation (value + gradient) with each row implementation: best of `reps`.
  for (const RowIsa isa : {RowIsa::kScalar, best_row_isa()}) {
    double best = 1e300;
    for (int k = 0; k < reps; ++k) {
      t0 = now();
      bgnbd_log_likelihood({1.0, 3.3, 1.2, 9.8}, index, &g, isa);
      best = std::min(best, now() - t0);
    }
    std::printf(", \"bgnbd_eval_%s_s\": %.5f", isa == RowIsa::kAvx2 ? "avx2" : "scalar", best);
    if (isa == best_row_isa()) std::printf(", \"bgnbd_eval_s\": %.5f", best);
  }
  t0 = now();
  const FitResult bg = fit_bgnbd(table);
  std::printf(", \"bgnbd_fit_s\": %.4f, \"bgnbd_fit_iterations\": %d, \"bgnbd_converged\": %s", now() - t0,
              bg.iterations, bg.converged ? "true" : "false");
  std::printf(", \"bgnbd_message\": \"%s\"", bg.message.c_str());
  std::printf(", \"bgnbd_estimates\": [%.6f, %.6f, %.6f, %.6f]", bg.estimates[0], bg.estimates[1], bg.estimates[2],
              bg.estimates[3]);
  {  // The target figure: collapse + fit from the per-customer columns; best of 3, wall and CPU
     // time (CPU time is less disturbed by other processes on a shared machine).
    double best_wall = 1e300, best_cpu = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
      const double w0 = now();
      const std::clock_t c0 = std::clock();
      const FitResult again = fit_bgnbd(collapse_triples(x, t_x, T));
      best_cpu = std::min(best_cpu, static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
      best_wall = std::min(best_wall, now() - w0);
      if (again.estimates != bg.estimates) std::fprintf(stderr, "collapse + fit: estimates differ between runs\n");
    }
    std::printf(", \"bgnbd_collapse_fit_s\": %.4f, \"bgnbd_collapse_fit_cpu_s\": %.4f", best_wall, best_cpu);
  }
  if (pareto) {
    const ParetoNbdParams pp{1.28, 4.8, 1.1, 45.5};
    t0 = now();
    pareto_nbd_log_likelihood(pp, index, &g);
    std::printf(", \"pareto_eval_s\": %.4f", now() - t0);
    t0 = now();
    const FitResult pf = fit_pareto_nbd(table);
    std::printf(", \"pareto_fit_default_start_s\": %.3f, \"pareto_converged\": %s, \"pareto_fit_evaluations\": %d",
                now() - t0, pf.converged ? "true" : "false", pf.iterations);
    // The job's start: BG/NBD's purchase-rate estimates (jobs/clv/fits.cpp).
    FitOptions from_bg;
    from_bg.start = {bg.estimates[0], bg.estimates[1], 1.0, bg.estimates[1]};
    t0 = now();
    const FitResult pj = fit_pareto_nbd(table, from_bg);
    std::printf(", \"pareto_fit_bgnbd_start_s\": %.3f, \"pareto_fit_bgnbd_start_evaluations\": %d", now() - t0,
                pj.iterations);
    // Fused Pareto/NBD scoring as the job does it (E[Y(52 weeks)] and 12-month CLV; end terms
    // per (x, day) filled inside the call, so every call is a cold pass).
    std::vector<double> pclv_h, pclv_w;
    clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, pclv_h, pclv_w);
    const std::vector<HorizonSet> psets = {{{52.14}, {1.0}}, {pclv_h, pclv_w}};
    std::vector<double> pey(n), pclv(n), ppa(n);
    const std::span<double> pouts[2] = {pey, pclv};
    double best = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
      t0 = now();
      pareto_nbd_score_sets(pareto_nbd_params(pf), psets, x, t_x, T, pouts, ppa);
      best = std::min(best, now() - t0);
    }
    std::printf(", \"pareto_score_s\": %.4f, \"pareto_score_customers_per_s\": %.0f", best,
                static_cast<double>(n) / best);
  }
  // Fused scoring in customer order, as the job does.
  const BgNbdParams p = bgnbd_params(bg);
  std::vector<double> clv_h, clv_w;
  clv_horizons_and_weights(ClvSettings{12, 0.01, TimeUnit::kWeek}, clv_h, clv_w);
  std::vector<double> ey(n), clv(n), pa(n);
  BgNbdScorer scorer(p, {HorizonSet{{52.14}, {1.0}}, HorizonSet{clv_h, clv_w}});
  scorer.set_time_grid(grid);
  const std::span<double> outs[2] = {ey, clv};
  for (int pass = 0; pass < 2; ++pass) {  // pass 0: fills the (x, T) numerators; pass 1: all cached
    double s = 1e300;
    for (int rep = 0; rep < (pass ? 5 : 1); ++rep) {  // warm: best of 5 (shared machine)
      t0 = now();
      scorer.score_sets(x, t_x, T, outs, pa);
      s = std::min(s, now() - t0);
    }
    std::printf(", \"score_%s_s\": %.4f, \"score_%s_customers_per_s\": %.0f", pass ? "warm" : "cold", s,
                pass ? "warm" : "cold", static_cast<double>(n) / s);
  }
  std::printf("}\n");
  return 0;
}
