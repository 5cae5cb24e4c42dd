// Strings distinct on this rank (products, regions, channels, attributes) with local codes, and
// their global dictionary agreed by all ranks (comm/dictionary_merge).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// Global sorted dictionary of every rank's strings, and this rank's local -> global code map.
// Collective.
ingest::StringDictionary global_dictionary(const Comm& comm, const LocalDict& local, std::vector<std::uint32_t>& remap);

}  // namespace crmpi::ingest_job
