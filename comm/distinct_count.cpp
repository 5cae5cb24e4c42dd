#include "comm/distinct_count.hpp"

#include <algorithm>
#include <vector>

#include "kernels/common/merge_runs.hpp"

namespace crmpi {

std::uint64_t distinct_count(const Comm& comm, std::span<const std::uint64_t> local) {
  const auto p = static_cast<std::uint64_t>(comm.size());
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(p), 0);
  for (const auto h : local) ++counts[h % p];
  // Laid out by destination, each destination's values still ascending.
  std::vector<std::uint64_t> at(static_cast<std::size_t>(p), 0), send(local.size());
  for (std::size_t d = 1; d < at.size(); ++d) at[d] = at[d - 1] + counts[d - 1];
  for (const auto h : local) send[at[h % p]++] = h;
  std::vector<std::uint64_t> recv_counts;
  auto recv = comm.alltoallv<std::uint64_t>(send, counts, &recv_counts);
  // recv is one ascending run per source rank: merge them, then drop repeats.
  merge_sorted_runs(recv.begin(), recv_counts);
  const auto distinct = static_cast<std::uint64_t>(std::unique(recv.begin(), recv.end()) - recv.begin());
  return comm.allreduce_sum(distinct);
}

}  // namespace crmpi
