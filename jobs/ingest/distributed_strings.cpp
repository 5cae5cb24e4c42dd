#include "jobs/ingest/distributed_strings.hpp"

#include <algorithm>
#include <span>

#include "kernels/common/merge_runs.hpp"
#include "kernels/common/sort_unique.hpp"

namespace crmpi::ingest_job {

std::vector<std::string> allgather_string_lists(const Comm& comm, const std::vector<std::string>& mine) {
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
  for (auto n : all_lens) {
    all.emplace_back(all_bytes.data() + pos, n);
    pos += n;
  }
  return all;
}

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

ingest::StringDictionary merge_dictionary(const Comm& comm, const LocalDict& local, std::vector<std::uint32_t>& remap) {
  auto dict = ingest::StringDictionary::from_strings(
      allgather_string_lists(comm, ingest::sorted_unique(local.strings())));
  remap.resize(local.size());
  for (std::size_t i = 0; i < remap.size(); ++i) remap[i] = static_cast<std::uint32_t>(dict.code_of(local.strings()[i]));
  return dict;
}

void SeenIds::compact() {
  std::vector<std::uint64_t> scratch;
  sorted_ = merge_unique_tail_u64(ids_, sorted_, scratch);
  next_compaction_ = std::max(kMinCompaction, 2 * sorted_);
}

std::vector<std::uint64_t> SeenIds::values() const {
  std::vector<std::uint64_t> v = ids_, scratch;
  merge_unique_tail_u64(v, sorted_, scratch);
  return v;
}

std::uint64_t distinct_count(const Comm& comm, const SeenIds& seen) {
  const auto p = static_cast<std::uint64_t>(comm.size());
  std::vector<std::vector<std::uint64_t>> by(static_cast<std::size_t>(p));
  for (auto h : seen.values()) by[h % p].push_back(h);
  std::vector<std::uint64_t> send, counts;
  for (auto& b : by) {
    counts.push_back(b.size());
    send.insert(send.end(), b.begin(), b.end());
  }
  std::vector<std::uint64_t> recv_counts;
  auto recv = comm.alltoallv<std::uint64_t>(send, counts, &recv_counts);
  // recv is one ascending run per source rank: merge them, then drop repeats.
  merge_sorted_runs(recv.begin(), recv_counts);
  const auto distinct = static_cast<std::uint64_t>(std::unique(recv.begin(), recv.end()) - recv.begin());
  return comm.allreduce_sum(distinct);
}

}  // namespace crmpi::ingest_job
