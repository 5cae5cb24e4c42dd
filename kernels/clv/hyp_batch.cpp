#include "kernels/clv/hyp_batch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crmpi::clv {

namespace {
// z values evaluated together: independent accumulator chains per lane (latency hidden) and a
// fixed-length inner loop that GCC vectorises at -O2 (SSE2 on the x86-64 baseline).
constexpr std::size_t kLanes = 8;
// Lanes are tested for convergence every kCheck terms only (on their last term, by the scalar
// series' test): a finished lane has its power of z set to 0, so later terms add exact zeros.
constexpr int kCheck = 8;
// Hyp2f1MinusOneBatch: z values per block. Each term is a multiply on the power of z then an add
// to the sum per lane, a chain of dependent operations: 16 lanes (4 AVX2 vectors) keep four chains
// in flight where 8 left the core waiting on their latency. A lane's value does not depend on
// the block it runs in.
constexpr std::size_t kMinusOneLanes = 16;

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(CRMPI_NO_CLONES)
#define CRMPI_HYP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CRMPI_HYP_CLONES
#endif

struct UnitAHypBatch::Block {
  double z[kLanes], zp[kLanes], lim[kLanes], sum[kLanes], sb[kLanes], sc[kLanes], sz[kLanes];
  bool any_active() const {
    bool any = false;
    for (std::size_t l = 0; l < kLanes; ++l) any = any || zp[l] != 0.0;
    return any;
  }
};

void UnitAHypBatch::reset(double b, double c, bool want_grad) {
  b_ = b;
  c_ = c;
  grad_ = want_grad;
  valid_ = std::isfinite(b) && std::isfinite(c) && b > 0 && c > b;
  hb_ = hc_ = 0.0;
  coef_.assign(1, 1.0);
  cb_.assign(1, 0.0);
  cc_.assign(1, 0.0);
  cz_.clear();
}

void UnitAHypBatch::extend(std::size_t n) {
  // Same recurrences as log_hyp2f1_unit_a: ratio (b+k)/(c+k), harmonic sums of 1/(b+k), 1/(c+k).
  std::size_t k = coef_.size() - 1;
  const std::size_t want = std::max(n + 1, 2 * coef_.size());
  coef_.resize(want);
  cb_.resize(want);
  cc_.resize(want);
  cz_.resize(want - 1);
  for (; k + 1 < want; ++k) {
    const double kd = static_cast<double>(k);
    hb_ += 1.0 / (b_ + kd);
    hc_ += 1.0 / (c_ + kd);
    const double next = coef_[k] * ((b_ + kd) / (c_ + kd));
    coef_[k + 1] = next;
    cb_[k + 1] = next * hb_;
    cc_[k + 1] = next * hc_;
    cz_[k] = (kd + 1.0) * next;
  }
}

template <bool Grad>
[[gnu::always_inline]] inline bool UnitAHypBatch::sum_block(Block& k) {
  for (int n = 0; n < kHypMaxTerms; n += kCheck) {
    if (!k.any_active()) return true;
    if (static_cast<std::size_t>(n + kCheck) >= coef_.size()) extend(static_cast<std::size_t>(n + kCheck));
    double t[kLanes];
    for (int j = n; j < n + kCheck; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      const double c1 = coef_[ju + 1], cb1 = cb_[ju + 1], cc1 = cc_[ju + 1], cz0 = cz_[ju];
      for (std::size_t l = 0; l < kLanes; ++l) {  // branch-free: vectorised
        if (Grad) k.sz[l] += cz0 * k.zp[l];
        k.zp[l] *= k.z[l];
        t[l] = c1 * k.zp[l];
        k.sum[l] += t[l];
        if (Grad) {
          k.sb[l] += cb1 * k.zp[l];
          k.sc[l] += cc1 * k.zp[l];
        }
      }
    }
    // log_hyp2f1_unit_a's test on each lane's last term, every kCheck terms (the scalar series
    // tests every term from n = 3: the few extra terms are below 1e-17 of the sum):
    // term * (n+2) < 1e-17 (1-z) sum. A lane still depends on its own z only.
    const double np2 = static_cast<double>(n + kCheck - 1) + 2.0;
    for (std::size_t l = 0; l < kLanes; ++l) k.zp[l] = t[l] * np2 < k.lim[l] * k.sum[l] ? 0.0 : k.zp[l];
  }
  return !k.any_active();
}

// Runtime dispatch (GCC function multiversioning): an AVX2 clone where the CPU has it (4 lanes a
// vector instead of SSE2's 2), the x86-64 baseline otherwise. AVX2 without FMA: every lane does
// the same IEEE operations in the same order, so both clones give the same bits.
CRMPI_HYP_CLONES
void UnitAHypBatch::eval(std::span<const double> z, std::span<LogHyp> out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Block k;
  bool ok[kLanes];
  for (std::size_t i0 = 0; i0 < z.size(); i0 += kLanes) {
    const std::size_t lanes = std::min(kLanes, z.size() - i0);
    for (std::size_t l = 0; l < kLanes; ++l) {
      const double zv = l < lanes ? z[i0 + l] : 0.0;
      ok[l] = l < lanes && valid_ && zv >= 0.0 && zv < 1.0 - kHypMinOneMinusZ;  // false on NaN
      k.z[l] = ok[l] ? zv : 0.0;
      k.zp[l] = ok[l] && zv != 0.0 ? 1.0 : 0.0;  // z^n; 0 = lane finished (or nothing to sum)
      k.lim[l] = 1e-17 * (1.0 - k.z[l]);
      k.sum[l] = 1.0;
      k.sb[l] = k.sc[l] = k.sz[l] = 0.0;
    }
    if (grad_) sum_block<true>(k);
    else sum_block<false>(k);
    for (std::size_t l = 0; l < lanes; ++l) {
      LogHyp& o = out[i0 + l];
      o = LogHyp{};
      if (!ok[l] || k.zp[l] != 0.0) {  // outside the domain, or not converged within the cap
        o.log_value = o.d_b = o.d_c = o.d_z = nan;
        o.converged = false;
        continue;
      }
      if (k.z[l] == 0.0) {
        if (grad_) o.d_z = b_ / c_;  // as log_hyp2f1_unit_a at z = 0
        continue;
      }
      o.log_value = std::log(k.sum[l]);
      if (!grad_) continue;
      o.d_b = k.sb[l] / k.sum[l];
      o.d_c = -k.sc[l] / k.sum[l];
      o.d_z = k.sz[l] / k.sum[l];
    }
  }
}

void Hyp2f1MinusOneBatch::reset(double a, double b, double c) {
  a_ = a;
  b_ = b;
  c_ = c;
  finite_ = std::isfinite(a) && std::isfinite(b) && std::isfinite(c);
  coef_.assign(1, 1.0);
  rho_.clear();
}

void Hyp2f1MinusOneBatch::extend(std::size_t n) {
  std::size_t k = coef_.size() - 1;
  const std::size_t want = std::max(n + 1, 2 * coef_.size());
  coef_.resize(want);
  rho_.resize(want - 1);
  for (; k + 1 < want; ++k) {
    const double kd = static_cast<double>(k);
    const double ratio = (a_ + kd) * (b_ + kd) / ((c_ + kd) * (kd + 1.0));  // as hyp2f1_minus_one
    coef_[k + 1] = coef_[k] * ratio;
    rho_[k] = std::fabs(ratio);
  }
}

CRMPI_HYP_CLONES
void Hyp2f1MinusOneBatch::eval(std::span<const double> z, std::span<double> out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i0 = 0; i0 < z.size(); i0 += kMinusOneLanes) {
    const std::size_t lanes = std::min(kMinusOneLanes, z.size() - i0);
    double zl[kMinusOneLanes], zp[kMinusOneLanes], lim[kMinusOneLanes], sum[kMinusOneLanes];
    bool ok[kMinusOneLanes];
    bool any = false;
    for (std::size_t l = 0; l < kMinusOneLanes; ++l) {
      const double zv = l < lanes ? z[i0 + l] : 0.0;
      ok[l] = l < lanes && finite_ && zv >= 0.0 && zv < 1.0;  // false on NaN
      zl[l] = ok[l] ? zv : 0.0;
      zp[l] = ok[l] && zv != 0.0 ? 1.0 : 0.0;  // z^n; 0 = lane finished
      any = any || zp[l] != 0.0;
      lim[l] = 1e-17 * (1.0 - zl[l]);
      sum[l] = 0.0;
    }
    for (int n = 0; any && n < kHypMaxTerms; n += kCheck) {
      if (static_cast<std::size_t>(n + kCheck) >= coef_.size()) extend(static_cast<std::size_t>(n + kCheck));
      double t[kMinusOneLanes];
      for (int j = n; j < n + kCheck; ++j) {
        const double c1 = coef_[static_cast<std::size_t>(j) + 1];
        for (std::size_t l = 0; l < kMinusOneLanes; ++l) {  // branch-free: vectorised
          zp[l] *= zl[l];
          t[l] = c1 * zp[l];
          sum[l] += t[l];
        }
      }
      // hyp2f1_minus_one's test on each lane's last term, every kCheck terms (the scalar series
      // tests every term: the few extra terms are below 1e-17 of the sum): terms shrinking
      // (|ratio| < 1) and tiny, or zero. A lane still depends on its own z only.
      const double rho = rho_[static_cast<std::size_t>(n + kCheck - 1)];
      any = false;
      for (std::size_t l = 0; l < kMinusOneLanes; ++l) {
        const bool done = ((rho * zl[l] < 1.0) & (std::fabs(t[l]) < lim[l] * std::fabs(1.0 + sum[l]))) | (t[l] == 0.0);
        zp[l] = done ? 0.0 : zp[l];
        any = any || zp[l] != 0.0;
      }
    }
    for (std::size_t l = 0; l < lanes; ++l) out[i0 + l] = ok[l] ? sum[l] : nan;
  }
}

}  // namespace crmpi::clv
