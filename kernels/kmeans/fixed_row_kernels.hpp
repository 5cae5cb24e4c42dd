// The per-point loop of move_points (cluster_stats.hpp) in its vector form, and validate_points'
// scan (points.hpp): only plain declarations here (fixed_row_avx512.cpp, built with AVX-512
// enabled, includes this header).
#pragma once

#include <cstddef>
#include <cstdint>

namespace crmpi::kmeans {

// into[j] += llrint(double(xr[j]) * 2^32), and out_of[j] -= the same when out_of is not null,
// for j < d. Call only when best_isa() == Isa::kAvx512.
void move_fixed_row_avx512(const float* xr, std::size_t d, std::int64_t* into, std::int64_t* out_of);

// The moves [0, m) of one run of move_tiled (cluster_stats.hpp; m <= 127, the int64 bound), their
// coordinates read from the fused step's tiles (lloyd_kernels.hpp: coordinate j of row r at
// tiles[r / 16 * 16 * d + j * 16 + r % 16], r = rows[u] - row0): part[to[u] * d + j] +=
// llrint(double(x_j) * 2^32) and part[from[u] * d + j] -= the same. The counts are the caller's.
void move_tiled_run_avx512(const float* tiles, std::size_t row0, const std::uint32_t* rows, const std::uint32_t* from,
                           const std::uint32_t* to, std::size_t m, std::size_t d, std::int64_t* part);

// The counts of one run of moves (m <= 127, k <= kCountByCompare): count[c] += the moves into c
// minus the moves out of c, seen[c] = 1 where c is a move's from or to (else left as it was).
// Returns the number of from and to entries below k (2m when every move names two clusters).
inline constexpr std::size_t kCountByCompare = 16;
std::size_t count_run_avx512(const std::uint32_t* from, const std::uint32_t* to, std::size_t m, std::size_t k,
                             std::uint64_t* count, char* seen);

// Rows x[0..n) (row-major, d columns) each enter their cluster: into[label[i] * d + j] +=
// llrint(double(x[i * d + j]) * 2^32). The per-row loop of enter_rows (cluster_stats.hpp), inlined.
void enter_rows_avx512(const float* x, std::size_t d, const std::uint32_t* label, std::size_t n, std::int64_t* into);

// The largest of x[0..n)'s bits without the sign (validate_points' test: a finite float within a
// bound has them at most the bound's; NaN and infinity above). n a multiple of 16.
std::uint32_t max_magnitude_bits_avx512(const float* x, std::size_t n);

}  // namespace crmpi::kmeans
