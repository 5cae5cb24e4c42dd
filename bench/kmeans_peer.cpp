// The crmpi side of bench/kmeans_peer_bench.py: Lloyd iterations on data and initial centroids
// read from raw float32 files (the same bytes the peers get), on one core.
//
//   bench_kmeans_peer lloyd --x X.f32 --n N --d D --c0 C0.f32 --k K --iters M --step naive|hamerly
//                     [--lend 1|0] [--moves auto|branch|branchless] [--labels OUT.u32]
//                     [--record C.f32 | --replay C.f32] [--per-iter 1]
//   bench_kmeans_peer floor --x X.f32 --n N --d D [--reps R]
//
// lloyd: M iterations (assignment step with its exact statistics, then the centroid update; it
// stops early, as scikit-learn does, when no label changed), then the final assignment step for
// the labels and the inertia of the final centroids (as scikit-learn's last E-step). Prints one
// JSON line: seconds of the whole run (the step's setup, iterations + final step, the convention
// the peers' fit times follow), seconds of the iterations alone, iterations run, inertia, distances per point.
// --lend 1 (the default, as the k-means stage runs it): the points are lent to the step, which
// tiles them in place and puts them back as rows at the end (inside the timed fit); 0: the step
// makes its tiled copy. --moves: how the fused step lists moved rows (MoveListing, lloyd_step.hpp;
// the same results): its own choice per step by default. The features are read into memory
// advised as huge pages, as numpy does for the peers' arrays (arrays of 4 MiB or more, on Linux
// 4.6+), and the process runs under crmpi's heap policy (kernels/common/memory_reuse.hpp), so the
// step's own arrays come from the heap as they do in the k-means stage: without it, its label and
// distance arrays (16 MB at N = 2M) were fresh 4 KiB pages, ~4,000 page faults in the fit's setup.
// --record writes the centroids after each iteration's update; --replay steps through such a
// file instead of its own updates (and runs all M iterations), so that a timing-only build whose
// statistics differ sees the same labels and moves as the build that recorded it.
// --per-iter 1 adds each iteration's CPU seconds and changed labels to the JSON line.
// floor: one streaming read of the N x D features (8 independent float sums), R times; prints the
// median and the best seconds.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "jobs/common/heap_policy.hpp"
#include "kernels/kmeans/kmeans.hpp"

using namespace crmpi::kmeans;

namespace {

double cpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double sys_cpu() {  // kernel time of the process so far
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_stime.tv_usec);
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// count floats from path into memory for lent rows (points.hpp's FeatureRows: 2 MiB aligned and
// advised as huge pages, numpy's policy for its large arrays, which the peers' features are).
FeatureRows read_rows(const std::string& path, std::size_t count) {
  FeatureRows x(count);
  std::ifstream f(path, std::ios::binary);
  if (!f.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(count * sizeof(float))))
    throw std::runtime_error("cannot read " + std::to_string(count) + " values from " + path);
  return x;
}

template <class T>
std::vector<T> read_raw(const std::string& path, std::size_t count) {
  std::vector<T> v(count);
  std::ifstream f(path, std::ios::binary);
  if (!f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(count * sizeof(T))))
    throw std::runtime_error("cannot read " + std::to_string(count) + " values from " + path);
  return v;
}

const char* arg(int argc, char** argv, const char* name, const char* def = nullptr) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  if (!def) throw std::runtime_error(std::string("missing ") + name);
  return def;
}

int floor_cmd(int argc, char** argv) {
  const std::size_t n = std::stoull(arg(argc, argv, "--n")), d = std::stoull(arg(argc, argv, "--d"));
  const int reps = std::stoi(arg(argc, argv, "--reps", "20"));
  const FeatureRows x = read_rows(arg(argc, argv, "--x"), n * d);
  std::vector<double> t, tc;
  float sink = 0;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now(), c0 = cpu();
    float acc[8] = {};
    for (std::size_t i = 0; i + 8 <= x.size(); i += 8)
      for (std::size_t l = 0; l < 8; ++l) acc[l] += x[i + l];
    t.push_back(now() - t0);
    tc.push_back(cpu() - c0);
    for (float a : acc) sink += a;
  }
  std::sort(t.begin(), t.end());
  std::sort(tc.begin(), tc.end());
  std::printf(
      "{\"floor_median_s\": %.6f, \"floor_best_s\": %.6f, \"floor_cpu_median_s\": %.6f, \"bytes\": %zu, "
      "\"sink\": %g}\n",
      t[t.size() / 2], t.front(), tc[tc.size() / 2], x.size() * sizeof(float), static_cast<double>(sink));
  return 0;
}

