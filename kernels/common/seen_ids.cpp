#include "kernels/common/seen_ids.hpp"

#include <algorithm>

#include "kernels/common/sort_unique.hpp"

namespace crmpi {

void SeenIds::compact() {
  std::vector<std::uint64_t> scratch;
  sorted_ = merge_unique_tail_u64(ids_, sorted_, scratch);
  next_compaction_ = std::max(kMinCompaction, 2 * sorted_);
}

std::vector<std::uint64_t> SeenIds::values() const {
  std::vector<std::uint64_t> v = ids_, scratch;
  merge_unique_tail_u64(v, sorted_, scratch);
  return v;
}

}  // namespace crmpi
