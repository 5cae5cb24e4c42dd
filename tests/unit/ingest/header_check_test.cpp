// header_looks_like_data: the first lines of the real exports (copied from the files in
// ../shared/data with `head -1`) classified by hand: a header has at least one name.
#include "kernels/ingest/header_check.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "kernels/ingest/field_splitter.hpp"

namespace crmpi::ingest {
namespace {

bool first_line_is_data(std::string_view line, Dialect dialect) {
  FieldSplitter s(dialect);
  EXPECT_EQ(s.split(line, 0, true), SplitStatus::kOk);
  const auto f = s.fields();
  return header_looks_like_data(std::vector<std::string_view>(f.begin(), f.end()));
}

TEST(HeaderLooksLikeData, HeaderlessExportsAreData) {
  // CDNOW_sample.txt line 1: master id, sample id, YYYYMMDD date, CDs, dollars (CRLF in the file).
  EXPECT_TRUE(first_line_is_data(" 00004 0001 19970101  2   29.33\r\n", Dialect::whitespace()));
  // groceryElog.csv has a header; a line of it without one: customer, ISO date.
  EXPECT_TRUE(first_line_is_data("1,2006-01-01\n", Dialect::comma()));
  // Slash dates, timestamps, signs and a decimal point are values too.
  EXPECT_TRUE(first_line_is_data("17850,12/1/2010 8:26,-6,2.55\n", Dialect::comma()));
  // A number beyond int64 micro-units or with 7 decimals is still no column name.
  EXPECT_TRUE(first_line_is_data("99999999999999999999,0.1234567\n", Dialect::comma()));
}

TEST(HeaderLooksLikeData, RealHeadersAreHeaders) {
  EXPECT_FALSE(first_line_is_data(" customer_id  date number_of_cds  dollar_value\n", Dialect::whitespace()));
  EXPECT_FALSE(first_line_is_data(
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n", Dialect::comma()));
  EXPECT_FALSE(first_line_is_data("cust,date\n", Dialect::comma()));
  // One name among numbers is enough: a header may name a column "2019".
  EXPECT_FALSE(first_line_is_data("2019,2020,region\n", Dialect::comma()));
}

TEST(HeaderLooksLikeData, DataLinesWithTextOrGapsAreNotTakenForData) {
  // A UCI data line (text fields): taken for a header by this test, as it should be: the column
  // mapping then reports the missing column names instead.
  EXPECT_FALSE(first_line_is_data("536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,UK\n",
                                  Dialect::comma()));
  EXPECT_FALSE(first_line_is_data("17850,,2.55\n", Dialect::comma()));  // an empty field is no value
  EXPECT_FALSE(first_line_is_data("1e3,NaN\n", Dialect::comma()));      // rejected by the number grammar
  EXPECT_FALSE(header_looks_like_data({}));
}

}  // namespace
}  // namespace crmpi::ingest
