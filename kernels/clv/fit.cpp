#include "kernels/clv/fit.hpp"

#include <Eigen/Dense>
#include <LBFGS.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "kernels/clv/collapse.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {
namespace {

using Vec = Eigen::VectorXd;
// Total log-likelihood at log-parameters theta; fills grad (d LL / d theta).
using LogLik = std::function<double(const Vec& theta, Vec& grad)>;
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

FitResult run_fit(std::string model, std::vector<std::string> names, const LogLik& ll, Vec theta0,
                  std::uint64_t n_customers, const FitOptions& opt) {
  if (n_customers == 0) throw DataError("fit " + model + ": no customers");
  const auto k = static_cast<Eigen::Index>(names.size());
  FitResult res;
  res.model = std::move(model);
  res.names = std::move(names);
  res.n_customers = n_customers;
  Objective obj{ll, static_cast<double>(n_customers), theta0};
  Vec g(k);
  if (!std::isfinite(obj(theta0, g))) throw DataError("fit " + res.model + ": log-likelihood not finite at start");

  std::vector<std::string> failures;
  auto grad_norm = [&](const Vec& th) {
    Vec gg(k);
    obj(th, gg);
    return gg.cwiseAbs().maxCoeff();
  };
  for (int attempt = 0; attempt < 3; ++attempt) {
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
  const double gnorm = grad_norm(theta);
  res.message = (res.converged ? "converged" : "NOT converged") + std::string(": max |grad| of mean NLL = ") +
                std::to_string(gnorm);
  res.message += "; " + std::to_string(obj.evaluations) + " evaluations";
  for (const auto& f : failures) res.message += "; line search failure (" + f + ")";

  Vec grad(k);
  res.log_likelihood = ll(theta, grad);
  const double kk = static_cast<double>(k);
  res.aic = 2 * kk - 2 * res.log_likelihood;
  res.bic = kk * std::log(static_cast<double>(n_customers)) - 2 * res.log_likelihood;

  // Observed information in log-parameters: -d2 LL, central differences of the analytic gradient.
  Eigen::MatrixXd info(k, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    Vec tp = theta, tm = theta, gp(k), gm(k);
    tp[j] += opt.hessian_step;
    tm[j] -= opt.hessian_step;
    ll(tp, gp);
    ll(tm, gm);
    info.col(j) = -(gp - gm) / (2 * opt.hessian_step);
  }
  info = 0.5 * (info + info.transpose()).eval();
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

// alpha (and beta) carry the time scale: start at r * mean(T) / mean(x), so that the prior mean
// purchase rate r/alpha matches the observed one whatever the time unit.
double time_scale_start(std::span<const Triple> table) {
  double n = 0, sx = 0, sT = 0;
  for (const auto& t : table) {
    const double w = static_cast<double>(t.count);
    n += w;
    sx += w * t.x;
    sT += w * t.T;
  }
  const double mean_x = std::max(sx / n, 1e-2), mean_T = std::max(sT / n, 1e-2);
  return mean_T / mean_x;
}

}  // namespace

FitResult fit_bgnbd(std::span<const Triple> table, const FitOptions& options) {
  const Vec th0 = start_or(options, {1.0, time_scale_start(table), 1.0, 1.0});
  const TripleIndex index(table);  // once per fit
  const LogLik ll = [&index](const Vec& th, Vec& g) {
    std::array<double, 4> gl{};
    const double v = bgnbd_log_likelihood({std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])}, index, &gl);
    g = Eigen::Map<const Eigen::Vector4d>(gl.data());
    return v;
  };
  return run_fit("bgnbd", {"r", "alpha", "a", "b"}, ll, th0, total_count(table), options);
}

FitResult fit_pareto_nbd(std::span<const Triple> table, const FitOptions& options) {
  const double scale = time_scale_start(table);
  const Vec th0 = start_or(options, {1.0, scale, 1.0, scale});
  const TripleIndex index(table);  // once per fit
  const LogLik ll = [&index](const Vec& th, Vec& g) {
    std::array<double, 4> gl{};
    const double v =
        pareto_nbd_log_likelihood({std::exp(th[0]), std::exp(th[1]), std::exp(th[2]), std::exp(th[3])}, index, &gl);
    g = Eigen::Map<const Eigen::Vector4d>(gl.data());
    return v;
  };
  return run_fit("pareto_nbd", {"r", "alpha", "s", "beta"}, ll, th0, total_count(table), options);
}

FitResult fit_gamma_gamma(std::span<const SpendPair> table, const FitOptions& options) {
  for (const auto& row : table)
    if (!(row.x > 0) || !(row.mean_spend > 0)) throw DataError("fit_gamma_gamma: needs x > 0 and mean spend > 0");
  double n = 0, sz = 0;
  for (const auto& row : table) {
    n += static_cast<double>(row.count);
    sz += static_cast<double>(row.count) * row.mean_spend;
  }
  // p gamma / (q - 1) = mean spend at the start (p = 1, q = 2).
  const Vec th0 = start_or(options, {1.0, 2.0, n > 0 ? sz / n : 1.0});
  const SpendIndex index(table);  // once per fit
  const LogLik ll = [&index](const Vec& th, Vec& g) {
    std::array<double, 3> gl{};
    const double v = gamma_gamma_log_likelihood({std::exp(th[0]), std::exp(th[1]), std::exp(th[2])}, index, &gl);
    g = Eigen::Map<const Eigen::Vector3d>(gl.data());
    return v;
  };
  FitResult res = run_fit("gamma_gamma", {"p", "q", "gamma"}, ll, th0, total_count(table), options);
  for (auto& w : gamma_gamma_warnings(gamma_gamma_params(res), table)) res.warnings.push_back(std::move(w));
  return res;
}

BgNbdParams bgnbd_params(const FitResult& f) {
  if (f.estimates.size() != 4) throw ConfigError("bgnbd_params: not a BG/NBD fit");
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
