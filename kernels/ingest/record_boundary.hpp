// Where records start, so that a file split into byte ranges is read with every record exactly once.
//
// Rule: a record starts at offset 0 (after a UTF-8 BOM) or right after a '\n'. A byte range
// [begin, end) owns the records that START in it; a record that straddles `end` is read whole by
// the range where it starts, and the next range skips it. So a range with begin > 0 starts at
// the first byte after the first '\n' at or after begin - 1 (a range starting exactly on a record
// start keeps it).
//
// Quoted newlines: with RFC 4180 a '\n' inside a quoted field is data, and whether a given '\n'
// is inside quotes cannot be decided from the middle of a file (quote-parity guessing, as some
// parallel CSV readers do, fails on fields like `12"" single`). crmpi therefore REQUIRES no
// newlines inside quoted fields when a file is split by byte range, and detects violations: the
// range owning the record's first line parses it with Dialect::allow_quoted_newlines = false, so
// the opening quote is not closed on its line and the record is reported as kUnterminatedQuote
// (the driver turns it into a DataError naming file and offset, suggesting a single-range or
// gzip read, which parse sequentially and accept quoted newlines).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace crmpi::ingest {

inline constexpr std::size_t kNoRecordStart = static_cast<std::size_t>(-1);

// First record start p >= offset in `buffer`: p == 0 or buffer[p - 1] == '\n'. `buffer` holds the
// file from some position at or before the range begin, `offset` is the begin relative to it, and
// buffer position 0 counts as a record start (so pass file offset 0 or read from begin - 1).
// Returns kNoRecordStart when no '\n' at or after offset - 1 is in the buffer (read on, retry).
std::size_t find_record_start(std::string_view buffer, std::size_t offset);

// Byte range [begin, end) of part `part` of `nparts` equal shares of a file of `size` bytes.
struct ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};
ByteRange share_of(std::uint64_t size, int part, int nparts);

}  // namespace crmpi::ingest
