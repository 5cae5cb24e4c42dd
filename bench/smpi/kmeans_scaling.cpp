// k-means scaling driver for SimGrid SMPI (smpicxx/smpirun) and real MPI (mpicxx/mpirun).
//
// Runs the distributed k-means of `crmpi segment` (jobs/kmeans/distributed.hpp) on standardized
// features synthesised in memory, without HDF5, spdlog or toml++, through the stage's own code, in
// the order kmeans_job::fit and the stage's model selection run it:
//   init   kmeans_job::initial_centroids: the keyed first center (allgather), k-means|| rounds
//          (exact cost allreduce, the drawn rows gathered in id order, weights), greedy k-means++
//          on the replicated candidates; or k-means++ (--plusplus)
//   lloyd  kmeans_job::lloyd: --iters Lloyd iterations (tol 0: no early stop on the inertia; an
//          iteration with no label change still ends the loop), each one assignment step
//          (NaiveStep, fused AVX-512 where the CPU has it) and ONE integer allreduce of the packed
//          statistics; then the final assignment (one step + allreduce)
//   score  kmeans_job::score: Calinski-Harabasz and Davies-Bouldin (one integer allreduce), the
//          keyed silhouette sample gathered and scored in shares (--silhouette rows; 0: skip)
// It reaches MPI only through comm/, exactly like jobs/.
//
// Data: customer g (global index, also its id: the key of every draw and tie-break) is drawn from
// splitmix64 of (seed, g) only, never from the rank: one of --blobs (64) Gaussian blobs (centers
// drawn from the seed alone, uniform in [-1.5, 1.5]^d), coordinates center + 0.6 N(0, 1), as
// float32. Each coordinate then has mean ~0 and variance ~1.1, as the stage's standardized
// features; the blobs overlap, so Lloyd keeps moving points for many iterations. So the same
// global customers give bit-identical centroids, labels and scores at any rank count and under
// either MPI. Customers are block-partitioned: weak mode gives every rank --customers customers,
// strong mode splits --customers in total.
//
// Timing: MPI_Wtime, each phase after an untimed barrier, the maximum over ranks. Synthesis is in
// no phase (under SMPI it runs with benchmarking switched off). Communication per phase:
// Comm::traffic() differences around the phase (TrafficWindow, driver_common.hpp: right
// under SMPI too, where every simulated rank adds into the same counters).
#include <mpi.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/smpi/driver_args.hpp"
#include "bench/smpi/driver_common.hpp"
#include "comm/comm.hpp"
#include "jobs/kmeans/distributed.hpp"
#include "kernels/common/checksum.hpp"
#include "kernels/kmeans/points.hpp"

