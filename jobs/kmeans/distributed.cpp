// Distributed k-means over the ranks' points, on the local kernels of kernels/kmeans (kmeans.hpp
// lists their rules). What crosses ranks, and why it is the same bits at any rank count:
//   - first center: the global arg-min of a keyed hash (a uniform customer), by allgather;
//   - k-means||: per round the exact fixed-point total cost (three int64 limbs, integer sum), the
//     drawn rows gathered and sorted by customer id, candidate weights by integer sum; then greedy
//     k-means++ on the replicated candidates, the same on every rank;
//   - k-means++ (--init kmeanspp): weighted draws by exponential races keyed by customer id (the
//     point with the smallest -log(1 - u) / D^2 wins with probability D^2 / sum D^2), arg-min by
//     allgather, trial potentials as exact fixed-point sums;
//   - Lloyd: one MPI_Allreduce of the packed integer statistics per iteration (counts, fixed-point
//     sums, sse: (k + 2 + 3 k d + 3) int64, independent of the number of points); far points are
//     gathered only in an iteration that has an empty cluster;
//   - metrics: dispersion sums as integers; the silhouette sample gathered in id order.
//
// No logging or I/O here (distributed.hpp says why): the stage logs the iterations and the loop's
// time from the FitResult.
#include "jobs/kmeans/distributed.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "jobs/common/collective_error.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/common/stopwatch.hpp"

