#include "kernels/clv/pareto_nbd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/clv/day_grid.hpp"
#include "kernels/clv/hyp_batch.hpp"
#include "kernels/clv/special_functions.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {
namespace {

// log[F(u) / (m+u)^(r+s+x)] and its natural-parameter gradient (r, alpha, s, beta).
struct EndTerm {
  double log_value;
  std::array<double, 4> grad;
};

// Pieces of an end term that depend on the time value u and the parameters, not on x:
// mu = max(alpha, beta) + u, z = |alpha - beta| / mu, log(1-z), log(mu), dz/d(alpha, beta).
struct UTerms {
  double u, mu, z, log1mz, log_mu;
};

UTerms u_terms(const ParetoNbdParams& p, double u) {
  const double m = p.alpha >= p.beta ? p.alpha : p.beta;
  const double mu = m + u;
  const double z = std::fabs(p.alpha - p.beta) / mu;
  return {u, mu, z, std::log1p(-z), std::log(mu)};
}

// Series arguments for x: G(b', a+1; z) with a = r+s+x (header comment).
double series_b(const ParetoNbdParams& p, double x) { return p.alpha >= p.beta ? p.r + x : p.s + 1; }
double series_c(const ParetoNbdParams& p, double x) { return p.r + p.s + x + 1; }

// The end term from its series value g = G(b', a+1; z(u)).
EndTerm end_from(const ParetoNbdParams& p, double x, const UTerms& ut, const LogHyp& g, bool want_grad) {
  const double r = p.r, alpha = p.alpha, s = p.s, beta = p.beta;
  const bool alpha_ge = alpha >= beta;
  const double a = r + s + x;
  const double e = alpha_ge ? -s : 1 - r - x;
  const double u = ut.u, mu = ut.mu, z = ut.z, log1mz = ut.log1mz, log_mu = ut.log_mu;
  EndTerm out{g.log_value + e * log1mz - a * log_mu, {}};
  if (!want_grad) return out;
  const double kz = g.d_z - e / (1 - z);  // d log F / dz
  const double dz_dalpha = alpha_ge ? (beta + u) / (mu * mu) : -1.0 / mu;
  const double dz_dbeta = alpha_ge ? -1.0 / mu : (alpha + u) / (mu * mu);
  const double dlogf_dr = (alpha_ge ? g.d_b : 0.0) + g.d_c - (alpha_ge ? 0.0 : log1mz);
  const double dlogf_ds = (alpha_ge ? 0.0 : g.d_b) + g.d_c - (alpha_ge ? log1mz : 0.0);
  out.grad = {dlogf_dr - log_mu, kz * dz_dalpha - (alpha_ge ? a / mu : 0.0), dlogf_ds - log_mu,
              kz * dz_dbeta - (alpha_ge ? 0.0 : a / mu)};
  return out;
}

// One end term with its own scalar series (the row-by-row reference path).
EndTerm end_term(const ParetoNbdParams& p, double x, double u, bool want_grad) {
  const UTerms ut = u_terms(p, u);
  const LogHyp g = log_hyp2f1_unit_a(series_b(p, x), series_c(p, x), ut.z);  // NaN outside its domain
  return end_from(p, x, ut, g, want_grad);
}

// Terms of one row that depend on x alone: part1 = r log alpha + s log beta + lgamma(r+x) -
// lgamma(r) and its gradient d1 (natural parameters).
struct XTerms {
  double part1;
  std::array<double, 4> d1;
};

XTerms x_terms(const ParetoNbdParams& p, double x, double lg_r, double psi_r, bool want_grad) {
  const double log_alpha = std::log(p.alpha), log_beta = std::log(p.beta), rx = p.r + x;
  XTerms t{p.r * log_alpha + p.s * log_beta + std::lgamma(rx) - lg_r, {}};
  if (want_grad) t.d1 = {log_alpha + digamma(rx) - psi_r, p.r / p.alpha, log_beta, p.s / p.beta};
  return t;
}

// Time terms of T: log(alpha+T), log(beta+T), 1/(alpha+T), 1/(beta+T).
struct TTerms {
  double log_aT, log_bT, inv_aT, inv_bT;
};

// One row from its pieces; at_tx/at_T are null when t_x == T (no death between t_x and T).
ParetoNbdRow combine_row(const ParetoNbdParams& p, double x, const XTerms& xt, const TTerms& tt,
                         const EndTerm* at_tx, const EndTerm* at_T, bool want_grad) {
  const double r = p.r, s = p.s;
  const double a = r + s + x, rx = r + x;
  const double part2 = -rx * tt.log_aT - s * tt.log_bT;
  double part3 = -std::numeric_limits<double>::infinity();
  double q = 0.0;  // A0 = exp(L_tx) (1 - q)
  if (at_tx) {
    q = std::exp(at_T->log_value - at_tx->log_value);
    if (q < 1.0) part3 = std::log(s) - std::log(a) + at_tx->log_value + log1mexp(at_T->log_value - at_tx->log_value);
    if (std::isnan(q)) part3 = q;  // series failed (see special_functions.hpp): propagate NaN
  }
  const double lse = log_sum_exp(part2, part3);
  ParetoNbdRow row;
  row.log_lik = xt.part1 + lse;
  row.log_alive_term = part2;
  row.log_dead_term = part3;
  if (!want_grad) return row;
  const double w2 = std::exp(part2 - lse);
  const double w3 = std::isfinite(part3) ? std::exp(part3 - lse) : 0.0;
  const std::array<double, 4> d2 = {-tt.log_aT, -rx * tt.inv_aT, -tt.log_bT, -s * tt.inv_bT};
  std::array<double, 4> d3 = {-1.0 / a, 0.0, 1.0 / s - 1.0 / a, 0.0};
  if (w3 > 0) {
    const double w_tx = 1.0 / (1.0 - q), w_T = q / (1.0 - q);  // d log(e^L1 - e^L2)
    for (int k = 0; k < 4; ++k) d3[k] += w_tx * at_tx->grad[k] - w_T * at_T->grad[k];
  }
  for (int k = 0; k < 4; ++k) row.grad[k] = xt.d1[k] + w2 * d2[k] + w3 * d3[k];
  return row;
}

bool valid(const ParetoNbdParams& p) {
  return std::isfinite(p.r) && std::isfinite(p.alpha) && std::isfinite(p.s) && std::isfinite(p.beta) && p.r > 0 &&
         p.alpha > 0 && p.s > 0 && p.beta > 0;
}

}  // namespace

