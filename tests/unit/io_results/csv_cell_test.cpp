// csv_cell (io/csv_writer.hpp): RFC 4180 quoting and the formula-injection guard, on cases worked
// by hand from RFC 4180 section 2 and OWASP's "CSV Injection" page (prefix = + - @ tab CR with ').
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "io/csv_writer.hpp"

using crmpi::csv_cell;
using crmpi::valid_utf8;

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

TEST(CsvCell, SignThenNoDigitIsAFormula) {
  EXPECT_EQ(csv_cell("--5"), "'--5");  // a double negation: Excel evaluates it
  EXPECT_EQ(csv_cell("+-1"), "'+-1");
  EXPECT_EQ(csv_cell("-.5"), "-.5");
}

// RFC 3629 section 4's grammar, sequences worked by hand; U+FFFD is EF BF BD.
TEST(CsvCell, Utf8KeptAndInvalidBytesReplaced) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");                  // é, 2 bytes
  EXPECT_EQ(valid_utf8("\xE2\x82\xAC 5"), "\xE2\x82\xAC 5");          // €, 3 bytes
  EXPECT_EQ(valid_utf8("\xF0\x9F\x9B\x92"), "\xF0\x9F\x9B\x92");    // U+1F6D2, 4 bytes
  EXPECT_EQ(valid_utf8("caf\xE9"), "caf" + fffd);                          // Latin-1 é
  EXPECT_EQ(valid_utf8("\xC0\xAF"), fffd + fffd);                         // overlong '/'
  EXPECT_EQ(valid_utf8("\xE0\x80\xAF"), fffd + fffd + fffd);             // overlong, 3 bytes
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);             // surrogate U+D800
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd); // above U+10FFFF
  EXPECT_EQ(valid_utf8("\xE2\x82"), fffd + fffd);                         // cut short
  EXPECT_EQ(csv_cell("a,\xFF"), "\"a," + fffd + "\"");
}

// CsvWriter writes each cell as csv_cell gives it (the cases above, worked by hand), joined by
// commas, a row a line, through both row() forms; enough rows to cross its 1 MiB write block.
TEST(CsvWriter, RowsAreTheCellsAsCsvCellWritesThem) {
  const std::string path = ::testing::TempDir() + "csv_writer_test.csv";
  const std::string fffd = "\xEF\xBF\xBD";
  std::string expected = "name,n\n";
  {
    crmpi::CsvWriter w(path, {"name", "n"});
    w.row(std::vector<std::string>{"a,b", "-12"});
    expected += "\"a,b\",-12\n";
    w.row({"=1+1", "say \"hi\""});
    expected += "'=1+1,\"say \"\"hi\"\"\"\n";
    w.row({"caf\xE9", "", "-"});
    expected += "caf" + fffd + ",,'-\n";
    const std::string long_name(100, 'x');
    for (int i = 0; i < 20000; ++i) {  // 20,000 x ~107 bytes: 2 MiB
      const std::string n = std::to_string(i);
      w.row({long_name, n});
      expected += long_name + "," + n + "\n";
    }
    w.close();
  }
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written.size(), expected.size());
  EXPECT_TRUE(written == expected);
  std::remove(path.c_str());
}

// csv_number against the C library's printf("%.*f") (correctly rounded on glibc), the independent
// reference: doubles over magnitudes 1e-12 .. 1e15, both signs, 0 to 12 decimals, and the
// special values (glibc prints inf, -inf, nan, -0.000).
TEST(CsvNumber, SameDigitsAsPrintf) {
  auto printf_f = [](double v, int decimals) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return std::string(buf);
  };
  std::uint64_t state = 99;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    const double mantissa = static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
    const double v = (i % 2 ? -1 : 1) * mantissa * std::pow(10.0, i % 28 - 12);
    const int decimals = i % 13;
    ASSERT_EQ(crmpi::csv_number(v, decimals), printf_f(v, decimals)) << v << " at " << decimals;
  }
  for (const double v : {0.0, -0.0, 0.5, 1.5, 2.5, 1e300, -1e-300, std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
    EXPECT_EQ(crmpi::csv_number(v, 9), printf_f(v, 9)) << v;
  EXPECT_EQ(crmpi::csv_number(0.1234567891, 9), "0.123456789");  // by hand
}
