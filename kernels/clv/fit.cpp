#include "kernels/clv/fit.hpp"

#include <Eigen/Dense>
#include <LBFGS.h>

#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "kernels/clv/collapse.hpp"
#include "kernels/common/checksum.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {
namespace {

using Vec = Eigen::VectorXd;
// Total log-likelihood at log-parameters theta; fills grad (d LL / d theta).
using LogLik = std::function<double(const Vec& theta, Vec& grad)>;
// Same with the Hessian (d2 LL / d theta2), for models that have it analytically.
using LogLikHess = std::function<double(const Vec& theta, Vec& grad, Eigen::MatrixXd& hess)>;
constexpr double kMaxLogParam = 30.0;

struct StopConverged {};

// Mean negative log-likelihood for LBFGSpp; remembers the best finite point it has seen so a
// failed line search can restart from there.
struct Objective {
  const LogLik& ll;
  double n;
  Vec best;
  double best_f = std::numeric_limits<double>::infinity();
  double stop_tolerance = -1;  // while optimising: stop once max |grad| <= this (StopConverged)
  int evaluations = 0;        // of the log-likelihood (guarded steps excluded)

  double operator()(const Vec& theta, Vec& grad) {
    // Guard before evaluating: a line search can step to non-finite or absurd log-parameters
    // (|log p| > kMaxLogParam, i.e. p outside [1e-13, 1e13]); +inf makes it shorten the step
    // without paying for an evaluation there (Pareto/NBD's series would be slowest exactly there).
    if (!theta.allFinite() || theta.cwiseAbs().maxCoeff() > kMaxLogParam) {
      grad.setZero();
      return std::numeric_limits<double>::infinity();
    }
    ++evaluations;
    const double v = ll(theta, grad);
    if (!std::isfinite(v) || !grad.allFinite() || !theta.allFinite()) {
      grad.setZero();
      return std::numeric_limits<double>::infinity();  // makes the line search shorten the step
    }
    grad *= -1.0 / n;
    const double f = -v / n;
    if (f < best_f) {
      best_f = f;
      best = theta;
    }
    // LBFGSpp tests its own (norm) criterion only after a line search, and near the optimum the
    // line searches creep on rounding noise of f (~1e-14 relative) for ~100 more evaluations
    // until one fails: stop at the first evaluated point that meets ours (f there is within
    // that noise of the best value), and keep that point.
    if (grad.cwiseAbs().maxCoeff() <= stop_tolerance) {
      best_f = std::min(f, best_f);
      best = theta;
      throw StopConverged{};
    }
    return f;
  }
};

template <template <class> class LineSearch>
void run_lbfgs(Objective& obj, Vec& theta, const FitOptions& opt, int linesearch_kind, std::string& error) {
  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = opt.gradient_tolerance * 0.1;
  param.epsilon_rel = 0.0;
  param.max_iterations = opt.max_iterations;
  param.max_linesearch = 60;
  param.linesearch = linesearch_kind;
  LBFGSpp::LBFGSSolver<double, LineSearch> solver(param);
  double fx = 0;
  obj.stop_tolerance = 0.1 * opt.gradient_tolerance;
  try {
    solver.minimize(obj, theta, fx);
  } catch (const StopConverged&) {  // obj.best meets the tolerance
  } catch (const std::exception& e) {  // line search failure: keep the best point, report
    error = e.what();
  }
  obj.stop_tolerance = -1;
}

// Newton's method on the log-likelihood with the analytic Hessian, from a start close to the
// optimum (quadratic convergence: 3-5 steps instead of ~25 L-BFGS evaluations). Each step solves
// (-H) s = g by Cholesky, so -H must be positive definite (true near a maximum); a step that
// lowers the log-likelihood by more than rounding is halved. Returns true at the first point with
// max |grad of mean NLL| <= tol, leaving theta there and value, gradient, Hessian in `at`; false (theta = the
// best point reached) when -H is not positive definite or no step makes progress: the caller goes
// on with L-BFGS from there. On entry `at` holds the evaluation at theta.
struct NewtonPoint {
  double value = 0;
  Vec grad;
  Eigen::MatrixXd hess;
};

bool newton(const LogLikHess& llh, Vec& theta, double n, double tol, int& evaluations, NewtonPoint& at,
            std::string& why) {
  const Eigen::Index k = theta.size();
  Vec g(k);
  Eigen::MatrixXd h(k, k);
  auto finite = [](double v, const Vec& gg, const Eigen::MatrixXd& hh) {
    return std::isfinite(v) && gg.allFinite() && hh.allFinite();
  };
  double v = at.value;  // the caller evaluated the start
  g = at.grad;
  h = at.hess;
  for (int it = 0; it < 50; ++it) {
    if (!finite(v, g, h)) {
      why = "non-finite log-likelihood or derivatives";
      return false;
    }
    if (g.cwiseAbs().maxCoeff() / n <= tol) {
      at = {v, g, h};
      return true;
    }
    const Eigen::LLT<Eigen::MatrixXd> llt(-h);
    if (llt.info() != Eigen::Success) {
      why = "Hessian not negative definite";
      return false;
    }
    Vec step = llt.solve(g);
    const double longest = step.cwiseAbs().maxCoeff();
    if (longest > 1.0) step *= 1.0 / longest;  // at most a factor e per parameter and step
    bool moved = false;
    for (int half = 0; half < 30 && !moved; ++half, step *= 0.5) {
      const Vec cand = theta + step;
      if (cand.cwiseAbs().maxCoeff() > kMaxLogParam) continue;
      Vec gc(k);
      Eigen::MatrixXd hc(k, k);
      ++evaluations;
      const double vc = llh(cand, gc, hc);
      // Near the optimum the gain (~g' H^-1 g / 2) is below the rounding of the sum; accept a
      // change within that noise, the gradient test decides convergence.
      if (finite(vc, gc, hc) && vc >= v - 1e-12 * std::fabs(v)) {
        theta = cand;
        v = vc;
        g = gc;
        h = hc;
        moved = true;
      }
    }
    if (!moved) {
      why = "no Newton step increased the log-likelihood";
      return false;
    }
  }
  why = "50 Newton steps without convergence";
  return false;
}

// llh: Newton's method with this Hessian first (L-BFGS when it cannot proceed). hessian_exact:
// llh's Hessian is the analytic one, used for the standard errors too; otherwise (a fixed
// approximation, e.g. from a thinned table) the observed information comes from central
// differences of the gradient. info_out: receives that information matrix (log-parameters).
FitResult run_fit(std::string model, std::vector<std::string> names, const LogLik& ll, Vec theta0,
                  std::uint64_t n_customers, const FitOptions& opt, const LogLikHess* llh = nullptr,
                  bool hessian_exact = true, Eigen::MatrixXd* info_out = nullptr) {
  if (n_customers == 0) throw DataError("fit " + model + ": no customers");
  const auto k = static_cast<Eigen::Index>(names.size());
  FitResult res;
  res.model = std::move(model);
  res.names = std::move(names);
  res.n_customers = n_customers;
  Objective obj{ll, static_cast<double>(n_customers), theta0};
  NewtonPoint newton_at{0, Vec(k), Eigen::MatrixXd(k, k)};
  // Objective counts its own evaluations; obj() returns the mean NLL (finite iff LL is).
  const double v0 = llh ? (++obj.evaluations, (*llh)(theta0, newton_at.grad, newton_at.hess))
                        : obj(theta0, newton_at.grad);
  newton_at.value = v0;
  if (!std::isfinite(v0)) throw DataError("fit " + res.model + ": log-likelihood not finite at start");

  std::vector<std::string> failures;
  auto grad_norm = [&](const Vec& th) {
    Vec gg(k);
    obj(th, gg);
    return gg.cwiseAbs().maxCoeff();
  };
  // With an analytic Hessian: Newton first (to the optimiser's own stopping tolerance); L-BFGS
  // only if it fails, then Newton's Hessian at the final point is the observed information.
  bool by_newton = false;
  if (llh) {
    Vec theta = theta0;
    std::string why;
    int newton_evals = 0;
    by_newton = newton(*llh, theta, obj.n, 0.1 * opt.gradient_tolerance, newton_evals, newton_at, why);
    obj.evaluations += newton_evals;
    obj.best = theta;  // Newton only moves uphill: at least as good as the start
    if (by_newton) {
      res.converged = true;
    } else {
      failures.push_back("Newton: " + why + ", after " + std::to_string(newton_evals) + " evaluations");
    }
  }
  for (int attempt = 0; attempt < 3 && !by_newton; ++attempt) {
    Vec theta = obj.best;
    std::string error;
    const int evals_before = obj.evaluations;
    if (attempt == 0) run_lbfgs<LBFGSpp::LineSearchBacktracking>(obj, theta, opt, LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_ARMIJO, error);
    if (attempt == 1) run_lbfgs<LBFGSpp::LineSearchNocedalWright>(obj, theta, opt, LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE, error);
    if (attempt == 2) run_lbfgs<LBFGSpp::LineSearchBracketing>(obj, theta, opt, LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_ARMIJO, error);
    if (!error.empty())
      failures.push_back("attempt " + std::to_string(attempt + 1) + ": " + error + ", after " +
                         std::to_string(obj.evaluations - evals_before) + " evaluations");
    if (grad_norm(obj.best) <= opt.gradient_tolerance) {
      res.converged = true;
      break;
    }
  }
  res.iterations = obj.evaluations;
  const Vec theta = obj.best;
  Vec grad(k);
  Eigen::MatrixXd ll_hess;
  if (by_newton) {  // Newton stopped at theta with these
    res.log_likelihood = newton_at.value;
    grad = newton_at.grad;
    ll_hess = newton_at.hess;
  } else {
    res.log_likelihood = llh ? (*llh)(theta, grad, ll_hess) : ll(theta, grad);
  }
  const double gnorm = grad.cwiseAbs().maxCoeff() / obj.n;
  res.message = (res.converged ? "converged" : "NOT converged") + std::string(": max |grad| of mean NLL = ") +
                std::to_string(gnorm);
  res.message += "; " + std::to_string(obj.evaluations) + " evaluations";
  for (const auto& f : failures) res.message += "; line search failure (" + f + ")";

  const double kk = static_cast<double>(k);
  res.aic = 2 * kk - 2 * res.log_likelihood;
  res.bic = kk * std::log(static_cast<double>(n_customers)) - 2 * res.log_likelihood;

  // Observed information in log-parameters: -d2 LL, analytic where the model has it, else central
  // differences of the analytic gradient.
  Eigen::MatrixXd info(k, k);
  if (llh && hessian_exact) {
    info = -ll_hess;
  } else {
    for (Eigen::Index j = 0; j < k; ++j) {
      Vec tp = theta, tm = theta, gp(k), gm(k);
      tp[j] += opt.hessian_step;
      tm[j] -= opt.hessian_step;
      ll(tp, gp);
      ll(tm, gm);
      info.col(j) = -(gp - gm) / (2 * opt.hessian_step);
    }
  }
  info = 0.5 * (info + info.transpose()).eval();
  if (info_out) *info_out = info;
  res.estimates.resize(static_cast<std::size_t>(k));
  res.std_errors.assign(static_cast<std::size_t>(k), std::numeric_limits<double>::quiet_NaN());
  for (Eigen::Index i = 0; i < k; ++i) res.estimates[static_cast<std::size_t>(i)] = std::exp(theta[i]);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(info);
  if (eig.info() == Eigen::Success && eig.eigenvalues().minCoeff() > 0) {
    const Eigen::MatrixXd cov = eig.eigenvectors() * eig.eigenvalues().cwiseInverse().asDiagonal() *
                                eig.eigenvectors().transpose();
    for (Eigen::Index i = 0; i < k; ++i)
      res.std_errors[static_cast<std::size_t>(i)] = std::exp(theta[i]) * std::sqrt(cov(i, i));
  } else {
    res.warnings.push_back("observed information matrix is not positive definite: standard errors unavailable");
  }
  if (!res.converged) res.warnings.push_back(res.message);
  return res;
}

Vec start_or(const FitOptions& opt, std::initializer_list<double> dflt) {
  std::vector<double> s = opt.start.empty() ? std::vector<double>(dflt) : opt.start;
  if (s.size() != dflt.size()) throw ConfigError("fit: wrong number of starting values");
  Vec th(static_cast<Eigen::Index>(s.size()));
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!(s[i] > 0)) throw ConfigError("fit: starting values must be > 0");
    th[static_cast<Eigen::Index>(i)] = std::log(s[i]);
  }
  return th;
}

