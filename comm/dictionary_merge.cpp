#include "comm/dictionary_merge.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace crmpi {

std::vector<std::string> allgather_string_lists(const Comm& comm, std::span<const std::string> mine) {
  std::string bytes;
  std::vector<std::uint64_t> lens;
  lens.reserve(mine.size());
  for (const auto& s : mine) {
    bytes += s;
    lens.push_back(s.size());
  }
  const auto all_bytes = comm.allgatherv<char>(std::span<const char>(bytes.data(), bytes.size()));
  const auto all_lens = comm.allgatherv<std::uint64_t>(lens);
  std::vector<std::string> all;
  all.reserve(all_lens.size());
  std::size_t pos = 0;
  for (const auto n : all_lens) {
    all.emplace_back(all_bytes.data() + pos, n);
    pos += n;
  }
  return all;
}

namespace {
std::vector<std::string> sorted_distinct(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());  // char_traits<char>::lt compares as unsigned char: byte order
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
}  // namespace

std::vector<std::string> merge_dictionary(const Comm& comm, std::span<const std::string> local,
                                          std::vector<std::uint32_t>& remap) {
  // Each rank sends its distinct strings once, however often they repeat locally.
  auto global = sorted_distinct(
      allgather_string_lists(comm, sorted_distinct(std::vector<std::string>(local.begin(), local.end()))));
  if (global.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("merge_dictionary: more than 2^32 distinct strings");
  remap.resize(local.size());
  for (std::size_t i = 0; i < local.size(); ++i)
    remap[i] = static_cast<std::uint32_t>(std::lower_bound(global.begin(), global.end(), local[i]) - global.begin());
  return global;
}

}  // namespace crmpi
