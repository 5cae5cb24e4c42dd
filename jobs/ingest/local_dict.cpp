#include "jobs/ingest/local_dict.hpp"

#include <algorithm>

#include "comm/dictionary_merge.hpp"

namespace crmpi::ingest_job {

void LocalDict::grow() {
  const std::size_t n = std::max<std::size_t>(64, slots_.size() * 2);
  slots_.assign(n, 0);
  mask_ = n - 1;
  for (std::size_t c = 0; c < strings_.size(); ++c) {
    std::size_t i = hashes_[c] & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<std::uint32_t>(c + 1);
  }
}

ingest::StringDictionary global_dictionary(const Comm& comm, const LocalDict& local, std::vector<std::uint32_t>& remap) {
  return ingest::StringDictionary::from_sorted_unique(merge_dictionary(comm, local.strings(), remap));
}

}  // namespace crmpi::ingest_job