// Sums of every part of a spread table (nothing to do for a whole one).
void reduce_parts(const ReduceSums& reduce, std::span<WideSum> sums) {
  if (reduce) reduce(sums);
}

// Rows and customers of the whole table.
struct Totals {
  std::uint64_t rows = 0, customers = 0;
};

template <class Index>
Totals totals(const Index& index, const ReduceSums& reduce) {
  std::array<WideSum, 2> s{};
  s[0].add(static_cast<double>(index.rows()));
  s[1].add(static_cast<double>(index.customers));
  reduce_parts(reduce, s);
  return {static_cast<std::uint64_t>(s[0].value()), static_cast<std::uint64_t>(s[1].value())};
}

// The reduced values of the first n sums of an evaluation (value; + gradient; + Hessian).
template <std::size_t K>
std::array<double, LikelihoodSums<K>::kCount> reduced(LikelihoodSums<K>& sums, Derivatives d, const ReduceSums& reduce) {
  const std::size_t n = d == Derivatives::kValue ? 1 : d == Derivatives::kGradient ? 1 + K : LikelihoodSums<K>::kCount;
  reduce_parts(reduce, sums.span().first(n));
  return values_of(sums);
}

// alpha (and beta) carry the time scale: start at r * mean(T) / mean(x), so that the prior mean
// purchase rate r/alpha matches the observed one whatever the time unit. Sums per run, runs
// added exactly (the same whatever the split of a spread table).
double time_scale_start(const TripleIndex& index, const ReduceSums& reduce) {
  std::array<WideSum, 3> sums{};
  for (std::size_t k = 0; k < index.run_x.size(); ++k) {
    double n = 0, sx = 0, sT = 0;
    for (std::size_t i = index.run_begin(k); i < index.run_end[k]; ++i) {
      const double w = index.w[i];
      n += w;
      sx += w * index.run_x[k];
      sT += w * index.u[index.i_T[i]];
    }
    sums[0].add(n);
    sums[1].add(sx);
    sums[2].add(sT);
  }
  reduce_parts(reduce, sums);
  const double n = sums[0].value();
  const double mean_x = std::max(sums[1].value() / n, 1e-2), mean_T = std::max(sums[2].value() / n, 1e-2);
  return mean_T / mean_x;
}

