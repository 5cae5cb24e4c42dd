// csv_cell (io/csv_writer.hpp): RFC 4180 quoting and the formula-injection guard, on cases worked
// by hand from RFC 4180 section 2 and OWASP's "CSV Injection" page (prefix = + - @ tab CR with ').
#include <gtest/gtest.h>

#include "io/csv_writer.hpp"

using crmpi::csv_cell;

TEST(CsvCell, PlainAndQuoted) {
  EXPECT_EQ(csv_cell("WHITE HANGING HEART"), "WHITE HANGING HEART");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");            // RFC 4180 2.6
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");  // 2.7: quotes doubled
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("ends in a space "), "ends in a space ");  // verbatim
  EXPECT_EQ(csv_cell(""), "");
}

TEST(CsvCell, FormulasGuarded) {
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_cell("+cmd"), "'+cmd");
  EXPECT_EQ(csv_cell("-2+3"), "'-2+3");  // not a number: an expression
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("-"), "'-");
}

TEST(CsvCell, SignedNumbersStayNumbers) {
  EXPECT_EQ(csv_cell("-0.5"), "-0.5");
  EXPECT_EQ(csv_cell("-12"), "-12");
  EXPECT_EQ(csv_cell("+3"), "+3");
  EXPECT_EQ(csv_cell("-1.5e-3"), "-1.5e-3");
  EXPECT_EQ(csv_cell("a=b"), "a=b");  // only a leading character counts
}
