// TextFileReader: edge cases of a messy CSV, every record once under any byte-range or gzip split, errors.
#include "io/text/text_file_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kernels/common/errors.hpp"
#include "kernels/ingest/record_boundary.hpp"
#include "tests/sanitized_build.hpp"
#include "temp_files.hpp"

namespace crmpi::textio {
namespace {

using testing::TempDir;

struct Got {
  std::uint64_t offset;
  std::uint64_t line;
  std::string raw;
  std::vector<std::string> fields;
  ingest::SplitStatus status;
  bool operator==(const Got&) const = default;
};

std::vector<Got> drain(TextFileReader& r) {
  std::vector<Got> out;
  TextRecord rec;
  while (r.next(rec)) {
    out.push_back({rec.offset, rec.line, std::string(rec.raw), {rec.fields.begin(), rec.fields.end()}, rec.status});
  }
  return out;
}

TextReadOptions small_chunks(std::size_t columns = 3, bool header = true) {
  TextReadOptions o;
  o.expected_columns = columns;
  o.has_header = header;
  o.chunk_bytes = 5;  // forces records across chunk boundaries and buffer growth
  return o;
}

// A file with every edge case the splitter handles, no quoted newlines (byte-range mode).
std::string messy_csv() {
  return "\xEF\xBB\xBF"
         "id,name,price\r\n"
         "1,plain,2.55\r\n"
         "2,\"quoted, with comma\",3\n"
         "\n"
         "3,\"esc \"\"q\"\" here\",4\n"
         "4,bad,columns,here\n"
         "5,\"unterminated,6\n"
         "6,12\" vinyl,7\n"
         "7,a very long line " + std::string(300, 'x') + ",8\n"
         "\r\n"
         "8,last,9";  // no final newline
}

TEST(TextFileReader, SequentialReadOfEdgeCases) {
  TempDir tmp;
  const std::string path = tmp.write("messy.csv", messy_csv());
  TextFileReader r(path, ReadShare{}, small_chunks());
  const auto got = drain(r);
  ASSERT_EQ(r.header(), (std::vector<std::string>{"id", "name", "price"}));  // BOM stripped
  // Hand count of messy_csv(): line 1 header; records on lines 2, 3, 5, 6, 7, 8, 9 and 11; lines
  // 4 and 10 blank; 11 physical lines.
  ASSERT_EQ(got.size(), 8U);
  EXPECT_EQ(got[0].fields, (std::vector<std::string>{"1", "plain", "2.55"}));
  EXPECT_EQ(got[0].line, 2U);
  EXPECT_EQ(got[1].fields[1], "quoted, with comma");
  EXPECT_EQ(got[2].fields[1], "esc \"q\" here");
  EXPECT_EQ(got[2].line, 5U);  // blank line 4 skipped but counted
  EXPECT_EQ(got[3].status, ingest::SplitStatus::kWrongColumnCount);
  EXPECT_EQ(got[4].status, ingest::SplitStatus::kUnterminatedQuote);
  EXPECT_EQ(got[4].raw, "5,\"unterminated,6");
  EXPECT_EQ(got[5].fields[1], "12\" vinyl");
  EXPECT_EQ(got[6].fields[2], "8");
  EXPECT_EQ(got[7].fields, (std::vector<std::string>{"8", "last", "9"}));
  EXPECT_EQ(got[7].line, 11U);
  EXPECT_EQ(r.blank_lines(), 2U);
  EXPECT_EQ(r.physical_lines(), 11U);
  EXPECT_TRUE(r.line_numbers_are_global());
}

// The core invariant: for any split into ranges, every record is delivered exactly once, and the
// ranges' records concatenated equal the sequential read.
void expect_split_invariance(const std::string& path, const std::vector<Got>& whole, std::uint64_t size,
                             const TextReadOptions& opts) {
  for (int n = 1; n <= 7; ++n) {
    std::vector<Got> joined;
    std::uint64_t line_base = 0;
    for (int part = 0; part < n; ++part) {
      TextFileReader r(path, ReadShare{part, n}, opts);
      auto got = drain(r);
      for (auto& g : got) g.line += line_base;  // what the driver's exscan does
      line_base += r.physical_lines();
      joined.insert(joined.end(), got.begin(), got.end());
    }
    ASSERT_EQ(joined, whole) << n << " shares";
  }
  // Two-way cuts at every offset, and three-way cuts on a grid.
  for (std::uint64_t cut = 0; cut <= size; ++cut) {
    TextFileReader a(path, 0, cut, opts);
    TextFileReader b(path, cut, size, opts);
    auto got = drain(a);
    auto tail = drain(b);
    for (auto& g : tail) g.line += a.physical_lines();
    got.insert(got.end(), tail.begin(), tail.end());
    ASSERT_EQ(got, whole) << "cut at " << cut;
  }
  // A coarser grid in the sanitizer build: about a third of the cuts.
  const std::uint64_t step1 = crmpi_test::kSanitizedBuild ? 13 : 7, step2 = crmpi_test::kSanitizedBuild ? 17 : 11;
  for (std::uint64_t c1 = 0; c1 <= size; c1 += step1) {
    for (std::uint64_t c2 = c1; c2 <= size; c2 += step2) {
      std::vector<Got> joined;
      std::uint64_t base = 0;
      for (auto [b, e] : {std::pair{std::uint64_t{0}, c1}, std::pair{c1, c2}, std::pair{c2, size}}) {
        TextFileReader r(path, b, e, opts);
        auto got = drain(r);
        for (auto& g : got) g.line += base;
        base += r.physical_lines();
        joined.insert(joined.end(), got.begin(), got.end());
      }
      ASSERT_EQ(joined, whole) << "cuts " << c1 << ", " << c2;
    }
  }
}

TEST(TextFileReader, ByteRangeSplitsDeliverEveryRecordOnce) {
  TempDir tmp;
  const std::string text = messy_csv();
  const std::string path = tmp.write("messy.csv", text);
  TextFileReader seq(path, ReadShare{}, small_chunks());
  const auto whole = drain(seq);
  expect_split_invariance(path, whole, text.size(), small_chunks());
}

TEST(TextFileReader, ByteRangeSplitsOfCdnowStyleWhitespaceFile) {
  TempDir tmp;
  std::string text = " customer_id  date number_of_cds  dollar_value\r\n";
  for (int i = 1; i <= 40; ++i) {
    text += " " + std::to_string(10000 + i) + " 199701" + std::to_string(10 + i % 20) + "  " + std::to_string(i % 3) +
            "   " + std::to_string(i) + ".77\r\n";
  }
  const std::string path = tmp.write("cdnow.txt", text);
  TextReadOptions opts = small_chunks(4);
  opts.dialect = ingest::Dialect::whitespace();
  TextFileReader seq(path, ReadShare{}, opts);
  const auto whole = drain(seq);
  ASSERT_EQ(whole.size(), 40U);  // the 40 lines written above
  EXPECT_EQ(seq.header().size(), 4U);  // customer_id date number_of_cds dollar_value
  expect_split_invariance(path, whole, text.size(), opts);
}

TEST(TextFileReader, GzipRoundRobinSharesDeliverEveryRecordOnce) {
  TempDir tmp;
  const std::string text = messy_csv();
  const std::string plain = tmp.write("messy.csv", text);
  const std::string gz = tmp.write_gz("messy.csv.gz", text);
  TextFileReader pr(plain, ReadShare{}, small_chunks());
  const auto whole = drain(pr);
  TextFileReader gr(gz, ReadShare{}, small_chunks());
  EXPECT_TRUE(gr.is_gzip());
  EXPECT_EQ(drain(gr), whole);  // offsets are decompressed offsets, so equal to the plain file's
  for (int n = 1; n <= 7; ++n) {
    std::vector<std::vector<Got>> parts;
    for (int part = 0; part < n; ++part) {
      TextFileReader r(gz, ReadShare{part, n}, small_chunks());
      parts.push_back(drain(r));
      EXPECT_EQ(r.header().size(), 3U);
      EXPECT_TRUE(r.line_numbers_are_global());
    }
    std::vector<Got> joined;  // record k went to part k % n
    for (std::size_t k = 0; k < whole.size(); ++k) {
      const auto& p = parts[k % static_cast<std::size_t>(n)];
      ASSERT_LT(k / static_cast<std::size_t>(n), p.size());
      joined.push_back(p[k / static_cast<std::size_t>(n)]);
    }
    std::size_t total = 0;
    for (const auto& p : parts) total += p.size();
    EXPECT_EQ(total, whole.size());
    EXPECT_EQ(joined, whole) << n;
  }
}

TEST(TextFileReader, MultiMemberGzipIsOneStream) {
  TempDir tmp;
  tmp.write_gz("multi.csv.gz", "a,b\n1,2\n");
  const std::string gz = tmp.write_gz("multi.csv.gz", "3,4\n5,6", true);
  TextFileReader r(gz, ReadShare{}, small_chunks(2));
  const auto got = drain(r);
  ASSERT_EQ(got.size(), 3U);  // 1,2 / 3,4 / 5,6 after the header a,b
  EXPECT_EQ(got[2].raw, "5,6");
}

TEST(TextFileReader, QuotedNewlinesNeedASequentialRead) {
  TempDir tmp;
  const std::string text = "a,b\n1,\"two\nlines\"\n3,4\n";
  const std::string plain = tmp.write("nl.csv", text);
  const std::string gz = tmp.write_gz("nl.csv.gz", text);
  TextReadOptions opts = small_chunks(2);
  opts.dialect.allow_quoted_newlines = true;
  for (const std::string& path : {plain, gz}) {
    TextFileReader r(path, ReadShare{}, opts);
    const auto got = drain(r);
    ASSERT_EQ(got.size(), 2U) << path;
    EXPECT_EQ(got[0].fields[1], "two\nlines");
    EXPECT_EQ(got[1].line, 4U);  // header 1, the quoted record lines 2-3, "3,4" line 4
  }
  EXPECT_THROW(TextFileReader(plain, ReadShare{0, 2}, opts), ConfigError);
  TextFileReader gz_share(gz, ReadShare{1, 2}, opts);  // fine: gzip is read sequentially
  EXPECT_EQ(drain(gz_share).size(), 1U);  // records round-robin: record 1 of 0..1 is share 1's

  // Byte-range mode: the violation is detected and reported, never silently mis-split.
  opts.dialect.allow_quoted_newlines = false;
  for (int n = 1; n <= 4; ++n) {
    bool reported = false;
    for (int part = 0; part < n; ++part) {
      TextFileReader r(plain, ReadShare{part, n}, opts);
      for (const auto& g : drain(r)) reported |= g.status != ingest::SplitStatus::kOk;
    }
    EXPECT_TRUE(reported) << n;
  }
}

// Missing file (66), empty file, empty gzip, a .gz name without gzip data, a byte range of a gzip
// file, a share index out of range, and a header with fewer columns than expected.
TEST(TextFileReader, Errors) {
  TempDir tmp;
  try {
    TextFileReader r(tmp.path("missing.csv"), ReadShare{}, TextReadOptions{});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 66);  // EX_NOINPUT of <sysexits.h>
    EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos);
  }
  EXPECT_THROW(TextFileReader(tmp.write("empty.csv", ""), ReadShare{}, TextReadOptions{}), DataError);
  {
    TextFileReader r(tmp.write_gz("empty.csv.gz", ""), ReadShare{}, TextReadOptions{});
    TextRecord rec;
    EXPECT_THROW(r.next(rec), DataError);
  }
  EXPECT_THROW(TextFileReader(tmp.write("fake.csv.gz", "a,b\n"), ReadShare{}, TextReadOptions{}), DataError);
  EXPECT_THROW(TextFileReader(tmp.write_gz("g.csv.gz", "a\n"), 0, 1, TextReadOptions{}), ConfigError);
  EXPECT_THROW(TextFileReader(tmp.write("x.csv", "a\n"), ReadShare{2, 2}, TextReadOptions{}), ConfigError);
  {
    TextReadOptions o;
    o.expected_columns = 3;
    TextFileReader r(tmp.write("hdr.csv", "a,b\n1,2,3\n"), ReadShare{}, o);
    TextRecord rec;
    EXPECT_THROW(r.next(rec), DataError);
  }
}