namespace crmpi::kmeans_job {

namespace {

using kmeans::Int128;

Int128 sum_exact(const Comm& comm, Int128 v) {
  std::array<std::int64_t, kmeans::kLimbs> l = kmeans::to_limbs(v);
  comm.allreduce_sum_inplace(std::span<std::int64_t>(l));
  return kmeans::from_limbs(l.data());
}

std::vector<Int128> sum_exact(const Comm& comm, const std::vector<Int128>& v) {
  std::vector<std::int64_t> l;
  for (const Int128 x : v)
    for (const std::int64_t limb : kmeans::to_limbs(x)) l.push_back(limb);
  comm.allreduce_sum_inplace(std::span<std::int64_t>(l));
  std::vector<Int128> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = kmeans::from_limbs(l.data() + i * kmeans::kLimbs);
  return out;
}

// Every rank's rows, replicated in customer-id order (which does not depend on the partition).
kmeans::PointRows gather_rows(const Comm& comm, const kmeans::PointRows& local) {
  kmeans::PointRows out;
  out.d = local.d;
  out.ids = comm.allgatherv(std::span<const std::uint64_t>(local.ids));
  out.labels = comm.allgatherv(std::span<const std::uint32_t>(local.labels));
  out.x = comm.allgatherv(std::span<const float>(local.x));
  out.sort_by_id();
  return out;
}

[[noreturn]] void too_few_points(std::size_t distinct, std::size_t k) {
  throw CollectiveError(DataError("k-means: the customers' features take only " + std::to_string(distinct) +
                                  " distinct positions, fewer than k = " + std::to_string(k) +
                                  "; choose a smaller k"));
}

// The uniform first center (keyed hash arg-min over all ranks), as row 0 of `cand`.
void first_center(const Comm& comm, const kmeans::PointSet& p, std::uint64_t seed, kmeans::PointRows& cand) {
  const std::vector<kmeans::KeyedPick> all = comm.allgather(kmeans::first_center_local(p, seed));
  kmeans::KeyedPick best = all.front();
  for (const auto& a : all)
    if (kmeans::precedes(a, best)) best = a;
  if (!best.found) throw CollectiveError(DataError("k-means: no customer to cluster"));
  cand.push(best.id, best.x.data(), 0);
}

std::vector<float> init_parallel(const Comm& comm, const kmeans::PointSet& p, const FitParams& prm,
                                 std::uint64_t& n_candidates) {
  const std::size_t k = prm.k;
  kmeans::PointRows cand;
  cand.d = p.d;
  first_center(comm, p, prm.seed, cand);
  kmeans::ParallelInit init(p);
  Int128 psi = sum_exact(comm, init.add_candidates(cand.x, 0));
  const double l = prm.oversampling > 0 ? prm.oversampling : 2.0 * static_cast<double>(k);
  // The configured rounds, and more while there are fewer than k candidates and cost is left
  // (small or clumped data): greedy k-means++ needs at least k candidates.
  for (std::uint32_t round = 0; psi > 0 && (round < prm.init_rounds || (cand.n() < k && round < prm.init_rounds + 64));
       ++round) {
    const kmeans::PointRows got = gather_rows(comm, init.select(prm.seed, round, l, psi));
    const std::size_t old = cand.n();
    cand.append(got);
    psi = sum_exact(comm, init.add_candidates(cand.x, old));
  }
  std::vector<std::uint64_t> w = init.weights();
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(w));
  n_candidates = cand.n();
  // Two points at one position can be drawn in the same round: count positions, not rows.
  std::vector<std::vector<float>> pos;
  for (std::size_t i = 0; i < cand.n(); ++i) pos.emplace_back(cand.row(i), cand.row(i) + p.d);
  std::sort(pos.begin(), pos.end());
  const auto distinct = static_cast<std::size_t>(std::unique(pos.begin(), pos.end()) - pos.begin());
  if (distinct < k) too_few_points(distinct, k);
  return kmeans::greedy_kmeanspp(cand.x, p.d, w, k, prm.seed).centroids;
}

// A trial of k-means++: the local winner of an exponential race.
struct RacePick {
  double e = std::numeric_limits<double>::infinity();
  std::uint64_t id = 0;
  std::uint32_t found = 0;
  std::array<float, kmeans::kMaxDim> x{};
};
bool race_before(const RacePick& a, const RacePick& b) {
  if (a.found != b.found) return a.found > b.found;
  return a.e < b.e || (a.e == b.e && a.id < b.id);
}
// Streams of the k-means++ races, far from kernels/kmeans/keyed_rng.hpp's (0x100..0x4ff).
constexpr std::uint64_t race_stream(std::size_t step, std::size_t trial) { return 0x10000 + step * 64 + trial; }

std::vector<float> init_plusplus(const Comm& comm, const kmeans::PointSet& p, const FitParams& prm) {
  const std::size_t k = prm.k, d = p.d, n = p.n();
  const std::size_t trials = kmeans::default_local_trials(k);
  kmeans::PointRows cand;
  cand.d = d;
  first_center(comm, p, prm.seed, cand);
  kmeans::ParallelInit init(p);  // keeps each point's D^2 to its nearest chosen center
  init.add_candidates(cand.x, 0);
  std::vector<float> tdist(n);
  std::vector<std::uint32_t> tlabel(n);
  for (std::size_t s = 1; s < k; ++s) {
    const std::span<const float> cost = init.cost();
    std::vector<RacePick> local(trials);
    for (std::size_t t = 0; t < trials; ++t)
      for (std::size_t i = 0; i < n; ++i) {
        if (!(cost[i] > 0)) continue;  // on a center already: never drawn
        const double u = kmeans::keyed_uniform(prm.seed, race_stream(s, t), p.ids[i]);
        RacePick c{-std::log1p(-u) / static_cast<double>(cost[i]), p.ids[i], 1, {}};
        if (race_before(c, local[t])) {
          std::copy(p.row(i), p.row(i) + d, c.x.begin());
          local[t] = c;
        }
      }
    const std::vector<RacePick> all = comm.allgatherv(std::span<const RacePick>(local));
    std::vector<RacePick> pick(trials);
    for (std::size_t r = 0; r < all.size(); ++r)
      if (race_before(all[r], pick[r % trials])) pick[r % trials] = all[r];
    if (!pick[0].found) too_few_points(cand.n(), k);
    // Potential of each trial: sum of min(D^2, distance to the trial^2), exact.
    std::vector<float> rows(trials * d);
    for (std::size_t t = 0; t < trials; ++t) std::copy(pick[t].x.begin(), pick[t].x.begin() + d, rows.begin() + t * d);
    const kmeans::CentroidTable table(rows, trials, d);
    std::vector<Int128> pot(trials, 0);
    for (std::size_t t = 0; t < trials; ++t) {
      std::fill(tlabel.begin(), tlabel.end(), static_cast<std::uint32_t>(t));
      kmeans::dist_to_label({p.x.data(), d, 0, n, tlabel.data(), tdist.data()}, table.view(), kmeans::best_isa());
      for (std::size_t i = 0; i < n; ++i) pot[t] += kmeans::to_fixed(std::min(cost[i], tdist[i]));
    }
    pot = sum_exact(comm, pot);
    std::size_t best = 0;
    for (std::size_t t = 1; t < trials; ++t)
      if (pick[t].found && pot[t] < pot[best]) best = t;
    const std::size_t old = cand.n();
    cand.push(pick[best].id, pick[best].x.data(), 0);
    init.add_candidates(cand.x, old);
  }
  return cand.x;
}

// The slice statistics reduced over all ranks: one integer allreduce; the far points only when a
// cluster is empty (the empty-cluster rule needs them). Returns the bytes of the allreduce.
std::uint64_t reduce_stats(const Comm& comm, const kmeans::ClusterStats& local, kmeans::ClusterStats& global,
                           FitResult& r) {
  std::vector<std::int64_t> packed = kmeans::pack_sums(local);
  comm.allreduce_sum_inplace(std::span<std::int64_t>(packed));
  global.reset(local.k, local.d);
  kmeans::unpack_sums(packed, global);
  if (std::find(global.count.begin(), global.count.end(), 0u) != global.count.end()) {
    for (const auto& f : comm.allgatherv(std::span<const kmeans::FarPoint>(local.far)))
      kmeans::offer_far(global.far, global.k, f);
    ++r.far_gathers;
  }
  return packed.size() * sizeof(std::int64_t);
}

}  // namespace

