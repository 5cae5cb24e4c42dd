// k-means kernels on one core: one Lloyd iteration (assignment + statistics, then the centroid
// update) at N = 2M customers, d = 10, k = 8 and 32, for each step policy, against the floor of
// streaming the N x d float32 features once from memory.
//   bench_kmeans_kernel [N]
// Prints one line per figure: seconds (best of the repeats) and the implied feature bandwidth.
// Times are this process's CPU time (CLOCK_PROCESS_CPUTIME_ID): the program is single-threaded, so
// on an idle machine that is the wall time, and on a shared one it leaves out time spent waiting.
// Hamerly's first step is a full scan; its later steps are the steady state the figures quote.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

#include "kernels/kmeans/kmeans.hpp"

using namespace crmpi::kmeans;

namespace {

double now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Data {
  std::size_t n, d;
  std::vector<float> x;
  std::vector<std::uint64_t> ids;
};

Data blobs(std::size_t n, std::size_t d, std::size_t centers) {
  std::mt19937_64 g(1);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<float> box(-8.0f, 8.0f);
  std::vector<float> c(centers * d);
  for (float& v : c) v = box(g);
  Data o{n, d, std::vector<float>(n * d), std::vector<std::uint64_t>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t b = g() % centers;
    o.ids[i] = i;
    for (std::size_t j = 0; j < d; ++j) o.x[i * d + j] = c[b * d + j] + noise(g);
  }
  return o;
}

// Streaming-read floor: sum every feature (8 independent accumulators, vectorised by the compiler).
double stream_seconds(const std::vector<float>& x, float* sink) {
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    const double t0 = now();
    float acc[8] = {};
    for (std::size_t i = 0; i + 8 <= x.size(); i += 8)
      for (int l = 0; l < 8; ++l) acc[l] += x[i + static_cast<std::size_t>(l)];
    best = std::min(best, now() - t0);
    for (float a : acc) *sink += a;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  const std::size_t d = 10;
  const Data data = blobs(n, d, 8);
  const double mb = static_cast<double>(n * d * sizeof(float)) / 1e6;
  float sink = 0;
  const double ts = stream_seconds(data.x, &sink);
  std::printf("stream_read        N=%zu d=%zu  %.4f s  %.1f GB/s (%.0f MB)\n", n, d, ts, mb / ts / 1e3, mb);
  const PointSet p{data.x, data.ids, d};
  for (std::size_t k : {8, 32}) {
    for (StepKind kind : {StepKind::kNaive, StepKind::kHamerly}) {
      for (Isa isa : {best_isa(), Isa::kScalar}) {
        if (isa == Isa::kScalar && (kind == StepKind::kHamerly || best_isa() == Isa::kScalar)) continue;
        auto step = make_step(kind, p, {isa, 256});
        std::vector<float> c(data.x.begin(), data.x.begin() + static_cast<std::ptrdiff_t>(k * d));
        ClusterStats s;
        double first = 0, steady = 1e30;
        const int iters = isa == Isa::kScalar ? 2 : 8;
        for (int it = 0; it < iters; ++it) {
          const double t0 = now();
          step->step(c, k, s);
          const CentroidUpdate u = update_centroids(s, c);
          const double t = now() - t0;
          c = u.centroids;
          if (it == 0) first = t;
          else steady = std::min(steady, t);
        }
        const double per_point = static_cast<double>(step->distances()) / static_cast<double>(iters) / static_cast<double>(n);
        std::printf("%-7s %-6s k=%-3zu first %.4f s  later %.4f s  (%.2f GB/s of features, %.1f distances/point/iter)\n",
                    kind == StepKind::kNaive ? "naive" : "hamerly", isa == Isa::kAvx2 ? "avx2" : "scalar", k, first,
                    steady, mb / steady / 1e3, per_point);
      }
    }
  }
  return sink == 12345.0f ? 1 : 0;  // keeps the streaming loop alive
}
