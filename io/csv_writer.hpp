// Minimal RFC 4180 CSV writer for the aggregate tables BI tools read (one rank writes).
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace crmpi {

class CsvWriter {
 public:
  CsvWriter(const std::string& path, const std::vector<std::string>& header);
  void row(const std::vector<std::string>& fields);
  void close();  // flushes; IoError if the disk refused the bytes

 private:
  std::string path_;
  std::ofstream out_;
};

std::string csv_number(double v, int decimals = 6);  // fixed notation, no locale

}  // namespace crmpi
