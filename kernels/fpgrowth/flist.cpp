#include "kernels/fpgrowth/flist.hpp"

#include <algorithm>
#include <stdexcept>

namespace crmpi::fpgrowth {

FList make_flist(std::span<const Count> count_by_id, Count min_count) {
  if (min_count < 1) throw std::invalid_argument("fpgrowth: min_count must be at least 1");
  if (count_by_id.size() > kNotFrequent) throw std::invalid_argument("fpgrowth: too many item ids");
  FList f;
  for (std::size_t id = 0; id < count_by_id.size(); ++id) {
    if (count_by_id[id] >= min_count) f.ids.push_back(static_cast<std::uint32_t>(id));
  }
  std::sort(f.ids.begin(), f.ids.end(), [&](std::uint32_t a, std::uint32_t b) {
    return count_by_id[a] != count_by_id[b] ? count_by_id[a] > count_by_id[b] : a < b;
  });
  f.counts.reserve(f.ids.size());
  f.rank_of_id.assign(count_by_id.size(), kNotFrequent);
  for (std::size_t r = 0; r < f.ids.size(); ++r) {
    f.counts.push_back(count_by_id[f.ids[r]]);
    f.rank_of_id[f.ids[r]] = static_cast<Rank>(r);
  }
  return f;
}

void basket_ranks(std::span<const std::uint32_t> ids, const FList& flist, std::vector<Rank>& out) {
  out.clear();
  for (const std::uint32_t id : ids) {
    const Rank r = flist.rank_of_id.at(id);
    if (r != kNotFrequent) out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace crmpi::fpgrowth