// Starting values from a thinned table above this many rows.
constexpr std::size_t kThinAbove = 60'000;
constexpr std::uint64_t kThin = 32;

// Customers a row of `count` keeps in a 1/k thinning, given a hash of its key.
std::uint64_t thinned_count(std::uint64_t count, std::uint64_t hash, std::uint64_t k) {
  return count / k + (hash % k < count % k ? 1 : 0);
}

// A thinned table with its runs (each a part of one run of the table it came from).
template <class Row>
struct Thinned {
  std::vector<Row> rows;
  std::vector<std::size_t> run_end;
};

// A deterministic 1/k thinning of the customers of a table: each row keeps floor(count / k)
// customers, plus one when a hash of its key falls below count mod k. Every row's expected share
// is count / k, and the result depends on the table alone (the same at any rank count).
// `table_rows`: the rows of the whole table (salt); a part of a spread table thins its own rows.
Thinned<Triple> thin_customers(const TripleIndex& index, std::uint64_t k, std::uint64_t table_rows) {
  Thinned<Triple> out;
  out.rows.reserve(index.rows() / k + 1);
  for (std::size_t run = 0; run < index.run_x.size(); ++run) {
    for (std::size_t i = index.run_begin(run); i < index.run_end[run]; ++i) {
      const Triple t{index.run_x[run], index.u[index.i_tx[i]], index.u[index.i_T[i]],
                     static_cast<std::uint64_t>(index.w[i])};
      // Salted by the table size: a thinned table thinned again must not keep the same rows.
      const std::uint64_t h = mix64(table_rows + std::bit_cast<std::uint64_t>(t.x) * 0x9E3779B97F4A7C15ULL +
                                    std::bit_cast<std::uint64_t>(t.t_x) * 0xC2B2AE3D27D4EB4FULL +
                                    std::bit_cast<std::uint64_t>(t.T) * 0x165667B19E3779F9ULL);
      const std::uint64_t keep = thinned_count(t.count, h, k);
      if (keep > 0) out.rows.push_back(Triple{t.x, t.t_x, t.T, keep});
    }
    if (out.rows.size() > (out.run_end.empty() ? 0 : out.run_end.back())) out.run_end.push_back(out.rows.size());
  }
  return out;
}

