// k-means kernels on one core (Google Benchmark): one Lloyd iteration, the assignment step with
// its exact statistics and then the centroid update, at N = 2M customers, d = 10, k = 8 and 32,
// for each step policy; and in the same run the floor: one streaming read of the N x d float32
// features (bytes_per_second of BM_StreamRead against that of the steps).
//   bench_kmeans_kernel [--benchmark_filter=...]
// Each step benchmark is one Lloyd run from the first k points: the first (full-scan) step runs
// before timing, and every timed iteration is the next Lloyd iteration, so Hamerly's figure is its
// pruned steady state over the run's early iterations (it prunes more as centroids settle).
// distances/point counts point-centroid distances per point per iteration (naive: k).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kernels/kmeans/kmeans.hpp"

using namespace crmpi::kmeans;

namespace {

constexpr std::size_t kN = 2'000'000, kD = 10;

struct Data {
  std::vector<float> x;
  std::vector<std::uint64_t> ids;
};

// 16 Gaussian blobs (unit noise) with centers uniform in [-8, 8]^d: overlapping, so Lloyd takes
// many iterations, as on standardized customer features.
const Data& data() {
  static const Data o = [] {
    std::mt19937_64 g(1);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::uniform_real_distribution<float> box(-8.0f, 8.0f);
    std::vector<float> c(16 * kD);
    for (float& v : c) v = box(g);
    Data r{std::vector<float>(kN * kD), std::vector<std::uint64_t>(kN)};
    for (std::size_t i = 0; i < kN; ++i) {
      const std::size_t b = g() % 16;
      r.ids[i] = i;
      for (std::size_t j = 0; j < kD; ++j) r.x[i * kD + j] = c[b * kD + j] + noise(g);
    }
    return r;
  }();
  return o;
}

std::int64_t feature_bytes() { return static_cast<std::int64_t>(kN * kD * sizeof(float)); }

// The floor: every feature read once (8 independent sums; the compiler vectorises them).
void BM_StreamRead(benchmark::State& state) {
  const std::vector<float>& x = data().x;
  for (auto _ : state) {
    float acc[8] = {};
    for (std::size_t i = 0; i + 8 <= x.size(); i += 8)
      for (std::size_t l = 0; l < 8; ++l) acc[l] += x[i + l];
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(state.iterations() * feature_bytes());
}

void step_bench(benchmark::State& state, StepKind kind, Isa isa) {
  const auto k = static_cast<std::size_t>(state.range(0));
  const Data& dt = data();
  auto step = make_step(kind, PointSet{dt.x, dt.ids, kD}, {isa, 256});
  std::vector<float> c(dt.x.begin(), dt.x.begin() + static_cast<std::ptrdiff_t>(k * kD));
  ClusterStats s;
  step->step(c, k, s);  // the first step (Hamerly: a full scan), untimed
  c = update_centroids(s, c).centroids;
  const std::uint64_t before = step->distances();
  for (auto _ : state) {
    step->step(c, k, s);
    c = update_centroids(s, c).centroids;
  }
  state.SetBytesProcessed(state.iterations() * feature_bytes());
  state.counters["distances/point"] = static_cast<double>(step->distances() - before) /
                                      static_cast<double>(state.iterations()) / static_cast<double>(kN);
  state.counters["changed"] = static_cast<double>(s.changed);  // in the last timed iteration
}

void BM_Naive(benchmark::State& state) { step_bench(state, StepKind::kNaive, best_isa()); }
void BM_NaiveScalar(benchmark::State& state) { step_bench(state, StepKind::kNaive, Isa::kScalar); }
void BM_Hamerly(benchmark::State& state) { step_bench(state, StepKind::kHamerly, best_isa()); }

}  // namespace

BENCHMARK(BM_StreamRead)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Naive)->Arg(8)->Arg(32)->Iterations(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hamerly)->Arg(8)->Arg(32)->Iterations(10)->Unit(benchmark::kMillisecond);
// The portable loop (CPUs without AVX2 + FMA): same bits, libm's fmaf per coordinate.
BENCHMARK(BM_NaiveScalar)->Arg(8)->Iterations(2)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
