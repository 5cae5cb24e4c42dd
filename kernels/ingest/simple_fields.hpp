// Single-pass field splitting of the common delimited line: every field either holds no quote
// char, or is wholly quoted ("...") without "" escapes and followed by the delimiter or the end of
// the line. One scan finds delimiters and quotes together (16 bytes at a time with SSE2), instead
// of one memchr for the quote test and one per field.
//
// Anything else (a "" escape, a quote inside an unquoted field, text after a closing quote, an
// unterminated quote) returns false and the caller uses the general splitter
// (field_splitter.hpp), so the fields found here are exactly the general splitter's.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace crmpi::ingest {

// Splits [begin, end) (one line without its terminator) into out[0..n) and returns n, or
// kNotSimple when the line is not simple or has more than out.size() fields (`out` then holds
// garbage). Bytes up to `readable_end` (>= end, e.g. the end of the caller's buffer) may be
// loaded but are never looked at, so the line's last bytes take a 16-byte load too instead of a
// byte loop. Fields go to a fixed array, not a vector: no capacity test per field.
inline constexpr std::size_t kNotSimple = static_cast<std::size_t>(-1);
std::size_t split_simple_fields(const char* begin, const char* end, const char* readable_end, char delimiter, char quote,
                                std::span<std::string_view> out);

}  // namespace crmpi::ingest