int lloyd_cmd(int argc, char** argv) {
  const std::size_t n = std::stoull(arg(argc, argv, "--n")), d = std::stoull(arg(argc, argv, "--d"));
  const std::size_t k = std::stoull(arg(argc, argv, "--k"));
  const auto iters = static_cast<std::uint32_t>(std::stoul(arg(argc, argv, "--iters")));
  const std::string kind = arg(argc, argv, "--step");
  const std::string labels_out = arg(argc, argv, "--labels", "");
  const bool lend = std::strcmp(arg(argc, argv, "--lend", "1"), "0") != 0;
  const std::string record = arg(argc, argv, "--record", ""), replay = arg(argc, argv, "--replay", "");
  FeatureRows x = read_rows(arg(argc, argv, "--x"), n * d);
  std::vector<float> c = read_raw<float>(arg(argc, argv, "--c0"), k * d);
  const std::vector<float> replayed = replay.empty() ? std::vector<float>{} : read_raw<float>(replay, iters * k * d);
  std::vector<float> recorded;
  const bool per_iter = std::strcmp(arg(argc, argv, "--per-iter", "0"), "0") != 0;
  std::vector<std::uint64_t> changed;  // labels changed by each iteration's step
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = i;
  const StepKind sk = kind == "naive" ? StepKind::kNaive : StepKind::kHamerly;
  const PointSet p{x, ids, d};
  ClusterStats s;
  std::uint32_t run = 0;
  // The fit's setup is timed, as the peers' is (scikit-learn's input checks and arrays): the
  // step's validation of the points and its label and distance arrays.
  const double t0 = now(), c0 = cpu(), s0 = sys_cpu();
  StepConfig cfg;
  const std::string moves = arg(argc, argv, "--moves", "auto");
  cfg.moves = moves == "branch" ? MoveListing::kBranch : moves == "branchless" ? MoveListing::kBranchless : MoveListing::kAuto;
  auto step = lend ? make_step(sk, p, x, cfg) : make_step(sk, p, cfg);
  const double setup = cpu() - c0, t_loop = now();
  double s1 = s0;  // kernel time after the first iteration
  std::vector<double> starts;  // CPU time at the start of each iteration and of the final step
  for (std::uint32_t it = 1; it <= iters; ++it) {
    if (it == 2) s1 = sys_cpu();
    starts.push_back(cpu());
    step->step(c, k, s);
    changed.push_back(s.changed);
    const CentroidUpdate u = update_centroids(s, c);
    c = u.centroids;
    ++run;
    if (!replayed.empty()) {
      std::copy_n(replayed.begin() + (it - 1) * k * d, k * d, c.begin());
      continue;
    }
    if (!record.empty()) recorded.insert(recorded.end(), c.begin(), c.end());
    if (it > 1 && s.changed == 0 && u.relocated.empty()) break;
  }
  const double t1 = now();
  starts.push_back(cpu());
  step->step(c, k, s);  // the labels of the final centroids
  step->return_points();  // lent points are rows again (part of the fit)
  const double t2 = now(), c2 = cpu();
  const double inertia = fixed_to_double(s.inertia());
  // The mean iteration (step + update) after the first: from the start of iteration 2 to the start
  // of the final step, over the iterations between. The first makes the tiles: setup, as the
  // peers' own setup is outside their loops. A mean, not a median: the early iterations, which
  // move many points, count as they cost.
  const double iter_mean = starts.size() > 2 ? (starts.back() - starts[1]) / static_cast<double>(starts.size() - 2) : 0.0;
  if (!record.empty()) {
    recorded.resize(iters * k * d, 0.0f);  // an early stop: zeros past it (replay runs all M)
    std::ofstream f(record, std::ios::binary);
    f.write(reinterpret_cast<const char*>(recorded.data()), static_cast<std::streamsize>(recorded.size() * 4));
  }
  if (!labels_out.empty()) {
    std::ofstream f(labels_out, std::ios::binary);
    f.write(reinterpret_cast<const char*>(step->labels().data()), static_cast<std::streamsize>(n * 4));
  }
  // A checksum of the exact statistics (counts and fixed-point sums of the final step): any bit
  // that changes in them changes it.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  for (std::uint64_t v : s.count) mix(v);
  for (Int128 v : s.sum) mix(static_cast<std::uint64_t>(v)), mix(static_cast<std::uint64_t>(v >> 64));
  mix(static_cast<std::uint64_t>(s.sse)), mix(static_cast<std::uint64_t>(s.sse >> 64));
  std::string iter_json;
  if (per_iter) {
    iter_json = ", \"iter_cpu_s\": [";
    for (std::size_t i = 0; i + 1 < starts.size(); ++i) iter_json += (i ? ", " : "") + std::to_string(starts[i + 1] - starts[i]);
    iter_json += "], \"iter_changed\": [";
    for (std::size_t i = 0; i < changed.size(); ++i) iter_json += (i ? ", " : "") + std::to_string(changed[i]);
    iter_json += "]";
  }
  std::printf(
      "{\"step\": \"%s\", \"lend\": %d, \"k\": %zu, \"iters\": %u, \"fit_s\": %.6f, \"fit_cpu_s\": %.6f, \"iters_s\": %.6f, \"inertia\": %.17g, "
      "\"distances_per_point\": %.4f, \"stats_hash\": \"%016llx\", \"iter_mean_cpu_s\": %.6f, \"first_iter_cpu_s\": %.6f, \"first_iter_sys_s\": %.6f, \"sys_s\": %.6f, \"setup_cpu_s\": %.6f%s}\n",
      kind.c_str(), lend ? 1 : 0, k, run, t2 - t0, c2 - c0, t1 - t_loop, inertia,
      static_cast<double>(step->distances()) / static_cast<double>(n) / (run + 1), static_cast<unsigned long long>(h), iter_mean,
      starts.size() > 1 ? starts[1] - starts[0] : 0.0, s1 - s0, sys_cpu() - s0, setup, iter_json.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  crmpi::apply_heap_policy_from_environment();  // the heap policy of the crmpi executable
  if (argc < 2) throw std::runtime_error("usage: bench_kmeans_peer lloyd|floor ...");
  if (std::strcmp(argv[1], "floor") == 0) return floor_cmd(argc, argv);
  if (std::strcmp(argv[1], "lloyd") == 0) return lloyd_cmd(argc, argv);
  throw std::runtime_error("unknown command");
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_kmeans_peer: %s\n", e.what());
  return 2;
}