std::vector<float> initial_centroids(const Comm& comm, const kmeans::PointSet& p, const FitParams& prm,
                                     std::uint64_t& candidates) {
  kmeans::validate_points(p);
  return prm.init == Init::kParallel ? init_parallel(comm, p, prm, candidates) : init_plusplus(comm, p, prm);
}

FitResult fit(const Comm& comm, const kmeans::PointSet& p, const FitParams& prm, std::span<float> lend) {
  std::uint64_t candidates = 0;
  std::vector<float> init = initial_centroids(comm, p, prm, candidates);
  return lloyd(comm, p, prm, std::move(init), candidates, lend);
}

FitResult lloyd(const Comm& comm, const kmeans::PointSet& p, const FitParams& prm, std::vector<float> init,
                std::uint64_t candidates, std::span<float> lend) {
  FitResult r;
  r.k = prm.k;
  r.d = p.d;
  r.init_centroids = std::move(init);
  r.candidates = candidates;
  const std::unique_ptr<kmeans::LloydStep> step =
      lend.empty() ? kmeans::make_step(prm.step, p) : kmeans::make_step(prm.step, p, lend);
  kmeans::ClusterStats local, global;
  std::vector<float> c = r.init_centroids;
  double prev = 0;
  const Stopwatch loop;
  for (std::uint32_t it = 1; it <= prm.max_iter; ++it) {
    step->step(c, r.k, local);
    r.bytes_per_iteration = reduce_stats(comm, local, global, r);
    kmeans::CentroidUpdate u = kmeans::update_centroids(global, c);
    const kmeans::IterationStats st = kmeans::iteration_stats(it, global, u);
    r.iterations.push_back(st);
    c = std::move(u.centroids);
    // Stop when no label changed (the centroids are then fixed) or the inertia barely moved.
    const bool stable = it > 1 && st.changed == 0 && st.relocated == 0;
    const bool small = it > 1 && std::fabs(prev - st.inertia) <= prm.tol * prev;
    prev = st.inertia;
    if (stable || small) {
      r.converged = true;
      break;
    }
  }
  r.loop_seconds = loop.seconds();
  // The labels of the final centroids (as scikit-learn's final E-step), and their statistics.
  step->step(c, r.k, local);
  reduce_stats(comm, local, global, r);
  r.global = global;
  r.centroids = std::move(c);
  step->release_results(r.labels, r.dist2);
  r.inertia = kmeans::fixed_to_double(global.inertia());
  return r;
}

Scores score(const Comm& comm, const kmeans::PointSet& p, const FitResult& f, std::uint64_t seed, double rate) {
  Scores s;
  const std::vector<double> means = kmeans::cluster_means(f.global);
  kmeans::Dispersion disp = kmeans::dispersion_local(p, f.labels, means, f.k);
  std::vector<std::int64_t> packed = kmeans::pack_sums(disp);
  comm.allreduce_sum_inplace(std::span<std::int64_t>(packed));
  kmeans::Dispersion global;
  global.reset(f.k);
  kmeans::unpack_sums(packed, global);
  s.calinski_harabasz = kmeans::calinski_harabasz(f.global, global);
  s.davies_bouldin = kmeans::davies_bouldin(f.global, global);
  s.silhouette = std::numeric_limits<double>::quiet_NaN();
  if (rate <= 0) return s;
  const kmeans::PointRows sample = gather_rows(comm, kmeans::silhouette_sample_local(p, f.labels, seed, rate));
  s.sampled = sample.n();
  // Each rank scores an even share of the replicated sample's rows (fixed-point partial sums).
  const auto n = static_cast<std::uint64_t>(sample.n()), P = static_cast<std::uint64_t>(comm.size()),
             R = static_cast<std::uint64_t>(comm.rank());
  const kmeans::SilhouettePartial part = kmeans::silhouette_partial(sample, f.k, n * R / P, n * (R + 1) / P);
  kmeans::SilhouettePartial total;
  total.sum = sum_exact(comm, part.sum);
  total.count = comm.allreduce_sum<std::uint64_t>(part.count);
  s.silhouette = kmeans::silhouette_score(total);
  return s;
}

}  // namespace crmpi::kmeans_job
