// Dense int32 codes for string ids (customers, products, countries) that do not depend on the
// order lines were read nor on how many ranks read them: the code of a string is its position in
// the byte-wise sorted list of all distinct strings.
//
// Distributed use (the driver): each rank collects its distinct strings (DistinctStrings), sorts
// them (take_sorted), packs them into flat buffers (pack_strings) for MPI, gathers the packed
// lists, and merges them (merge_sorted_unique); every rank building a StringDictionary from the
// same merged list gets the same codes. Merging is associative, so a tree reduction works too.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace crmpi::ingest {

inline constexpr std::int32_t kNoCode = -1;

// Sorts (byte-wise, as unsigned char) and removes duplicates.
std::vector<std::string> sorted_unique(std::vector<std::string> strings);

// Merges lists that are each sorted and unique into one sorted unique list.
std::vector<std::string> merge_sorted_unique(std::span<const std::vector<std::string>> lists);

// A sorted unique list in two flat arrays, ready for MPI (bytes as MPI_CHAR, offsets as
// MPI_UINT64_T): string i is bytes[offsets[i], offsets[i+1]). offsets.size() == count + 1.
struct PackedStrings {
  std::vector<char> bytes;
  std::vector<std::uint64_t> offsets{0};
  std::size_t count() const { return offsets.size() - 1; }
};
PackedStrings pack_strings(std::span<const std::string> strings);
// Throws crmpi::DataError if offsets are not non-decreasing within bytes.
std::vector<std::string> unpack_strings(std::span<const char> bytes, std::span<const std::uint64_t> offsets);

// Hash for heterogeneous lookup of string_view keys in sets/maps of std::string.
struct TransparentStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Collects the distinct strings one rank saw.
class DistinctStrings {
 public:
  void add(std::string_view s);
  std::size_t size() const { return seen_.size(); }
  std::vector<std::string> take_sorted();  // leaves the collector empty

 private:
  std::unordered_set<std::string, TransparentStringHash, std::equal_to<>> seen_;
};

class StringDictionary {
 public:
  StringDictionary() = default;
  // The index holds views into strings_: copies rebuild it, moves keep the vector's buffer.
  StringDictionary(const StringDictionary& other);
  StringDictionary& operator=(const StringDictionary& other);
  StringDictionary(StringDictionary&&) noexcept = default;
  StringDictionary& operator=(StringDictionary&&) noexcept = default;
  ~StringDictionary() = default;
  // Throws crmpi::DataError unless strictly increasing, or when more than INT32_MAX strings.
  static StringDictionary from_sorted_unique(std::vector<std::string> strings);
  static StringDictionary from_strings(std::vector<std::string> strings);  // sorts and dedups first

  std::int32_t code_of(std::string_view s) const;  // kNoCode when absent
  const std::string& string_of(std::int32_t code) const { return strings_.at(static_cast<std::size_t>(code)); }
  std::size_t size() const { return strings_.size(); }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  void rebuild_index();

  std::vector<std::string> strings_;
  std::unordered_map<std::string_view, std::int32_t> index_;  // views into strings_
};

}  // namespace crmpi::ingest
