// Content validation of an untrusted input file, run on every rank's slice before any work.
//
// Structural problems (missing datasets, wrong types or lengths) are caught when the file is
// opened (InputFile); this checks the values: keys sorted and unique, offsets monotonic and in
// range, orders belonging to the customer whose range holds them, days in a sane range and
// sorted per customer, money non-negative and not absurd, codes inside their dictionaries,
// products known, quantities and NPS scores in range.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/input_file.hpp"
#include "io/order_chunks.hpp"

namespace crmpi {

struct Problem {
  std::string dataset;
  std::uint64_t row = 0;
  std::string value;
  std::string message;
  std::string format() const;  // "/orders/amount_cents row 12: value -5: negative amount"
};

struct ValidationReport {
  std::vector<Problem> shown;  // the first problems by (dataset, row), at most max_shown
  std::uint64_t total = 0;     // all problems found
  std::uint64_t rows_checked = 0;
  // Position-keyed checksum of the key datasets (customer ids, order offsets, order days and
  // amounts): the input's identity in provenance records, the same at any rank count.
  std::uint64_t checksum = 0;
  std::string checksum_hex() const;
  bool ok() const { return total == 0; }
  std::string format(const std::string& path) const;
};

// A rank's customers as validation reads them: kept, so the stages do not read them again.
struct SliceCustomers {
  std::vector<std::uint64_t> id;            // n
  std::vector<std::uint64_t> order_offset;  // n + 1, absolute rows of /orders
  std::vector<std::int32_t> signup_day;     // n, or empty when the input has no signup days
};

// Work that rides on validation's pass over the orders, so that a job reads them once. `begin`
// runs before the first chunk (not at all when the offsets are broken: the report then fails);
// `chunk` sees each chunk in order, unless the chunk itself holds an invalid value (the report
// then fails too, and no stage ever computes on a value validation refused). The chunks carry the
// columns validation reads (day, amount, customer id; channel and item offsets where present) plus
// `extra`.
struct OrderPassHooks {
  OrderColumns extra;
  std::function<void(const SliceCustomers&)> begin;
  std::function<void(const OrderChunk&)> chunk;
};

// Collective. Every rank gets the same report. `customers` (optional) receives the rank's
// customers; `hooks` (optional) ride on the pass over the orders.
ValidationReport validate_content(InputFile& in, const Comm& comm, const Slice& slice,
                                  std::size_t max_shown = 20, std::uint64_t chunk_rows = 1u << 22,
                                  const OrderPassHooks* hooks = nullptr, SliceCustomers* customers = nullptr);

}  // namespace crmpi