namespace {

using crmpi::Comm;
using crmpi::smpi_bench::raw_barrier;
using crmpi::smpi_bench::TrafficWindow;
using crmpi::smpi_bench::UntimedScope;
using crmpi::mix64;
namespace kj = crmpi::kmeans_job;

struct Options {
  bool weak = true;
  std::uint64_t customers = 20000;  // per rank (weak) or in total (strong)
  std::uint64_t seed = 42;
  std::size_t chunk = 4096;  // unused (the points are synthesised whole); accepted for the shared CLI
  // 64 overlapping blobs for k = 8: Lloyd converges only after 75-104 iterations at 20k-2M points
  // (measured), so every configuration runs the fixed --iters.
  std::size_t d = 8, k = 8, blobs = 64;
  std::uint32_t iters = 20;
  std::uint64_t silhouette = 2000;  // sample rows (the stage's default --silhouette-sample)
  bool plusplus = false;
  int probe = 200;  // back-to-back allreduces of the Lloyd statistics' size, after the phases
};

Options parse(int argc, char** argv) {
  return crmpi::smpi_bench::parse_driver_args(
      argc, argv, Options{},
      "usage: kmeans_scaling [--mode weak|strong] [--customers N] [--seed S] [--d D] [--k K] [--blobs B]\n"
      "                      [--iters I] [--silhouette ROWS] [--plusplus] [--probe N]\n"
      "  weak: N customers per rank (default 20000); strong: N customers in total",
      [](Options& o, const std::string& a, auto& number) {
        if (a == "--d") o.d = static_cast<std::size_t>(std::clamp<std::uint64_t>(number(), 1, 64));
        else if (a == "--k") o.k = static_cast<std::size_t>(std::clamp<std::uint64_t>(number(), 1, 1024));
        else if (a == "--blobs") o.blobs = static_cast<std::size_t>(std::clamp<std::uint64_t>(number(), 1, 1024));
        else if (a == "--iters") o.iters = static_cast<std::uint32_t>(std::min<std::uint64_t>(number(), 100000));
        else if (a == "--silhouette") o.silhouette = number();
        else if (a == "--probe") o.probe = static_cast<int>(std::min<std::uint64_t>(number(), 100000));
        else if (a == "--plusplus") o.plusplus = true;  // a flag: the driver CLI's values are numbers
        else return false;
        return true;
      });
}

// A uniform in (0, 1) from the top 53 bits of a 64-bit draw.
double unit(std::uint64_t u) { return (static_cast<double>(u >> 11) + 0.5) * 0x1p-53; }

// Customer g's stream: splitmix64 of (seed, g) and a counter.
struct CustomerRng {
  std::uint64_t state;
  CustomerRng(std::uint64_t seed, std::uint64_t g) : state(mix64(mix64(seed) ^ g)) {}
  double uniform() { return unit(mix64(state++)); }
  double normal() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()); }
};

// The blobs' centers (blobs x d), from the seed only.
std::vector<double> blob_centers(const Options& o) {
  std::vector<double> c(o.blobs * o.d);
  for (std::size_t b = 0; b < o.blobs; ++b) {
    CustomerRng rng(o.seed ^ 0xb10b5ULL, b);
    for (std::size_t j = 0; j < o.d; ++j) c[b * o.d + j] = -1.5 + 3.0 * rng.uniform();
  }
  return c;
}

// Points of customers [g_begin, g_begin + n), row-major n x d, and their ids (g).
void synthesise(const Options& o, std::uint64_t g_begin, std::size_t n, crmpi::kmeans::FeatureRows& x,
                std::vector<std::uint64_t>& ids) {
  const std::vector<double> centers = blob_centers(o);
  x.resize(n * o.d);
  ids.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t g = g_begin + i;
    CustomerRng rng(o.seed, g);
    const std::size_t b = static_cast<std::size_t>(mix64(rng.state++) % o.blobs);
    for (std::size_t j = 0; j < o.d; ++j)
      x[i * o.d + j] = static_cast<float>(centers[b * o.d + j] + 0.6 * rng.normal());
    ids[i] = g;
  }
}

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }
std::uint64_t bits(float v) { return std::bit_cast<std::uint32_t>(v); }

enum Phase { kInit, kLloyd, kScore, kPhases };
constexpr const char* kPhaseName[kPhases] = {"init", "lloyd", "score"};

