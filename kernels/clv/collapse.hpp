// Collapsing per-customer summaries to weighted tables of distinct keys, and merging such tables.
// Likelihoods are summed over these tables in their (sorted) order, so a fit depends only on the
// multiset of customers, never on how they were partitioned over ranks or in what order they came.
#pragma once

#include <span>
#include <vector>

#include "kernels/clv/types.hpp"

namespace crmpi::clv {

// Sort by (x, t_x, T) and add up the counts of equal keys. Input rows may carry counts > 1.
// Throws crmpi::DataError on NaN/negative values or t_x > T.
std::vector<Triple> collapse_triples(std::span<const Triple> rows);
// Convenience: one row per customer (count 1 each).
std::vector<Triple> collapse_triples(std::span<const double> x, std::span<const double> t_x,
                                     std::span<const double> T);

// Merge several tables (each may or may not be collapsed) into one sorted unique table.
std::vector<Triple> merge_triples(std::span<const std::vector<Triple>> tables);

// Same for Gamma-Gamma (x, mean_spend) pairs; rows with x <= 0 are dropped (not repeat buyers).
std::vector<SpendPair> collapse_spend(std::span<const SpendPair> rows);
std::vector<SpendPair> collapse_spend(std::vector<SpendPair>&& rows);  // reuses rows' memory
std::vector<SpendPair> collapse_spend(std::span<const double> x, std::span<const double> mean_spend);
std::vector<SpendPair> merge_spend(std::span<const std::vector<SpendPair>> tables);

// Total number of customers represented by a table.
std::uint64_t total_count(std::span<const Triple> table);
std::uint64_t total_count(std::span<const SpendPair> table);

}  // namespace crmpi::clv
