// Merging consecutive sorted runs in place: what a rank holds after an all-to-all exchange of
// sorted data (one ascending run per source rank).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <utility>
#include <vector>

namespace crmpi {

// Merges the consecutive sorted runs of the given lengths starting at `first` into one sorted
// range, pairwise (O(n log runs) moves), by `less`.
template <class RandomIt, class Less = std::less<>>
void merge_sorted_runs(RandomIt first, std::vector<std::uint64_t> runs, Less less = {}) {
  using Diff = typename std::iterator_traits<RandomIt>::difference_type;
  while (runs.size() > 1) {
    std::vector<std::uint64_t> next;
    std::uint64_t begin = 0;
    for (std::size_t i = 0; i < runs.size(); i += 2) {
      if (i + 1 == runs.size()) {
        next.push_back(runs[i]);
        break;
      }
      const RandomIt b = first + static_cast<Diff>(begin);
      const RandomIt m = b + static_cast<Diff>(runs[i]);
      std::inplace_merge(b, m, m + static_cast<Diff>(runs[i + 1]), less);
      next.push_back(runs[i] + runs[i + 1]);
      begin += runs[i] + runs[i + 1];
    }
    runs = std::move(next);
  }
}

}  // namespace crmpi
