#include "kernels/common/histogram.hpp"

namespace crmpi {

void histogram_in_range(std::span<const std::int64_t> values, std::int64_t lo, std::int64_t hi,
                        std::uint64_t width, std::span<std::uint64_t> counts) {
  const auto ulo = static_cast<std::uint64_t>(lo);
  for (const std::int64_t v : values)
    if (v >= lo && v <= hi) ++counts[(static_cast<std::uint64_t>(v) - ulo) / width];
}

}  // namespace crmpi
