#include "kernels/fpgrowth/groups.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <utility>

namespace crmpi::fpgrowth {

void add_prefix_work(std::span<const Rank> basket, Count weight, std::span<Count> work_by_rank) {
  for (std::size_t i = 0; i < basket.size(); ++i) {
    if (basket[i] >= work_by_rank.size()) throw std::out_of_range("fpgrowth: rank beyond the work table");
    work_by_rank[basket[i]] += weight * (i + 1);
  }
}

GroupAssignment assign_groups(std::span<const Count> work_by_rank, std::uint32_t groups) {
  if (groups < 1) throw std::invalid_argument("fpgrowth: at least one group");
  std::vector<Rank> items(work_by_rank.size());
  std::iota(items.begin(), items.end(), Rank{0});
  std::stable_sort(items.begin(), items.end(),
                   [&](Rank a, Rank b) { return work_by_rank[a] > work_by_rank[b]; });

  GroupAssignment a;
  a.group_of_rank.assign(work_by_rank.size(), 0);
  a.work.assign(groups, 0);
  // Min-heap of (work so far, group): the least loaded group, lowest index among equals.
  using Load = std::pair<Count, std::uint32_t>;
  std::priority_queue<Load, std::vector<Load>, std::greater<>> least;
  for (std::uint32_t g = 0; g < groups; ++g) least.emplace(0, g);
  for (const Rank r : items) {
    auto [load, g] = least.top();
    least.pop();
    a.group_of_rank[r] = g;
    a.work[g] = load + work_by_rank[r];
    least.emplace(a.work[g], g);
  }
  return a;
}

GroupSplitter::GroupSplitter(std::span<const std::uint32_t> group_of_rank, std::uint32_t groups)
    : group_of_rank_(group_of_rank.begin(), group_of_rank.end()), seen_(groups, 0) {
  for (const std::uint32_t g : group_of_rank_) {
    if (g >= groups) throw std::invalid_argument("fpgrowth: group index beyond the number of groups");
  }
}

std::span<const GroupPrefix> GroupSplitter::split(std::span<const Rank> basket) {
  ++call_;
  out_.clear();
  for (std::size_t i = basket.size(); i-- > 0;) {
    if (basket[i] >= group_of_rank_.size()) throw std::out_of_range("fpgrowth: rank beyond the grouping");
    const std::uint32_t g = group_of_rank_[basket[i]];
    if (seen_[g] == call_) continue;
    seen_[g] = call_;
    out_.push_back({g, static_cast<std::uint32_t>(i + 1)});
  }
  return out_;
}

}  // namespace crmpi::fpgrowth
