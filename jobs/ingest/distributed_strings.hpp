// Strings and ids spread over the ranks: per-rank dictionaries merged into one global sorted
// dictionary, string lists gathered on every rank, and distinct counts of hashed ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/ingest/string_dictionary.hpp"

namespace crmpi::ingest_job {

// Strings distinct on this rank, with local codes in first-seen order.
struct LocalDict {
  std::unordered_map<std::string, std::uint32_t, ingest::TransparentStringHash, std::equal_to<>> index;
  std::vector<std::string> strings;
  std::uint32_t code(std::string_view s) {
    auto it = index.find(s);
    if (it != index.end()) return it->second;
    const auto c = static_cast<std::uint32_t>(strings.size());
    strings.emplace_back(s);
    index.emplace(std::string(s), c);
    return c;
  }
};

// Every rank's `mine`, concatenated in rank order, on every rank.
std::vector<std::string> allgather_string_lists(const Comm& comm, const std::vector<std::string>& mine);

// Global sorted dictionary of every rank's strings, and this rank's local -> global code map.
ingest::StringDictionary merge_dictionary(const Comm& comm, const LocalDict& local, std::vector<std::uint32_t>& remap);

// Hashes of ids seen on this rank; exports list an invoice's (and often a customer's) lines
// together, so repeats of the previous id are skipped before they reach the set.
struct SeenIds {
  std::vector<std::uint64_t> hashes;
  void add(std::uint64_t h) {
    if (hashes.empty() || hashes.back() != h) hashes.push_back(h);
    if (hashes.size() >= (std::size_t{1} << 20) && hashes.size() % (std::size_t{1} << 20) == 0) compact();
  }
  void compact();
};

// Number of distinct 64-bit hashes over all ranks: each hash goes to rank hash % P.
std::uint64_t distinct_count(const Comm& comm, SeenIds& seen);

}  // namespace crmpi::ingest_job
