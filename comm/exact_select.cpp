#include "comm/exact_select.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "kernels/common/histogram.hpp"

namespace crmpi {

std::vector<std::int64_t> exact_order_statistics(const Comm& comm, std::span<const std::int64_t> local,
                                                 std::span<const std::uint64_t> positions) {
  constexpr std::uint64_t kBuckets = 4096;
  const std::uint64_t total = comm.allreduce_sum<std::uint64_t>(local.size());
  std::int64_t lo_all = std::numeric_limits<std::int64_t>::max(), hi_all = std::numeric_limits<std::int64_t>::min();
  for (auto v : local) {
    lo_all = std::min(lo_all, v);
    hi_all = std::max(hi_all, v);
  }
  lo_all = comm.allreduce_min(lo_all);
  hi_all = comm.allreduce_max(hi_all);

  std::vector<std::int64_t> out;
  std::vector<std::uint64_t> counts(kBuckets);
  for (const std::uint64_t pos : positions) {
    if (pos >= total) throw std::out_of_range("order statistic position beyond the number of values");
    std::int64_t lo = lo_all;
    std::uint64_t span_minus_one = static_cast<std::uint64_t>(hi_all) - static_cast<std::uint64_t>(lo_all);
    std::uint64_t rank_in_range = pos;  // position relative to the values >= lo
    while (span_minus_one > 0) {
      // Bucket width so that kBuckets buckets cover [lo, lo + span_minus_one] (no overflow).
      const std::uint64_t width = span_minus_one / kBuckets + 1;
      std::fill(counts.begin(), counts.end(), 0);
      const std::uint64_t nb = std::min(kBuckets, span_minus_one / width + 1);
      const auto hi = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + span_minus_one);
      histogram_in_range(local, lo, hi, width, std::span(counts.data(), nb));
      comm.allreduce_sum_inplace(std::span(counts.data(), nb));
      std::uint64_t b = 0;
      while (rank_in_range >= counts[b]) rank_in_range -= counts[b++];
      lo = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + b * width);
      span_minus_one = std::min(width - 1, span_minus_one - b * width);
    }
    out.push_back(lo);
  }
  return out;
}

}  // namespace crmpi
