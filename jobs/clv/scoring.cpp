// `crmpi clv` stage 4: per-customer scores from the broadcast parameters (so they depend only on
// the customer, never on the rank count): P(alive), churn risk, expected purchases over the
// horizon, CLV (with Gamma-Gamma's expected spend) and holdout predictions.
//
// BG/NBD: one fused pass per customer (BgNbdScorer with up to three horizon sets): P(alive) costs
// one exp (a ratio of two tabled powers for x < 32), the (x, T)-only numerators of E[Y(t)] come from a dense [T day][x]
// table, so the customers need no sorting. The table is filled before the pass, in batches per x:
// on one rank from its own customers' (x, T); on several, the ranks agree on the union of their
// (x, T) (presence flags, one allreduce) and each rank fills a share of it (values depend on (x, T) and the parameters only, computed by
// the same code anywhere: the scores stay bit-identical), so no rank repeats nearly the whole
// fill (distinct (x, T) saturate long before the customers do).
// Pareto/NBD: the same fused pass over sets (pareto_nbd_score_sets): end terms per (x, day) summed
// in batches per x, P(alive) with one exp per customer.
// Churn risk, CLV x expected spend and the NaN rows of customers outside the calibration follow
// each block of customers while it is in cache (one pass over the outputs, not three).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "jobs/clv/clv_internal.hpp"
#include "jobs/common/log.hpp"
#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/clv_value.hpp"
#include "kernels/clv/gamma_gamma.hpp"
#include "kernels/clv/pareto_nbd.hpp"

namespace crmpi::clv_job {

namespace {

// Customers scored per block before their post-processing: the block's outputs (~5 arrays of
// 8 KB x 8 bytes) stay in L2 between the scorer and the pass after it.
constexpr std::size_t kBlock = 8192;

// The horizon sets scored in one pass and their outputs: E[Y(horizon)], the CLV months (with
// Gamma-Gamma), the holdout period (with a holdout).
struct SetsAndOutputs {
  std::vector<clv::HorizonSet> sets;
  std::vector<std::span<double>> outs;
};

SetsAndOutputs sets_and_outputs(double horizon, const std::vector<double>& clv_h, const std::vector<double>& clv_w,
                                double holdout_len, ClvModelScores& ms) {
  SetsAndOutputs so{{{{horizon}, {1.0}}}, {ms.expected_purchases}};
  if (!ms.clv.empty()) {
    so.sets.push_back({clv_h, clv_w});
    so.outs.emplace_back(ms.clv);
  }
  if (!ms.holdout_predicted.empty()) {
    so.sets.push_back({{holdout_len}, {1.0}});
    so.outs.emplace_back(ms.holdout_predicted);
  }
  return so;
}

// The outputs of customers [b, e) restricted to that range.
std::vector<std::span<double>> block_of(const std::vector<std::span<double>>& outs, std::size_t b, std::size_t e) {
  std::vector<std::span<double>> out;
  for (const auto& o : outs) out.push_back(o.subspan(b, e - b));
  return out;
}

// Churn risk, CLV x expected spend, NaN rows outside the calibration, for customers [b, e).
void finish_block(const ClvResult& r, ClvModelScores& ms, std::size_t b, std::size_t e) {
  const bool clv = !ms.clv.empty(), holdout = !ms.holdout_predicted.empty();
  for (std::size_t i = b; i < e; ++i) {
    if (r.in_calibration[i]) {
      ms.churn_risk[i] = 1.0 - ms.p_alive[i];  // clv::churn_risk
      if (clv) ms.clv[i] *= r.expected_spend[i];
      continue;
    }
    ms.p_alive[i] = ms.churn_risk[i] = ms.expected_purchases[i] = kNaN;
    if (clv) ms.clv[i] = kNaN;
    if (holdout) ms.holdout_predicted[i] = kNaN;
  }
}

// Fills the scorer's dense table for every rank's customers: on one rank from its own keys; on
// several, the union of every rank's keys is agreed as presence flags over [x][T step] (one
// integer allreduce of (largest x + 1) x steps bytes, at most 256 x the days T spans: bounded by
// the key space, whatever the numbers of ranks and customers), rank q fills the union's keys q, q + P, q + 2P, ... (strided rather than a
// contiguous slice: the cost of a key grows with its series' length, which varies with x, and keys
// run x by x), then every rank installs every value.
void fill_bgnbd_table(const Comm& comm, clv::BgNbdScorer& scorer, const ClvResult& r) {
  using Key = clv::BgNbdScorer::GridKey;
  std::vector<Key> keys = scorer.grid_keys(r.x, r.T);
  if (comm.size() == 1) {
    scorer.install(keys, scorer.grid_values(keys));
    return;
  }
  constexpr Key kStepMask = 0xFFFFFFFFu;  // a key is x << 32 | step (bgnbd.hpp)
  std::array<std::uint64_t, 2> extent{0, 0};  // x values, steps
  for (const Key k : keys) extent = {std::max<std::uint64_t>(extent[0], (k >> 32) + 1),
                                     std::max<std::uint64_t>(extent[1], (k & kStepMask) + 1)};
  comm.allreduce_max_inplace(std::span<std::uint64_t>(extent));
  const std::uint64_t steps = extent[1];
  std::vector<std::uint8_t> seen(extent[0] * steps, 0);
  for (const Key k : keys) seen[(k >> 32) * steps + (k & kStepMask)] = 1;
  comm.allreduce_max_inplace(std::span<std::uint8_t>(seen));
  // The union in key order (x, then step), the same on every rank.
  std::vector<Key> all;
  for (std::uint64_t i = 0; i < seen.size(); ++i)
    if (seen[i]) all.push_back((i / steps) << 32 | (i % steps));
  std::vector<std::uint8_t>().swap(seen);
  const auto P = static_cast<std::size_t>(comm.size()), me = static_cast<std::size_t>(comm.rank());
  keys.clear();
  for (std::size_t k = me; k < all.size(); k += P) keys.push_back(all[k]);
  const std::vector<double> values = comm.allgatherv(std::span<const double>(scorer.grid_values(keys)));
  // Gathered in rank order: rank 0's keys, then rank 1's, ...
  keys.clear();
  for (std::size_t q = 0; q < P; ++q)
    for (std::size_t k = q; k < all.size(); k += P) keys.push_back(all[k]);
  scorer.install(keys, values);
}

void score_bgnbd(const Comm& comm, const clv::BgNbdParams& p, double per_unit, const SetsAndOutputs& so,
                 const ClvResult& r, ClvModelScores& ms) {
  clv::BgNbdScorer scorer(p, so.sets, bg_family(ms.model));
  scorer.set_time_grid(per_unit);  // T = whole days / days per unit
  fill_bgnbd_table(comm, scorer, r);
  const std::size_t n = r.x.size();
  const std::span<const double> x(r.x), t_x(r.t_x), T(r.T);
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t e = std::min(n, b + kBlock);
    scorer.score_sets(x.subspan(b, e - b), t_x.subspan(b, e - b), T.subspan(b, e - b), block_of(so.outs, b, e),
                      std::span<double>(ms.p_alive).subspan(b, e - b));
    finish_block(r, ms, b, e);
  }
}

void score_pareto(const clv::ParetoNbdParams& p, const SetsAndOutputs& so, const ClvResult& r, ClvModelScores& ms) {
  // One fused pass for all horizon sets: P(alive) and the end terms once per customer / (x, day)
  // (the end terms are filled from all the customers first, so this kernel is not run by blocks).
  clv::pareto_nbd_score_sets(p, so.sets, r.x, r.t_x, r.T, so.outs, ms.p_alive);
  finish_block(r, ms, 0, r.x.size());
}

}  // namespace