// The same thinning for spend rows (key: x and mean spend).
Thinned<SpendPair> thin_spend(const SpendIndex& index, std::uint64_t k, std::uint64_t table_rows) {
  Thinned<SpendPair> out;
  out.rows.reserve(index.rows() / k + 1);
  for (std::size_t run = 0; run < index.run_x.size(); ++run) {
    for (std::size_t i = index.run_begin(run); i < index.run_end[run]; ++i) {
      const SpendPair t{index.run_x[run], index.z[i], static_cast<std::uint64_t>(index.w[i])};
      const std::uint64_t h = mix64(table_rows + std::bit_cast<std::uint64_t>(t.x) * 0x9E3779B97F4A7C15ULL +
                                    std::bit_cast<std::uint64_t>(t.mean_spend) * 0xC2B2AE3D27D4EB4FULL);
      const std::uint64_t keep = thinned_count(t.count, h, k);
      if (keep > 0) out.rows.push_back(SpendPair{t.x, t.mean_spend, keep});
    }
    if (out.rows.size() > (out.run_end.empty() ? 0 : out.run_end.back())) out.run_end.push_back(out.rows.size());
  }
  return out;
}

}  // namespace

namespace {

// BG/NBD (modified = false) and MBG/NBD (true): same parameters, same fitting path.
FitResult fit_bg_family(bool modified, const TripleIndex& index, const ReduceSums& reduce, const FitOptions& options) {
  const Totals all = totals(index, reduce);
  Vec th0 = start_or(options, {1.0, time_scale_start(index, reduce), 1.0, 1.0});
  // Large tables: start from the fit of a 1/kThin thinning of the customers (recursively, so the
  // first fit runs on a few tens of thousands of rows): within a few standard errors of the
  // optimum, where Newton's method needs 2-4 steps over the full table.
  if (options.thinned_start && options.start.empty() && all.rows > kThinAbove) {
    FitOptions coarse = options;
    coarse.gradient_tolerance = 1e-4;
    const Thinned<Triple> thin = thin_customers(index, kThin, all.rows);
    const TripleIndex thin_index(thin.rows, thin.run_end);
    const Totals t = totals(thin_index, reduce);
    if (t.customers > 0 && t.rows < all.rows) {
      const FitResult sub = fit_bg_family(modified, thin_index, reduce, coarse);
      if (sub.converged) th0 = start_or(FitOptions{sub.estimates, 0, 0, 0}, {1.0, 1.0, 1.0, 1.0});
    }
  }
  const BgFamily family = modified ? BgFamily::kMbgNbd : BgFamily::kBgNbd;
  auto params = [](const Vec& th) -> BgNbdParams { return {std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])}; };
  auto natural = [](const BgNbdParams& p) { return std::array<double, 4>{p.r, p.alpha, p.a, p.b}; };
  const LogLik ll = [&](const Vec& th, Vec& g) {
    const BgNbdParams p = params(th);
    BgNbdSums sums;
    bg_family_sums(p, index, family, Derivatives::kGradient, sums);
    std::array<double, 4> gl{};
    const double v = finish_log_params<4>(natural(p), reduced(sums, Derivatives::kGradient, reduce), &gl, nullptr);
    g = Eigen::Map<const Eigen::Vector4d>(gl.data());
    return v;
  };
  const LogLikHess llh = [&](const Vec& th, Vec& g, Eigen::MatrixXd& h) {
    const BgNbdParams p = params(th);
    BgNbdSums sums;
    bg_family_sums(p, index, family, Derivatives::kHessian, sums);
    std::array<double, 4> gl{};
    std::array<double, 16> hl{};
    const double v = finish_log_params<4>(natural(p), reduced(sums, Derivatives::kHessian, reduce), &gl, &hl);
    g = Eigen::Map<const Eigen::Vector4d>(gl.data());
    h = Eigen::Map<const Eigen::Matrix<double, 4, 4, Eigen::RowMajor>>(hl.data());
    return v;
  };
  return run_fit(modified ? "mbgnbd" : "bgnbd", {"r", "alpha", "a", "b"}, ll, th0, all.customers, options, &llh);
}

}  // namespace

