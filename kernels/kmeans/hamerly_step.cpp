// HamerlyStep (lloyd_step.hpp): Hamerly's bounds, made conservative enough that skipping a point
// never changes its label from what NaiveStep computes.
//
// Bounds are on TRUE (real-number) Euclidean distances, kept in double:
//   upper_[i] >= |x_i - c_a|        (a: the point's label)
//   lower_[i] <= |x_i - c_j|  for every j != a
// Every double operation that maintains them rounds away from the safe side by at most a few
// 2^-53, so each is followed by an explicit widening of 2^-50 relative (add_up, sub_down, ...).
// Each float distance the kernel computes, f = fl(d2), is within a relative eps0 = (d + 2) 2^-24
// (plus an absolute subnormal term below 2^-120) of the true squared distance; we use
// eps = 2 eps0 to absorb the double rounding of the formulas.
//
// Per step, with c moved from the previous step's centroids by shift_j (an upper bound):
//   upper += shift_a; lower -= max_{j != a} shift_j            (triangle inequality)
//   f_a = fl(d2(x, c_a)) recomputed (one distance: dist2 and the statistics stay exact)
//   lb  = max(lower, cmin_a - upper), cmin_a <= min_{j != a} |c_a - c_j|
//   skip the full scan iff  f_a < lb^2 (1 - eps) - 2^-120
// since then every other float distance f_j >= lb^2 (1 - eps0) - 2^-120 > f_a: a is the strict
// float arg-min, exactly what the naive scan returns. Otherwise the point is rescanned with the
// same kernel as NaiveStep, and its bounds are reset from the smallest and second smallest f.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/kmeans/lloyd_step.hpp"

namespace crmpi::kmeans {
namespace {

constexpr double kAbs = 0x1p-120;   // bounds the subnormal error of a float d2 (d <= 64)
constexpr double kWiden = 0x1p-50;  // covers a handful of double roundings

double eps_for(std::size_t d) { return static_cast<double>(d + 2) * 0x1p-23; }

// Plain comparisons rather than std::fmax/fmin: no NaN ever reaches them, and GCC calls libm for
// those without -ffinite-math-only.
double larger(double a, double b) { return a > b ? a : b; }
double smaller(double a, double b) { return a < b ? a : b; }

double up_from_d2(float f, double eps) { return std::sqrt((static_cast<double>(f) + kAbs) * (1 + eps)) * (1 + kWiden); }
double down_from_d2(float f, double eps) {
  return std::sqrt(larger(0.0, (static_cast<double>(f) - kAbs) * (1 - eps))) * (1 - kWiden);
}
double add_up(double a, double b) { return (a + b) * (1 + kWiden); }                       // a, b >= 0
double sub_down(double a, double b) {  // b >= 0, finite; a = +inf (k = 1: no other centroid) stays
  return a == std::numeric_limits<double>::infinity() ? a : (a - b) - (std::fabs(a) + b) * kWiden;
}

// Euclidean distance of two float rows in double, rounded up (down): the double error is below
// (d + 3) 2^-53 relative.
double dist_rel(const float* p, const float* q, std::size_t d) {
  double s = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = static_cast<double>(p[j]) - static_cast<double>(q[j]);
    s += diff * diff;
  }
  return std::sqrt(s);
}
double dist_up(const float* p, const float* q, std::size_t d) {
  return dist_rel(p, q, d) * (1 + static_cast<double>(d + 4) * 0x1p-52);
}
double dist_down(const float* p, const float* q, std::size_t d) {
  return dist_rel(p, q, d) * (1 - static_cast<double>(d + 4) * 0x1p-52);
}

}  // namespace

HamerlyStep::HamerlyStep(PointSet p, StepConfig cfg) : LloydStep(p, cfg) {
  upper_.assign(p.n(), 0.0);
  lower_.assign(p.n(), 0.0);
}

