// Keyed, portable 64-bit random streams for the generator.
//
// Every random quantity is a pure function of (seed, customer index, stream id): the key is mixed
// with splitmix64's finaliser and expands into a xoshiro256** state. Nothing depends on which rank
// or in which order customers are generated, and the bit stream is identical on every platform
// (unlike std:: distributions, whose algorithms differ between standard libraries).
#pragma once

#include <cstdint>

namespace crmpi::gen {

// splitmix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// One stream per aspect of a customer, so that e.g. changing basket parameters leaves purchase
// times untouched. Catalog streams are keyed without a customer index.
enum class Stream : std::uint64_t {
  kTraits = 1,     // signup day, latent lambda/p/nu, demographics
  kPurchases = 2,  // repeat-purchase times and dropout
  kSpend = 3,      // per-order amount and order channel
  kBaskets = 4,    // basket sizes, products, quantities, rule injection
  kSurvey = 5,     // NPS participation, day and score
  kPersona = 6,    // which persona a customer is (with --personas only)
  kPurchaseDays = 7,  // the days of the repeat purchases (customer.cpp, draw_order_days)
  kCatalogCategories = 101,
  kCatalogPopularity = 102,
  kCatalogFavourites = 103,
  kCatalogRules = 104,
};

// xoshiro256** (Blackman & Vigna 2018): fast, 256-bit state, passes BigCrush.
class Rng {
 public:
  // Seeds the state from `key` with four splitmix64 steps (the authors' recommended seeding).
  explicit Rng(std::uint64_t key) {
    for (auto& word : s_) {
      key += 0x9E3779B97F4A7C15ULL;
      word = mix64(key);
    }
  }

  // The stream for one aspect of one customer; the chained mixing makes nearby seeds, indices
  // and stream ids produce unrelated states.
  static Rng for_stream(std::uint64_t seed, std::uint64_t index, Stream stream) {
    const std::uint64_t k = mix64(mix64(mix64(seed) ^ index) ^ static_cast<std::uint64_t>(stream));
    return Rng(k);
  }
  static Rng for_catalog(std::uint64_t seed, Stream stream) {
    return Rng(mix64(mix64(seed ^ 0xC0FFEE0DDF00DULL) ^ static_cast<std::uint64_t>(stream)));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits (every double k * 2^-53 equally likely).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_pos() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

  // Unbiased integer in [0, n), n > 0 (Lemire 2019, multiply-shift with rejection).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using u128 = unsigned __int128;
    u128 m = static_cast<u128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace crmpi::gen
