// Test-only loaders for the CDNOW files in $CRMPI_SHARED_DATA/cdnow (tests skip when absent,
// fail under CI=true: shared_data.hpp).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "shared_data.hpp"

namespace cdnow {

// Path of a CDNOW file, or "" when absent.
inline std::string data_path(const std::string& file) { return crmpi_test::shared_data_file("cdnow/" + file); }

struct SummaryRow {
  int id;
  double x, t_x, T, zbar;
};

// cdnow_summary_39w.csv: ID,x,t_x,T,zbar (Fader & Hardie's 39-week calibration summary).
inline std::vector<SummaryRow> read_summary(const std::string& path) {
  std::ifstream in(path);
  std::vector<SummaryRow> rows;
  if (!in) return rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    SummaryRow r{};
    char c = 0;
    std::istringstream ss(line);
    ss >> r.id >> c >> r.x >> c >> r.t_x >> c >> r.T >> c >> r.zbar;
    if (ss) rows.push_back(r);
  }
  return rows;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
inline std::int32_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Order {
  std::int32_t day;
  double dollars;
};

// CDNOW_sample.txt: master_id sample_id date(YYYYMMDD) cds dollars; returns sample_id -> orders
// in file order.
inline std::map<int, std::vector<Order>> read_orders(const std::string& path) {
  std::ifstream in(path);
  std::map<int, std::vector<Order>> out;
  long master = 0, date = 0;
  int sample = 0, cds = 0;
  double dollars = 0;
  while (in >> master >> sample >> date >> cds >> dollars) {
    const int y = static_cast<int>(date / 10000), m = static_cast<int>(date / 100 % 100), d = static_cast<int>(date % 100);
    out[sample].push_back({days_from_civil(y, m, d), dollars});
  }
  return out;
}

}  // namespace cdnow
