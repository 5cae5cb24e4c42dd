// The general field splitter: delimiters, quoting, CRLF, quoted newlines, column counts, byte offsets.
#include "kernels/ingest/field_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crmpi::ingest {
namespace {

std::vector<std::string> fields_of(const FieldSplitter& s) { return {s.fields().begin(), s.fields().end()}; }

using Fields = std::vector<std::string>;

TEST(FieldSplitter, PlainCommaLine) {
  FieldSplitter s(Dialect::comma(), 3);
  const std::string buf = "a,bb,ccc\nnext";
  ASSERT_EQ(s.split(buf, 0, false), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"a", "bb", "ccc"}));
  EXPECT_EQ(s.raw(), "a,bb,ccc");
  EXPECT_EQ(s.next_pos(), 9U);  // "a,bb,ccc" is 8 bytes, + the newline
  // Zero copy: unquoted fields point into the caller's buffer.
  EXPECT_EQ(s.fields()[1].data(), buf.data() + 2);
}

TEST(FieldSplitter, EmptyFieldsAndTrailingDelimiter) {
  FieldSplitter s(Dialect::comma());
  ASSERT_EQ(s.split(",a,,\n", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"", "a", "", ""}));
}

TEST(FieldSplitter, TabAndSemicolon) {
  FieldSplitter t(Dialect::tab());
  ASSERT_EQ(t.split("x\ty z\t1,5\n", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(t), (Fields{"x", "y z", "1,5"}));
  FieldSplitter sc(Dialect::semicolon());
  ASSERT_EQ(sc.split("x;\"a;b\";1,5\r\n", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(sc), (Fields{"x", "a;b", "1,5"}));
}

TEST(FieldSplitter, WhitespaceRunsCdnowStyle) {
  FieldSplitter s(Dialect::whitespace(), 4);
  const std::string buf = " 00001 19970101  1   11.77\r\n00002\t19970112 1 12.00";
  ASSERT_EQ(s.split(buf, 0, false), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"00001", "19970101", "1", "11.77"}));
  ASSERT_EQ(s.split(buf, s.next_pos(), true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"00002", "19970112", "1", "12.00"}));
  EXPECT_EQ(s.next_pos(), buf.size());
}

TEST(FieldSplitter, CrlfIsStripped) {
  FieldSplitter s(Dialect::comma());
  ASSERT_EQ(s.split("a,b\r\nc", 0, false), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"a", "b"}));
  EXPECT_EQ(s.raw(), "a,b");
  EXPECT_EQ(s.next_pos(), 5U);  // "a,b" + "\r\n"
}

TEST(FieldSplitter, QuotedDelimiterAndEscapedQuote) {
  FieldSplitter s(Dialect::comma(), 4);
  const std::string buf = "536477,22041,\"RECORD FRAME 7\"\" SINGLE, SIZE \",48\r\n";
  ASSERT_EQ(s.split(buf, 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"536477", "22041", "RECORD FRAME 7\" SINGLE, SIZE ", "48"}));
  EXPECT_EQ(s.next_pos(), buf.size());
}

TEST(FieldSplitter, QuotedFieldsWithoutEscapesAreZeroCopy) {
  FieldSplitter s(Dialect::comma());
  const std::string buf = "\"a,b\",\"\",\"\"\"\"\n";
  ASSERT_EQ(s.split(buf, 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"a,b", "", "\""}));
  EXPECT_EQ(s.fields()[0].data(), buf.data() + 1);
}

TEST(FieldSplitter, QuoteInsideUnquotedFieldIsLiteral) {
  FieldSplitter s(Dialect::comma());
  ASSERT_EQ(s.split("12\" RECORD,x\n", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"12\" RECORD", "x"}));
}

TEST(FieldSplitter, TextAfterClosingQuoteIsAnError) {
  FieldSplitter s(Dialect::comma());
  ASSERT_EQ(s.split("\"abc\"x,1\nnext\n", 0, true), SplitStatus::kTextAfterQuote);
  EXPECT_EQ(s.raw(), "\"abc\"x,1");
  EXPECT_EQ(s.next_pos(), 9U);  // the 8 bytes of the raw line + the newline
}

