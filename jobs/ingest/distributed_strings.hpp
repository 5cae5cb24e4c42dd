// Strings and ids spread over the ranks: per-rank dictionaries merged into one global sorted
// dictionary, string lists gathered on every rank, and distinct counts of hashed ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/ingest/line_rules.hpp"
#include "kernels/ingest/short_text.hpp"
#include "kernels/ingest/string_dictionary.hpp"

namespace crmpi::ingest_job {

// Strings distinct on this rank, with local codes in first-seen order. Looked up once per input
// line (products, regions), so it is an open-addressing table of codes keyed by the string's
// hash (short_hash; XXH3 past 16 bytes): one probe into a flat array, no node per string.
class LocalDict {
 public:
  std::uint32_t code(std::string_view s) {
    if (4 * (strings_.size() + 1) > 3 * slots_.size()) grow();
    const std::uint64_t h = ingest::short_hash(s, ingest::raw_line_hash);  // only compared within this table
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint32_t slot = slots_[i];
      if (slot == 0) {
        const auto c = static_cast<std::uint32_t>(strings_.size());
        strings_.emplace_back(s);
        hashes_.push_back(h);
        slots_[i] = c + 1;
        return c;
      }
      if (hashes_[slot - 1] == h && ingest::equal_short(strings_[slot - 1], s)) return slot - 1;
    }
  }
  const std::vector<std::string>& strings() const { return strings_; }
  std::size_t size() const { return strings_.size(); }

 private:
  void grow();
  std::vector<std::string> strings_;  // by code
  std::vector<std::uint64_t> hashes_;  // by code
  std::vector<std::uint32_t> slots_;   // code + 1, 0 = empty; size a power of two
  std::size_t mask_ = 0;
};

// Every rank's `mine`, concatenated in rank order, on every rank.
std::vector<std::string> allgather_string_lists(const Comm& comm, const std::vector<std::string>& mine);

// Global sorted dictionary of every rank's strings, and this rank's local -> global code map.
ingest::StringDictionary merge_dictionary(const Comm& comm, const LocalDict& local, std::vector<std::uint32_t>& remap);

// Distinct 64-bit hashes of ids seen on this rank. Exports list an invoice's (and often a
// customer's) lines together, so a repeat of the previous id is skipped at once; other ids are
// appended, and whenever the list has doubled since the last time the new tail is radix-sorted,
// deduplicated and merged into the sorted distinct part. (A hash set took a cache miss per new
// id: 2.5M invoices on one rank were ~10% of ingest; re-sorting the whole list each time, ~5%.)
class SeenIds {
 public:
  void add(std::uint64_t h) {
    if (h == last_ && any_) return;
    last_ = h;
    any_ = true;
    ids_.push_back(h);
    if (ids_.size() >= next_compaction_) compact();
  }
  // The distinct hashes, ascending.
  std::vector<std::uint64_t> values() const;

 private:
  void compact();
  static constexpr std::size_t kMinCompaction = std::size_t{1} << 20;
  std::vector<std::uint64_t> ids_;  // sorted and unique up to sorted_, then appended
  std::size_t sorted_ = 0;
  std::size_t next_compaction_ = kMinCompaction;
  std::uint64_t last_ = 0;
  bool any_ = false;
};

// Number of distinct 64-bit hashes over all ranks: each hash goes to rank hash % P.
std::uint64_t distinct_count(const Comm& comm, const SeenIds& seen);

}  // namespace crmpi::ingest_job
