// csv_cell (io/csv_writer.hpp): RFC 4180 quoting and the formula-injection guard, on cases worked
// by hand from RFC 4180 section 2 and OWASP's "CSV Injection" page (prefix = + - @ tab CR with ').
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
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

// fixed_digits (csv_number's fast path, by hand) against printf("%.*f"), the independent
// reference, where it answers: random doubles over magnitudes 1e-15 .. 1e12 at 0 to 9 decimals;
// every i / 2^j (i < 4096, j < 24), which holds the exact ties (1/1024 = 0.0009765625 at 9
// decimals: 976562.5 units, rounded half to even); subnormals and signed zeros; and the edge of
// its range (|v| x 10^d near 2^63), where it must either match or decline.
TEST(CsvNumber, FastDigitsSameAsPrintf) {
  auto printf_f = [](double v, int decimals) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return std::string(buf);
  };
  std::size_t answered = 0, declined = 0;
  auto check = [&](double v, int decimals) {
    char buf[32];
    const char* end = crmpi::fixed_digits(v, decimals, buf);
    if (!end) {
      ++declined;
      return;
    }
    ++answered;
    ASSERT_EQ(std::string(static_cast<const char*>(buf), end), printf_f(v, decimals)) << v << " at " << decimals;
  };
  std::uint64_t state = 7;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    const double mantissa = static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
    check((i % 2 ? -1 : 1) * mantissa * std::pow(10.0, i % 28 - 15), i % 10);
  }
  for (int j = 0; j < 24; ++j)
    for (int i = 0; i < 4096; ++i)
      for (int d = 0; d <= 9; ++d) {
        check(std::ldexp(i, -j), d);
        check(-std::ldexp(i, -j), d);
      }
  // The nine fraction digits come from fixed-point steps whose error grows with the fraction:
  // every fraction of the last million below 1 (the largest error) and of the first million, and
  // a stride over the rest, at 9 decimals (printf rounds each v to the digits checked).
  for (std::uint64_t f = 0; f < 1000000000; f += (f < 1000000 || f >= 999000000) ? 1 : 1009) check(static_cast<double>(f) * 1e-9, 9);
  for (const double v : {0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 0.5, 1.5, 2.5, -2.5, 0.0009765625})
    for (int d = 0; d <= 9; ++d) check(v, d);
  for (const double v : {9.2233720368e9, 9.2233720369e9, 9223372036.854775, 9e18, 9.3e18, 1e19, 1e300})
    for (int d = 0; d <= 9; ++d) check(v, d);
  EXPECT_EQ(crmpi::fixed_digits(std::numeric_limits<double>::infinity(), 9, nullptr), nullptr);
  EXPECT_EQ(crmpi::fixed_digits(std::numeric_limits<double>::quiet_NaN(), 9, nullptr), nullptr);
  EXPECT_EQ(crmpi::fixed_digits(1.0, 10, nullptr), nullptr);
  EXPECT_GT(answered, 1000000u);
  EXPECT_GT(declined, 10u);  // 1e19 and up at every decimal count
}

