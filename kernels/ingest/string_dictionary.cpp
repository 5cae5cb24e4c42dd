#include "kernels/ingest/string_dictionary.hpp"

#include <algorithm>
#include <limits>
#include <queue>
#include <utility>

#include "kernels/common/errors.hpp"

namespace crmpi::ingest {

std::vector<std::string> sorted_unique(std::vector<std::string> strings) {
  std::sort(strings.begin(), strings.end());  // char_traits<char>::lt compares as unsigned char
  strings.erase(std::unique(strings.begin(), strings.end()), strings.end());
  return strings;
}

std::vector<std::string> merge_sorted_unique(std::span<const std::vector<std::string>> lists) {
  // k-way merge with a heap of (list, position); equal heads collapse into one output string.
  using Head = std::pair<std::size_t, std::size_t>;
  auto greater = [&](const Head& a, const Head& b) { return lists[a.first][a.second] > lists[b.first][b.second]; };
  std::priority_queue<Head, std::vector<Head>, decltype(greater)> heap(greater);
  std::size_t total = 0;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    total += lists[i].size();
    if (!lists[i].empty()) heap.emplace(i, 0);
  }
  std::vector<std::string> out;
  out.reserve(total);
  while (!heap.empty()) {
    const auto [list, pos] = heap.top();
    heap.pop();
    const std::string& s = lists[list][pos];
    if (out.empty() || out.back() != s) out.push_back(s);
    if (pos + 1 < lists[list].size()) heap.emplace(list, pos + 1);
  }
  return out;
}

PackedStrings pack_strings(std::span<const std::string> strings) {
  PackedStrings p;
  p.offsets.reserve(strings.size() + 1);
  for (const std::string& s : strings) {
    p.bytes.insert(p.bytes.end(), s.begin(), s.end());
    p.offsets.push_back(p.bytes.size());
  }
  return p;
}

std::vector<std::string> unpack_strings(std::span<const char> bytes, std::span<const std::uint64_t> offsets) {
  std::vector<std::string> out;
  if (offsets.empty()) return out;
  out.reserve(offsets.size() - 1);
  for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
    if (offsets[i] > offsets[i + 1] || offsets[i + 1] > bytes.size()) {
      throw DataError("unpack_strings: offsets are not increasing within the byte buffer");
    }
    out.emplace_back(bytes.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }
  return out;
}

void DistinctStrings::add(std::string_view s) {
  // Transparent lookup: a std::string is only built for strings not seen yet.
  if (!seen_.contains(s)) seen_.emplace(s);
}

std::vector<std::string> DistinctStrings::take_sorted() {
  std::vector<std::string> out;
  out.reserve(seen_.size());
  for (auto it = seen_.begin(); it != seen_.end();) {
    auto node = seen_.extract(it++);
    out.push_back(std::move(node.value()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

StringDictionary StringDictionary::from_sorted_unique(std::vector<std::string> strings) {
  if (strings.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw DataError("string dictionary: more than 2^31-1 distinct strings");
  }
  for (std::size_t i = 1; i < strings.size(); ++i) {
    if (!(strings[i - 1] < strings[i])) {
      throw DataError("string dictionary: input is not sorted and unique at position " + std::to_string(i));
    }
  }
  StringDictionary d;
  d.strings_ = std::move(strings);
  d.rebuild_index();
  return d;
}

StringDictionary::StringDictionary(const StringDictionary& other) : strings_(other.strings_) { rebuild_index(); }

StringDictionary& StringDictionary::operator=(const StringDictionary& other) {
  if (this != &other) {
    strings_ = other.strings_;
    rebuild_index();
  }
  return *this;
}

void StringDictionary::rebuild_index() {
  index_.clear();
  index_.reserve(strings_.size());
  for (std::size_t i = 0; i < strings_.size(); ++i) index_.emplace(strings_[i], static_cast<std::int32_t>(i));
}

StringDictionary StringDictionary::from_strings(std::vector<std::string> strings) {
  return from_sorted_unique(sorted_unique(std::move(strings)));
}

std::int32_t StringDictionary::code_of(std::string_view s) const {
  const auto it = index_.find(s);
  return it == index_.end() ? kNoCode : it->second;
}

}  // namespace crmpi::ingest
