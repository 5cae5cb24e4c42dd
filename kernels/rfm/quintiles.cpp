#include "kernels/rfm/quintiles.hpp"

namespace crmpi::rfm {

std::array<std::optional<std::uint64_t>, 4> quintile_positions(std::uint64_t n) {
  std::array<std::optional<std::uint64_t>, 4> out;
  for (std::uint64_t k = 1; k <= 4; ++k) {
    const std::uint64_t q = (k * n + 4) / 5;  // ceil(k*n/5)
    if (q > 0) out[k - 1] = q - 1;
  }
  return out;
}

void histogram_in_range(std::span<const std::int64_t> values, std::int64_t lo, std::int64_t hi,
                        std::uint64_t width, std::span<std::uint64_t> counts) {
  const auto ulo = static_cast<std::uint64_t>(lo);
  for (const std::int64_t v : values)
    if (v >= lo && v <= hi) ++counts[(static_cast<std::uint64_t>(v) - ulo) / width];
}

}  // namespace crmpi::rfm
