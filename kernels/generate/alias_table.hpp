// Walker/Vose alias table: O(n) build, O(1) sampling from a fixed discrete distribution.
// Used for product popularity (thousands of entries, tens of millions of draws).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/generate/rng.hpp"

namespace crmpi::gen {

class AliasTable {
 public:
  AliasTable() = default;
  // weights: non-negative, at least one positive, size < 2^32.
  explicit AliasTable(std::span<const double> weights);

  std::uint32_t sample(Rng& rng) const {
    // One 53-bit uniform picks the column (integer part) and the coin (fractional part).
    const double x = rng.uniform() * static_cast<double>(prob_.size());
    auto column = static_cast<std::uint32_t>(x);
    if (column >= prob_.size()) column = static_cast<std::uint32_t>(prob_.size() - 1);
    return (x - column) < prob_[column] ? column : alias_[column];
  }

  std::size_t size() const { return prob_.size(); }
  // The normalised probability of index i that the table was built from (for tests/truth).
  double probability(std::uint32_t i) const { return normalised_[i]; }

 private:
  std::vector<double> prob_;          // chance of keeping the column itself
  std::vector<std::uint32_t> alias_;  // the other index sharing the column
  std::vector<double> normalised_;
};

}  // namespace crmpi::gen
