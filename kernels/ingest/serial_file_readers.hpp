// Which ranks read each gzip input. A gzip stream can only be inflated from its start, so every
// reader of a file pays its whole inflate; with several gzip files the ranks are spread over them
// instead of all inflating all of them:
//   - at least as many files as ranks: each file is read by one rank, the largest files first,
//     each to the rank with the fewest compressed bytes so far (ties: the lower rank), i.e.
//     longest-processing-time-first by size;
//   - fewer files than ranks: every file gets a group of consecutive ranks, one rank each and the
//     others one by one to the file with the most compressed bytes per reader (ties: the lower
//     file index); a group's readers share its records round-robin.
// Pure and deterministic: every rank computes the same table from the same sizes. What the job
// outputs does not depend on it (records keep file-global numbers).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace crmpi::ingest {

// readers[f] = the ranks (ascending) that read file f, given each file's size in bytes.
std::vector<std::vector<int>> serial_file_readers(std::span<const std::uint64_t> sizes, int ranks);

}  // namespace crmpi::ingest
