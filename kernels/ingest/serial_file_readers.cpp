#include "kernels/ingest/serial_file_readers.hpp"

#include <algorithm>
#include <numeric>

#include "kernels/common/errors.hpp"

namespace crmpi::ingest {

std::vector<std::vector<int>> serial_file_readers(std::span<const std::uint64_t> sizes, int ranks) {
  if (ranks < 1) throw ConfigError("serial_file_readers: needs at least one rank");
  const std::size_t files = sizes.size();
  std::vector<std::vector<int>> readers(files);
  if (files == 0) return readers;
  const auto p = static_cast<std::size_t>(ranks);
  if (files >= p) {
    std::vector<std::size_t> order(files);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    std::vector<std::uint64_t> load(p, 0);
    for (std::size_t f : order) {
      const auto r = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      load[r] += sizes[f];
      readers[f].push_back(static_cast<int>(r));
    }
    return readers;
  }
  // Fewer files than ranks: group sizes first, then consecutive rank ranges in file order.
  std::vector<std::size_t> group(files, 1);
  for (std::size_t extra = p - files; extra > 0; --extra) {
    std::size_t best = 0;
    for (std::size_t f = 1; f < files; ++f) {
      // Bytes per reader; double arithmetic is the same on every rank, so is the choice.
      const double per_f = static_cast<double>(sizes[f]) / static_cast<double>(group[f]);
      const double per_best = static_cast<double>(sizes[best]) / static_cast<double>(group[best]);
      if (per_f > per_best) best = f;
    }
    ++group[best];
  }
  int next = 0;
  for (std::size_t f = 0; f < files; ++f)
    for (std::size_t k = 0; k < group[f]; ++k) readers[f].push_back(next++);
  return readers;
}

}  // namespace crmpi::ingest
