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

}  // namespace crmpi::rfm
