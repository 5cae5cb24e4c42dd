// The CLV job's collapsed tables spread over ranks in runs that do not depend on the rank count
// (clv_stage.hpp: SpreadTable), and the exact reduction the fits evaluate through.
#include <algorithm>
#include <bit>
#include <cmath>
#include <tuple>

#include "comm/exact_sum.hpp"
#include "comm/shuffle.hpp"
#include "jobs/clv/clv_internal.hpp"
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
  friend bool operator==(const RunKey& a, const RunKey& b) = default;
};

template <class Row>
struct Keyed {
  Row row;
  std::uint64_t bucket;
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
SpreadTable<Row> spread(const Comm& comm, std::vector<Row>&& local, std::uint64_t run_customers) {
  // 1. Customers per x over all ranks (x takes few values: distinct purchase days), hence each
  //    x's number of buckets.
  std::vector<double> xs;
  for (const Row& r : local)
    if (xs.empty() || !(xs.back() == r.x)) xs.push_back(r.x + 0.0);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  std::vector<double> all_x = comm.allgatherv(std::span<const double>(xs));
  std::sort(all_x.begin(), all_x.end());
  all_x.erase(std::unique(all_x.begin(), all_x.end()), all_x.end());
  auto x_at = [&](double x) {
    return static_cast<std::size_t>(std::lower_bound(all_x.begin(), all_x.end(), x + 0.0) - all_x.begin());
  };
  std::vector<std::uint64_t> customers(all_x.size(), 0);
  for (const Row& r : local) customers[x_at(r.x)] += r.count;
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(customers));
  std::vector<std::uint64_t> buckets(all_x.size());
  for (std::size_t i = 0; i < all_x.size(); ++i)
    buckets[i] = std::clamp<std::uint64_t>((customers[i] + run_customers - 1) / run_customers, 1, kMaxRunsPerX);

  // 2. Rows in run order (x, bucket, rest of the key): the collapsed rows come sorted by key, so a
  //    stable counting sort by bucket within each x is enough; then every row to the rank owning
  //    its run (sample sort by run key: a run never straddles two ranks), each rank's rows sorted
  //    again (one sorted sequence per source).
  auto run_key = [](const Keyed<Row>& k) { return RunKey{bits_of(k.row.x), k.bucket}; };
  auto less = [&](const Keyed<Row>& a, const Keyed<Row>& b) {
    const RunKey ka = run_key(a), kb = run_key(b);
    if (ka < kb) return true;
    if (kb < ka) return false;
    return key_less(a.row, b.row);
  };
  std::vector<Keyed<Row>> keyed(local.size());
  const bool sorted = std::is_sorted(local.begin(), local.end(), [](const Row& a, const Row& b) {
    return a.x < b.x || (a.x == b.x && key_less(a, b));
  });
  {
    std::vector<std::size_t> at;  // per bucket of the current x: next slot
    for (std::size_t b = 0; b < local.size();) {
      std::size_t e = b + 1;
      while (e < local.size() && local[e].x == local[b].x) ++e;
      const std::uint64_t nbx = buckets[x_at(local[b].x)], nb = sorted ? nbx : 1;
      at.assign(nb + 1, 0);
      std::vector<std::uint64_t> bucket_of(e - b);
      for (std::size_t i = b; i < e; ++i) {
        bucket_of[i - b] = rest_hash(local[i]) % nbx;
        ++at[(sorted ? bucket_of[i - b] : 0) + 1];
      }
      for (std::size_t k = 1; k <= nb; ++k) at[k] += at[k - 1];
      for (std::size_t i = b; i < e; ++i) {
        Row row = local[i];
        row.x += 0.0;
        keyed[b + at[sorted ? bucket_of[i - b] : 0]++] = {row, bucket_of[i - b]};
      }
      b = e;
    }
  }
  std::vector<Row>().swap(local);
  if (!sorted) std::sort(keyed.begin(), keyed.end(), less);
  if (comm.size() > 1) {
    auto key_at = [&](std::size_t i) { return run_key(keyed[i]); };
    const auto splitters = choose_splitters<RunKey>(comm, keyed.size(), key_at);
    const auto counts = owner_counts<RunKey>(keyed.size(), key_at, splitters);
    exchange_by_counts(comm, keyed, counts);
    std::sort(keyed.begin(), keyed.end(), less);
  }

  // 3. Equal keys (the same summary from several ranks) merged, runs cut where the run key changes.
  SpreadTable<Row> out;
  out.rows.reserve(keyed.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const Row& row = keyed[i].row;
    if (i > 0 && run_key(keyed[i]) == run_key(keyed[i - 1])) {
      if (same_key(out.rows.back(), row)) {
        out.rows.back().count += row.count;
        continue;
      }
    } else if (i > 0) {
      out.run_end.push_back(out.rows.size());
    }
    out.rows.push_back(row);
  }
  if (!out.rows.empty()) out.run_end.push_back(out.rows.size());
  std::vector<Keyed<Row>>().swap(keyed);
  out.rows.shrink_to_fit();
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

}  // namespace crmpi
