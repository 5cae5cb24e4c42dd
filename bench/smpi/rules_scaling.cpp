// Rules (parallel FP-growth) scaling driver for SimGrid SMPI (smpicxx/smpirun) and real MPI.
//
// Runs the rules stage's distributed mining, rules_job::parallel_fpgrowth (jobs/rules/pfp.cpp),
// on baskets synthesised in memory, without HDF5, spdlog or toml++. Its phases, timed by the
// stage's own Stopwatch (simulated time under smpicxx, which wraps clock_gettime), per rank:
//   count    every item's basket count, allreduced; the F-list; the ranked, merged baskets and
//            their work estimate, allreduced; the groups (one per rank)
//   shuffle  each distinct basket's group-dependent prefixes to their group's rank (sizes, then
//            payloads: comm/shuffle.hpp exchange_by_counts), merged on arrival
//   mine     the rank's FP-tree and the itemsets of its group
//   gather   the itemset count and the itemsets (allgatherv x 3), sorted canonically
// The driver times the whole call between untimed barriers (MPI_Wtime) and counts its traffic
// (Comm::traffic(), as driver_common.hpp's TrafficWindow). It reaches MPI only through comm/.
//
// Shuffle volume, measured and modelled (issue 14; docs/PERFORMANCE.md, rules): PfpResult's
// sent_items (item ranks this rank sent; 4 bytes each) summed and maxed over ranks, against the
// model's bound: a basket of L frequent items sends one prefix per group among its items, so at
// most min(L x min(L, P), L (L + 1) / 2) ranks (the driver computes the sum over all baskets,
// before PFP merges duplicates, from the F-list the run returns).
//
// Data: basket b (global index) is drawn from splitmix64(seed, b) only, never from the rank:
// 1 + a geometric number of items (mean --mean-items, at most 64) from --items products with a
// Zipf(1)-like popularity (item = floor((items + 1)^u) - 1, u uniform), and with probability 0.3
// one of 64 planted bundles of 2-4 products (drawn from the seed alone) added. So the same global
// baskets give the same itemsets at any rank count and under either MPI. Baskets are
// block-partitioned: weak mode gives every rank --customers baskets, strong mode splits
// --customers in total (the shared driver CLI calls them customers).
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
#include "jobs/rules/pfp.hpp"
#include "kernels/common/checksum.hpp"
#include "kernels/fpgrowth/flist.hpp"

namespace {

using crmpi::Comm;
using crmpi::smpi_bench::raw_barrier;
using crmpi::smpi_bench::TrafficWindow;
using crmpi::smpi_bench::UntimedScope;
using crmpi::mix64;
namespace rj = crmpi::rules_job;
namespace fpg = crmpi::fpgrowth;

struct Options {
  bool weak = true;
  std::uint64_t customers = 20000;  // baskets per rank (weak) or in total (strong)
  std::uint64_t seed = 42;
  std::size_t chunk = 4096;  // unused; accepted for the shared CLI
  std::uint32_t items = 2000;
  std::uint64_t mean_items = 4;
  std::uint64_t support_ppm = 1000;  // min support in parts per million (0.1%)
  bool pair_filter = true;           // the stage's default (auto); --no-pair-filter: never
};

Options parse(int argc, char** argv) {
  return crmpi::smpi_bench::parse_driver_args(
      argc, argv, Options{},
      "usage: rules_scaling [--mode weak|strong] [--customers BASKETS] [--seed S] [--items N] [--mean-items M]\n"
      "                     [--support-ppm PPM] [--no-pair-filter]\n"
      "  weak: BASKETS per rank (default 20000); strong: BASKETS in total; min support PPM / 1e6 (1000);\n"
      "  --no-pair-filter: PFP without the frequent-pair filter (the stage's --pair-filter off)",
      [](Options& o, const std::string& a, auto& number) {
        if (a == "--items") o.items = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(number(), 8, 1u << 24));
        else if (a == "--mean-items") o.mean_items = std::clamp<std::uint64_t>(number(), 1, 32);
        else if (a == "--support-ppm") o.support_ppm = std::clamp<std::uint64_t>(number(), 1, 1000000);
        else if (a == "--no-pair-filter") o.pair_filter = false;
        else return false;
        return true;
      });
}