TEST(TextFileReader, TruncatedAndCorruptGzip) {
  TempDir tmp;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i * 7919) + ",item " + std::to_string(i) + "\n";
  const std::string gz = tmp.write_gz("full.csv.gz", text);
  std::string bytes(std::filesystem::file_size(gz), '\0');
  std::ifstream(gz, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const std::string cut = tmp.write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
  std::string flipped = bytes;
  for (std::size_t i = 100; i < 140; ++i) flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
  const std::string bad = tmp.write("bad.csv.gz", flipped);
  for (const std::string& path : {cut, bad}) {
    TextReadOptions o;
    o.has_header = false;
    o.chunk_bytes = 4096;
    TextFileReader r(path, ReadShare{}, o);
    std::size_t delivered = 0;
    try {
      TextRecord rec;
      while (r.next(rec)) ++delivered;
      FAIL() << path << " read without error";
    } catch (const DataError& e) {
      EXPECT_EQ(e.exit_code(), 65);  // EX_DATAERR of <sysexits.h>
      const std::string msg = e.what();
      EXPECT_NE(msg.find(path), std::string::npos) << msg;
      EXPECT_NE(msg.find("decompressed bytes"), std::string::npos) << msg;
      EXPECT_NE(msg.find("input line " + std::to_string(r.physical_lines() + 1)), std::string::npos) << msg;
      if (path == cut) {
        EXPECT_GT(delivered, 1000U);  // the intact first half is read
      }
      std::printf("[gzip error] %s\n", msg.c_str());
    }
  }
}

}  // namespace
}  // namespace crmpi::textio
