// The in-memory form of parsed order lines that travels through every ingest stage: parsing
// fills a LineStore, the shuffle moves it between ranks, grouping turns it into orders and items.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kernels/common/uninitialized_allocator.hpp"
#include "kernels/ingest/line_rules.hpp"

namespace crmpi::ingest_job {

inline constexpr std::uint32_t kNoCode32 = std::numeric_limits<std::uint32_t>::max();

// One kept input line (a sale), trivially copyable for the shuffle. The customer key's bytes sit
// in a separate arena (key_len bytes each, in line order); key_prefix caches its first 8 bytes so
// most comparisons never touch the arena.
struct Line {
  std::uint64_t key_prefix = 0;
  std::uint64_t key_off = 0;     // offset in the arena (recomputed after each move)
  std::uint64_t order_hash = 0;  // groups lines into orders (hash of the invoice text)
  std::uint64_t order_num = 0;   // the invoice as a number when it is one
  std::uint64_t hash = 0;        // hash of the mapped fields: exact-duplicate detection
  std::int64_t amount_cents = 0;
  std::int64_t quantity = 0;
  std::int32_t day = 0;
  std::int32_t seconds = 0;
  std::uint32_t product = kNoCode32;
  std::uint32_t region = kNoCode32;
  std::uint32_t key_len = 0;
  std::uint32_t channel = kNoCode32;  // order channel (--channel-col), local then global code
};

// First 8 bytes big-endian, zero padded: integer order of prefixes = byte order of the strings.
// One load and a byte swap (called for every kept line and in the shuffle).
inline std::uint64_t be_prefix(std::string_view s) {
  unsigned char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (!s.empty()) std::memcpy(b, s.data(), s.size() < 8 ? s.size() : 8);
  std::uint64_t v = 0;
  std::memcpy(&v, b, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

// 8-byte big-endian text of an integer: numeric ids then sort as text in numeric order.
inline std::string be_bytes(std::uint64_t v) {
  std::string s(8, '\0');
  for (std::size_t i = 0; i < 8; ++i)
    s[7 - i] = static_cast<char>(static_cast<unsigned char>((v >> (8 * i)) & 0xFFU));
  return s;
}

// be_bytes without a std::string: the same 8 bytes into `out`.
inline std::string_view be_bytes_into(std::uint64_t v, char (&out)[8]) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(out, &v, 8);
  return {out, 8};
}

// Line vectors leave lines made without arguments (resize(), emplace_back()) uninitialised, so a
// buffer sized up front becomes resident only where it is written (the shuffle's receive buffer).
// Code that wants a default line writes Line{} explicitly.
using LineVector = UninitializedVector<Line>;
static_assert(std::is_trivially_copyable_v<Line>);

struct LineStore {
  LineVector lines;
  std::string arena;
  std::string_view key(const Line& l) const { return {arena.data() + l.key_off, l.key_len}; }
  void set_key(Line& l, std::string_view k) {
    l.key_off = arena.size();
    l.key_len = static_cast<std::uint32_t>(k.size());
    l.key_prefix = be_prefix(k);
    arena.append(k);
  }
};

inline bool key_less(const LineStore& s, const Line& a, const Line& b) {
  if (a.key_prefix != b.key_prefix) return a.key_prefix < b.key_prefix;
  if (a.key_len <= 8 && b.key_len <= 8) return a.key_len < b.key_len;
  return s.key(a) < s.key(b);
}
inline bool key_equal(const LineStore& s, const Line& a, const Line& b) {
  return a.key_prefix == b.key_prefix && a.key_len == b.key_len && (a.key_len <= 8 || s.key(a) == s.key(b));
}

// A malformed line, kept for the error message or the rejects file.
struct BadLine {
  std::uint32_t file = 0;
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
  std::string reason;
  std::string raw;
};

// Counts every input line lands in exactly one of.
struct Counts {
  std::uint64_t records = 0;  // data records read (header and blank lines excluded)
  std::uint64_t blank = 0;
  std::uint64_t bad = 0;
  ingest::LineCounts rules;   // classes of the well-formed lines
  std::uint64_t duplicates = 0;
  std::uint64_t kept = 0;     // lines in the output
  std::uint64_t zero_amount = 0;  // sales with amount 0 from an amount column: kept (free purchases)
};

inline std::string_view trim(std::string_view s) {
  // Nearly every field has no blank at either end: two byte tests, then nothing to remove.
  if (s.empty() || ((s.front() != ' ' && s.front() != '\t') && (s.back() != ' ' && s.back() != '\t'))) return s;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Plain decimal digits only (no sign, no blanks), at most 19 of them.
inline std::optional<std::uint64_t> as_unsigned(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

}  // namespace crmpi::ingest_job
