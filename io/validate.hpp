// Content validation of an untrusted input file, run on every rank's slice before any work.
//
// Structural problems (missing datasets, wrong types or lengths) are caught when the file is
// opened (InputFile); this checks the values: keys sorted and unique, offsets monotonic and in
// range, orders belonging to the customer whose range holds them, days in a sane range and
// sorted per customer, money non-negative and not absurd, codes inside their dictionaries,
// products known, quantities and NPS scores in range.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/input_file.hpp"

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

// Collective. Every rank gets the same report.
ValidationReport validate_content(InputFile& in, const Comm& comm, const Slice& slice,
                                  std::size_t max_shown = 20, std::uint64_t chunk_rows = 1u << 22);

}  // namespace crmpi
