// RFM scaling driver for SimGrid SMPI (smpicxx/smpirun) and real MPI (mpicxx/mpirun).
//
// Runs the distributed part of `crmpi rfm` on customers synthesised in memory, without HDF5:
//   accumulate  rfm::accumulate + rfm::derive_metrics over each rank's customers (local), into
//               the stage's RfmResult (jobs/rfm/rfm_result.hpp)
//   segment     the stage's own score_and_segment (jobs/rfm/scores.cpp): buyer count, 3 x
//               exact_order_statistics (quintile cut points of -recency, frequency, monetary;
//               comm/exact_select, 4096-bucket integer allreduces), scores, segments, and the 5
//               per-segment/per-cell integer allreduces
//   checksum    one allreduce of a position-keyed checksum of every customer's segment
// It reaches MPI only through comm/, exactly like jobs/.
//
// Data: customer g (global index, 0-based) is generated from splitmix64(seed, g) only, never from
// the rank, so the same global customers give the same cut points, segments and checksum at any
// rank count. Customers are block-partitioned: weak mode gives every rank --customers customers,
// strong mode splits --customers in total.
//
// Timing: MPI_Wtime. Under SMPI that is simulated time (compute bursts are benchmarked on the host
// and injected, see docs/smpi.md). Phases are separated by untimed barriers; each phase reports
// the maximum over ranks. Synthesising the data is not part of any phase (under SMPI it is run
// with benchmarking switched off, so it costs no simulated time; under real MPI its time is
// subtracted from the accumulate phase).
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/smpi/driver_args.hpp"
#include "bench/smpi/driver_common.hpp"
#include "comm/comm.hpp"
#include "jobs/rfm/rfm_result.hpp"
#include "kernels/common/checksum.hpp"
#include "kernels/rfm/rfm.hpp"
#include "kernels/rfm/segments.hpp"