FitResult fit_bgnbd(const TripleIndex& part, const ReduceSums& reduce, const FitOptions& options) {
  return fit_bg_family(false, part, reduce, options);
}

FitResult fit_mbgnbd(const TripleIndex& part, const ReduceSums& reduce, const FitOptions& options) {
  return fit_bg_family(true, part, reduce, options);
}

FitResult fit_bgnbd(std::span<const Triple> table, const FitOptions& options) {
  return fit_bg_family(false, TripleIndex(table), {}, options);
}

FitResult fit_bgnbd(const TripleIndex& index, const FitOptions& options) { return fit_bg_family(false, index, {}, options); }

FitResult fit_mbgnbd(std::span<const Triple> table, const FitOptions& options) {
  return fit_bg_family(true, TripleIndex(table), {}, options);
}

FitResult fit_mbgnbd(const TripleIndex& index, const FitOptions& options) { return fit_bg_family(true, index, {}, options); }

FitResult fit_pareto_nbd(std::span<const Triple> table, const FitOptions& options) {
  return fit_pareto_nbd(TripleIndex(table), options);
}

namespace {

// Pareto/NBD has no analytic Hessian. On large tables: first the fit of a deterministic 1/kThin
// thinning (from the given start), then Newton steps on the full table with that fit's observed
// information, scaled by the ratio of customers (the information grows linearly with them), as a
// fixed Hessian. A step costs one gradient evaluation and shrinks the error by about the relative
// difference of the two matrices (~1/sqrt(thinned customers)): a few steps reach the tolerance,
// where L-BFGS needs ~20 evaluations. The standard errors still come from central differences on
// the full table; L-BFGS takes over when the steps cannot proceed.
FitResult fit_pareto_impl(const TripleIndex& index, const ReduceSums& reduce, const FitOptions& options,
                          Eigen::MatrixXd* info_out) {
  const Totals all = totals(index, reduce);
  const double scale = time_scale_start(index, reduce);
  Vec th0 = start_or(options, {1.0, scale, 1.0, scale});
  const LogLik ll = [&index, &reduce](const Vec& th, Vec& g) {
    const ParetoNbdParams p{std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])};
    ParetoNbdSums sums;
    pareto_nbd_sums(p, index, Derivatives::kGradient, sums);
    std::array<double, 4> gl{};
    const double v = finish_log_params<4>({p.r, p.alpha, p.s, p.beta}, reduced(sums, Derivatives::kGradient, reduce),
                                          &gl, nullptr);
    g = Eigen::Map<const Eigen::Vector4d>(gl.data());
    return v;
  };
  const std::vector<std::string> names{"r", "alpha", "s", "beta"};
  if (options.thinned_start && all.rows > kThinAbove) {
    FitOptions coarse = options;
    coarse.gradient_tolerance = 1e-4;
    const Thinned<Triple> thin = thin_customers(index, kThin, all.rows);
    const TripleIndex thin_index(thin.rows, thin.run_end);
    const Totals t = totals(thin_index, reduce);
    if (t.customers > 0 && t.rows < all.rows) {
      Eigen::MatrixXd thin_info;
      const FitResult sub = fit_pareto_impl(thin_index, reduce, coarse, &thin_info);
      if (sub.converged && thin_info.allFinite()) {
        th0 = start_or(FitOptions{sub.estimates, 0, 0, 0}, {1.0, 1.0, 1.0, 1.0});
        const Eigen::MatrixXd hess =
            -thin_info * (static_cast<double>(all.customers) / static_cast<double>(sub.n_customers));
        const LogLikHess fixed = [&ll, hess](const Vec& th, Vec& g, Eigen::MatrixXd& h) {
          h = hess;
          return ll(th, g);
        };
        return run_fit("pareto_nbd", names, ll, th0, all.customers, options, &fixed, false, info_out);
      }
    }
  }
  return run_fit("pareto_nbd", names, ll, th0, all.customers, options, nullptr, false, info_out);
}

}  // namespace

