// What a likelihood evaluation over part of a collapsed table adds up, exactly.
//
// The likelihoods (bgnbd.hpp, pareto_nbd.hpp, gamma_gamma.hpp) work run by run of a TripleIndex
// or SpendIndex: a run's rows are summed in double, in row order, and the run's contributions to
// the log-likelihood, its gradient and Hessian in the natural parameters are then added to
// WideSums (kernels/common/wide_sum.hpp), exactly. The sums of a table therefore depend only on
// its runs (each one's rows, in order), not on the order of the runs nor on how the runs are
// split between processes: the sums of every part, added (exactly, comm/exact_sum.hpp), are the
// same bits as the sums of the whole. That is what lets the CLV job fit a table spread over ranks
// and get the same estimates at any rank count (jobs/clv/tables.cpp cuts the runs).
//
// Layout: [0] the log-likelihood; [1, 1 + K) the gradient in the natural parameters; then, with
// the Hessian, its upper triangle row by row (K (K + 1) / 2 entries). finish_log_params turns
// summed values into the log-parameter gradient and Hessian the fits use.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <span>

#include "kernels/common/wide_sum.hpp"

namespace crmpi::clv {

// What an evaluation computes: the value, with the gradient, or with gradient and Hessian.
enum class Derivatives { kValue, kGradient, kHessian };

template <std::size_t K>
struct LikelihoodSums {
  static constexpr std::size_t kParams = K;
  static constexpr std::size_t kCount = 1 + K + K * (K + 1) / 2;
  std::array<WideSum, kCount> sums{};

  static constexpr std::size_t grad_at(std::size_t i) { return 1 + i; }
  // (i, j) with i <= j: row i of the upper triangle starts after the rows above it.
  static constexpr std::size_t hess_at(std::size_t i, std::size_t j) {
    return 1 + K + i * K - i * (i - 1) / 2 + (j - i);
  }
  std::span<WideSum> span() { return sums; }
  // Every sum NaN (a parameter outside the domain, a series outside its own).
  void poison() {
    for (auto& s : sums) s.add(std::numeric_limits<double>::quiet_NaN());
  }
};

// From summed values (natural parameters p) to the log-likelihood and, when asked, the gradient
// and Hessian (row-major K x K) in log-parameters:
//   d/dlog p_i = p_i d/dp_i,  d2/dlog p_i dlog p_j = p_i p_j d2/dp_i dp_j + [i == j] p_i d/dp_i.
template <std::size_t K>
double finish_log_params(const std::array<double, K>& p, const std::array<double, LikelihoodSums<K>::kCount>& v,
                         std::array<double, K>* grad_log, std::array<double, K * K>* hess_log) {
  using S = LikelihoodSums<K>;
  if (grad_log)
    for (std::size_t i = 0; i < K; ++i) (*grad_log)[i] = v[S::grad_at(i)] * p[i];
  if (hess_log)
    for (std::size_t i = 0; i < K; ++i)
      for (std::size_t j = i; j < K; ++j) {
        const double h = p[i] * p[j] * v[S::hess_at(i, j)] + (i == j ? p[i] * v[S::grad_at(i)] : 0.0);
        (*hess_log)[K * i + j] = (*hess_log)[K * j + i] = h;
      }
  return v[0];
}

// The values of sums (after any reduction across processes).
template <std::size_t K>
std::array<double, LikelihoodSums<K>::kCount> values_of(const LikelihoodSums<K>& s) {
  std::array<double, LikelihoodSums<K>::kCount> v{};
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = s.sums[i].value();
  return v;
}

}  // namespace crmpi::clv
