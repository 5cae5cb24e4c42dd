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
#include <limits>
#include <span>
#include <vector>

#include "kernels/clv/bgnbd_rows.hpp"
#include "kernels/clv/hyp_batch.hpp"
#include "kernels/clv/likelihood_sums.hpp"
#include "kernels/clv/table_index.hpp"
#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct BgNbdParams {
  double r = 1, alpha = 1, a = 1, b = 1;
};

// Sum over rows of count * log L. When grad_log is given it receives d(sum)/d(log r, log alpha,
// log a, log b). Deterministic for a given table. NaN when a parameter is not finite and > 0.
double bgnbd_log_likelihood(const BgNbdParams& p, std::span<const Triple> table,
                            std::array<double, 4>* grad_log = nullptr);
// Same over a prebuilt index (build it once per fit): the lgamma/digamma terms of x are computed
// once per x, log(alpha + u) and 1/(alpha + u) once per distinct time value; per row remain one
// exp, one log, one division and a few multiply-adds (value and gradient in one pass;
// bgnbd_rows.hpp, vectorised where the CPU allows). Rows are summed per run in double, the runs'
// sums exactly (likelihood_sums.hpp): the result depends on the runs, not on their order.
double bgnbd_log_likelihood(const BgNbdParams& p, const TripleIndex& index,
                            std::array<double, 4>* grad_log = nullptr, RowIsa isa = best_row_isa());
// Value, gradient and Hessian (row-major 4 x 4) with respect to (log r, log alpha, log a, log b),
// analytic (formulas in bgnbd_likelihood.cpp), in one pass over the rows: what a Newton step and
// the observed information need, for the price of ~1.3 gradient evaluations.
double bgnbd_log_likelihood_hessian(const BgNbdParams& p, const TripleIndex& index, std::array<double, 4>& grad_log,
                                    std::array<double, 16>& hess_log, RowIsa isa = best_row_isa());

// MBG/NBD (Batislam, Denizel & Filiztekin 2007; lifetimes' ModifiedBetaGeoFitter): as BG/NBD,
// but a customer may also drop out right after the first purchase, so x = 0 customers are not
// surely alive. Per customer, with delta gone:
//   L = B(a, b+x+1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
//     + B(a+1, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x)),
// i.e. BG/NBD's row with x + 1 in the beta-function terms (same evaluation, same parameters).
double mbgnbd_log_likelihood(const BgNbdParams& p, const TripleIndex& index, std::array<double, 4>* grad_log = nullptr,
                             RowIsa isa = best_row_isa());
double mbgnbd_log_likelihood_hessian(const BgNbdParams& p, const TripleIndex& index, std::array<double, 4>& grad_log,
                                     std::array<double, 16>& hess_log, RowIsa isa = best_row_isa());

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
//   is then one log and one exp (on the day grid one exp, none for x < 32). Requires a != 1 (the
//   formula's pole). Not thread-safe: use one scorer per thread. Results do not depend on cache
//   hits (same function computes the value).
// One set of horizons with their weights (value = sum_j weights[j] E[Y(horizons[j])]).
struct HorizonSet {
  std::vector<double> horizons, weights;
};

// Shared argument check of the fused scorers (BG/NBD, Pareto/NBD): t_x and T as long as x, one
// output per set, each output and P(alive) empty or as long as x. Throws DataError naming `who`.
void check_score_spans(const char* who, std::size_t n, std::size_t n_tx, std::size_t n_T, std::size_t nsets,
                       std::span<const std::span<double>> out_values, std::span<const double> out_p_alive);

// The model of the BG/NBD family a scorer scores. MBG/NBD's E[Y(t)] and P(alive) are BG/NBD's with
// b + 1 in place of b (in the numerator's scale and 2F1, and in a/(b+x-1)), except that its x = 0
// customers may have dropped out (Batislam et al. 2007, eqs. 8-9; lifetimes' ModifiedBetaGeoFitter):
//   P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x))   for every x.
enum class BgFamily { kBgNbd, kMbgNbd };

// The exact sums of a part of a table (likelihood_sums.hpp) for BG/NBD or MBG/NBD: each run's
// contributions to the log-likelihood, the gradient and the Hessian in (r, alpha, a, b), added to
// `out`. The log-likelihood functions above are these sums over one whole table, finished.
using BgNbdSums = LikelihoodSums<4>;
void bg_family_sums(const BgNbdParams& p, const TripleIndex& index, BgFamily family, Derivatives d, BgNbdSums& out,
                    RowIsa isa = best_row_isa());