struct Rng {
  std::uint64_t state;
  Rng(std::uint64_t seed, std::uint64_t b) : state(mix64(mix64(seed) ^ b)) {}
  std::uint64_t next() { return mix64(state++); }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1p-53; }
};

constexpr std::size_t kBundles = 64;

std::vector<std::vector<std::uint32_t>> bundles(const Options& o) {
  std::vector<std::vector<std::uint32_t>> out(kBundles);
  for (std::size_t k = 0; k < kBundles; ++k) {
    Rng rng(o.seed ^ 0xb0b0ULL, k);
    const std::size_t n = 2 + rng.next() % 3;
    for (std::size_t j = 0; j < n; ++j) out[k].push_back(static_cast<std::uint32_t>(rng.next() % o.items));
  }
  return out;
}

void synthesise(const Options& o, std::uint64_t b_begin, std::size_t n, rj::Baskets& out) {
  const auto bund = bundles(o);
  const double log_items = std::log(static_cast<double>(o.items) + 1.0);
  out.offsets.assign(1, 0);
  out.ids.clear();
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng(o.seed, b_begin + i);
    std::uint64_t len = 1;
    while (len < 64 && rng.uniform() > 1.0 / static_cast<double>(o.mean_items)) ++len;  // mean ~ mean_items
    for (std::uint64_t j = 0; j < len; ++j) {
      const auto id = static_cast<std::uint64_t>(std::exp(rng.uniform() * log_items)) - 1;
      out.ids.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(id, o.items - 1)));
    }
    if (rng.uniform() < 0.3) {
      const auto& bd = bund[rng.next() % kBundles];
      out.ids.insert(out.ids.end(), bd.begin(), bd.end());
    }
    out.offsets.push_back(out.ids.size());
  }
}

