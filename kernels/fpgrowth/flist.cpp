#include "kernels/fpgrowth/flist.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

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
  const std::vector<Rank>& rank_of_id = flist.rank_of_id;
  // Most baskets hold a few frequent items: each goes into place as it comes (sorted, no
  // repeats), which costs less than a sort call per basket (measured: basket_ranks was a tenth of
  // `crmpi run`'s rules stage). A long basket is sorted once at the end instead.
  constexpr std::size_t kInsertUpTo = 32;
  const bool insert = ids.size() <= kInsertUpTo;
  for (const std::uint32_t id : ids) {
    if (id >= rank_of_id.size())
      throw std::out_of_range("fpgrowth: item id " + std::to_string(id) + " beyond the F-list's id space (" +
                              std::to_string(rank_of_id.size()) + ")");
    const Rank r = rank_of_id[id];
    if (r == kNotFrequent) continue;
    if (!insert) {
      out.push_back(r);
      continue;
    }
    std::size_t at = out.size();
    while (at > 0 && out[at - 1] > r) --at;
    if (at > 0 && out[at - 1] == r) continue;  // listed twice in the basket
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), r);
  }
  if (insert) return;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace crmpi::fpgrowth