FitResult fit_pareto_nbd(const TripleIndex& index, const FitOptions& options) {
  return fit_pareto_impl(index, {}, options, nullptr);
}

FitResult fit_pareto_nbd(const TripleIndex& part, const ReduceSums& reduce, const FitOptions& options) {
  return fit_pareto_impl(part, reduce, options, nullptr);
}

FitResult fit_gamma_gamma(std::span<const SpendPair> table, const FitOptions& options) {
  for (const auto& row : table)
    if (!(row.x > 0) || !(row.mean_spend > 0)) throw DataError("fit_gamma_gamma: needs x > 0 and mean spend > 0");
  return fit_gamma_gamma(SpendIndex(table), {}, options);
}

FitResult fit_gamma_gamma(const SpendIndex& index, const ReduceSums& reduce, const FitOptions& options) {
  for (std::size_t k = 0; k < index.run_x.size(); ++k)
    if (!(index.run_x[k] > 0)) throw DataError("fit_gamma_gamma: needs x > 0 and mean spend > 0");
  for (const double z : index.z)
    if (!(z > 0)) throw DataError("fit_gamma_gamma: needs x > 0 and mean spend > 0");
  const Totals all = totals(index, reduce);
  // p gamma / (q - 1) = mean spend at the start (p = 1, q = 2); for large tables, the fit of a
  // deterministic 1/kThin thinning (as BG/NBD), from where Newton needs a few full evaluations.
  std::array<WideSum, 2> start_sums{};  // customers, their spend (per run, runs added exactly)
  for (std::size_t k = 0; k < index.run_x.size(); ++k) {
    double n = 0, sz = 0;
    for (std::size_t i = index.run_begin(k); i < index.run_end[k]; ++i) {
      n += index.w[i];
      sz += index.w[i] * index.z[i];
    }
    start_sums[0].add(n);
    start_sums[1].add(sz);
  }
  reduce_parts(reduce, start_sums);
  const double n = start_sums[0].value(), sz = start_sums[1].value();
  Vec th0 = start_or(options, {1.0, 2.0, n > 0 ? sz / n : 1.0});
  if (options.thinned_start && options.start.empty() && all.rows > kThinAbove) {
    FitOptions coarse = options;
    coarse.gradient_tolerance = 1e-4;
    const Thinned<SpendPair> thin = thin_spend(index, kThin, all.rows);
    const SpendIndex thin_index(thin.rows, thin.run_end);
    const Totals t = totals(thin_index, reduce);
    if (t.customers > 0 && t.rows < all.rows) {
      const FitResult sub = fit_gamma_gamma(thin_index, reduce, coarse);
      if (sub.converged) th0 = start_or(FitOptions{sub.estimates, 0, 0, 0}, {1.0, 1.0, 1.0});
    }
  }
  auto params = [](const Vec& th) -> GammaGammaParams { return {std::exp(th[0]), std::exp(th[1]), std::exp(th[2])}; };
  const LogLik ll = [&](const Vec& th, Vec& g) {
    const GammaGammaParams p = params(th);
    GammaGammaSums sums;
    gamma_gamma_sums(p, index, Derivatives::kGradient, sums);
    std::array<double, 3> gl{};
    const double v = finish_log_params<3>({p.p, p.q, p.gamma}, reduced(sums, Derivatives::kGradient, reduce), &gl, nullptr);
    g = Eigen::Map<const Eigen::Vector3d>(gl.data());
    return v;
  };
  const LogLikHess llh = [&](const Vec& th, Vec& g, Eigen::MatrixXd& h) {
    const GammaGammaParams p = params(th);
    GammaGammaSums sums;
    gamma_gamma_sums(p, index, Derivatives::kHessian, sums);
    std::array<double, 3> gl{};
    std::array<double, 9> hl{};
    const double v = finish_log_params<3>({p.p, p.q, p.gamma}, reduced(sums, Derivatives::kHessian, reduce), &gl, &hl);
    g = Eigen::Map<const Eigen::Vector3d>(gl.data());
    h = Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>(hl.data());
    return v;
  };
  FitResult res = run_fit("gamma_gamma", {"p", "q", "gamma"}, ll, th0, all.customers, options, &llh);
  for (auto& w : gamma_gamma_warnings(gamma_gamma_params(res), frequency_spend_correlation(index, reduce)))
    res.warnings.push_back(std::move(w));
  return res;
}

