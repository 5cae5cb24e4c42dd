// Counter-based random numbers keyed by (seed, stream, key), never by rank or position: a
// customer's draw is a pure function of the seed, the purpose ("stream": the k-means|| round, the
// silhouette sample, ...) and the customer id, so it is the same whichever rank holds the customer.
//
// The mixer is SplitMix64's output function (Steele, Lea, Flood 2014; the constants of Vigna's
// splitmix64.c): a bijection of 64-bit words with full avalanche. Key words are absorbed one at a
// time (add the golden-ratio increment, mix), so for a fixed seed and stream, key -> hash is a
// bijection: distinct customer ids never collide, and an arg-min over hashes has a unique winner.
#pragma once

#include <cstdint>

namespace crmpi::kmeans {

inline constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The seed and stream absorbed: the state the key is absorbed into (a loop over many keys of one
// stream computes it once).
constexpr std::uint64_t keyed_prefix(std::uint64_t seed, std::uint64_t stream) {
  return mix64(mix64(seed + kGolden) + stream + kGolden);
}

constexpr std::uint64_t keyed_hash(std::uint64_t seed, std::uint64_t stream, std::uint64_t key) {
  return mix64(keyed_prefix(seed, stream) + key + kGolden);
}

// Uniform in [0, 1) with 53 random bits.
constexpr double unit_double(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1p-53; }

constexpr double keyed_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t key) {
  return unit_double(keyed_hash(seed, stream, key));
}

// Streams: one per purpose, so draws for different purposes are independent.
inline constexpr std::uint64_t kStreamFirstCenter = 0x100;
constexpr std::uint64_t stream_parallel_round(std::uint32_t round) { return 0x200 + round; }
inline constexpr std::uint64_t kStreamPlusPlus = 0x300;
inline constexpr std::uint64_t kStreamSilhouette = 0x400;

}  // namespace crmpi::kmeans
