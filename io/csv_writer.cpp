#include "io/csv_writer.hpp"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

// A cell a spreadsheet would run as a formula: it starts with = + - @ (or a tab or carriage return,
// which some strip first), unless it is a plain number ("-0.5", "+3"): those stay numbers.
bool looks_like_formula(const std::string& s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s.front()) == std::string_view::npos) return false;
  if ((s.front() == '-' || s.front() == '+') && s.size() > 1 &&
      ((s[1] >= '0' && s[1] <= '9') || s[1] == '.')) {  // not "--5", "-inf": only digits after the sign
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && s.size() > 1) return false;  // a signed number
  }
  return true;
}

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // UTF-16 surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;  // ASCII: most cells
  if (i == text.size()) return std::string(text);
  std::string out(text.substr(0, i));
  while (i < text.size()) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER, one per bad byte
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string csv_cell(const std::string& raw) {
  // Every file is UTF-8 whatever the input's names were (a Latin-1 export, say).
  const std::string text = valid_utf8(raw);
  // OWASP's guard against CSV injection: a leading apostrophe makes the cell text.
  const std::string s = looks_like_formula(text) ? "'" + text : text;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& header)
    : path_(path), out_(path), buf_(std::make_unique<char[]>(kBlock + kRoom)) {
  if (!out_) throw IoError("cannot write '" + path + "'");
  row(header);
}

void CsvWriter::put(std::string_view s) {
  if (used_ + s.size() > kBlock + kRoom) {
    write_out();
    if (s.size() > kBlock) {  // a cell longer than the buffer goes straight to the file
      out_.write(s.data(), static_cast<std::streamsize>(s.size()));
      return;
    }
  }
  std::memcpy(buf_.get() + used_, s.data(), s.size());
  used_ += s.size();
}

void CsvWriter::write_out() {
  out_.write(buf_.get(), static_cast<std::streamsize>(used_));
  used_ = 0;
}

namespace {

// Most cells are plain ASCII that needs neither quotes nor the formula guard: they are written as
// they are (csv_cell would return them unchanged). The rest take csv_cell's way.
bool plain_cell(std::string_view text) {
  bool plain = text.empty() || std::string_view("=+-@\t\r").find(text.front()) == std::string_view::npos;
  for (std::size_t i = 0; plain && i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    plain = c < 0x80 && c != ',' && c != '"' && c != '\r' && c != '\n';
  }
  return plain;
}

}  // namespace

CsvCell::CsvCell(std::string_view text)
    : plain_(plain_cell(text)), bytes_(plain_ ? std::string(text) : csv_cell(std::string(text))) {
  size_ = bytes_.size();
  if (size_ <= kHead) std::memcpy(head_.data(), bytes_.data(), size_);
}

CsvJoin::CsvJoin(const std::vector<CsvCell>& parts, std::string_view sep) : parts_(parts), sep_(sep) {
  if (sep.size() > kMaxSep) return;
  for (const CsvCell& c : parts)
    if (!c.plain() || sep.size() + c.size() > kSlot) return;
  slots_.resize(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Slot& s = slots_[i];
    std::memcpy(s.bytes.data(), sep.data(), sep.size());
    std::memcpy(s.bytes.data() + sep.size(), parts[i].bytes().data(), parts[i].size());
    s.size = sep.size() + parts[i].size();
  }
  fast_ = true;
}

void CsvWriter::cell(std::string_view text) {
  if (plain_cell(text))
    put(text);
  else
    put(csv_cell(std::string(text)));
}

CsvWriter& CsvWriter::text(const CsvCell& c) {
  separate();
  put_cell(c);
  return *this;
}

CsvWriter& CsvWriter::text(std::string_view s) {
  separate();
  cell(s);
  return *this;
}

CsvWriter& CsvWriter::number(double v, int decimals) {
  separate();
  char* const at = room(32);
  if (char* end = fixed_digits(v, decimals, at)) {
    used_ = static_cast<std::size_t>(end - buf_.get());  // digits, '.', a leading '-': what cell() would pass as it is
  } else {
    cell(csv_number(v, decimals));  // inf, nan, huge: cell() as row() would (it guards "-inf")
  }
  return *this;
}

CsvWriter& CsvWriter::integer(std::uint64_t n) {
  separate();
  char* const at = room(24);
  used_ = static_cast<std::size_t>(std::to_chars(at, at + 24, n).ptr - buf_.get());
  return *this;
}

void CsvWriter::end_row() {
  in_row_ = false;
  flush_if_full();
}

void CsvWriter::flush_if_full() {
  *room(1) = '\n';
  ++used_;
  if (used_ >= kBlock) write_out();
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) put(",");
    cell(fields[i]);
  }
  flush_if_full();
}

void CsvWriter::row(std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (const std::string_view f : fields) {
    if (!first) put(",");
    first = false;
    cell(f);
  }
  flush_if_full();
}

void CsvWriter::close() {
  write_out();
  out_.flush();
  if (!out_) throw IoError("writing '" + path_ + "' failed (disk full?)");
  out_.close();
}

