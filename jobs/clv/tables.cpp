// The CLV job's collapsed tables spread over ranks in runs that do not depend on the rank count
// (spread_table.hpp: SpreadTable), the exact reduction the fits evaluate through, and the choices
// around the fits that fits.cpp makes (no logging or I/O here: bench/smpi builds this file).
#include <algorithm>
#include <bit>
#include <cmath>
#include <tuple>

#include "comm/exact_sum.hpp"
#include "comm/shuffle.hpp"
#include "jobs/clv/spread_table.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/common/checksum.hpp"

namespace crmpi {

namespace {

// Which run of its x a row belongs to, as the sort and the exchange see it: x first (as its bits,
// which order as the values for x >= 0), then the bucket.
struct RunKey {
  std::uint64_t x = 0;
  std::uint64_t bucket = 0;
  friend bool operator<(const RunKey& a, const RunKey& b) { return std::tie(a.x, a.bucket) < std::tie(b.x, b.bucket); }
};

std::uint64_t bits_of(double v) { return std::bit_cast<std::uint64_t>(v + 0.0); }  // -0.0 as 0.0

// The rest of a row's key (everything but x), hashed: which bucket of its x it falls in.
std::uint64_t rest_hash(const clv::Triple& t) {
  return mix64(bits_of(t.t_x) * 0xD6E8FEB86659FD93ULL ^ mix64(bits_of(t.T) + 0x2545F4914F6CDD1DULL));
}
std::uint64_t rest_hash(const clv::SpendPair& s) { return mix64(bits_of(s.mean_spend) * 0xD6E8FEB86659FD93ULL); }

bool same_key(const clv::Triple& a, const clv::Triple& b) { return a.x == b.x && a.t_x == b.t_x && a.T == b.T; }
bool same_key(const clv::SpendPair& a, const clv::SpendPair& b) { return a.x == b.x && a.mean_spend == b.mean_spend; }
bool key_less(const clv::Triple& a, const clv::Triple& b) { return std::tie(a.t_x, a.T) < std::tie(b.t_x, b.T); }
bool key_less(const clv::SpendPair& a, const clv::SpendPair& b) { return a.mean_spend < b.mean_spend; }

template <class Row>
bool row_less(const Row& a, const Row& b) {
  return a.x < b.x || (a.x == b.x && key_less(a, b));
}

// The buckets of every x, agreed by all ranks: the customers with each x summed over the ranks,
// ceil(customers / run_customers) buckets (at most kMaxRunsPerX).
struct Buckets {
  std::vector<double> x;             // every rank's distinct x, ascending
  std::vector<std::uint64_t> count;  // buckets of x[i]
  std::uint64_t of(double v) const {
    return count[static_cast<std::size_t>(std::lower_bound(x.begin(), x.end(), v + 0.0) - x.begin())];
  }
};

template <class Row>
Buckets agree_buckets(const Comm& comm, const std::vector<Row>& local, std::uint64_t run_customers) {
  Buckets b;
  std::vector<double> xs;
  for (const Row& r : local)
    if (xs.empty() || !(xs.back() == r.x)) xs.push_back(r.x + 0.0);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  b.x = comm.allgatherv(std::span<const double>(xs));
  std::sort(b.x.begin(), b.x.end());
  b.x.erase(std::unique(b.x.begin(), b.x.end()), b.x.end());
  std::vector<std::uint64_t> customers(b.x.size(), 0);
  for (const Row& r : local)
    customers[static_cast<std::size_t>(std::lower_bound(b.x.begin(), b.x.end(), r.x + 0.0) - b.x.begin())] += r.count;
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(customers));
  b.count.resize(b.x.size());
  for (std::size_t i = 0; i < b.x.size(); ++i)
    b.count[i] = std::clamp<std::uint64_t>((customers[i] + run_customers - 1) / run_customers, 1, kMaxRunsPerX);
  return b;
}

// Rows sorted by (x, rest of the key) reordered, in place, into run order (x, bucket, rest of the
// key): a stable counting sort by bucket within each x, through a scratch buffer of one x's rows.
// bucket_of (optional) receives each row's bucket, run_end the ends of the non-empty runs.
template <class Row>
void order_by_run(std::vector<Row>& rows, const Buckets& buckets, std::vector<std::uint32_t>* bucket_of,
                  std::vector<std::size_t>& run_end) {
  std::vector<Row> scratch;
  std::vector<std::uint32_t> bucket;
  std::vector<std::size_t> at;
  if (bucket_of) bucket_of->resize(rows.size());
  run_end.clear();
  for (std::size_t b = 0; b < rows.size();) {
    std::size_t e = b + 1;
    while (e < rows.size() && rows[e].x == rows[b].x) ++e;
    const std::uint64_t nb = buckets.of(rows[b].x);
    bucket.resize(e - b);
    at.assign(nb + 1, 0);
    for (std::size_t i = b; i < e; ++i) {
      bucket[i - b] = static_cast<std::uint32_t>(rest_hash(rows[i]) % nb);
      ++at[bucket[i - b] + 1];
    }
    for (std::size_t k = 1; k <= nb; ++k) {
      if (at[k] > 0) run_end.push_back(b + at[k - 1] + at[k]);  // bucket k - 1 is non-empty
      at[k] += at[k - 1];
    }
    if (nb > 1) {
      scratch.resize(e - b);
      for (std::size_t i = b; i < e; ++i) scratch[at[bucket[i - b]]++] = rows[i];
      std::copy(scratch.begin(), scratch.end(), rows.begin() + static_cast<std::ptrdiff_t>(b));
    }
    if (bucket_of) {
      std::sort(bucket.begin(), bucket.end());  // the buckets in their new order
      std::copy(bucket.begin(), bucket.end(), bucket_of->begin() + static_cast<std::ptrdiff_t>(b));
    }
    b = e;
  }
}

template <class Row>
SpreadTable<Row> spread(const Comm& comm, std::vector<Row>&& local, std::uint64_t run_customers) {
  // 1. Each x's number of buckets, agreed by all ranks.
  const Buckets buckets = agree_buckets(comm, local, run_customers);
  for (Row& r : local) r.x += 0.0;
  if (!std::is_sorted(local.begin(), local.end(), row_less<Row>)) std::sort(local.begin(), local.end(), row_less<Row>);

  // 2. Rows in run order, in place. With several ranks, every row then goes to the rank owning
  //    its run (a sample sort by run key: a run never straddles two ranks), and what arrives is
  //    put in run order again (the bucket is a function of the row: recomputed, not sent).
  SpreadTable<Row> out;
  if (comm.size() > 1) {
    std::vector<std::uint32_t> bucket_of;
    order_by_run(local, buckets, &bucket_of, out.run_end);
    auto key_at = [&](std::size_t i) { return RunKey{bits_of(local[i].x), bucket_of[i]}; };
    const auto splitters = choose_splitters<RunKey>(comm, local.size(), key_at);
    const auto counts = owner_counts<RunKey>(local.size(), key_at, splitters);
    std::vector<std::uint32_t>().swap(bucket_of);
    exchange_by_counts(comm, local, counts);
    std::sort(local.begin(), local.end(), row_less<Row>);
  }
  order_by_run(local, buckets, nullptr, out.run_end);

  // 3. Equal keys (the same summary from several ranks, adjacent within a run) merged in place.
  std::size_t kept = 0, begin = 0;
  for (std::size_t& end : out.run_end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (i > begin && same_key(local[kept - 1], local[i])) {
        local[kept - 1].count += local[i].count;
        continue;
      }
      local[kept++] = local[i];
    }
    begin = end;
    end = kept;
  }
  local.resize(kept);
  out.rows = std::move(local);
  std::array<std::uint64_t, 3> totals{out.rows.size(), clv::total_count(out.rows), out.run_end.size()};
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(totals));
  out.total_rows = totals[0];
  out.total_customers = totals[1];
  out.total_runs = totals[2];
  return out;
}

}  // namespace

