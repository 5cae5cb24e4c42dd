// Scalar distance loops and the runtime dispatch (distance_kernels.hpp).
#include <limits>

#include "kernels/kmeans/distance_kernels.hpp"

namespace crmpi::kmeans {
namespace {

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#else
  return false;
#endif
}

// The reference operation sequence; the AVX2 lanes do exactly this. fmaf here is libm's (this
// file is built for the baseline ISA): correctly rounded, so the same bits as the FMA instruction.
float d2(const float* x, const float* c, std::size_t d) {
  float acc = 0.0f;
  for (std::size_t j = 0; j < d; ++j) {
    const float diff = x[j] - c[j];
    acc = __builtin_fmaf(diff, diff, acc);
  }
  return acc;
}

}  // namespace

Isa best_isa() {
  static const Isa best = cpu_has_avx512() ? Isa::kAvx512 : cpu_has_avx2_fma() ? Isa::kAvx2 : Isa::kScalar;
  return best;
}

void nearest_scalar(const NearestJob& job, const TableView& t) {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < job.n; ++i) {
    const float* xr = job.x + (job.idx ? job.idx[i] : i) * job.d;
    float m1 = inf, m2 = inf;
    std::uint32_t best = 0;
    for (std::size_t c = 0; c < t.k; ++c) {
      const float v = d2(xr, t.rows + c * t.d, t.d);
      if (v < m1) {  // strict: a tie keeps the lower index
        m2 = m1;
        m1 = v;
        best = static_cast<std::uint32_t>(c);
      } else if (v < m2) {
        m2 = v;
      }
    }
    job.label[i] = best;
    job.best[i] = m1;
    if (job.second) job.second[i] = m2;
  }
}

void dist_to_label_scalar(const LabelDistJob& job, const TableView& t) {
  for (std::size_t i = job.first; i < job.first + job.n; ++i)
    job.out[i] = d2(job.x + i * job.d, t.rows + job.label[i] * t.d, t.d);
}

namespace {

// What runs: the asked implementation, or the best below it that this CPU has.
Isa usable(Isa asked) {
  const Isa best = best_isa();
  return static_cast<int>(asked) < static_cast<int>(best) ? asked : best;
}

}  // namespace

void nearest(const NearestJob& job, const TableView& t, Isa isa) {
  switch (usable(isa)) {
    case Isa::kAvx512: return nearest_avx512(job, t);
    case Isa::kAvx2: return nearest_avx2(job, t);
    case Isa::kScalar: break;
  }
  nearest_scalar(job, t);
}

void dist_to_label(const LabelDistJob& job, const TableView& t, Isa isa) {
  if (usable(isa) != Isa::kScalar) return dist_to_label_avx2(job, t);
  dist_to_label_scalar(job, t);
}

}  // namespace crmpi::kmeans
