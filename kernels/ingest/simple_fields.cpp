#include "kernels/ingest/simple_fields.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace crmpi::ingest {
namespace {

// The field state carried from one special byte (delimiter or quote) to the next.
struct Scan {
  const char* end;
  char delimiter, quote;
  std::string_view* next;        // where the next field goes
  std::string_view* const last;  // one past the caller's array
  const char* field_start;
  const char* quoted_start = nullptr;  // non-null inside a quoted field
  bool last_pushed = false;            // a closing quote ended the line

  // False when the line is not simple.
  bool at(const char* s) {
    if (quoted_start != nullptr) {
      if (*s != quote) return true;  // a delimiter inside quotes is data
      const char* after = s + 1;
      if (after != end && *after != delimiter) return false;  // "" escape or text after the quote
      if (next == last) return false;
      *next++ = std::string_view(quoted_start, static_cast<std::size_t>(s - quoted_start));
      quoted_start = nullptr;
      if (after == end) last_pushed = true;
      field_start = after + 1;  // the delimiter at `after` is skipped below
      return true;
    }
    if (s < field_start) return true;  // the delimiter right after a closing quote
    if (*s == delimiter) {
      if (next == last) return false;
      *next++ = std::string_view(field_start, static_cast<std::size_t>(s - field_start));
      field_start = s + 1;
      return true;
    }
    if (s != field_start) return false;  // a quote inside an unquoted field: literal, general path
    quoted_start = s + 1;
    return true;
  }
};

}  // namespace

std::size_t split_simple_fields(const char* begin, const char* end, const char* readable_end, char delimiter, char quote,
                                std::span<std::string_view> out) {
  Scan scan{end, delimiter, quote, out.data(), out.data() + out.size(), begin};
  const char* p = begin;
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delimiter), q = _mm_set1_epi8(quote);
  for (; p < end && readable_end - p >= 16; p += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, d),
                                                                          _mm_cmpeq_epi8(block, q))));
    if (end - p < 16) mask &= (1U << (end - p)) - 1U;  // bytes past the line are not its own
    while (mask != 0) {
      if (!scan.at(p + std::countr_zero(mask))) return kNotSimple;
      mask &= mask - 1;
    }
  }
#endif
  for (; p < end; ++p)  // no SSE2, or the last bytes of the buffer
    if ((*p == delimiter || *p == quote) && !scan.at(p)) return kNotSimple;
  if (scan.quoted_start != nullptr) return kNotSimple;  // unterminated: the general path reports it
  if (!scan.last_pushed) {
    if (scan.next == scan.last) return kNotSimple;
    *scan.next++ = std::string_view(scan.field_start, static_cast<std::size_t>(end - scan.field_start));
  }
  return static_cast<std::size_t>(scan.next - out.data());
}

}  // namespace crmpi::ingest
