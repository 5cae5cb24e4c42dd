#include "kernels/kmeans/lloyd_step.hpp"

#include <algorithm>

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
  const CentroidTable t(centroids, k, pts_.d);  // validates
  out.reset(k, pts_.d);
  fresh_ = !running_valid_ || running_.k != k;
  if (fresh_) running_.reset(k, pts_.d);
  running_valid_ = false;  // until run() completes
  moves_ = 0;              // none pending, even after a step that threw
  run(t, out);
  running_valid_ = true;
  fresh_ = false;
  out.count = running_.count;
  out.sum = running_.sum;
  distances_ += out.distances;
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
  accumulate_sse_far(pts_, b, e, labels_.data(), dist2_.data(), out, scratch_);
}

NaiveStep::NaiveStep(PointSet p, StepConfig cfg) : LloydStep(p, cfg) {}

void NaiveStep::run(const CentroidTable& t, ClusterStats& out) {
  const std::size_t n = pts_.n(), d = pts_.d;
  std::vector<std::uint32_t> block_labels(cfg_.block);
  for (std::size_t b = 0; b < n; b += cfg_.block) {
    const std::size_t e = std::min(n, b + cfg_.block);
    nearest({pts_.row(b), d, nullptr, e - b, block_labels.data(), dist2_.data() + b, nullptr}, t.view(), cfg_.isa);
    relabel_block(b, e, block_labels.data(), out);
    finish_block(b, e, out);
  }
  out.distances += static_cast<std::uint64_t>(n) * t.k();
}

std::unique_ptr<LloydStep> make_step(StepKind kind, PointSet p, StepConfig cfg) {
  if (kind == StepKind::kHamerly) return std::make_unique<HamerlyStep>(p, cfg);
  return std::make_unique<NaiveStep>(p, cfg);
}

}  // namespace crmpi::kmeans