TEST(FieldSplitter, QuotedNewlineAllowedOnlyWhenAsked) {
  const std::string buf = "1,\"two\nlines\",3\n4,5,6\n";
  Dialect d = Dialect::comma();
  d.allow_quoted_newlines = true;
  FieldSplitter seq(d, 3);
  ASSERT_EQ(seq.split(buf, 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(seq), (Fields{"1", "two\nlines", "3"}));
  EXPECT_EQ(seq.physical_lines(), 2U);
  EXPECT_EQ(seq.next_pos(), 16U);  // 1,"two (6) + \n + lines",3 (9) + \n

  FieldSplitter dist(Dialect::comma(), 3);  // byte-range mode: a violation, reported on line 1
  ASSERT_EQ(dist.split(buf, 0, true), SplitStatus::kUnterminatedQuote);
  EXPECT_EQ(dist.raw(), "1,\"two");
  EXPECT_EQ(dist.next_pos(), 7U);  // 6 bytes + the newline
}

TEST(FieldSplitter, QuotedNewlineNeedsMoreInputAcrossChunks) {
  Dialect d = Dialect::comma();
  d.allow_quoted_newlines = true;
  FieldSplitter s(d);
  EXPECT_EQ(s.split("1,\"two\nli", 0, false), SplitStatus::kNeedMore);
  EXPECT_EQ(s.split("1,\"a\nb\"", 0, false), SplitStatus::kNeedMore);  // "" escape or close? unknown
}

TEST(FieldSplitter, UnterminatedQuoteAtEof) {
  Dialect d = Dialect::comma();
  d.allow_quoted_newlines = true;
  FieldSplitter s(d);
  const std::string buf = "1,\"never closed\n2,3\n";
  ASSERT_EQ(s.split(buf, 0, true), SplitStatus::kUnterminatedQuote);
  EXPECT_EQ(s.raw(), "1,\"never closed");
  // Only the first line is consumed, so the parse resumes on the next line.
  ASSERT_EQ(s.split(buf, s.next_pos(), true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"2", "3"}));
}

TEST(FieldSplitter, WrongColumnCount) {
  FieldSplitter s(Dialect::comma(), 3);
  EXPECT_EQ(s.split("a,b\n", 0, true), SplitStatus::kWrongColumnCount);
  EXPECT_EQ(s.fields().size(), 2U);  // "a", "b": what the line has
  EXPECT_EQ(s.split("a,b,c,d\n", 0, true), SplitStatus::kWrongColumnCount);
  EXPECT_EQ(s.split("a,\"b,c\"\n", 0, true), SplitStatus::kWrongColumnCount);
  EXPECT_EQ(s.split("a,\"b,c\",d\n", 0, true), SplitStatus::kOk);
}

TEST(FieldSplitter, LastLineWithoutNewline) {
  FieldSplitter s(Dialect::comma());
  EXPECT_EQ(s.split("a,b", 0, false), SplitStatus::kNeedMore);
  ASSERT_EQ(s.split("a,b", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"a", "b"}));
  EXPECT_EQ(s.next_pos(), 3U);  // all of "a,b"
  ASSERT_EQ(s.split("a,\"b\"\r", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"a", "b"}));
}

// utf8_bom_length: 3 for a leading UTF-8 byte order mark, 0 otherwise (also for a partial one).
TEST(FieldSplitter, Bom) {
  EXPECT_EQ(utf8_bom_length("\xEF\xBB\xBFInvoiceNo"), 3U);  // UTF-8 BOM = EF BB BF (RFC 3629, sec. 6)
  EXPECT_EQ(utf8_bom_length("InvoiceNo"), 0U);
  EXPECT_EQ(utf8_bom_length("\xEF\xBB"), 0U);
}

TEST(FieldSplitter, EscapedFieldsKeepEarlierViewsValid) {
  // Several escaped fields in one record share the scratch buffer; earlier views must survive.
  FieldSplitter s(Dialect::comma());
  ASSERT_EQ(s.split("\"a\"\"1\",\"b\"\"2\",\"c\"\"3\"\n", 0, true), SplitStatus::kOk);
  EXPECT_EQ(fields_of(s), (Fields{"a\"1", "b\"2", "c\"3"}));
}

}  // namespace
}  // namespace crmpi::ingest
