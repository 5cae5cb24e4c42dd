#include "kernels/kmeans/cluster_stats.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "kernels/kmeans/fixed_row_kernels.hpp"

namespace crmpi::kmeans {

void ClusterStats::reset(std::size_t k_, std::size_t d_) {
  k = k_;
  d = d_;
  count.assign(k, 0);
  sum.assign(k * d, 0);
  sse = 0;
  changed = 0;
  distances = 0;
  far.clear();
}

std::uint64_t ClusterStats::points() const {
  std::uint64_t t = 0;
  for (std::uint64_t v : count) t += v;
  return t;
}

void offer_far(std::vector<FarPoint>& far, std::size_t cap, const FarPoint& f) {
  if (far.size() == cap && (cap == 0 || !farther(f, far.back()))) return;
  far.insert(std::upper_bound(far.begin(), far.end(), f, farther), f);
  if (far.size() > cap) far.pop_back();
}

namespace {

// The end of a run of at most 127 points: the int64 partial sums of the clusters the run touched
// go into their 128-bit totals, and the scratch is all zero again (what the next run expects).
void flush_run(AccumulateScratch& scratch, std::vector<Int128>& sum, std::size_t d) {
  for (std::uint32_t c : scratch.touched) {
    for (std::size_t j = 0; j < d; ++j) {
      sum[c * d + j] += scratch.part[c * d + j];
      scratch.part[c * d + j] = 0;
    }
    scratch.seen[c] = 0;
  }
  scratch.touched.clear();
}

}  // namespace

// Coordinates are summed per run of at most 127 points in int64 (each fixed-point value is below
// 2^56 in magnitude, so 127 of them stay below 2^63), then added to the 128-bit sums of the clusters
// the run touched: exact, and about half the work of a 128-bit add per coordinate.
void accumulate(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels,
                const float* dist2, ClusterStats& s, AccumulateScratch& scratch) {
  constexpr std::size_t kRun = 127;
  const std::size_t d = p.d;
  // Between calls the scratch is all zero (each run clears what it touched); resize keeps that.
  scratch.part.resize(s.k * d, 0);
  scratch.seen.resize(s.k, 0);
  scratch.touched.clear();
  std::vector<std::int64_t>& part = scratch.part;
  std::vector<std::uint32_t>& touched = scratch.touched;
  std::vector<char>& seen = scratch.seen;
  float reject_below = s.far.size() == s.k ? s.far.back().dist2 : -1.0f;  // d2 >= 0: -1 rejects nothing
  for (std::size_t r = begin; r < end; r += kRun) {
    const std::size_t re = std::min(end, r + kRun);
    for (std::size_t i = r; i < re; ++i) {
      const std::uint32_t c = labels[i];
      const float* xr = p.row(i);
      ++s.count[c];
      if (!seen[c]) {
        seen[c] = 1;
        touched.push_back(c);
      }
      std::int64_t* pc = part.data() + c * d;
      for (std::size_t j = 0; j < d; ++j) pc[j] += std::llrint(static_cast<double>(xr[j]) * kFixedScale);
      s.sse += to_fixed(dist2[i]);
      // Cheap reject first: most points are nearer than the k-th farthest seen so far.
      if (dist2[i] < reject_below) continue;
      FarPoint f;
      f.dist2 = dist2[i];
      f.label = c;
      f.id = p.ids[i];
      std::copy(xr, xr + d, f.x.begin());
      offer_far(s.far, s.k, f);
      if (s.far.size() == s.k) reject_below = s.far.back().dist2;
    }
    flush_run(scratch, s.sum, d);
  }
}

void accumulate(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels,
                const float* dist2, ClusterStats& s) {
  AccumulateScratch scratch;
  accumulate(p, begin, end, labels, dist2, s, scratch);
}

void RunningSums::reset(std::size_t k_, std::size_t d_) {
  k = k_;
  d = d_;
  count.assign(k, 0);
  sum.assign(k * d, 0);
}

// As in accumulate: int64 partial sums over runs of at most 127 moves (a move adds or subtracts
// one fixed-point value below 2^56 to a cluster's partial sum, so each stays below 127 * 2^56 <
// 2^63), then one 128-bit add per touched cluster and coordinate.
void move_points(const PointSet& p, const std::uint32_t* rows, const std::uint32_t* from, const std::uint32_t* to,
                 std::size_t m, RunningSums& r, AccumulateScratch& scratch, Isa isa) {
  constexpr std::size_t kRun = 127;
  const std::size_t d = p.d;
  scratch.part.resize(r.k * d, 0);
  scratch.seen.resize(r.k, 0);
  scratch.touched.clear();
  std::vector<std::int64_t>& part = scratch.part;
  std::vector<std::uint32_t>& touched = scratch.touched;
  std::vector<char>& seen = scratch.seen;
  auto touch = [&](std::uint32_t c) {
    if (!seen[c]) {
      seen[c] = 1;
      touched.push_back(c);
    }
  };
  const bool vector = isa == Isa::kAvx512 && best_isa() == Isa::kAvx512;  // the same integers, fewer instructions
  for (std::size_t q = 0; q < m; q += kRun) {
    const std::size_t qe = std::min(m, q + kRun);
    for (std::size_t u = q; u < qe; ++u) {
      const float* xr = p.row(rows[u]);
      const std::uint32_t b = to[u], a = from[u];
      ++r.count[b];
      touch(b);
      if (a != kNoCluster) {
        --r.count[a];
        touch(a);
      }
      std::int64_t* pb = part.data() + b * d;
      std::int64_t* pa = a == kNoCluster ? nullptr : part.data() + a * d;
      if (vector) {
        move_fixed_row_avx512(xr, d, pb, pa);
        continue;
      }
      std::int64_t fx[kMaxDim];
      for (std::size_t j = 0; j < d; ++j) fx[j] = std::llrint(static_cast<double>(xr[j]) * kFixedScale);
      for (std::size_t j = 0; j < d; ++j) pb[j] += fx[j];
      if (pa)
        for (std::size_t j = 0; j < d; ++j) pa[j] -= fx[j];
    }
    flush_run(scratch, r.sum, d);
  }
}

void enter_rows(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels, RunningSums& r,
                AccumulateScratch& scratch) {
  constexpr std::size_t kRun = 127;  // as move_points: int64 partial sums of at most 127 values
  const std::size_t d = p.d;
  scratch.part.resize(r.k * d, 0);
  scratch.seen.resize(r.k, 0);
  scratch.touched.clear();
  for (std::size_t q = begin; q < end; q += kRun) {
    const std::size_t qe = std::min(end, q + kRun);
    for (std::size_t i = q; i < qe; ++i) {
      const std::uint32_t c = labels[i];
      ++r.count[c];
      if (!scratch.seen[c]) {
        scratch.seen[c] = 1;
        scratch.touched.push_back(c);
      }
    }
    enter_rows_avx512(p.row(q), d, labels + q, qe - q, scratch.part.data());
    flush_run(scratch, r.sum, d);
  }
}

void move_tiled(const float* tiles, std::size_t row0, const std::uint32_t* rows, const std::uint32_t* from,
                const std::uint32_t* to, std::size_t m, RunningSums& r, AccumulateScratch& scratch) {
  constexpr std::size_t kRun = 127;  // as move_points
  const std::size_t d = r.d;
  scratch.part.resize(r.k * d, 0);
  scratch.seen.resize(r.k, 0);
  for (std::size_t q = 0; q < m;) {
    const std::size_t qe = q + std::min(m - q, kRun - scratch.run);
    // The counts and the clusters seen first (at small k by compares; the run's touched list is
    // made from `seen` when it ends), then the sums in one call.
    if (r.k <= kCountByCompare) {
      if (count_run_avx512(from + q, to + q, qe - q, r.k, r.count.data(), scratch.seen.data()) != 2 * (qe - q))
        throw std::invalid_argument("move_tiled: a move from or to no cluster");
    } else {
      for (std::size_t u = q; u < qe; ++u) {
        if (from[u] >= r.k || to[u] >= r.k) throw std::invalid_argument("move_tiled: a move from or to no cluster");
        ++r.count[to[u]];
        --r.count[from[u]];
        scratch.seen[to[u]] = 1;
        scratch.seen[from[u]] = 1;
      }
    }
    move_tiled_run_avx512(tiles, row0, rows + q, from + q, to + q, qe - q, d, scratch.part.data());
    scratch.run += qe - q;
    q = qe;
    if (scratch.run == kRun) flush_moves(r, scratch);
  }
}

void flush_moves(RunningSums& r, AccumulateScratch& scratch) {
  if (scratch.run == 0) return;  // nothing in part, nothing seen (and maybe no scratch yet)
  scratch.touched.clear();
  for (std::uint32_t c = 0; c < r.k; ++c)
    if (scratch.seen[c]) scratch.touched.push_back(c);
  flush_run(scratch, r.sum, r.d);
  scratch.run = 0;
}

// Out of line so that the hot loops keep their values in registers.
[[gnu::noinline, gnu::cold]] float offer_point(const PointSet& p, std::size_t i, std::uint32_t c, float v,
                                               ClusterStats& s) {
  FarPoint f;
  f.dist2 = v;
  f.label = c;
  f.id = p.ids[i];
  const float* xr = p.row(i);
  std::copy(xr, xr + p.d, f.x.begin());
  offer_far(s.far, s.k, f);
  return s.far.size() == s.k ? s.far.back().dist2 : -1.0f;
}

// Squared distances below 2^16 (all of them on standardized features) are below 2^48 in fixed
// point: summed in int64 over runs of at most 2^15 points (below 2^63), then added to the 128-bit
// sse once per run; a larger one goes to the 128-bit sum directly. llrint(v * 2^32) is
// to_fixed(v) for such v. Integer sums: the total is the same in any order and any split.
void accumulate_sse_far(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels,
                        const float* dist2, ClusterStats& s) {
  constexpr std::size_t kRun = std::size_t{1} << 15;
  constexpr float kSmall = 0x1p16f;
  const std::size_t k = s.k;
  float reject_below = s.far.size() == k ? s.far.back().dist2 : -1.0f;  // d2 >= 0: -1 rejects nothing
  for (std::size_t r = begin; r < end; r += kRun) {
    const std::size_t re = std::min(end, r + kRun);
    std::int64_t part = 0;
    for (std::size_t i = r; i < re; ++i) {
      const float v = dist2[i];
      if (v < kSmall) [[likely]] {
        part += std::llrint(static_cast<double>(v) * kFixedScale);
      } else {
        s.sse += to_fixed(v);
      }
      if (v >= reject_below) [[unlikely]] reject_below = offer_point(p, i, labels[i], v, s);
    }
    s.sse += part;
  }
}

void merge_into(ClusterStats& into, const ClusterStats& from) {
  if (into.k != from.k || into.d != from.d) throw std::invalid_argument("merge_into: statistics of different shapes");
  for (std::size_t c = 0; c < into.k; ++c) into.count[c] += from.count[c];
  into.sse += from.sse;
  for (std::size_t i = 0; i < into.sum.size(); ++i) into.sum[i] += from.sum[i];
  into.changed += from.changed;
  into.distances += from.distances;
  for (const FarPoint& f : from.far) offer_far(into.far, into.k, f);
  if (into.points() > kMaxPoints) throw std::overflow_error("k-means: more than 2^38 points in one reduction");
}

namespace {

void put(std::vector<std::int64_t>& out, Int128 v) {
  const auto l = to_limbs(v);
  out.insert(out.end(), l.begin(), l.end());
}

}  // namespace

std::vector<std::int64_t> pack_sums(const ClusterStats& s) {
  std::vector<std::int64_t> out;
  out.reserve(s.k + 2 + kLimbs * (s.sum.size() + 1));
  for (std::uint64_t c : s.count) out.push_back(static_cast<std::int64_t>(c));
  out.push_back(static_cast<std::int64_t>(s.changed));
  out.push_back(static_cast<std::int64_t>(s.distances));
  for (Int128 v : s.sum) put(out, v);
  put(out, s.sse);
  return out;
}

void unpack_sums(std::span<const std::int64_t> packed, ClusterStats& s) {
  if (packed.size() != s.k + 2 + kLimbs * (s.sum.size() + 1)) throw std::invalid_argument("unpack_sums: wrong size");
  const std::int64_t* p = packed.data();
  for (std::uint64_t& c : s.count) c = static_cast<std::uint64_t>(*p++);
  s.changed = static_cast<std::uint64_t>(*p++);
  s.distances = static_cast<std::uint64_t>(*p++);
  for (Int128& v : s.sum) v = from_limbs(std::exchange(p, p + kLimbs));
  s.sse = from_limbs(p);
  if (s.points() > kMaxPoints) throw std::overflow_error("k-means: more than 2^38 points in one reduction");
}

}  // namespace crmpi::kmeans