ParetoNbdRow pareto_nbd_row(const ParetoNbdParams& p, double x, double t_x, double T, bool want_grad) {
  const XTerms xt = x_terms(p, x, std::lgamma(p.r), want_grad ? digamma(p.r) : 0.0, want_grad);
  const TTerms tt{std::log(p.alpha + T), std::log(p.beta + T), 1.0 / (p.alpha + T), 1.0 / (p.beta + T)};
  if (!(T > t_x)) return combine_row(p, x, xt, tt, nullptr, nullptr, want_grad);
  const EndTerm at_tx = end_term(p, x, t_x, want_grad), at_T = end_term(p, x, T, want_grad);
  return combine_row(p, x, xt, tt, &at_tx, &at_T, want_grad);
}

double pareto_nbd_log_likelihood(const ParetoNbdParams& p, std::span<const Triple> table,
                                 std::array<double, 4>* grad_log) {
  return pareto_nbd_log_likelihood(p, TripleIndex(table), grad_log);
}

double pareto_nbd_log_likelihood(const ParetoNbdParams& p, const TripleIndex& idx, std::array<double, 4>* grad_log) {
  ParetoNbdSums sums;
  pareto_nbd_sums(p, idx, grad_log ? Derivatives::kGradient : Derivatives::kValue, sums);
  return finish_log_params<4>({p.r, p.alpha, p.s, p.beta}, values_of(sums), grad_log, nullptr);
}