double frequency_spend_correlation(const SpendIndex& index, const ReduceSums& reduce) {
  // Two passes (no cancellation from raw moments), each summed per run, the runs exactly.
  std::array<WideSum, 3> first{};
  for (std::size_t k = 0; k < index.run_x.size(); ++k) {
    double n = 0, sz = 0;
    for (std::size_t i = index.run_begin(k); i < index.run_end[k]; ++i) {
      n += index.w[i];
      sz += index.w[i] * index.z[i];
    }
    first[0].add(n);
    first[1].add(n * index.run_x[k]);
    first[2].add(sz);
  }
  reduce_parts(reduce, first);
  const double n = first[0].value();
  if (!(n >= 2)) return std::numeric_limits<double>::quiet_NaN();
  const double mx = first[1].value() / n, mz = first[2].value() / n;
  std::array<WideSum, 3> second{};
  for (std::size_t k = 0; k < index.run_x.size(); ++k) {
    const double dx = index.run_x[k] - mx;
    double sxx = 0, szz = 0, sxz = 0;
    for (std::size_t i = index.run_begin(k); i < index.run_end[k]; ++i) {
      const double w = index.w[i], dz = index.z[i] - mz;
      sxx += w * dx * dx;
      szz += w * dz * dz;
      sxz += w * dx * dz;
    }
    second[0].add(sxx);
    second[1].add(szz);
    second[2].add(sxz);
  }
  reduce_parts(reduce, second);
  const double sxx = second[0].value(), szz = second[1].value(), sxz = second[2].value();
  if (sxx <= 0 || szz <= 0) return std::numeric_limits<double>::quiet_NaN();
  return sxz / std::sqrt(sxx * szz);
}

BgNbdParams bgnbd_params(const FitResult& f) {
  if (f.estimates.size() != 4 || (f.model != "bgnbd" && f.model != "mbgnbd"))
    throw ConfigError("bgnbd_params: not a BG/NBD or MBG/NBD fit");
  return {f.estimates[0], f.estimates[1], f.estimates[2], f.estimates[3]};
}
ParetoNbdParams pareto_nbd_params(const FitResult& f) {
  if (f.estimates.size() != 4) throw ConfigError("pareto_nbd_params: not a Pareto/NBD fit");
  return {f.estimates[0], f.estimates[1], f.estimates[2], f.estimates[3]};
}
GammaGammaParams gamma_gamma_params(const FitResult& f) {
  if (f.estimates.size() != 3) throw ConfigError("gamma_gamma_params: not a Gamma-Gamma fit");
  return {f.estimates[0], f.estimates[1], f.estimates[2]};
}

}  // namespace crmpi::clv
