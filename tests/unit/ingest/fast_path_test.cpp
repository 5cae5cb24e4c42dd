// The single-pass splitter (simple_fields.hpp) and the date cache (date_cache.hpp) must give
// exactly what the general code gives: compared on generated lines and dates, including every
// case the fast path hands back to the general one.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "kernels/ingest/date_cache.hpp"
#include "kernels/ingest/field_splitter.hpp"
#include "kernels/ingest/line_rules.hpp"
#include "kernels/ingest/short_text.hpp"
#include "kernels/ingest/simple_fields.hpp"
#include "tests/sanitized_build.hpp"

namespace crmpi::ingest {
namespace {

struct Split {
  SplitStatus status;
  std::vector<std::string> fields;
  std::string raw;
  std::size_t next;
  bool operator==(const Split&) const = default;
};

Split split_with(bool fast, const std::string& buf, std::size_t columns) {
  FieldSplitter s(Dialect::comma(), columns);
  s.set_simple_fast_path(fast);
  const SplitStatus st = s.split(buf, 0, true);
  return {st, {s.fields().begin(), s.fields().end()}, std::string(s.raw()), s.next_pos()};
}

TEST(SimpleFields, SameAsTheGeneralSplitterOnGeneratedLines) {
  std::mt19937 rng(7);
  const char pieces[] = {'a', 'b', '1', ' ', ',', '"', '\r', 'x', ',', '"'};
  const int lines = crmpi_test::kSanitizedBuild ? 50000 : 200000;
  for (int n = 0; n < lines; ++n) {
    std::string line;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) line += pieces[rng() % sizeof pieces];
    const std::string buf = line + (rng() % 2 ? "\n" : "") + std::string(rng() % 20, 'z');
    for (std::size_t columns : {std::size_t{0}, std::size_t{3}}) {
      ASSERT_EQ(split_with(true, buf, columns), split_with(false, buf, columns)) << "line '" << line << "'";
    }
  }
}

TEST(SimpleFields, CommonShapes) {
  std::vector<std::string_view> f(16);
  auto split = [&](const std::string& line, std::size_t capacity) {
    const char* b = line.data();
    const char* e = b + line.size();
    return split_simple_fields(b, e, e, ',', '"', std::span<std::string_view>(f.data(), capacity));
  };
  const std::string line = R"(536365,85123A,"WHITE HANGING HEART, T-LIGHT",6,12/1/2010 8:26,2.55,17850,United Kingdom)";
  ASSERT_EQ(split(line, 16), 8U);  // the 8 UCI columns; the quoted comma is no delimiter
  EXPECT_EQ(f[2], "WHITE HANGING HEART, T-LIGHT");
  EXPECT_EQ(f[7], "United Kingdom");
  EXPECT_EQ(split(line, 8), 8U);
  EXPECT_EQ(split(line, 7), kNotSimple);  // more fields than the array holds: the general path's
  for (const std::string bad : {R"(a,"b""c",d)", R"(a,b"c,d)", R"(a,"b"c,d)", R"(a,"bc)"}) {
    EXPECT_EQ(split(bad, 16), kNotSimple) << bad;
  }
  const std::string quoted_last = R"(a,"b,c")";
  ASSERT_EQ(split(quoted_last, 16), 2U);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "b,c");
  EXPECT_EQ(split(quoted_last, 1), kNotSimple);
  EXPECT_EQ(split("", 16), 1U);
}

TEST(DateCache, SameAsParseDatetime) {
  std::mt19937 rng(11);
  for (const auto order : {SlashOrder::kMonthFirst, SlashOrder::kDayFirst}) {
    DateCache cache(order);
    for (int n = 0; n < 100000; ++n) {
      char text[64];
      const int a = static_cast<int>(rng() % 14), b = static_cast<int>(rng() % 32), c = static_cast<int>(rng() % 25),
                d = static_cast<int>(rng() % 61);
      switch (rng() % 5) {  // ISO, US slash, YYYYMMDD, ISO T/Z, a bad year; out-of-range parts
        case 0: std::snprintf(text, sizeof text, "2011-%02d-%02d %02d:%02d:00", a, b, c, d); break;
        case 1: std::snprintf(text, sizeof text, "%d/%d/2011 %d:%02d", a, b, c, d); break;
        case 2: std::snprintf(text, sizeof text, "2011%02d%02d", a, b); break;
        case 3: std::snprintf(text, sizeof text, "2011-%02d-%02dT%02d:%02d:00Z", a, b, c, d); break;
        default: std::snprintf(text, sizeof text, "%d/%d/20 %d:%d", a, b, c, d); break;
      }
      const auto want = parse_datetime(text, order);
      const auto got = cache.parse(text);
      ASSERT_EQ(got.error, want.error) << text;
      ASSERT_EQ(got.days, want.days) << text;
      ASSERT_EQ(got.seconds, want.seconds) << text;
    }
  }
  DateCache cache;
  const std::string longer = "2011-02-03 04:05:06.123456789";  // over kMaxText: parsed every time
  EXPECT_EQ(cache.parse(longer).seconds, parse_datetime(longer).seconds);
}

