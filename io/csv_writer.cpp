#include "io/csv_writer.hpp"

#include <fmt/format.h>

#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {
std::string quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}
}  // namespace

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& header) : path_(path), out_(path) {
  if (!out_) throw IoError("cannot write '" + path + "'");
  row(header);
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out_ << ',';
    out_ << quote(fields[i]);
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