int run(int argc, char** argv) {
  const Comm comm;
  const Options o = parse(argc, argv);
  const auto P = static_cast<std::uint64_t>(comm.size());
  const crmpi::smpi_bench::Block block = crmpi::smpi_bench::block_of(o.weak, o.customers, comm);
  const std::uint64_t total = block.total, g_begin = block.begin;
  const std::size_t n = block.n;

  crmpi::kmeans::FeatureRows x;  // the stage's features' allocation, lent to the Lloyd step as the stage lends them
  std::vector<std::uint64_t> ids;
  double synth_seconds = 0;
  {
#ifdef CRMPI_SMPI
    [[maybe_unused]] UntimedScope untimed;  // no MPI call (not even MPI_Wtime) inside
    synthesise(o, g_begin, n, x, ids);
#else
    const double ts = MPI_Wtime();
    synthesise(o, g_begin, n, x, ids);
    synth_seconds = MPI_Wtime() - ts;
#endif
  }
  const crmpi::kmeans::PointSet p{x, ids, o.d};

  std::array<double, kPhases> t{}, wall{};
  std::array<crmpi::CommTraffic, kPhases> traffic{};
  double t0 = 0;
  // Real seconds per phase, window barriers included: under SMPI what simulating it cost.
  std::chrono::steady_clock::time_point w0;
  TrafficWindow traffic_window;
  {  // one counted call per rank: seen P times by every rank when the counters are shared
    traffic_window.open();
    (void)comm.allreduce_sum<std::uint64_t>(1);
    traffic_window.shared = P > 1 && traffic_window.close().calls == P;
  }
  auto begin_phase = [&] {
    w0 = std::chrono::steady_clock::now();
    traffic_window.open();
    t0 = MPI_Wtime();
  };
  auto end_phase = [&](Phase ph) {
    t[ph] = MPI_Wtime() - t0;
    traffic[ph] = traffic_window.close();
    wall[ph] = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  };

  // The stage's parameters (kmeans_stage.cpp select_model) with --tol 0 and --max-iter iters.
  const kj::FitParams prm{.k = o.k,
                          .seed = o.seed,
                          .max_iter = o.iters,
                          .tol = 0.0,
                          .step = crmpi::kmeans::StepKind::kNaive,
                          .init = o.plusplus ? kj::Init::kPlusPlus : kj::Init::kParallel,
                          .init_rounds = 5,
                          .oversampling = 0};

  begin_phase();
  std::uint64_t candidates = 0;
  std::vector<float> init = kj::initial_centroids(comm, p, prm, candidates);
  end_phase(kInit);

  begin_phase();
  const kj::FitResult f = kj::lloyd(comm, p, prm, std::move(init), candidates, std::span<float>(x));
  end_phase(kLloyd);

  // As the stage: rate = sample rows / all points, at most 1.
  const double rate = o.silhouette > 0 ? std::min(1.0, static_cast<double>(o.silhouette) / static_cast<double>(total)) : 0.0;
  begin_phase();
  const kj::Scores sc = kj::score(comm, p, f, o.seed, rate);
  end_phase(kScore);

  // probe: one Lloyd reduction alone (the same packed int64 allreduce as reduce_stats), without
  // the assignment step and waiting around it.
  const std::size_t packed = f.bytes_per_iteration / sizeof(std::int64_t);
  std::vector<std::int64_t> probe_buf(packed, 1);
  raw_barrier();
  const double tp = MPI_Wtime();
  for (int r = 0; r < o.probe; ++r) {
    std::fill(probe_buf.begin(), probe_buf.end(), 1);
    comm.allreduce_sum_inplace(std::span<std::int64_t>(probe_buf));
  }
  const double probe_us = o.probe > 0 ? (MPI_Wtime() - tp) / o.probe * 1e6 : 0.0;

  // Report (rank 0): times the maximum over ranks; bytes totals over ranks; calls and seconds in
  // MPI means per rank (shared counters: rank 0's differences already cover every rank).
  std::array<double, 2 * kPhases + 1> tmax{};
  std::array<double, kPhases> comm_s{};
  std::array<std::uint64_t, 2 * kPhases> sums{};
  for (std::size_t q = 0; q < kPhases; ++q) {
    tmax[q] = t[q];
    tmax[kPhases + 1 + q] = wall[q];
    comm_s[q] = traffic[q].seconds;
    sums[q] = traffic[q].bytes;
    sums[kPhases + q] = traffic[q].calls;
  }
  tmax[kPhases] = f.loop_seconds;  // the loop alone, by the job's own Stopwatch (simulated under SMPI)
  const bool shared = traffic_window.shared;
  if (!shared) comm.allreduce_sum_inplace(std::span<std::uint64_t>(sums));
  if (!shared)
    MPI_Allreduce(MPI_IN_PLACE, comm_s.data(), static_cast<int>(comm_s.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  comm.allreduce_max_inplace(std::span<double>(tmax));
  const double synth_max = comm.allreduce_max(synth_seconds);
  const double probe_max = comm.allreduce_max(probe_us);
  const std::uint64_t label_sum =
      comm.allreduce_sum(crmpi::column_checksum(std::span<const std::uint32_t>(f.labels), g_begin));

  // The hash of everything replicated or reduced: initial and final centroids, counts, inertia,
  // iterations, the labels of every customer (position-keyed), the scores.
  std::uint64_t h = mix64(f.k ^ mix64(f.d) ^ mix64(f.iterations.size()) ^ mix64(f.candidates + 3));
  for (float v : f.init_centroids) h = mix64(h ^ bits(v));
  for (float v : f.centroids) h = mix64(h ^ bits(v));
  for (std::uint64_t c : f.global.count) h = mix64(h ^ c);
  for (const auto& st : f.iterations) h = mix64(h ^ bits(st.inertia) ^ mix64(st.changed));
  h = mix64(h ^ bits(f.inertia) ^ mix64(label_sum));
  h = mix64(h ^ bits(sc.calinski_harabasz) ^ mix64(bits(sc.davies_bouldin)) ^ mix64(bits(sc.silhouette) + sc.sampled));

  if (comm.is_root()) {
    std::printf("k-means: k %zu, d %zu, %zu iterations (%s), inertia %.6f, CH %.4f, DB %.6f, silhouette %.6f "
                "(%" PRIu64 " sampled), %" PRIu64 " k-means|| candidates\n",
                f.k, f.d, f.iterations.size(), f.converged ? "converged" : "max-iter", f.inertia,
                sc.calinski_harabasz, sc.davies_bouldin, sc.silhouette, sc.sampled, f.candidates);
    std::printf("cluster sizes:");
    for (std::uint64_t c : f.global.count) std::printf(" %" PRIu64, c);
    std::printf("\n");
    double total_t = 0, comm_t = 0;
    for (std::size_t q = 0; q < kPhases; ++q) total_t += tmax[q];
    const double Pd = static_cast<double>(P);
    std::printf("RESULT mode=%s ranks=%d customers=%" PRIu64 " per_rank=%" PRIu64 " d=%zu k=%zu iterations=%zu"
                " converged=%d candidates=%" PRIu64 " bytes_per_iteration=%" PRIu64 " far_gathers=%" PRIu64
                " shared_counters=%d",
                o.weak ? "weak" : "strong", comm.size(), total, (total + P - 1) / P, f.d, f.k, f.iterations.size(),
                f.converged ? 1 : 0, f.candidates, f.bytes_per_iteration, f.far_gathers, shared ? 1 : 0);
    for (std::size_t q = 0; q < kPhases; ++q) {
      comm_t += comm_s[q] / Pd;
      std::printf(" %s=%.6f %s_comm=%.6f %s_calls=%.1f %s_bytes=%" PRIu64 " %s_wall=%.3f", kPhaseName[q], tmax[q],
                  kPhaseName[q], comm_s[q] / Pd, kPhaseName[q], static_cast<double>(sums[kPhases + q]) / Pd,
                  kPhaseName[q], sums[q], kPhaseName[q], tmax[kPhases + 1 + q]);
    }
    std::printf(" total=%.6f comm_total=%.6f loop_stopwatch=%.6f reduce_us=%.3f synth_untimed=%.6f inertia=%.9g"
                " hash=%016" PRIx64 "\n",
                total_t, comm_t, tmax[kPhases], probe_max, synth_max, f.inertia, h);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return crmpi::smpi_bench::driver_main("kmeans_scaling", argc, argv, run); }