namespace {
// "00" .. "99": two digits of a number per lookup.
constexpr char kTwoDigits[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
}  // namespace

// Why by hand: std::to_chars with a precision (libstdc++'s Ryu printf) takes ~47 ns a number on
// this project's VM, and the rules' CSVs hold five per rule (millions of rules); the values are
// mostly in [0, 1e6] at 9 decimals, where the exact decimal is an integer computation. v = m x 2^e
// (m < 2^53), so v x 10^d = m x 5^d x 2^(e + d) with m x 5^d < 2^74: one 128-bit product and a
// shift, the bits shifted out deciding the rounding (half to even on an exact tie, as printf and
// to_chars round the exact value). Tested against printf over many magnitudes and the ties.
// ~22 -> ~14.5 ns a number with the 64-bit rounding and the two-digit steps below (3M numbers of
// the rules' kinds, a stand-alone loop).
char* fixed_digits(double v, int decimals, char* out) {
  if (!std::isfinite(v) || decimals < 0 || decimals > 9) return nullptr;
  __extension__ using U128 = unsigned __int128;
  static constexpr std::uint64_t kPow5[10] = {1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125};
  static constexpr std::uint64_t kPow10[10] = {1,         10,         100,         1000,         10000,
                                               100000,    1000000,    10000000,    100000000,    1000000000};
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const int biased = static_cast<int>(bits >> 52 & 0x7ff);
  std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
  int e = -1074;  // subnormal
  if (biased != 0) {
    m |= std::uint64_t{1} << 52;
    e = biased - 1075;
  }
  const U128 n = static_cast<U128>(m) * kPow5[decimals];
  const int s = e + decimals;
  std::uint64_t q = 0;  // round(|v| x 10^decimals)
  if (s >= 0) {
    if (s > 63 || (n >> (63 - s)) != 0) return nullptr;  // 2^63 or more
    q = static_cast<std::uint64_t>(n << s);
  } else if (-s < 64) {  // |v| from ~1e-10 up at 9 decimals: the same in 64-bit halves
    const int r = -s;  // 1..63
    const auto lo = static_cast<std::uint64_t>(n), hi = static_cast<std::uint64_t>(n >> 64);
    if ((hi >> r) != 0) return nullptr;  // 2^64 or more
    std::uint64_t t = (lo >> r) | (hi << (64 - r));
    const std::uint64_t rem = lo & ((std::uint64_t{1} << r) - 1), half = std::uint64_t{1} << (r - 1);
    t += (rem > half || (rem == half && (t & 1) != 0)) ? 1 : 0;
    if ((t >> 63) != 0) return nullptr;
    q = t;
  } else if (-s < 128) {  // from 128 on, n < 2^74 is far below half of 2^-s: q = 0
    const int r = -s;
    U128 t = n >> r;
    const U128 rem = n - (t << r), half = static_cast<U128>(1) << (r - 1);
    if (rem > half || (rem == half && (t & 1) != 0)) ++t;
    if ((t >> 63) != 0) return nullptr;
    q = static_cast<std::uint64_t>(t);
  }
  char* p = out;
  if (bits >> 63) *p++ = '-';  // printf's sign, -0.000 included
  std::uint64_t ip = 0, f = 0;
  switch (decimals) {  // the usual ones by constant divisors: multiplications, not a division
    case 9: ip = q / 1000000000; f = q % 1000000000; break;
    case 6: ip = q / 1000000; f = q % 1000000; break;
    default: ip = q / kPow10[decimals]; f = q % kPow10[decimals];
  }
  if (ip < 10)
    *p++ = static_cast<char>('0' + ip);
  else
    p = std::to_chars(p, p + 21, ip).ptr;
  if (decimals > 0) {
    *p++ = '.';
    // f's digits padded to nine (f' = f x 10^(9 - decimals) < 10^9), two at a time by fixed-point
    // steps instead of nine dependent divisions by 10: y / 2^57 = f' / 10^8 + e with 0 <= e <
    // 1.7e-9 (1441151881 = ceil(2^57 / 10^8)), and a step's x100 leaves e x 100^k below the gap
    // to the next digit (checked for every f' < 10^9 when this was written). Then the first
    // `decimals` of them.
    constexpr std::uint64_t kMask = (std::uint64_t{1} << 57) - 1;
    std::uint64_t y = f * kPow10[9 - decimals] * 1441151881u;
    char d[9];
    d[0] = static_cast<char>('0' + (y >> 57));
    for (int k = 1; k < 9; k += 2) {
      y = (y & kMask) * 100;
      const auto two = static_cast<unsigned>(y >> 57);
      d[k] = kTwoDigits[2 * two];
      d[k + 1] = kTwoDigits[2 * two + 1];
    }
    std::memcpy(p, d, 9);  // out has room for the padding (at least 32 bytes)
    p += decimals;
  }
  return p;
}

// std::to_chars (fixed notation at the given precision, correctly rounded, no locale) rather than
// fmt with a runtime precision: the same correctly rounded digits, without parsing a format
// string per cell; fixed_digits first, which gives the same digits faster.
std::string csv_number(double v, int decimals) {
  char buf[512];  // DBL_MAX has 309 integer digits; decimals are checked below
  if (decimals < 0 || decimals > 100) throw std::invalid_argument("csv_number: decimals must be in 0..100");
  if (char* end = fixed_digits(v, decimals, buf)) return std::string(buf, end);
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return fmt::format("{:.{}f}", v, decimals);  // cannot happen at this size
  return std::string(buf, end);
}

}  // namespace crmpi