// No usable bounds (first step, or k changed): every point against every centroid.
void HamerlyStep::full_scan(const CentroidTable& t, ClusterStats& out) {
  const std::size_t n = pts_.n(), d = pts_.d;
  const double eps = eps_for(d);
  std::vector<std::uint32_t> lab(cfg_.block);
  std::vector<float> second(cfg_.block);
  for (std::size_t b = 0; b < n; b += cfg_.block) {
    const std::size_t e = std::min(n, b + cfg_.block);
    nearest({pts_.row(b), d, nullptr, e - b, lab.data(), dist2_.data() + b, second.data()}, t.view(), cfg_.isa);
    relabel_block(b, e, lab.data(), out);
    for (std::size_t i = b; i < e; ++i) {
      upper_[i] = up_from_d2(dist2_[i], eps);
      lower_[i] = down_from_d2(second[i - b], eps);
    }
    finish_block(b, e, out);
  }
  out.distances += static_cast<std::uint64_t>(n) * t.k();
}

void HamerlyStep::run(const CentroidTable& t, ClusterStats& out) {
  const std::size_t n = pts_.n(), d = pts_.d, k = t.k();
  if (previous_.size() != k * d || fresh_) {
    full_scan(t, out);
    previous_.assign(t.rows().begin(), t.rows().end());
    return;
  }
  const double eps = eps_for(d);
  const double inf = std::numeric_limits<double>::infinity();

  // Centroid shifts (upper bounds), the two largest, and half-gap bounds cmin (lower bounds).
  std::vector<double> shift(k), cmin(k, inf);
  std::size_t far1 = 0;
  double max1 = 0, max2 = 0;
  for (std::size_t c = 0; c < k; ++c) {
    shift[c] = dist_up(previous_.data() + c * d, t.row(c), d);
    if (shift[c] > max1) {
      max2 = max1;
      max1 = shift[c];
      far1 = c;
    } else if (shift[c] > max2) {
      max2 = shift[c];
    }
  }
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = a + 1; b < k; ++b) {
      const double g = dist_down(t.row(a), t.row(b), d);
      cmin[a] = smaller(cmin[a], g);
      cmin[b] = smaller(cmin[b], g);
    }

  // Per cluster, the largest shift among the other clusters (a table: no data-dependent branch).
  std::vector<double> other_max(k);
  for (std::size_t c = 0; c < k; ++c) other_max[c] = c == far1 ? max2 : max1;

  std::vector<std::uint32_t> fail(cfg_.block), lab(cfg_.block);
  std::vector<float> best(cfg_.block), second(cfg_.block);
  for (std::size_t b = 0; b < n; b += cfg_.block) {
    const std::size_t e = std::min(n, b + cfg_.block);
    dist_to_label({pts_.x.data(), d, b, e - b, labels_.data(), dist2_.data()}, t.view(), cfg_.isa);
    std::size_t nf = 0;
    for (std::size_t i = b; i < e; ++i) {
      const std::uint32_t a = labels_[i];
      const double lower = sub_down(lower_[i], other_max[a]);
      const double upper = smaller(add_up(upper_[i], shift[a]), up_from_d2(dist2_[i], eps));
      const double lb = larger(lower, sub_down(cmin[a], upper));
      upper_[i] = upper;
      lower_[i] = lower;
      const bool proven = lb > 0 && static_cast<double>(dist2_[i]) < lb * lb * (1 - eps) - kAbs;
      fail[nf] = static_cast<std::uint32_t>(i - b);  // relative to the block: fits 32 bits
      nf += !proven;                                  // kept only when not proven (branch-free)
    }
    nearest({pts_.row(b), d, fail.data(), nf, lab.data(), best.data(), second.data()}, t.view(), cfg_.isa);
    for (std::size_t f = 0; f < nf; ++f) {
      const std::size_t i = b + fail[f];
      relabel(i, lab[f], out);
      dist2_[i] = best[f];
      upper_[i] = up_from_d2(best[f], eps);
      lower_[i] = down_from_d2(second[f], eps);
    }
    finish_block(b, e, out);
    out.distances += (e - b) + static_cast<std::uint64_t>(nf) * k;
  }
  previous_.assign(t.rows().begin(), t.rows().end());
}

}  // namespace crmpi::kmeans
