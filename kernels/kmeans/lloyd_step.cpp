#include "kernels/kmeans/lloyd_step.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernels/kmeans/lloyd_kernels.hpp"

namespace crmpi::kmeans {

LloydStep::LloydStep(PointSet p, StepConfig cfg) : pts_(p), cfg_(cfg) {
  validate_points(p);
  cfg_.block = std::max<std::size_t>(cfg_.block, 1);
  labels_.assign(p.n(), kNoLabel);
  dist2_.assign(p.n(), 0.0f);
  mv_rows_.resize(cfg_.block);
  mv_from_.resize(cfg_.block);
  mv_to_.resize(cfg_.block);
}

void LloydStep::step(std::span<const float> centroids, std::size_t k, ClusterStats& out) {
  if (released_) throw std::logic_error("LloydStep::step: the results were released");
  const CentroidTable t(centroids, k, pts_.d);  // validates
  out.reset(k, pts_.d);
  fresh_ = !running_valid_ || running_.k != k;
  if (fresh_) {
    running_.reset(k, pts_.d);
    scratch_ = {};  // no partial sums left by a step that threw
  }
  running_valid_ = false;  // until run() completes
  moves_ = 0;              // none pending, even after a step that threw
  run(t, out);
  running_valid_ = true;
  fresh_ = false;
  out.count = running_.count;
  out.sum = running_.sum;
  distances_ += out.distances;
}

void LloydStep::release_results(std::vector<std::uint32_t>& labels, std::vector<float>& dist2) {
  labels = std::move(labels_);
  dist2 = std::move(dist2_);
  labels_ = {};
  dist2_ = {};
  released_ = true;
}

void LloydStep::relabel_block(std::size_t b, std::size_t e, const std::uint32_t* to, ClusterStats& out) {
  constexpr std::size_t kChunk = 16;
  std::size_t i = b;
  if (!fresh_) {
    for (; i + kChunk <= e; i += kChunk) {
      std::uint32_t diff = 0;  // an OR of XORs the compiler vectorises
      for (std::size_t q = 0; q < kChunk; ++q) diff |= labels_[i + q] ^ to[i - b + q];
      if (diff == 0) continue;
      for (std::size_t q = 0; q < kChunk; ++q) relabel(i + q, to[i - b + q], out);
    }
  }
  for (; i < e; ++i) relabel(i, to[i - b], out);
}

void LloydStep::finish_block(std::size_t b, std::size_t e, ClusterStats& out) {
  move_points(pts_, mv_rows_.data(), mv_from_.data(), mv_to_.data(), moves_, running_, scratch_, cfg_.isa);
  moves_ = 0;
  accumulate_sse_far(pts_, b, e, labels_.data(), dist2_.data(), out);
}

NaiveStep::NaiveStep(PointSet p, StepConfig cfg) : LloydStep(p, cfg) {}

NaiveStep::NaiveStep(PointSet p, std::span<float> lend, StepConfig cfg) : LloydStep(p, cfg) {
  if (lend.data() != p.x.data() || lend.size() != p.x.size())
    throw std::invalid_argument("NaiveStep: the lent memory is not the points' own");
  // Only the fused loop reads tiles; the portable loops read the rows as they are.
  if (cfg_.isa == Isa::kAvx512 && best_isa() == Isa::kAvx512) lent_ = lend.data();
}

NaiveStep::~NaiveStep() { return_points(); }

void NaiveStep::FreeTiles::operator()(float* p) const { free_rows(p); }

void NaiveStep::return_points() {
  if (!lent_) return;
  const std::size_t whole = pts_.n() / kTile * kTile;
  rows_from_tiles_avx512(lent_, std::min(built_, whole), pts_.d, lent_);
  built_ = 0;
}

void NaiveStep::run(const CentroidTable& t, ClusterStats& out) {
  const std::size_t n = pts_.n(), d = pts_.d;
  if (cfg_.isa == Isa::kAvx512 && best_isa() == Isa::kAvx512) return run_fused(t, out);
  std::vector<std::uint32_t> block_labels(cfg_.block);
  for (std::size_t b = 0; b < n; b += cfg_.block) {
    const std::size_t e = std::min(n, b + cfg_.block);
    nearest({pts_.row(b), d, nullptr, e - b, block_labels.data(), dist2_.data() + b, nullptr}, t.view(), cfg_.isa);
    relabel_block(b, e, block_labels.data(), out);
    finish_block(b, e, out);
  }
  out.distances += static_cast<std::uint64_t>(n) * t.k();
}

// The tiles, in a copy of the slice or (lent points) in the rows' own memory for the whole tiles
// and a separate tile for the last n % 16 rows, which stay rows. Made by the first step, block by
// block just before the block's distances (the rows are in cache for the tile and for the sums,
// which every row enters in a first step); built_ counts the rows whose tiles are made, so a step
// that threw half way goes on where it stopped.
void NaiveStep::build_block_tiles(std::size_t b, std::size_t e) {
  const std::size_t d = pts_.d;
  if (!lent_) return build_tiles_avx512(pts_.row(b), e - b, d, tiles_.get() + b * d);
  const std::size_t whole = pts_.n() / kTile * kTile;
  if (b < whole) {
    float* x = lent_ + b * d;
    // The rows of the block as rows, for a first step's sums (enter_rows) after the tiles replace them.
    std::copy(x, x + (std::min(e, whole) - b) * d, rows_.data());
    build_tiles_avx512(x, std::min(e, whole) - b, d, x);
  }
  if (e > whole) build_tiles_avx512(pts_.row(whole), e - whole, d, tail_.data());
}

// Row i into `into` (d floats) whatever holds it now: the rows of a copy-tiled slice, the tail rows,
// or a lent tile (coordinate j of row i at lane i % 16 of the tile's register j).
const float* NaiveStep::row_now(std::size_t i, float* into) const {
  const std::size_t d = pts_.d;
  if (!lent_ || i >= pts_.n() / kTile * kTile || i >= built_) return pts_.row(i);
  const float* tile = lent_ + i / kTile * kTile * d;
  for (std::size_t j = 0; j < d; ++j) into[j] = tile[j * kTile + i % kTile];
  return into;
}

// The statistics as finish_block gives them: moves into the running sums (move_tiled, each
// block's moves with their coordinates from the block's tiles, just read), the sse as the
// kernel's int64 total of each block (below 2^63: 2,048 rows under 2^48 each) added into the
// 128-bit sum, and the rows the kernel lists as slow (far-point candidates, d2 >= 2^16) one by one.
void NaiveStep::run_fused(const CentroidTable& t, ClusterStats& out) {
  // Rows per kernel call. Each call and its bookkeeping here cost about as much as a few tiles:
  // blocks of 256 rows made a k = 8 iteration over 2M x 10 points 7% slower than 2,048 or 4,096
  // (16,384: 5% slower again, the moved rows' tiles, read back after the block, no longer in L2).
  constexpr std::size_t kBlock = 2048;
  constexpr float kSmall = 0x1p16f;
  const std::size_t n = pts_.n(), d = pts_.d, k = t.k();
  const std::size_t whole = lent_ ? n / kTile * kTile : n;  // rows whose tiles lie with the rows' own
  if (!lent_ && !tiles_ && n > 0) {
    // The features' allocation (points.hpp): 2 MiB aligned and advised as huge pages, a few dozen
    // page faults instead of 20,000 for the 80 MB of 2M x 10.
    const std::size_t bytes = (n + kTile - 1) / kTile * kTile * d * sizeof(float);
    tiles_.reset(static_cast<float*>(allocate_rows(bytes)));
  }
  if (lent_) {
    rows_.resize(kBlock * d);
    tail_.resize(kTile * d);
  }
  const float* const tiles = lent_ ? lent_ : tiles_.get();
  // The block's moves (kTile of slack for the kernel's whole-register stores), applied after the
  // block while its tiles are in L2; move_tiled's runs of 127 moves span blocks (flush_moves at
  // the end). Applied in batches of 4,096 moves instead, the kernel copying the coordinates out
  // after each block: the same integers, a k = 8 iteration ~1.15x slower (docs/PERFORMANCE.md).
  constexpr std::size_t kCap = kBlock + kTile;
  if (mv_rows_.size() < kCap) {
    mv_rows_.resize(kCap);
    mv_from_.resize(kCap);
    mv_to_.resize(kCap);
  }
  slow_rows_.resize(kCap);
  slow_d2_.resize(kCap);
  float reject_below = out.far.size() == k ? out.far.back().dist2 : -1.0f;
  // How the kernel lists moves (lloyd_avx512.cpp): without a branch where a tile is likely to have
  // one, judged by the last step (its moves are most of this one's), or at k <= 8, where the
  // loop is bound by memory and a mispredicted branch costs most. Measured on 2M x 10 points
  // (bench_kmeans_peer, one core of the Zen 5 VM): the two ways cross at 3-3.5% of rows moving at
  // k = 16 and k = 32; at k = 8 the branchless one was faster at every rate down to 1.7%.
  const bool branchless = cfg_.moves == MoveListing::kAuto
                              ? k <= 8 || last_changed_ * 100 >= 3 * static_cast<std::uint64_t>(n)
                              : cfg_.moves == MoveListing::kBranchless;
  // Rows [b, e) of one block, their tiles at tiles_of_b: all among the whole tiles, or all in the
  // lent tail tile (the last block of lent points runs as two segments).
  auto segment = [&](std::size_t b, std::size_t e, const float* tiles_of_b, bool built_now) {
    FusedBlockJob job{};
    job.tiles = tiles_of_b;
    job.d = d;
    job.centroids = t.view();
    job.begin = b;
    job.end = e;
    job.labels = labels_.data();
    job.dist2 = dist2_.data();
    job.fresh = fresh_;
    job.branchless_moves = branchless;
    job.slow_at = std::min(reject_below, kSmall);
    job.mv_rows = mv_rows_.data();
    job.mv_from = mv_from_.data();
    job.mv_to = mv_to_.data();
    job.slow_rows = slow_rows_.data();
    job.slow_d2 = slow_d2_.data();
    lloyd_block_avx512(job);
    out.sse += job.sse;
    out.changed += job.changed;
    if (fresh_) {  // every row of the block enters its cluster, from its row (in cache)
      if (lent_ && b < whole) {
        float* rows = rows_.data();
        if (!built_now) rows_from_tiles_avx512(tiles_of_b, e - b, d, rows);  // a later fresh step
        const PointSet block{std::span<const float>(rows, (e - b) * d), pts_.ids.subspan(b, e - b), d};
        enter_rows(block, 0, e - b, labels_.data() + b, running_, scratch_);
      } else {
        enter_rows(pts_, b, e, labels_.data(), running_, scratch_);
      }
    } else {
      move_tiled(tiles_of_b, b, mv_rows_.data(), mv_from_.data(), mv_to_.data(), job.moves, running_, scratch_);
    }
    alignas(64) float row[kMaxTileDim];
    for (std::size_t s = 0; s < job.slow; ++s) {
      const std::uint32_t i = slow_rows_[s], c = labels_[i];
      const float v = slow_d2_[s];
      if (v >= kSmall) out.sse += to_fixed(v);
      if (v >= reject_below) {
        const PointSet one{std::span<const float>(row_now(i, row), d), pts_.ids.subspan(i, 1), d};
        reject_below = offer_point(one, 0, c, v, out);
      }
    }
  };
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t e = std::min(n, b + kBlock);
    const bool build = b >= built_;
    if (build) {
      build_block_tiles(b, e);
      built_ = e;
    }
    if (e <= whole) {
      segment(b, e, tiles + b * d, build);
    } else {
      if (b < whole) segment(b, whole, tiles + b * d, build);
      segment(std::max(b, whole), e, tail_.data(), build);
    }
  }
  if (!fresh_) flush_moves(running_, scratch_);
  last_changed_ = out.changed;
  out.distances += static_cast<std::uint64_t>(n) * k;
}

std::unique_ptr<LloydStep> make_step(StepKind kind, PointSet p, StepConfig cfg) {
  if (kind == StepKind::kHamerly) return std::make_unique<HamerlyStep>(p, cfg);
  return std::make_unique<NaiveStep>(p, cfg);
}

std::unique_ptr<LloydStep> make_step(StepKind kind, PointSet p, std::span<float> lend, StepConfig cfg) {
  if (kind == StepKind::kHamerly) return std::make_unique<HamerlyStep>(p, cfg);
  return std::make_unique<NaiveStep>(p, lend, cfg);
}

}  // namespace crmpi::kmeans
