// Whether the first line of a delimited file, read as a header, is really a data record.
//
// A header names its columns; a data record holds ids, dates, counts and amounts. When every
// field of the first line parses as a number or a date, the file almost certainly has no header
// (CDNOW_sample.txt: ` 00004 0001 19970101  2   29.33`), and taking that line as the header
// loses a record and, worse, lets a 1-based column index such as `2` match a field named "2".
#pragma once

#include <span>
#include <string_view>

namespace crmpi::ingest {

// True when `fields` is non-empty and every field, blanks trimmed, is a decimal number
// (exact_number.hpp's grammar) or a date (date_parse.hpp's formats). An empty field counts as
// neither, so a line with one is not taken for data.
bool header_looks_like_data(std::span<const std::string_view> fields);

}  // namespace crmpi::ingest