int run(int argc, char** argv) {
  const Comm comm;
  const Options o = parse(argc, argv);
  const auto P = static_cast<std::uint64_t>(comm.size());
  const crmpi::smpi_bench::Block block = crmpi::smpi_bench::block_of(o.weak, o.customers, comm);
  const std::uint64_t total = block.total, b_begin = block.begin;
  const std::size_t n = block.n;

  rj::Baskets baskets;
  double synth_seconds = 0;
  {
#ifdef CRMPI_SMPI
    [[maybe_unused]] UntimedScope untimed;
    synthesise(o, b_begin, n, baskets);
#else
    const double ts = MPI_Wtime();
    synthesise(o, b_begin, n, baskets);
    synth_seconds = MPI_Wtime() - ts;
#endif
  }

  TrafficWindow tw;
  {
    tw.open();
    (void)comm.allreduce_sum<std::uint64_t>(1);
    tw.shared = P > 1 && tw.close().calls == P;
  }
  // The stage's defaults (config.cpp): min support as given, min count 1, no length cap. No
  // itemset cap: an over-cap run would end early and time nothing useful.
  const rj::PfpParams prm{.min_support = static_cast<double>(o.support_ppm) * 1e-6, .min_count = 1, .max_length = 0,
                          .max_itemsets = 0,
                          .pair_filter = o.pair_filter ? rj::PfpParams::PairFilterUse::automatic
                                                       : rj::PfpParams::PairFilterUse::never};
  const auto w0 = std::chrono::steady_clock::now();
  tw.open();
  const double t0 = MPI_Wtime();
  const rj::PfpResult r = rj::parallel_fpgrowth(comm, baskets, o.items, prm);
  const double t_pfp = MPI_Wtime() - t0;
  const crmpi::CommTraffic traffic = tw.close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();

  // The model's bound on the shuffle, over this rank's baskets (before merging duplicates).
  std::uint64_t model_p = 0, model_inf = 0, local_items = 0;
  {
    std::vector<fpg::Rank> ranks;
    for (std::size_t b = 0; b < baskets.size(); ++b) {
      const std::span<const std::uint32_t> ids(baskets.ids.data() + baskets.offsets[b],
                                               baskets.offsets[b + 1] - baskets.offsets[b]);
      fpg::basket_ranks(ids, r.flist, ranks);
      const std::uint64_t L = ranks.size();
      local_items += L;
      model_p += std::min(L * std::min<std::uint64_t>(L, P), L * (L + 1) / 2);
      model_inf += L * (L + 1) / 2;
    }
  }

  // Report: phase seconds max over ranks; shuffle volume sum and max; traffic as clv_scaling.
  std::array<double, 7> tmax{r.seconds_count, r.seconds_shuffle, r.seconds_mine, r.seconds_gather, t_pfp, wall,
                             static_cast<double>(r.tree_transactions)};
  comm.allreduce_max_inplace(std::span<double>(tmax));
  std::array<std::uint64_t, 4> sums{r.sent_items, model_p, model_inf, local_items};
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(sums));
  const std::uint64_t sent_max = comm.allreduce_max<std::uint64_t>(r.sent_items);
  std::array<std::uint64_t, 2> tsum{traffic.bytes, traffic.calls};
  double tsec = traffic.seconds;
  if (!tw.shared) {
    comm.allreduce_sum_inplace(std::span<std::uint64_t>(tsum));
    MPI_Allreduce(MPI_IN_PLACE, &tsec, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }
  const double synth_max = comm.allreduce_max(synth_seconds);
  std::uint64_t work_sum = 0, work_max = 0;
  for (const auto w : r.group_work) {
    work_sum += w;
    work_max = std::max<std::uint64_t>(work_max, w);
  }

  // The hash of the result every rank holds: baskets, threshold, F-list, itemsets and counts.
  std::uint64_t h = mix64(r.baskets ^ mix64(r.min_count) ^ mix64(r.flist.size() + 7));
  for (std::size_t i = 0; i < r.flist.size(); ++i) h = mix64(h ^ r.flist.ids[i] ^ mix64(r.flist.counts[i]));
  for (const auto x : r.itemsets.items) h = mix64(h ^ x);
  for (const auto c : r.itemsets.counts) h = mix64(h ^ mix64(c + 1));
  for (const auto off : r.itemsets.offsets) h = mix64(h ^ off);

  if (comm.is_root()) {
    const double Pd = static_cast<double>(P);
    std::printf("rules: %" PRIu64 " baskets, min count %" PRIu64 ", %zu frequent items, %zu itemsets; shuffle %" PRIu64
                " item ranks in all, at most %" PRIu64 " by one rank; model bound %" PRIu64 " (P -> inf: %" PRIu64
                ")\n",
                r.baskets, r.min_count, r.flist.size(), r.itemsets.size(), sums[0], sent_max, sums[1], sums[2]);
    std::printf("RESULT mode=%s ranks=%d customers=%" PRIu64 " per_rank=%" PRIu64 " frequent_items=%zu itemsets=%zu"
                " min_count=%" PRIu64 " ranked_items=%" PRIu64 " count=%.6f shuffle=%.6f mine=%.6f gather=%.6f"
                " total=%.6f pfp_wall=%.3f comm=%.6f calls=%.1f bytes=%" PRIu64 " sent_items=%" PRIu64
                " sent_max=%" PRIu64 " model_p=%" PRIu64 " model_inf=%" PRIu64 " tree_max=%.0f work_imbalance=%.4f"
                " shared_counters=%d synth_untimed=%.6f hash=%016" PRIx64 "\n",
                o.weak ? "weak" : "strong", comm.size(), total, (total + P - 1) / P, r.flist.size(), r.itemsets.size(),
                r.min_count, sums[3], tmax[0], tmax[1], tmax[2], tmax[3], tmax[4], tmax[5], tsec / Pd,
                static_cast<double>(tsum[1]) / Pd, tsum[0], sums[0], sent_max, sums[1], sums[2], tmax[6],
                work_sum ? static_cast<double>(work_max) * Pd / static_cast<double>(work_sum) : 1.0, tw.shared ? 1 : 0,
                synth_max, h);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return crmpi::smpi_bench::driver_main("rules_scaling", argc, argv, run); }