void score_customers(const Comm& comm, const ClvConfig& cfg, ClvResult& r) {
  const std::size_t n = r.x.size();
  const clv::TimeUnit unit = r.unit;
  const double per_unit = clv::days_per_unit(unit);
  if (r.gamma_gamma) {
    r.expected_spend.assign(n, 0.0);
    clv::gamma_gamma_expected_spend(clv::gamma_gamma_params(*r.gamma_gamma), r.x, r.mean_spend, r.expected_spend);
    for (std::size_t i = 0; i < n; ++i)
      if (!r.in_calibration[i]) r.expected_spend[i] = kNaN;
  }
  const clv::ClvSettings settings{static_cast<int>(cfg.horizon_months), cfg.discount_rate, unit};
  std::vector<double> clv_h, clv_w;
  clv::clv_horizons_and_weights(settings, clv_h, clv_w);
  const double horizon = static_cast<double>(cfg.horizon_months) * clv::month_length(unit);
  const double holdout_len = r.holdout_end ? static_cast<double>(*r.holdout_end - r.calibration_end) / per_unit : 0.0;
  for (auto& ms : r.models) {
    Stopwatch ss;
    // Uninitialised (ScoreColumn): every element is written below (scorer, then finish_block).
    ms.p_alive.resize(n);
    ms.churn_risk.resize(n);
    ms.expected_purchases.resize(n);
    if (r.gamma_gamma) ms.clv.resize(n);
    if (r.holdout_end) ms.holdout_predicted.resize(n);
    const SetsAndOutputs so = sets_and_outputs(horizon, clv_h, clv_w, holdout_len, ms);
    if (ms.model != ClvModel::kParetoNbd)  // BG/NBD or MBG/NBD
      score_bgnbd(comm, clv::bgnbd_params(ms.fit), per_unit, so, r, ms);
    else
      score_pareto(clv::pareto_nbd_params(ms.fit), so, r, ms);
    ms.t_score = ss.seconds();
    spdlog::info("clv: {} scored {} customers in {:.3f}s on this rank ({} customers/s per rank)", model_name(ms.model),
                 human_count(static_cast<double>(n)), ms.t_score,
                 human_count(static_cast<double>(n) / std::max(ms.t_score, 1e-9)));
  }
}

}  // namespace crmpi::clv_job
