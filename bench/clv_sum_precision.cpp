// How precise must the CLV fits' exact sums be? (docs/clv.md, "How the fits are distributed")
//   bench_clv_sum_precision FILE [--run-rows 2048]
// FILE: raw float64 (x, t_x, T) per customer (bench/clv_bench.py's format). The collapsed table
// is cut into runs (each x's rows in pieces of at most --run-rows rows, like the job's buckets);
// BG/NBD is fitted; at the optimum each run's contributions to the log-likelihood, the gradient
// and the Hessian are computed alone, then added three ways: exactly (WideSum, 2^-64 grid: what
// the fits use), on ExactSum's 2^-24 grid (each value rounded to a multiple of 2^-24, added
// exactly), and as plain doubles in run order (what one process did before). Prints one JSON
// object: the differences from the exact sums, in the units the optimiser tests them in (value:
// relative, against Newton's 1e-12 acceptance; gradient: of the mean negative log-likelihood per
// log-parameter, against the 1e-8 stopping tolerance).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/table_index.hpp"

using namespace crmpi::clv;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_clv_sum_precision FILE [--run-rows N]\n");
    return 2;
  }
  std::size_t run_rows = 2048;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--run-rows") == 0) run_rows = std::stoul(argv[++i]);
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
  const std::vector<Triple> table = collapse_triples(x, t_x, T);
  std::vector<std::size_t> ends;
  for (std::size_t i = 1, len = 1; i <= table.size(); ++i, ++len)
    if (i == table.size() || !(table[i].x == table[i - 1].x) || len >= run_rows) {
      ends.push_back(i);
      len = 0;
    }
  const TripleIndex index(table, ends);
  const FitResult fit = fit_bgnbd(index, ReduceSums{});
  const BgNbdParams p = bgnbd_params(fit);
  const std::array<double, 4> pv{p.r, p.alpha, p.a, p.b};

  // Each run alone: its contributions are exactly the doubles the job adds.
  constexpr std::size_t kCount = BgNbdSums::kCount;
  std::array<crmpi::WideSum, kCount> exact{};
  __extension__ using Int128 = __int128;
  std::array<Int128, kCount> grid24{};
  std::array<double, kCount> plain{};
  std::size_t begin = 0;
  for (const std::size_t end : ends) {
    const std::vector<Triple> rows(table.begin() + static_cast<std::ptrdiff_t>(begin),
                                   table.begin() + static_cast<std::ptrdiff_t>(end));
    BgNbdSums s;
    bg_family_sums(p, TripleIndex(rows), BgFamily::kBgNbd, Derivatives::kHessian, s);
    for (std::size_t i = 0; i < kCount; ++i) {
      const double v = s.sums[i].value();
      exact[i].add(v);
      grid24[i] += static_cast<Int128>(std::llround(std::ldexp(v, 24)));
      plain[i] += v;
    }
    begin = end;
  }
  std::array<double, kCount> ve{}, v24{}, vp{};
  for (std::size_t i = 0; i < kCount; ++i) {
    ve[i] = exact[i].value();
    v24[i] = std::ldexp(static_cast<double>(grid24[i]), -24);
    vp[i] = plain[i];
  }
  std::array<double, 4> ge{}, g24{}, gp{};
  std::array<double, 16> he{}, h24{};
  const double le = finish_log_params<4>(pv, ve, &ge, &he);
  const double l24 = finish_log_params<4>(pv, v24, &g24, &h24);
  const double lp = finish_log_params<4>(pv, vp, &gp, nullptr);
  const double customers = static_cast<double>(fit.n_customers);
  double dg24 = 0, dgp = 0, dh24 = 0;
  for (std::size_t j = 0; j < 4; ++j) {
    dg24 = std::max(dg24, std::fabs(g24[j] - ge[j]) / customers);
    dgp = std::max(dgp, std::fabs(gp[j] - ge[j]) / customers);
  }
  for (std::size_t j = 0; j < 16; ++j) dh24 = std::max(dh24, std::fabs(h24[j] - he[j]) / std::fabs(he[j]));
  std::printf(
      "{\"customers\": %.0f, \"rows\": %zu, \"runs\": %zu, \"log_likelihood\": %.10f,\n"
      " \"value_rel_diff_grid24\": %.3e, \"value_rel_diff_plain\": %.3e, \"newton_acceptance\": 1e-12,\n"
      " \"mean_grad_diff_grid24\": %.3e, \"mean_grad_diff_plain\": %.3e, \"grad_stop_tolerance\": 1e-8,\n"
      " \"hessian_rel_diff_grid24\": %.3e, \"fit_evaluations\": %d, \"converged\": %s}\n",
      customers, table.size(), ends.size(), le, std::fabs(l24 - le) / std::fabs(le), std::fabs(lp - le) / std::fabs(le),
      dg24, dgp, dh24, fit.iterations, fit.converged ? "true" : "false");
  return 0;
}