void pareto_nbd_sums(const ParetoNbdParams& p, const TripleIndex& idx, Derivatives derivs, ParetoNbdSums& out) {
  if (!valid(p)) {
    out.poison();
    return;
  }
  const bool want_grad = derivs != Derivatives::kValue;
  const std::size_t nu = idx.u.size();
  std::vector<TTerms> tt(nu);
  for (std::size_t k = 0; k < nu; ++k)
    tt[k] = {std::log(p.alpha + idx.u[k]), std::log(p.beta + idx.u[k]), 1.0 / (p.alpha + idx.u[k]),
             1.0 / (p.beta + idx.u[k])};
  // End terms (two hypergeometric series) depend on (x, u) only. Per x (its consecutive runs),
  // the time values its rows need are collected (ascending u, so similar z share a batch) and
  // their series summed together with shared coefficients (hyp_batch.hpp; a lane's value depends
  // on its own z only); cache[iu] holds the x's terms (stamp = x group number + 1 marks the
  // needed entries).
  std::vector<UTerms> ut(nu);
  for (std::size_t k = 0; k < nu; ++k) ut[k] = u_terms(p, idx.u[k]);
  const UTerms ut0 = u_terms(p, 0.0);  // the scales' reference, u = 0 (below)
  std::vector<EndTerm> cache(nu);
  std::vector<double> exp_a(nu), exp_b(nu), exp_e(nu);  // per x and needed u (below)
  std::vector<std::uint8_t> in_range(nu, 0);
  std::vector<double> acc_alive(nu, 0.0), acc_end(nu, 0.0);  // per run: gradient weights by u
  std::vector<std::uint32_t> stamp(nu, 0), used_stamp(nu, 0), need, used;
  std::vector<double> zs;
  std::vector<LogHyp> gs;
  UnitAHypBatch series;
  const double lg_r = std::lgamma(p.r), psi_r = want_grad ? digamma(p.r) : 0.0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using S = ParetoNbdSums;
  std::uint32_t group = 0;
  XTerms xt{};
  double x = nan, rx = 0, a = 0, log_s_a = 0;
  const double s = p.s;
  std::array<double, 4> d3_base{};
  for (std::size_t k = 0; k < idx.run_x.size(); ++k) {
    if (!(idx.run_x[k] == x)) {  // a new x: its end terms for every run of it
      x = idx.run_x[k];
      ++group;
      std::size_t k_end = k + 1;
      while (k_end < idx.run_x.size() && idx.run_x[k_end] == x) ++k_end;
      for (std::size_t i = idx.run_begin(k); i < idx.run_end[k_end - 1]; ++i) {
        if (idx.i_T[i] > idx.i_tx[i]) stamp[idx.i_tx[i]] = stamp[idx.i_T[i]] = group;
        used_stamp[idx.i_T[i]] = group;
      }
      need.clear();
      used.clear();
      zs.clear();
      for (std::uint32_t iu = 0; iu < nu; ++iu) {
        if (stamp[iu] == group) {
          need.push_back(iu);
          zs.push_back(ut[iu].z);
        }
        if (stamp[iu] == group || used_stamp[iu] == group) used.push_back(iu);  // the gradient's weights
      }
      zs.push_back(ut0.z);
      gs.resize(zs.size());
      series.reset(series_b(p, x), series_c(p, x), want_grad);
      series.eval(zs, gs);
      for (std::size_t j = 0; j < need.size(); ++j) cache[need[j]] = end_from(p, x, ut[need[j]], gs[j], want_grad);
      xt = x_terms(p, x, lg_r, psi_r, want_grad);
      rx = p.r + x;
      a = p.r + p.s + x;
      log_s_a = std::log(s) - std::log(a);
      d3_base = {-1.0 / a, 0.0, 1.0 / s - 1.0 / a, 0.0};
      // combine_row's formulas rearranged for fewer transcendental functions per row (values
      // equal to rounding, tests check 1e-12 against pareto_nbd_row):
      //  - lse = log(e^part2 + e^part3) = part2 + log(1 + v), v = e^(part3 - part2)
      //    = (s/a) e^(L_tx - part2) (1 - q), q = e^(L_T - L_tx): the branch weights are 1/(1+v)
      //    and v/(1+v), w_tx = 1/(1-q), w_T = q/(1-q) for the end terms' gradients;
      //  - e^(L_u + log(s/a) - K), e^(K - part2(u)) and e^(L_u - K') once per (x, u) with scales
      //    K = L_0 + log(s/a), K' = L_0 of the end term at u = 0, the largest (L_u decreases in
      //    u): they depend on x and the parameters only, so a row's value does not depend on
      //    which other rows share its x. A row whose time values put an exponent outside +-700
      //    takes the per-row exps; so a row has products and one log; 1 - q by -expm1 near
      //    q = 1 (log1mexp's split);
      //  - gradients gathered per time value: each row adds its weights to the entries of its
      //    t_x and T, multiplied by the (x, u) gradients once per run; the x-only terms (part1,
      //    d1) and log(s/a) once per run: part1 * sum(w) + sum(w lse).
      const EndTerm at0 = end_from(p, x, ut0, gs.back(), false);
      const double k_a = at0.log_value + log_s_a, k_e = at0.log_value;
      for (const std::uint32_t iu : need) {
        const double ea = cache[iu].log_value + log_s_a - k_a, ee = cache[iu].log_value - k_e;
        const double eb = k_a + rx * tt[iu].log_aT + s * tt[iu].log_bT;  // K - part2(u)
        in_range[iu] = ea > -700.0 && ea < 700.0 && ee > -700.0 && ee < 700.0 && std::fabs(eb) < 700.0;
        exp_a[iu] = std::exp(ea);
        exp_b[iu] = std::exp(eb);
        exp_e[iu] = std::exp(ee);
      }
    }
    double s_w = 0.0, s_lse = 0.0, s_w3 = 0.0;
    for (std::size_t i = idx.run_begin(k); i < idx.run_end[k]; ++i) {
      const std::uint32_t iT = idx.i_T[i], itx = idx.i_tx[i];
      const TTerms& t = tt[iT];
      const double part2 = -rx * t.log_aT - s * t.log_bT;
      const double w = idx.w[i];
      double lse = part2, w2 = 1.0;
      if (iT > itx) {  // T > t_x (u is ascending): the dead branch
        const bool fast = in_range[itx] && in_range[iT];
        const double l_tx = cache[itx].log_value, d = cache[iT].log_value - l_tx;
        double q = 0.0, em = 0.0;  // q and 1 - q
        if (d > -0.6931471805599453) {
          em = -std::expm1(d);
          q = 1.0 - em;
        } else {
          q = fast ? exp_e[iT] / exp_e[itx] : std::exp(d);
          em = 1.0 - q;
        }
        if (std::isnan(em)) {  // series outside its domain: give up at once
          out.poison();
          return;
        }
        if (em > 0.0) {
          double w3 = 0.0;
          const double v_fast = fast ? exp_a[itx] * exp_b[iT] * em : 0.0;
          const double arg = log_s_a + l_tx - part2;
          if (fast && v_fast < 1e300) {
            lse = part2 + std::log(1.0 + v_fast);  // abs. error <= 2.2e-16 (as in BG/NBD)
            w2 = 1.0 / (1.0 + v_fast);
            w3 = v_fast * w2;
          } else if (arg < 700.0) {
            const double v = std::exp(arg) * em;
            lse = part2 + std::log(1.0 + v);
            w2 = 1.0 / (1.0 + v);
            w3 = v * w2;
          } else {
            const double part3 = arg + part2 + std::log(em);
            const double e = std::exp(part2 - part3);
            lse = part3 + std::log1p(e);
            w3 = 1.0 / (1.0 + e);
            w2 = e * w3;
          }
          if (want_grad) {
            const double ww3 = w * w3, w_tx = 1.0 / em;
            s_w3 += ww3;
            acc_end[itx] += ww3 * w_tx;
            acc_end[iT] -= ww3 * (q * w_tx);
          }
        }
      }
      s_w += w;
      s_lse += w * lse;
      if (want_grad) acc_alive[iT] += w * w2;
    }
    out.sums[0].add(xt.part1 * s_w + s_lse);
    if (!want_grad) continue;
    // The run's time values in ascending order (those of its x's runs on this rank, the run's own
    // nonzero: the same terms in the same order whichever other runs share the x here).
    std::array<double, 4> s_g{};
    for (const std::uint32_t iu : used) {
      if (acc_alive[iu] != 0.0) {
        const TTerms& t = tt[iu];
        const std::array<double, 4> d2 = {-t.log_aT, -rx * t.inv_aT, -t.log_bT, -s * t.inv_bT};
        for (std::size_t j = 0; j < 4; ++j) s_g[j] += acc_alive[iu] * d2[j];
      }
      if (acc_end[iu] != 0.0)
        for (std::size_t j = 0; j < 4; ++j) s_g[j] += acc_end[iu] * cache[iu].grad[j];
      acc_alive[iu] = acc_end[iu] = 0.0;
    }
    for (std::size_t j = 0; j < 4; ++j) out.sums[S::grad_at(j)].add(xt.d1[j] * s_w + s_w3 * d3_base[j] + s_g[j]);
  }
}

