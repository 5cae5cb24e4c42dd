#include "kernels/generate/alias_table.hpp"

#include "kernels/common/errors.hpp"

namespace crmpi::gen {

// Vose (1991): split columns into "small" (< 1 after scaling by n) and "large"; each small column
// is topped up by one large one. Deterministic given the weights (stable stack order).
AliasTable::AliasTable(std::span<const double> weights) {
  const std::size_t n = weights.size();
  double total = 0.0;
  for (double w : weights) {
    if (!(w >= 0.0)) throw ConfigError("alias table: negative or NaN weight");
    total += w;
  }
  if (n == 0 || !(total > 0.0)) throw ConfigError("alias table: needs at least one positive weight");
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  normalised_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    normalised_[i] = weights[i] / total;
    scaled[i] = normalised_[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding.
  for (const auto* rest : {&large, &small}) {
    for (std::uint32_t i : *rest) {
      prob_[i] = 1.0;
      alias_[i] = i;
    }
  }
}

}  // namespace crmpi::gen
