// The distinct 64-bit values (id hashes) of a stream, without a hash set. Exports list an
// invoice's (and often a customer's) lines together, so a repeat of the previous value is skipped
// at once; other values are appended, and whenever the list has doubled since the last time the
// new tail is radix-sorted, deduplicated and merged into the sorted distinct part. (A hash set
// took a cache miss per new id: 2.5M invoices on one rank were ~10% of ingest; re-sorting the
// whole list each time, ~5%.) Memory: the distinct values plus at most as many appended ones.
// Counting them over all ranks: comm/distinct_count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace crmpi {

class SeenIds {
 public:
  void add(std::uint64_t h) {
    if (h == last_ && any_) return;
    last_ = h;
    any_ = true;
    ids_.push_back(h);
    if (ids_.size() >= next_compaction_) compact();
  }
  // The distinct values, ascending.
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

}  // namespace crmpi