namespace {
// A file's bytes.
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

// The typed cells give the bytes row() gives for the same cells as text: numbers as csv_number
// writes them (signed, zero, inf and -inf, which row() guards as "'-inf"), integers as
// std::to_string, text with quoting and the guard.
TEST(CsvWriter, TypedCellsAsRowWritesThem) {
  const std::string a = ::testing::TempDir() + "csv_typed_a.csv", b = ::testing::TempDir() + "csv_typed_b.csv";
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> numbers = {0.0, -0.0, 0.25, -1e-12, 123456.123456789, 2.5e19, inf, -inf,
                                       std::numeric_limits<double>::quiet_NaN()};
  {
    crmpi::CsvWriter by_row(a, {"t", "x", "n"}), typed(b, {"t", "x", "n"});
    std::uint64_t n = 0;
    for (const std::string t : {"plain", "a,b", "=1+1", "-"}) {
      for (const double x : numbers) {
        for (const int d : {0, 6, 9}) {
          by_row.row({t, crmpi::csv_number(x, d), std::to_string(n)});
          typed.text(t).number(x, d).integer(n);
          typed.end_row();
          n = n * 31 + 17;
        }
      }
    }
    by_row.close();
    typed.close();
  }
  const std::string written = slurp(b);
  EXPECT_GT(written.size(), 1000u);
  EXPECT_TRUE(written == slurp(a));
  EXPECT_NE(written.find("'-inf"), std::string::npos);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

// Cells made once (CsvCell) and joined from them (text_joined) give the bytes text() gives for the
// same strings; text_joined declines (and writes nothing) where a part needs quoting, the formula
// guard or a UTF-8 check, since the joined cell's quoting is not its parts'.
TEST(CsvWriter, PreparedAndJoinedCellsAsTextWritesThem) {
  const std::string a = ::testing::TempDir() + "csv_joined_a.csv", b = ::testing::TempDir() + "csv_joined_b.csv";
  const std::vector<std::string> names = {"whole milk", "58", "a,b", "-5", "=x", "caf\xc3\xa9", "say \"hi\"", "", "rolls/buns "};
  std::vector<crmpi::CsvCell> cells;
  for (const auto& n : names) cells.emplace_back(n);
  std::size_t joined = 0, declined = 0;
  {
    crmpi::CsvWriter by_text(a, {"items", "n"}), prepared(b, {"items", "n"});
    for (std::uint32_t i = 0; i < names.size(); ++i) {
      by_text.text(names[i]).integer(i);
      by_text.end_row();
      prepared.text(cells[i]).integer(i);
      prepared.end_row();
      for (std::uint32_t j = 0; j < names.size(); ++j) {
        const std::vector<std::uint32_t> idx = {i, j, 1};
        by_text.text(names[i] + " | " + names[j] + " | " + names[1]).integer(j);
        by_text.end_row();
        if (prepared.text_joined(std::span<const std::uint32_t>(idx), cells, " | ")) {
          ++joined;
        } else {
          ++declined;
          prepared.text(names[i] + " | " + names[j] + " | " + names[1]);
        }
        prepared.integer(j);
        prepared.end_row();
      }
    }
    by_text.close();
    prepared.close();
  }
  const std::string written = slurp(b);
  EXPECT_TRUE(written == slurp(a));
  EXPECT_NE(written.find("\"a,b | 58 | 58\""), std::string::npos);  // quoted as a whole
  EXPECT_NE(written.find("'-5 | 58 | 58"), std::string::npos);       // guarded as a whole
  // Plain parts: "whole milk", "58", "" and "rolls/buns " (4 of 9), so 4 x 4 pairs are joined.
  EXPECT_EQ(joined, 16u);
  EXPECT_EQ(declined, names.size() * names.size() - 16u);
  EXPECT_TRUE(cells[0].plain());
  EXPECT_FALSE(cells[5].plain());  // valid UTF-8 is written as it is, but it is checked first
  std::remove(a.c_str());
  std::remove(b.c_str());
}

// A prepared join (CsvJoin) writes the bytes text() writes for the joined string: on its fast path
// (every part plain, separator + part within CsvJoin::kSlot = 32 bytes: parts of 0 to 29 bytes
// here, the longest exactly at the limit), over joins longer than one run of parts (kRoom / kSlot
// = 32) and rows enough to fill the writer's 1 MiB buffer several times; and where one part is not
// plain or too long, by the parts one by one (declining the non-plain joins as text_joined does).
TEST(CsvWriter, PreparedJoinsAsTextWritesThem) {
  const std::string a = ::testing::TempDir() + "csv_join_a.csv", b = ::testing::TempDir() + "csv_join_b.csv";
  std::vector<std::string> names;
  for (std::size_t len = 0; len <= 29; ++len) names.push_back(std::string(len, static_cast<char>('a' + len % 26)));
  names.push_back("whole milk");
  const auto check = [&](const std::vector<std::string>& dict, bool fast, std::size_t want_declined) {
    std::vector<crmpi::CsvCell> cells;
    for (const auto& n : dict) cells.emplace_back(n);
    const crmpi::CsvJoin join(cells, " | ");
    EXPECT_EQ(join.fast(), fast);
    std::size_t declined = 0;
    {
      crmpi::CsvWriter by_text(a, {"items", "n"}), prepared(b, {"items", "n"});
      std::uint32_t state = 7;
      for (std::uint32_t row = 0; row < 30000; ++row) {
        const std::size_t len = row % 97 == 0 ? 70 : 1 + row % 9;  // some longer than a run
        std::vector<std::uint32_t> idx(len);
        std::string text;
        for (std::size_t k = 0; k < len; ++k) {
          state = state * 1103515245u + 12345u;
          idx[k] = (state >> 8) % static_cast<std::uint32_t>(dict.size());
          text += (k ? " | " : "") + dict[idx[k]];
        }
        by_text.text(text).integer(row);
        by_text.end_row();
        if (!prepared.text_joined(std::span<const std::uint32_t>(idx), join)) {
          ++declined;
          prepared.text(text);
        }
        prepared.integer(row);
        prepared.end_row();
      }
      by_text.close();
      prepared.close();
    }
    const std::string written = slurp(b);
    EXPECT_GT(written.size(), std::size_t{2} << 20);  // the 1 MiB buffer written out twice at least
    EXPECT_TRUE(written == slurp(a));
    if (want_declined == 0) EXPECT_EQ(declined, 0u);
    else EXPECT_GT(declined, 0u);
  };
  check(names, true, 0);
  names.push_back(std::string(30, 'z'));  // " | " + 30 bytes > 32: the parts one by one, all plain
  check(names, false, 0);
  names.back() = "a,b";  // needs quoting: joins holding it are declined
  check(names, false, 1);
  std::remove(a.c_str());
  std::remove(b.c_str());
}
