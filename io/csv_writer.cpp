#include "io/csv_writer.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

// A cell a spreadsheet would run as a formula: it starts with = + - @ (or a tab or carriage return,
// which some strip first), unless it is a plain number ("-0.5", "+3"): those stay numbers.
bool looks_like_formula(const std::string& s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s.front()) == std::string_view::npos) return false;
  if (s.front() == '-' || s.front() == '+') {
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && s.size() > 1) return false;  // a signed number
  }
  return true;
}

}  // namespace

std::string csv_cell(const std::string& text) {
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

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out_ << ',';
    out_ << csv_cell(fields[i]);
  }
  out_ << '\n';
}

void CsvWriter::close() {
  out_.flush();
  if (!out_) throw IoError("writing '" + path_ + "' failed (disk full?)");
  out_.close();
}

std::string csv_number(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

}  // namespace crmpi
