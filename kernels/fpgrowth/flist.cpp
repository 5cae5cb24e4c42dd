#include "kernels/fpgrowth/flist.hpp"

#include <algorithm>
#include <bit>
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

RankCollector::RankCollector(const FList& flist)
    : flist_(flist), words_((flist.size() + 63) / 64), bits_(words_ > 1 && words_ <= 64 ? words_ : 0, 0) {}

void RankCollector::append(std::span<const std::uint32_t> ids, std::vector<Rank>& out) {
  const std::vector<Rank>& rank_of_id = flist_.rank_of_id;
  if (words_ <= 1) {  // the usual case at the default support: the bitmap in a register
    std::uint64_t mask = 0;
    for (const std::uint32_t id : ids)
      if (id < rank_of_id.size() && rank_of_id[id] != kNotFrequent) mask |= std::uint64_t{1} << rank_of_id[id];
    for (; mask != 0; mask &= mask - 1) out.push_back(static_cast<Rank>(std::countr_zero(mask)));
    return;
  }
  if (words_ <= 64) {
    std::uint64_t set_words = 0;
    for (const std::uint32_t id : ids) {
      if (id >= rank_of_id.size() || rank_of_id[id] == kNotFrequent) continue;
      const Rank r = rank_of_id[id];
      bits_[r >> 6] |= std::uint64_t{1} << (r & 63);
      set_words |= std::uint64_t{1} << (r >> 6);
    }
    for (; set_words != 0; set_words &= set_words - 1) {
      const auto w = static_cast<std::size_t>(std::countr_zero(set_words));
      for (std::uint64_t m = bits_[w]; m != 0; m &= m - 1)
        out.push_back(static_cast<Rank>(w * 64 + static_cast<std::size_t>(std::countr_zero(m))));
      bits_[w] = 0;
    }
    return;
  }
  const std::size_t from = out.size();
  for (const std::uint32_t id : ids)
    if (id < rank_of_id.size() && rank_of_id[id] != kNotFrequent) out.push_back(rank_of_id[id]);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(from), out.end());
  out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(from), out.end()), out.end());
}

}  // namespace crmpi::fpgrowth
