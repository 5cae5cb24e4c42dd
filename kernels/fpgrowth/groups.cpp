#include "kernels/fpgrowth/groups.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <utility>

#include "kernels/common/lsd_radix_sort.hpp"

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

GroupedTransactions split_by_group(const Transactions& t, std::span<const std::uint32_t> group_of_rank,
                                   std::uint32_t groups) {
  GroupSplitter splitter(group_of_rank, groups);
  // The names each group gets, counted first: their arrays are sized once (grown by doubling, they
  // were copied and their memory touched about twice over).
  std::size_t longest = 0;
  std::vector<std::size_t> per_group(groups, 0);
  for (std::size_t i = 0; i < t.size(); ++i) {
    longest = std::max(longest, t[i].size());
    if (t.weights[i] == 0) continue;
    for (const GroupPrefix& g : splitter.split(t[i])) ++per_group[g.group];
  }
  // A name: f in the high bits, L in the low depth_bits.
  const auto depth_bits = static_cast<unsigned>(std::max(1, static_cast<int>(std::bit_width(longest))));
  if (depth_bits >= 64 || (t.size() >> (64 - depth_bits)) != 0)
    throw std::length_error("fpgrowth: too many transactions to name their prefixes in 64 bits");
  struct Named {
    std::uint64_t name;
    Count weight;
  };
  std::vector<std::vector<Named>> named(groups);
  for (std::uint32_t g = 0; g < groups; ++g) named[g].reserve(per_group[g]);
  // first[j]: the first transaction of the current run of transactions sharing the current one's
  // first j + 1 ranks (so t[first[j]]'s first j + 1 ranks are the current one's, sorted or not).
  std::vector<std::uint64_t> first(longest, 0);
  std::span<const Rank> previous;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto tr = t[i];
    std::size_t shared = 0;
    while (shared < tr.size() && shared < previous.size() && tr[shared] == previous[shared]) ++shared;
    for (std::size_t j = shared; j < tr.size(); ++j) first[j] = i;
    previous = tr;
    if (t.weights[i] == 0) continue;
    for (const GroupPrefix& g : splitter.split(tr))
      named[g.group].push_back({(first[g.length - 1] << depth_bits) | g.length, t.weights[i]});
  }
  GroupedTransactions out;
  out.first.assign(groups + 1, 0);
  const std::uint64_t depth_mask = (std::uint64_t{1} << depth_bits) - 1;
  std::size_t distinct = 0, items = 0;
  for (std::uint32_t g = 0; g < groups; ++g) {
    lsd_radix_sort(named[g], [](const Named& n) { return n.name; });
    for (std::size_t a = 0; a < named[g].size(); ++a) {
      if (a == 0 || named[g][a].name != named[g][a - 1].name) {
        ++distinct;
        items += named[g][a].name & depth_mask;
      }
    }
  }
  Transactions& o = out.t;
  o.offsets.reserve(distinct + 1);
  o.weights.reserve(distinct);
  o.items.reserve(items);
  for (std::uint32_t g = 0; g < groups; ++g) {
    const std::vector<Named>& v = named[g];
    for (std::size_t a = 0; a < v.size();) {
      Count weight = 0;
      std::size_t b = a;
      for (; b < v.size() && v[b].name == v[a].name; ++b) weight += v[b].weight;
      const auto prefix = t[v[a].name >> depth_bits].first(v[a].name & depth_mask);
      o.items.insert(o.items.end(), prefix.begin(), prefix.end());
      o.offsets.push_back(o.items.size());
      o.weights.push_back(weight);
      a = b;
    }
    named[g] = {};
    out.first[g + 1] = o.size();
  }
  return out;
}
}  // namespace crmpi::fpgrowth
