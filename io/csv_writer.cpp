#include "io/csv_writer.hpp"

#include <fmt/format.h>

#include <charconv>
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

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& header) : path_(path), out_(path) {
  if (!out_) throw IoError("cannot write '" + path + "'");
  row(header);
}

void CsvWriter::cell(std::string_view text) {
  // Most cells are plain ASCII that needs neither quotes nor the formula guard: they go as they
  // are (csv_cell would return them unchanged). The rest take csv_cell's way.
  bool plain = text.empty() || std::string_view("=+-@\t\r").find(text.front()) == std::string_view::npos;
  for (std::size_t i = 0; plain && i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    plain = c < 0x80 && c != ',' && c != '"' && c != '\r' && c != '\n';
  }
  if (plain)
    buffer_.append(text);
  else
    buffer_ += csv_cell(std::string(text));
}

void CsvWriter::flush_if_full() {
  buffer_ += '\n';
  if (buffer_.size() < (1u << 20)) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) buffer_ += ',';
    cell(fields[i]);
  }
  flush_if_full();
}

void CsvWriter::row(std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (const std::string_view f : fields) {
    if (!first) buffer_ += ',';
    first = false;
    cell(f);
  }
  flush_if_full();
}

void CsvWriter::close() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
  if (!out_) throw IoError("writing '" + path_ + "' failed (disk full?)");
  out_.close();
}

// std::to_chars (fixed notation at the given precision, correctly rounded, no locale) rather than
// fmt with a runtime precision:
// the same correctly rounded digits, without parsing a format string per cell (a fifth of writing
// chess's 552,564 rules).
std::string csv_number(double v, int decimals) {
  char buf[512];  // DBL_MAX has 309 integer digits; decimals are checked below
  if (decimals < 0 || decimals > 100) throw std::invalid_argument("csv_number: decimals must be in 0..100");
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return fmt::format("{:.{}f}", v, decimals);  // cannot happen at this size
  return std::string(buf, end);
}

}  // namespace crmpi