void pareto_nbd_p_alive(const ParetoNbdParams& p, std::span<const double> x, std::span<const double> t_x,
                        std::span<const double> T, std::span<double> out) {
  pareto_nbd_score(p, {}, {}, x, t_x, T, std::span<double>(out.data(), 0), out);
}

void pareto_nbd_score(const ParetoNbdParams& p, std::span<const double> horizons, std::span<const double> weights,
                      std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
                      std::span<double> out_value, std::span<double> out_p_alive) {
  if (horizons.size() != weights.size()) throw ConfigError("pareto_nbd_score: horizons and weights differ in length");
  const HorizonSet set{{horizons.begin(), horizons.end()}, {weights.begin(), weights.end()}};
  const std::span<double> outs[1] = {out_value};
  pareto_nbd_score_sets(p, std::span(&set, horizons.empty() ? 0 : 1), x, t_x, T,
                        std::span<const std::span<double>>(outs, horizons.empty() ? 0 : 1), out_p_alive);
}

void pareto_nbd_score_sets(const ParetoNbdParams& p, std::span<const HorizonSet> sets, std::span<const double> x,
                           std::span<const double> t_x, std::span<const double> T,
                           std::span<const std::span<double>> out_values, std::span<double> out_p_alive) {
  const std::size_t n = x.size(), nsets = sets.size();
  check_score_spans("pareto_nbd_score", n, t_x.size(), T.size(), nsets, out_values, out_p_alive);
  for (const HorizonSet& hs : sets)
    if (hs.horizons.size() != hs.weights.size()) throw ConfigError("pareto_nbd_score: horizons and weights differ in length");
  const double r = p.r, alpha = p.alpha, s = p.s, beta = p.beta;
  // Sum over a set's horizons of weights * shape(T), times (beta+T)/(alpha+T): the value is (r+x) times it.
  auto time_factor = [&](const HorizonSet& hs, double Ti) {
    double total = 0.0;
    for (std::size_t k = 0; k < hs.horizons.size(); ++k) {
      const double l = std::log1p(hs.horizons[k] / (beta + Ti));  // log((beta+T+t)/(beta+T))
      const double shape = std::fabs(s - 1) < 1e-8 ? l : -std::expm1(-(s - 1) * l) / (s - 1);
      total += hs.weights[k] * shape;
    }
    return total * (beta + Ti) / (alpha + Ti);
  };
  // Day-grid path (integer x < kX; t_x and T whole days in days or weeks, = k/7 exactly). A first
  // pass marks the (x, day) end terms the customers need; each x's are then summed in one batch
  // with shared series coefficients (hyp_batch.hpp), value only. Per day: the time logs and each
  // set's horizon sum. Per customer then one exp (two when T is close to t_x) and a division:
  // P(alive) = 1/(1+v), v = e^(part3 - part2) = (s/(r+s+x)) e^(L_tx - part2) (1 - e^(L_T - L_tx)),
  // the likelihood's rearrangement (combine_row's values to rounding; tests check 1e-12).
  // Other customers take the row-by-row path.
  constexpr double kSteps = kDayGridSteps;
  constexpr std::size_t kX = 256;
  auto on_grid = [](double v, std::size_t& k) {
    std::uint64_t step = 0;
    if (!day_grid_step(v, 1e6, step)) return false;
    k = static_cast<std::size_t>(step);
    return true;
  };
  auto grid_customer = [&](std::size_t i, std::size_t& xi, std::size_t& sT, std::size_t& stx) {
    if (!(x[i] >= 0 && x[i] < static_cast<double>(kX))) return false;
    xi = static_cast<std::size_t>(x[i]);
    return static_cast<double>(xi) == x[i] && on_grid(T[i], sT) && on_grid(t_x[i], stx) && stx <= sT;
  };
  std::size_t steps = 0;
  // [x * steps + step]: end term needed; rows kX and kX + 1: step seen as T, step has an end term.
  std::vector<std::uint8_t> flag;
  for (int pass = 0; pass < 2; ++pass) {  // pass 0 sizes the day range, pass 1 marks
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t xi = 0, sT = 0, stx = 0;
      if (!grid_customer(i, xi, sT, stx)) continue;
      if (pass == 0) {
        steps = std::max(steps, sT + 1);
        continue;
      }
      flag[kX * steps + sT] = 1;
      if (sT > stx) flag[xi * steps + stx] = flag[xi * steps + sT] = flag[(kX + 1) * steps + stx] = 1;
    }
    if (pass == 0) flag.assign((kX + 2) * steps, 0);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> end_memo(kX * steps, nan);  // [x * steps + step]: L(x, u)
  std::vector<double> day_memo((2 + nsets) * steps, nan);  // [step]{log(alpha+u), log(beta+u), factor per set}
  std::vector<double> zs;
  std::vector<std::size_t> at;
  std::vector<LogHyp> gs;
  std::vector<UTerms> ut(steps);
  for (std::size_t k = 0; k < steps; ++k) {
    const double u = static_cast<double>(k) / kSteps;
    if (!flag[kX * steps + k] && !flag[(kX + 1) * steps + k]) continue;  // step unused
    ut[k] = u_terms(p, u);
    if (!flag[kX * steps + k]) continue;
    double* d = day_memo.data() + (2 + nsets) * k;
    d[0] = std::log(alpha + u);
    d[1] = std::log(beta + u);
    for (std::size_t j = 0; j < nsets; ++j) d[2 + j] = time_factor(sets[j], u);
  }
  UnitAHypBatch series;
  std::array<double, kX> log_s_a{};
  for (std::size_t xi = 0; xi < kX; ++xi) {
    const double xv = static_cast<double>(xi);
    zs.clear();
    at.clear();
    for (std::size_t k = 0; k < steps; ++k)
      if (flag[xi * steps + k]) {
        zs.push_back(ut[k].z);
        at.push_back(k);
      }
    if (zs.empty()) continue;
    log_s_a[xi] = std::log(s) - std::log(r + s + xv);
    gs.resize(zs.size());
    series.reset(series_b(p, xv), series_c(p, xv), false);
    series.eval(zs, gs);
    for (std::size_t j = 0; j < at.size(); ++j)
      end_memo[xi * steps + at[j]] = end_from(p, xv, ut[at[j]], gs[j], false).log_value;
  }
  double* pa_out = out_p_alive.empty() ? nullptr : out_p_alive.data();
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t xi = 0, sT = 0, stx = 0;
    if (grid_customer(i, xi, sT, stx)) {
      const double* d = day_memo.data() + (2 + nsets) * sT;
      const double part2 = -(r + x[i]) * d[0] - s * d[1];
      double alive = 1.0;
      if (sT > stx) {
        const double l_tx = end_memo[xi * steps + stx], dl = end_memo[xi * steps + sT] - l_tx;
        // 1 - e^dl, exact near dl = 0 (log1mexp's split).
        const double em = dl > -0.6931471805599453 ? -std::expm1(dl) : 1.0 - std::exp(dl);
        // As in combine_row: no dead term unless e^dl < 1 (a failed series included).
        if (em > 0.0) alive = 1.0 / (1.0 + std::exp(log_s_a[xi] + l_tx - part2) * em);
      }
      if (pa_out) pa_out[i] = alive;
      for (std::size_t j = 0; j < nsets; ++j)
        if (!out_values[j].empty()) out_values[j][i] = (r + x[i]) * d[2 + j] * alive;
      continue;
    }
    const ParetoNbdRow row = pareto_nbd_row(p, x[i], t_x[i], T[i], false);
    const double alive = 1.0 / (1.0 + std::exp(row.log_dead_term - row.log_alive_term));
    if (pa_out) pa_out[i] = alive;
    for (std::size_t j = 0; j < nsets; ++j)
      if (!out_values[j].empty()) out_values[j][i] = (r + x[i]) * time_factor(sets[j], T[i]) * alive;
  }
}

void pareto_nbd_expected_purchases(const ParetoNbdParams& p, double horizon, std::span<const double> x,
                                   std::span<const double> t_x, std::span<const double> T, std::span<double> out) {
  const double h[1] = {horizon}, w[1] = {1.0};
  pareto_nbd_score(p, h, w, x, t_x, T, out);
}

}  // namespace crmpi::clv