// "YYYY-MM-DD HH:MM:SS" takes a fixed-position path inside parse_datetime; the same text with a
// fraction (".0", truncated) takes the general one: both must agree, errors included.
TEST(ParseDatetime, FixedIsoPathSameAsGeneral) {
  std::mt19937 rng(5);
  for (int n = 0; n < 200000; ++n) {
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", static_cast<int>(rng() % 10000),
                  static_cast<int>(rng() % 14), static_cast<int>(rng() % 33), static_cast<int>(rng() % 26),
                  static_cast<int>(rng() % 62), static_cast<int>(rng() % 62));
    const auto fixed = parse_datetime(text);
    const auto general = parse_datetime(std::string(text) + ".0");
    ASSERT_EQ(fixed.error, general.error) << text;
    ASSERT_EQ(fixed.days, general.days) << text;
    ASSERT_EQ(fixed.seconds, general.seconds) << text;
  }
  EXPECT_EQ(parse_datetime("2010-12-01 08:26:00").seconds, 8 * 3600 + 26 * 60);
  EXPECT_EQ(parse_datetime("2012-02-29 23:59:59").days, parse_datetime("2012-02-29").days);
  EXPECT_EQ(parse_datetime("2011-02-29 10:00:00").error, DateError::kBadDay);
  EXPECT_EQ(parse_datetime("2011-02-2x 10:00:00").error, DateError::kBadFormat);
}

TEST(LineRules, FirstByteShortcutKeepsLowerCaseAndEmptyPrefixes) {
  LineClassifier c;
  EXPECT_TRUE(c.is_non_product("post"));
  EXPECT_TRUE(c.is_non_product("gift_0001_40"));
  EXPECT_FALSE(c.is_non_product("85123A"));
  EXPECT_FALSE(c.is_non_product(""));
  LineRulesConfig all;
  all.non_product_codes = {"*"};
  EXPECT_TRUE(LineClassifier(all).is_non_product("85123A"));
  EXPECT_TRUE(LineClassifier(all).is_non_product(""));
}

// equal_short / starts_with_short are == / starts_with (every length up to 40, a difference at
// every position), and copy_short is memcpy.
TEST(ShortCompare, SameAsStringViewOperators) {
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x'), b(n, 'x');
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<char>('a' + i % 26);
    ASSERT_TRUE(equal_short(a, b)) << n;
    ASSERT_FALSE(equal_short(a, b + "y")) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string c = b;
      c[i] = '#';
      ASSERT_FALSE(equal_short(a, c)) << n << " " << i;
      ASSERT_EQ(starts_with_short(a, c.substr(0, i + 1)), std::string_view(a).starts_with(c.substr(0, i + 1)));
    }
  }
  // copy_short writes exactly n bytes: the bytes around the copy keep their value.
  const std::string src = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string dst(48, '#');
    copy_short(dst.data() + 2, src.data() + 1, n);
    ASSERT_EQ(dst, std::string(2, '#') + src.substr(1, n) + std::string(46 - n, '#')) << n;
  }
  EXPECT_TRUE(starts_with_short("C536379", "C"));
  EXPECT_FALSE(starts_with_short("536379", "C"));
  EXPECT_FALSE(starts_with_short("", "C"));
  EXPECT_TRUE(starts_with_short("", ""));
}

// short_hash: distinct stock-code-like texts get distinct hashes whose low bits (the table index)
// spread; texts over 16 bytes take the fallback.
TEST(ShortHash, DistinctAndSpread) {
  std::set<std::uint64_t> all;
  std::set<std::uint64_t> low;
  std::size_t texts = 0;
  for (int i = 0; i < 4000; ++i) {
    for (const std::string& t : {std::to_string(20000 + i), std::to_string(20000 + i) + "A", "P" + std::to_string(i)}) {
      const std::uint64_t h = short_hash(t, raw_line_hash);
      all.insert(h);
      low.insert(h & 4095);
      ++texts;
    }
  }
  EXPECT_EQ(all.size(), texts);
  // 12,000 uniform hashes fill 4096 (1 - e^(-12000/4096)) = 3877 of 4096 slots on average.
  EXPECT_GT(low.size(), 3500U);
  const std::string long_text = "WHITE HANGING HEART T-LIGHT HOLDER";
  EXPECT_EQ(short_hash(long_text, raw_line_hash), raw_line_hash(long_text));
  EXPECT_EQ(short_hash("", raw_line_hash), short_hash(std::string_view(), raw_line_hash));
}

}  // namespace
}  // namespace crmpi::ingest