SpreadTable<clv::Triple> spread_triples(const Comm& comm, std::vector<clv::Triple>&& local,
                                        std::uint64_t run_customers) {
  return spread(comm, std::move(local), std::max<std::uint64_t>(run_customers, 1));
}

SpreadTable<clv::SpendPair> spread_spend(const Comm& comm, std::vector<clv::SpendPair>&& local,
                                         std::uint64_t run_customers) {
  return spread(comm, std::move(local), std::max<std::uint64_t>(run_customers, 1));
}

clv::ReduceSums reduce_over(const Comm& comm) {
  return [&comm](std::span<WideSum> sums) { allreduce_exact(comm, sums); };
}

clv::FitOptions pareto_nbd_options(const clv::FitResult* bgnbd) {
  clv::FitOptions opt;
  if (bgnbd && bgnbd->converged) opt.start = {bgnbd->estimates[0], bgnbd->estimates[1], 1.0, bgnbd->estimates[1]};
  return opt;
}

SpreadTable<clv::SpendPair> spread_repeat_spend(const Comm& comm, std::span<const std::uint8_t> in_calibration,
                                                std::span<const double> x, std::span<const double> mean_spend) {
  auto repeat_with_spend = [&](std::size_t i) { return in_calibration[i] && x[i] > 0 && mean_spend[i] > 0; };
  // Counted first and reserved exactly: growing by doubling touched twice the fresh pages.
  std::size_t rows = 0;
  for (std::size_t i = 0; i < x.size(); ++i) rows += repeat_with_spend(i) ? 1 : 0;
  std::vector<clv::SpendPair> spend_rows;
  spend_rows.reserve(rows);
  for (std::size_t i = 0; i < x.size(); ++i)
    if (repeat_with_spend(i)) spend_rows.push_back({x[i], mean_spend[i], 1});
  return spread_spend(comm, clv::collapse_spend(std::move(spend_rows)));
}

}  // namespace crmpi
