// Exact order statistics of values spread over ranks, without gathering or sorting them:
// histogram refinement. Each round, every rank bins its values inside the current candidate
// range into 4096 buckets, an exact integer allreduce adds the bins, and the range shrinks to
// the bucket holding the wanted position. Each round narrows the range 4096-fold, starting from
// [global min, global max]: at most 4 rounds when that spans under 2^48 values, 6 for the whole
// int64 range; each round is a pass over the local values.
// Integer counts make the answer identical at any rank count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/comm.hpp"

namespace crmpi {

// positions: 0-based ranks in the globally sorted order (each < global count). Collective.
std::vector<std::int64_t> exact_order_statistics(const Comm& comm, std::span<const std::int64_t> local,
                                                 std::span<const std::uint64_t> positions);

}  // namespace crmpi
