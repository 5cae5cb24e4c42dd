#include "kernels/generate/dictionaries.hpp"

namespace crmpi::gen {

std::span<const std::string_view> group_names(std::uint32_t n_groups) {
  switch (n_groups) {
    case 1: return kGroupNames1;
    case 2: return kGroupNames2;
    case 4: return kGroupNames4;
    default: return {};
  }
}

std::string category_name(std::uint32_t category) {
  if (category < kCategoryNames.size()) return std::string(kCategoryNames[category]);
  return "category_" + std::to_string(category + 1);
}

}  // namespace crmpi::gen
