// The number of distinct 64-bit values (id hashes) over all ranks, without gathering them: each
// value goes to rank value % P, which merges what it receives and counts it; an integer allreduce
// adds the counts. Exact, so the same at any rank count. Communication: one all-to-all of the
// local distinct values (8 bytes each); memory: what a rank sends plus what it receives, and
// std::inplace_merge's buffer of up to half of that.
#pragma once

#include <cstdint>
#include <span>

#include "comm/comm.hpp"

namespace crmpi {

// local: this rank's distinct values, ascending (e.g. SeenIds::values()). Collective.
std::uint64_t distinct_count(const Comm& comm, std::span<const std::uint64_t> local);

}  // namespace crmpi
