// The per-point loops of k-means|| (parallel_init.cpp) in their AVX-512 form: only plain
// declarations here (parallel_init_avx512.cpp, built with AVX-512 enabled, includes this header).
// Call only when best_isa() == Isa::kAvx512.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crmpi::kmeans {

// k-means||'s update of the running nearest candidate, for i < n:
//   if (best[i] < cost[i]) { cost[i] = best[i]; near[i] = base + label[i]; }
// Returns the sum of llrint(double(cost[i]) * 2^32) over the new costs below 2^16 (each below
// 2^48, so n <= 2^15 of them add up in int64) and sets *large to how many are 2^16 or more (the
// caller adds those through 128 bits).
std::int64_t take_nearer_avx512(const float* best, const std::uint32_t* label, std::uint32_t base, std::size_t n,
                                float* cost, std::uint32_t* near, std::size_t* large);

// Round draws: writes to chosen[*count], chosen[*count + 1], ... (room for n more) every i < n,
// ascending, with
//   unit_double(mix64(prefix + ids[i] + kGolden)) < min(1, l * double(cost[i]) / total),
// prefix = keyed_prefix(seed, stream) (keyed_rng.hpp), i.e. keyed_uniform(seed, stream, ids[i]) < p
// as ParallelInit::select computes it, the same operations 8 lanes at a time; advances *count.
void draw_below_avx512(const std::uint64_t* ids, const float* cost, std::size_t n, std::uint64_t prefix, double l,
                       double total, std::uint32_t* chosen, std::size_t* count);

}  // namespace crmpi::kmeans
