// The F-list: the frequent items ordered by support count descending, then item id ascending (as
// Spark MLlib's FPGrowth), and a basket's translation from item ids to ranks in it. The counts are
// global (reduced over every rank's baskets), so every rank builds the same F-list.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/fpgrowth/transactions.hpp"

namespace crmpi::fpgrowth {

inline constexpr Rank kNotFrequent = ~Rank{0};

struct FList {
  std::vector<std::uint32_t> ids;  // rank -> item id
  std::vector<Count> counts;       // rank -> support count (non-increasing)
  std::vector<Rank> rank_of_id;    // item id -> rank, kNotFrequent below min_count

  std::size_t size() const { return ids.size(); }
};

// count_by_id[id]: the number of baskets holding item id. Items with a count of at least min_count
// (>= 1, else std::invalid_argument) are frequent.
FList make_flist(std::span<const Count> count_by_id, Count min_count);

// The basket's frequent items as ranks: ids mapped, infrequent ones dropped, sorted ascending,
// repeats removed (a basket may list a product on several lines). An id outside the F-list's
// range is std::out_of_range.
void basket_ranks(std::span<const std::uint32_t> ids, const FList& flist, std::vector<Rank>& out);

// The same for many items at once (a customer's items over all their baskets, dozens with
// repeats), appended to `out`, through a bitmap of the ranks read back in bit order instead of a
// sort: at most 64 frequent items, one 64-bit mask in a register; up to 4,096, at most 64 words
// and a mask of the words set, which tells which to read and clear; more, a sort. An id outside
// the F-list's range is skipped. Keeps its bitmap between calls (clear after each): one per thread.
class RankCollector {
 public:
  explicit RankCollector(const FList& flist);
  void append(std::span<const std::uint32_t> ids, std::vector<Rank>& out);

 private:
  const FList& flist_;
  std::size_t words_;
  std::vector<std::uint64_t> bits_;  // words_ of them, zero between calls (one word: unused)
};

}  // namespace crmpi::fpgrowth