class BgNbdScorer {
 public:
  static constexpr std::size_t kMaxSets = 4;
  BgNbdScorer(const BgNbdParams& p, std::vector<double> horizons, std::vector<double> weights);
  // Up to kMaxSets horizon sets scored in one pass (e.g. {horizon}, the CLV months, {holdout}):
  // P(alive) is computed once per customer, the numerators of every set share one cache entry.
  BgNbdScorer(const BgNbdParams& p, std::vector<HorizonSet> sets, BgFamily model = BgFamily::kBgNbd);
  // Hint: T * steps_per_unit is a whole number for (nearly) every customer (weeks of whole days:
  // 7). The numerators of integer x < kGridX then live in a dense [T step][x] table filled on
  // first use: no hashing, no eviction, and the hot part (small x) fits in L2 whatever the order
  // of the customers. Other customers use the hashed cache. Values do not depend on the path.
  void set_time_grid(double steps_per_unit);
  // out_value[i] = weighted expected purchases (first set); out_p_alive may be empty.
  void score(std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
             std::span<double> out_value, std::span<double> out_p_alive = {});
  // One output per set (each empty to skip, else of length n).
  void score_sets(std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
                  std::span<const std::span<double>> out_values, std::span<double> out_p_alive);
  // Sharing the dense table's fill, e.g. across MPI ranks: each fills a slice of the union of
  // every rank's keys and all install all values, instead of each repeating nearly the whole fill
  // (distinct (x, T) saturate long before the customers do). A key names one grid entry (integer
  // x < kGridX, T = step / grid): x << 32 | step, so sorted keys run x by x with T ascending.
  using GridKey = std::uint64_t;
  // Sorted distinct keys of the customers whose numerators live in the dense table (none without
  // a grid, set_time_grid).
  // (Sizes the table for them.)
  std::vector<GridKey> grid_keys(std::span<const double> x, std::span<const double> T);
  // Numerators of every set per key, [key][set] (set_count() values a key), each x's (T, horizon)
  // series in one batch. Computed by the same code as the self-filling path (fill/combine), so the
  // values are bit-identical wherever they are computed. Keys sorted, as grid_keys returns them.
  std::vector<double> grid_values(std::span<const GridKey> keys);
  // Stores values from grid_values of a scorer with the same parameters, sets and grid (any key
  // order): the customers with these keys then need no fill here. Filling a scorer's own table
  // up front is install(keys, grid_values(keys)) with its customers' keys: faster than entry by
  // entry during score_sets (fuller series blocks), same values.
  void install(std::span<const GridKey> keys, std::span<const double> values);
  std::size_t set_count() const { return sets_.size(); }
  // The (x, T)-only numerator of the first set, uncached (exposed for tests).
  double numerator(double x, double T) const { return numerator(0, x, T); }
  double numerator(std::size_t set, double x, double T) const;

  static constexpr std::size_t kGridX = 256;

 private:
  struct Entry {
    double x, T;
    std::array<double, kMaxSets> value;
  };
  const double* lookup(double x, double T);
  // Numerators of every set for (x, T): all horizons of all sets in one batch of series sharing
  // the coefficients of x (hyp_batch.hpp), each horizon stopping by its own test; pq = the
  // horizons' (1-z)^(a-1) and 1 - (1-z)^(a-1) at T (time_terms). Same values as numerator() to
  // rounding (tests check 1e-12); grid and hashed paths compute them identically.
  void fill(double x, double T, const double* pq, double* values);
  // The numerators from flat_hyp_ (2F1 - 1 per horizon) and pq: shared by fill and grid_values.
  void combine(double x, const double* pq, double* values) const;
  void time_terms(double T, double* pq) const;
  const double* step_terms(std::size_t step);  // time_terms of a grid step, computed once
  Hyp2f1MinusOneBatch& series_for(double x);
  bool on_grid(double v, std::size_t& step) const;  // v == step / grid_ exactly
  void grow_grid(std::size_t step);                 // dense_ and log_alpha_u_ cover step
  BgNbdParams p_;             // MBG/NBD: b + 1 (BgFamily)
  bool dead_at_zero_ = false;  // MBG/NBD: x = 0 customers may have dropped out
  std::vector<HorizonSet> sets_;
  std::vector<Entry> cache_;
  double grid_ = 0;            // steps per time unit, 0 = no grid
  std::vector<double> dense_;  // [step][x][set], NaN = not yet computed
  std::vector<double> log_alpha_u_;  // [step]: log(alpha + step / grid)
  std::vector<double> step_value_;   // [step]: step / grid (on_grid's test without a division)
  // P(alive)'s ((alpha+T)/(alpha+t_x))^(r+x) for small x as a ratio of two table entries instead
  // of an exp per customer: pow_[x][step] = exp((r+x) (log(alpha+u) - log(alpha))), u = step /
  // grid, for x < kPowX and the first pow_steps_[x] steps (exponent <= 700: no overflow). The
  // entries depend on (x, step) and the parameters only, so the path and the value of a customer
  // do not depend on the other customers (nor on the rank).
  static constexpr std::size_t kPowX = 32;
  std::vector<double> pow_;
  std::array<std::size_t, kPowX> pow_steps_{};
  std::size_t dense_steps_ = 0;
  std::array<double, kGridX> odds_scale_{};  // [x]: a / (b + x - 1), 0 for x = 0
  // Horizons > 0 of all sets, set by set in their order (a horizon <= 0 adds nothing).
  std::vector<double> flat_h_, flat_w_;
  std::vector<std::size_t> flat_set_;
  std::vector<double> flat_hyp_;                      // per fill: 2F1 - 1 per horizon (set at same_[k])
  std::vector<double> pq_;                            // [step][horizon]{P, Q} (time_terms)
  std::vector<char> pq_ready_;                        // [step]
  std::vector<double> pq_scratch_;                    // time_terms off the grid
  std::vector<std::size_t> same_;                     // [flat]: first flat index of an equal horizon
  std::vector<std::size_t> lane_;                     // batch order: distinct horizons' flat indices, decreasing
  std::vector<double> lane_z_, lane_hyp_;             // z and 2F1 - 1 in batch order
  std::vector<Hyp2f1MinusOneBatch> series_;           // [x] for integer x < kGridX, then one for any other x
  std::vector<char> series_ready_;
  double other_x_ = std::numeric_limits<double>::quiet_NaN();  // x of series_.back()
};

// Convenience: E[Y(horizon) | x, t_x, T] per customer.
void bgnbd_expected_purchases(const BgNbdParams& p, double horizon, std::span<const double> x,
                              std::span<const double> t_x, std::span<const double> T, std::span<double> out);

}  // namespace crmpi::clv