namespace {

using crmpi::Comm;
using crmpi::smpi_bench::UntimedScope;
using crmpi::mix64;
namespace rfm = crmpi::rfm;

struct Options {
  bool weak = true;
  std::uint64_t customers = 20000;  // per rank (weak) or in total (strong)
  std::uint64_t seed = 42;
  std::int32_t as_of = 1095;  // three years of days 0..1094
  std::size_t chunk = 4096;   // customers synthesised and accumulated at a time
};

Options parse(int argc, char** argv) {
  return crmpi::smpi_bench::parse_driver_args(
      argc, argv, Options{},
      "usage: rfm_scaling [--mode weak|strong] [--customers N] [--seed S] [--chunk C]\n"
      "  weak: N customers per rank (default 20000); strong: N customers in total",
      [](Options&, const std::string&, auto&) { return false; });
}

// Customer g's random stream: draw(i) = splitmix64(base(g) + i). Integer arithmetic only, so
// every build (SMPI or Open MPI, any rank count) generates identical data.
struct CustomerRng {
  std::uint64_t state;
  CustomerRng(std::uint64_t seed, std::uint64_t g) : state(mix64(mix64(seed) ^ g)) {}
  std::uint64_t next() { return mix64(state++); }
};

// Orders of customers [g_begin, g_end) as CSR (offsets absolute from rows_begin). About 12% of
// customers never buy; the others have 1..~30 orders (mean ~5.4) on days from their signup to
// 90 days past as_of (those are ignored by accumulate, as in the real job), sorted by day.
struct Synth {
  std::vector<std::int32_t> signup;
  std::vector<std::uint64_t> offset;  // size + 1, absolute rows
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount;
};

void synthesise(const Options& o, std::uint64_t g_begin, std::uint64_t g_end, std::uint64_t rows_begin, Synth& s) {
  const std::size_t n = static_cast<std::size_t>(g_end - g_begin);
  s.signup.resize(n);
  s.offset.assign(1, rows_begin);
  s.day.clear();
  s.amount.clear();
  const auto horizon = static_cast<std::uint64_t>(o.as_of + 90);
  for (std::size_t i = 0; i < n; ++i) {
    CustomerRng rng(o.seed, g_begin + i);
    const std::uint64_t u0 = rng.next(), u1 = rng.next();
    const auto signup = static_cast<std::int32_t>(u0 % static_cast<std::uint64_t>(o.as_of));
    s.signup[i] = signup;
    std::uint64_t k = 0;
    if (u1 % 100 >= 12) k = 1 + (u1 >> 8) % 4 + (((u1 >> 4) & 3) == 0 ? (u1 >> 20) % 24 : 0);
    const std::size_t first = s.day.size();
    for (std::uint64_t j = 0; j < k; ++j) {
      const std::uint64_t a = rng.next(), b = rng.next();
      s.day.push_back(static_cast<std::int32_t>(static_cast<std::uint64_t>(signup) + a % (horizon - static_cast<std::uint64_t>(signup))));
      std::int64_t cents = 199 + static_cast<std::int64_t>(b % 9800);
      if ((b >> 32) % 10 == 0) cents += static_cast<std::int64_t>((b >> 40) % 200000);  // a few big baskets
      s.amount.push_back(cents);
    }
    // Sort this customer's orders by day (amounts follow their day).
    for (std::size_t x = first + 1; x < s.day.size(); ++x)
      for (std::size_t y = x; y > first && s.day[y - 1] > s.day[y]; --y) {
        std::swap(s.day[y - 1], s.day[y]);
        std::swap(s.amount[y - 1], s.amount[y]);
      }
    s.offset.push_back(rows_begin + s.day.size());
  }
}

// The built-in config/rfm_segments.toml, as rules (the stage's TOML reader needs toml++ and the
// stage's logging, which this build leaves out).
std::vector<rfm::SegmentRule> builtin_rules() {
  return {{"Champions", {"5 4-5 *"}},
          {"Loyal Customers", {"3-4 4-5 *"}},
          {"Potential Loyalist", {"4-5 2-3 *"}},
          {"New Customers", {"5 1 *"}},
          {"Promising", {"4 1 *"}},
          {"Need Attention", {"3 3 *"}},
          {"About to Sleep", {"3 1-2 *"}},
          {"At Risk", {"1-2 3-4 1-4"}},
          {"Can't Lose Them", {"1-2 5 *", "1-2 3-4 5"}},
          {"Hibernating", {"2 1-2 *", "1 2 *"}},
          {"Lost", {"1 1 *"}}};
}

int run(int argc, char** argv) {
  const Comm comm;
  const Options o = parse(argc, argv);
  const auto P = static_cast<std::uint64_t>(comm.size());
  const auto r = static_cast<std::uint64_t>(comm.rank());
  const std::uint64_t total = o.weak ? o.customers * P : o.customers;
  // Block partition of the global customers (strong: the first total % P ranks get one more).
  const std::uint64_t base = total / P, extra = total % P;
  const std::uint64_t g_begin = r * base + std::min(r, extra);
  const std::uint64_t g_end = g_begin + base + (r < extra ? 1 : 0);
  const std::size_t n = static_cast<std::size_t>(g_end - g_begin);
  crmpi::RfmResult res;
  res.as_of_day = o.as_of;
  res.segments = rfm::build_segment_map(builtin_rules());

  // Order rows are numbered from 0 on each rank: accumulate() only uses offsets relative to the
  // chunk's first row, so no global row base (and no MPI_Exscan, which SMPI 3.32 implements with
  // P^2/2 concurrent messages, see docs/smpi.md) is needed.
  std::uint64_t local_rows = 0;

  enum Phase { kAccumulate, kSegment, kChecksum, kPhases };
  std::array<double, kPhases> t{};
  double synth_seconds = 0;

  // accumulate: stream the rank's customers chunk by chunk, as the real job streams HDF5 chunks.
  comm.barrier();
  double t0 = MPI_Wtime();
  rfm::Activity& act = res.activity;
  act.resize(n);
  std::vector<std::int32_t> signup(n);
  Synth s;
  // Absolute CSR offsets of the rank's customers (the real job reads these for its whole slice).
  std::vector<std::uint64_t> offset(n + 1, 0);
  for (std::size_t c = 0; c < n; c += o.chunk) {
    const std::size_t ce = std::min(n, c + o.chunk);
    {
#ifdef CRMPI_SMPI
      [[maybe_unused]] UntimedScope untimed;  // no MPI call (not even MPI_Wtime) inside: it would restart benchmarking
      synthesise(o, g_begin + c, g_begin + ce, offset[c], s);
#else
      const double ts = MPI_Wtime();
      synthesise(o, g_begin + c, g_begin + ce, offset[c], s);
      synth_seconds += MPI_Wtime() - ts;
#endif
    }
    std::copy(s.signup.begin(), s.signup.end(), signup.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy(s.offset.begin(), s.offset.end(), offset.begin() + static_cast<std::ptrdiff_t>(c));
    rfm::accumulate(offset, c, ce, offset[c], s.day, s.amount, o.as_of, act);
  }
  local_rows = offset[n];
  res.metrics = rfm::derive_metrics(act, signup, o.as_of);
  t[kAccumulate] = MPI_Wtime() - t0 - synth_seconds;

  // segment: the RFM stage's distributed part, unchanged.
  comm.barrier();
  t0 = MPI_Wtime();
  crmpi::score_and_segment(comm, res);
  t[kSegment] = MPI_Wtime() - t0;

  // checksum: a partition-independent checksum of every customer's segment.
  comm.barrier();
  t0 = MPI_Wtime();
  const std::uint64_t segment_sum =
      comm.allreduce_sum(crmpi::column_checksum(std::span<const std::uint8_t>(res.segment), g_begin));
  t[kChecksum] = MPI_Wtime() - t0;

  // Report (rank 0). Timings: max over ranks per phase.
  std::array<double, kPhases> tmax = t;
  comm.allreduce_max_inplace(std::span<double>(tmax));
  const double synth_max = comm.allreduce_max(synth_seconds);
  const std::uint64_t all_rows = comm.allreduce_sum(local_rows);
  std::uint64_t cut_sum = 0, h = 0;
  for (std::size_t m = 0; m < 3; ++m)
    for (std::size_t k = 0; k < 4; ++k) {
      const auto& c = res.cuts[m].value[k];
      cut_sum = mix64(cut_sum ^ (c ? static_cast<std::uint64_t>(*c) : 0xffffffffffffffffULL));
    }
  h = mix64(cut_sum ^ res.buyers);
  for (auto v : res.seg_customers) h = mix64(h ^ v);
  for (auto v : res.seg_revenue) h = mix64(h ^ static_cast<std::uint64_t>(v));
  for (auto v : res.seg_recency_sum) h = mix64(h ^ static_cast<std::uint64_t>(v));
  for (auto v : res.seg_frequency_sum) h = mix64(h ^ static_cast<std::uint64_t>(v));
  for (auto v : res.cell_customers) h = mix64(h ^ v);
  h = mix64(h ^ segment_sum);

  if (comm.is_root()) {
    const char* names[3] = {"-recency", "frequency", "monetary"};
    for (std::size_t m = 0; m < 3; ++m) {
      std::printf("cuts %-9s", names[m]);
      for (const auto& c : res.cuts[m].value) {
        if (c) std::printf(" %" PRId64, *c);
        else std::printf(" -");
      }
      std::printf("\n");
    }
    for (std::size_t sgi = 0; sgi < res.segments.names.size(); ++sgi)
      std::printf("segment %-20s %12" PRIu64 " customers\n", res.segments.names[sgi].c_str(), res.seg_customers[sgi]);
    const double total_t = tmax[kAccumulate] + tmax[kSegment] + tmax[kChecksum];
    std::printf(
        "RESULT mode=%s ranks=%d customers=%" PRIu64 " per_rank=%" PRIu64 " orders=%" PRIu64 " buyers=%" PRIu64
        " accumulate=%.6f segment=%.6f checksum_phase=%.6f total=%.6f synth_untimed=%.6f"
        " cuts=%016" PRIx64 " checksum=%016" PRIx64 "\n",
        o.weak ? "weak" : "strong", comm.size(), total, (total + P - 1) / P, all_rows, res.buyers, tmax[kAccumulate],
        tmax[kSegment], tmax[kChecksum], total_t, synth_max, cut_sum, h);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return crmpi::smpi_bench::driver_main("rfm_scaling", argc, argv, run, /*keep_freed=*/false); }
