// Strings spread over ranks: lists gathered on every rank, and per-rank dictionaries merged into
// one global dictionary.
//
// merge_dictionary: the global dictionary is the sorted list (byte-wise, as std::string's <) of
// the distinct strings of all ranks, so a string's code is its position there: the same codes
// whatever the rank count, the partition or the order strings were met. Every rank ends with the
// whole dictionary: meant for small vocabularies (products, regions, channels, items), not for
// per-customer keys. Communication: one allgatherv of each rank's distinct strings (bytes plus
// 8 bytes of length each); memory: the gathered lists of all ranks, then the dictionary.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/comm.hpp"

namespace crmpi {

// Every rank's `mine`, concatenated in rank order, on every rank. Collective.
std::vector<std::string> allgather_string_lists(const Comm& comm, std::span<const std::string> mine);

// The global sorted distinct strings of all ranks' `local` (strings by local code, repeats
// allowed); remap[i] is the global code of local[i]. Collective.
std::vector<std::string> merge_dictionary(const Comm& comm, std::span<const std::string> local,
                                          std::vector<std::uint32_t>& remap);

}  // namespace crmpi
