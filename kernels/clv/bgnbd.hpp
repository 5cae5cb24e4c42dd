// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): log-likelihood with
// analytic gradient over a weighted (x, t_x, T) table, and per-customer scoring.
//
// Per customer (eq. 6), with B the beta function and delta = [x > 0]:
//   L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
//     + delta * B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
// evaluated as lgamma/log terms plus a log-sum-exp of the two branches (no overflow at large x, T).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct BgNbdParams {
  double r = 1, alpha = 1, a = 1, b = 1;
};

// Sum over rows of count * log L. When grad_log is given it receives d(sum)/d(log r, log alpha,
// log a, log b). Rows are summed in table order (deterministic for a given table).
double bgnbd_log_likelihood(const BgNbdParams& p, std::span<const Triple> table,
                            std::array<double, 4>* grad_log = nullptr);

// P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)); 1 when x = 0.
// Branch-free loop over arrays of equal length (out may alias nothing else).
void bgnbd_p_alive(const BgNbdParams& p, std::span<const double> x, std::span<const double> t_x,
                   std::span<const double> T, std::span<double> out);

// Conditional expected purchases, eq. 10 of FHL (2005), combined linearly over horizons:
//   value = sum_k weights[k] * E[Y(horizons[k]) | x, t_x, T].
// E[Y(t)|.] = N(x, T; t) / D(x, t_x, T) where D = 1/P(alive) and
//   N = (a+b+x-1)/(a-1) * (1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)),
//   z = t/(alpha+T+t). Euler's transform turns the product into (1-z)^(a-1) 2F1(a+b-1-r, a-1;
//   a+b+x-1; z), whose terms stay bounded at large x. N depends on (x, T) only, and real data
//   have few distinct (x, T), so N is memoised in a direct-mapped cache: the per-customer cost
//   is then one log1p + one exp. Requires a != 1 (the formula's pole). Not thread-safe: use one
//   scorer per thread. Results do not depend on cache hits (same function computes the value).
class BgNbdScorer {
 public:
  BgNbdScorer(const BgNbdParams& p, std::vector<double> horizons, std::vector<double> weights);
  // out_value[i] = weighted expected purchases; out_p_alive may be empty.
  void score(std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
             std::span<double> out_value, std::span<double> out_p_alive = {});
  // The (x, T)-only numerator, uncached (exposed for tests).
  double numerator(double x, double T) const;

 private:
  struct Entry {
    double x, T, value;
  };
  BgNbdParams p_;
  std::vector<double> horizons_, weights_;
  std::vector<Entry> cache_;
};

// Convenience: E[Y(horizon) | x, t_x, T] per customer.
void bgnbd_expected_purchases(const BgNbdParams& p, double horizon, std::span<const double> x,
                              std::span<const double> t_x, std::span<const double> T, std::span<double> out);

}  // namespace crmpi::clv
