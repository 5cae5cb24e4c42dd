#include "kernels/kmeans/parallel_init.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/kmeans/centroid_table.hpp"
#include "kernels/kmeans/keyed_rng.hpp"
#include "kernels/kmeans/lloyd_kernels.hpp"
#include "kernels/kmeans/parallel_init_kernels.hpp"

namespace crmpi::kmeans {

KeyedPick first_center_local(const PointSet& p, std::uint64_t seed) {
  // The arg-min by (hash, id) first, the row copied once (a KeyedPick per point would zero its
  // 256-byte row array for every point).
  bool found = false;
  std::uint64_t hash = 0, id = 0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < p.n(); ++i) {
    const std::uint64_t h = keyed_hash(seed, kStreamFirstCenter, p.ids[i]);
    if (found && !(h < hash || (h == hash && p.ids[i] < id))) continue;
    found = true;
    hash = h;
    id = p.ids[i];
    at = i;
  }
  KeyedPick best;
  if (!found) return best;
  best.found = true;
  best.hash = hash;
  best.id = id;
  std::copy(p.row(at), p.row(at) + p.d, best.x.begin());
  return best;
}

bool precedes(const KeyedPick& a, const KeyedPick& b) {
  if (a.found != b.found) return a.found;
  return a.hash < b.hash || (a.hash == b.hash && a.id < b.id);
}

ParallelInit::ParallelInit(PointSet p, Isa isa) : pts_(p), isa_(isa) {
  validate_points(p);
  cost_.assign(p.n(), std::numeric_limits<float>::infinity());
  near_.assign(p.n(), 0xffffffffu);
}

Int128 ParallelInit::add_candidates(std::span<const float> candidates, std::size_t first) {
  const std::size_t d = pts_.d, m = candidates.size() / d;
  if (first != m_ || candidates.size() != m * d || m == 0) throw std::invalid_argument("add_candidates: not the next candidates");
  Int128 total = 0;
  if (m == first) {  // a round that drew nobody: costs unchanged
    for (float c : cost_) total += to_fixed(c);
    return total;
  }
  // Only the new candidates: a point's distance to a candidate does not depend on the other
  // candidates in the table (the kernel vectorises over candidates), and a new candidate must be
  // strictly nearer to win, so the running arg-min equals a full scan with lowest-index ties.
  const CentroidTable t(candidates.subspan(first * d), m - first, d);
  constexpr std::size_t kBlock = 256;
  constexpr float kSmall = 0x1p16f;
  std::vector<std::uint32_t> lab(kBlock);
  std::vector<float> best(kBlock);
  // On AVX-512 the block's rows are turned into tiles of 16 in L1, so the distances run 16 points
  // a register and the arg-min is vertical (lloyd_kernels.hpp): the bits of nearest(), without
  // its per-point horizontal reduction over the candidates.
  const bool avx512 = isa_ == Isa::kAvx512 && best_isa() == Isa::kAvx512 && d <= kMaxTileDim;
  FeatureRows tiles;
  if (avx512) tiles.resize(kBlock * d);
  for (std::size_t b = 0; b < pts_.n(); b += kBlock) {
    const std::size_t e = std::min(pts_.n(), b + kBlock);
    if (avx512) {
      build_tiles_avx512(pts_.row(b), e - b, d, tiles.data());
      nearest_tiles_avx512(tiles.data(), e - b, d, t.view(), lab.data(), best.data());
    } else {
      nearest({pts_.row(b), d, nullptr, e - b, lab.data(), best.data(), nullptr}, t.view(), isa_);
    }
    // Costs below 2^16 (nearly all on standardized features) are below 2^48 in fixed point: the
    // block's (at most 256) add up in int64, then once into the 128-bit total; a larger one goes
    // in directly. The same integer as adding to_fixed of each.
    float* const cost = cost_.data() + b;
    std::uint32_t* const near = near_.data() + b;
    const auto base = static_cast<std::uint32_t>(first);
    if (avx512) {
      std::size_t large = 0;
      total += take_nearer_avx512(best.data(), lab.data(), base, e - b, cost, near, &large);
      if (large > 0) [[unlikely]]
        for (std::size_t i = 0; i < e - b; ++i)
          if (!(cost[i] < kSmall)) total += to_fixed(cost[i]);
      continue;
    }
    std::int64_t part = 0;
    for (std::size_t i = 0; i < e - b; ++i) {
      const bool nearer = best[i] < cost[i];
      const float c = nearer ? best[i] : cost[i];
      cost[i] = c;
      near[i] = nearer ? base + lab[i] : near[i];
      if (c < kSmall) [[likely]] part += std::llrint(static_cast<double>(c) * kFixedScale);
      else total += to_fixed(c);
    }
    total += part;
  }
  m_ = m;
  return total;
}

PointRows ParallelInit::select(std::uint64_t seed, std::uint32_t round, double l, Int128 total_cost) const {
  PointRows out;
  out.d = pts_.d;
  const double total = fixed_to_double(total_cost);
  if (!(total > 0)) return out;  // every point is a candidate already
  if (isa_ == Isa::kAvx512 && best_isa() == Isa::kAvx512) {
    const std::uint64_t prefix = keyed_prefix(seed, stream_parallel_round(round));
    constexpr std::size_t kBlock = 4096;
    std::vector<std::uint32_t> chosen(kBlock);
    for (std::size_t b = 0; b < pts_.n(); b += kBlock) {
      std::size_t count = 0;
      const std::size_t e = std::min(pts_.n(), b + kBlock);
      draw_below_avx512(pts_.ids.data() + b, cost_.data() + b, e - b, prefix, l, total, chosen.data(), &count);
      for (std::size_t c = 0; c < count; ++c) out.push(pts_.ids[b + chosen[c]], pts_.row(b + chosen[c]), 0);
    }
    return out;
  }
  for (std::size_t i = 0; i < pts_.n(); ++i) {
    const double p = std::min(1.0, l * static_cast<double>(cost_[i]) / total);
    if (keyed_uniform(seed, stream_parallel_round(round), pts_.ids[i]) < p) out.push(pts_.ids[i], pts_.row(i), 0);
  }
  return out;
}

std::vector<std::uint64_t> ParallelInit::weights() const {
  std::vector<std::uint64_t> w(m_, 0);
  for (std::uint32_t c : near_)
    if (c < m_) ++w[c];
  return w;
}

}  // namespace crmpi::kmeans
