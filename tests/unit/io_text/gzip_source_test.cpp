// The gzip byte source (ISA-L inflate) against texts compressed by zlib: every byte back for any
// read size, members one after another, trailing bytes ignored, bad checksums and cuts reported.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "io/text/byte_source.hpp"
#include "kernels/common/errors.hpp"
#include "temp_files.hpp"

namespace crmpi::textio {
namespace {

using testing::TempDir;

// ~3 MB of CSV-like lines: larger than the source's 1 MiB input buffer, compressible like real data.
std::string sample_text(unsigned seed, std::size_t lines) {
  std::mt19937_64 rng(seed);
  std::string s;
  for (std::size_t i = 0; i < lines; ++i) {
    s += std::to_string(500000 + i / 4) + "," + std::to_string(rng() % 4000) + ",\"PRODUCT " +
         std::to_string(rng() % 997) + ", BOXED\"," + std::to_string(rng() % 24) + ",2011-0" +
         std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10) + " 10:00," +
         std::to_string(rng() % 100000) + "\n";
  }
  return s;
}

std::string read_all(const std::string& path, std::size_t read_size) {
  auto src = open_gzip(path);
  EXPECT_TRUE(src->is_gzip());
  std::string out, buf(read_size, '\0');
  for (;;) {
    const std::size_t got = src->read(buf.data(), buf.size());
    if (got == 0) break;
    out.append(buf.data(), got);
  }
  return out;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(GzipSource, GivesBackEveryByteForAnyReadSize) {
  TempDir tmp;
  const std::string text = sample_text(1, 40000);
  const std::string gz = tmp.write_gz("t.csv.gz", text);
  for (std::size_t read_size : {1UL, 7UL, 4096UL, 65536UL, 1UL << 22}) {
    if (read_size == 1) {
      EXPECT_EQ(read_all(gz, 1).substr(0, 5000), text.substr(0, 5000));  // 1-byte reads: a prefix is enough
      continue;
    }
    EXPECT_EQ(read_all(gz, read_size), text) << read_size;
  }
}

TEST(GzipSource, MembersFollowEachOtherIncludingEmptyOnes) {
  TempDir tmp;
  const std::string a = sample_text(2, 30000), b = sample_text(3, 5);
  tmp.write_gz("m.csv.gz", a);
  tmp.write_gz("m.csv.gz", "", true);
  const std::string gz = tmp.write_gz("m.csv.gz", b, true);
  EXPECT_EQ(read_all(gz, 1 << 16), a + b);
}

// A file under 1 MiB gets an input buffer of its size rounded up to 4 KiB: members that end or
// start anywhere around that buffer's edge, in files of every size near it, come back whole.
TEST(GzipSource, SmallFilesAcrossTheirInputBufferEdge) {
  TempDir tmp;
  std::mt19937_64 rng(7);
  for (std::size_t n : {1UL, 100UL, 3000UL, 4070UL, 4090UL, 4100UL, 8150UL, 8200UL}) {
    std::string noise(n, '\0');  // random bytes barely compress: the file is about n + 40 bytes
    for (char& c : noise) c = static_cast<char>(rng());
    const std::string one = tmp.write_gz("s" + std::to_string(n) + ".gz", noise);
    EXPECT_EQ(read_all(one, 1 << 16), noise) << n;
    tmp.write_gz("d" + std::to_string(n) + ".gz", noise);
    const std::string two = tmp.write_gz("d" + std::to_string(n) + ".gz", "second member\n", true);
    EXPECT_EQ(read_all(two, 777), noise + "second member\n") << n;
  }
}

TEST(GzipSource, BytesAfterTheLastMemberAreIgnored) {
  TempDir tmp;
  const std::string text = sample_text(4, 2000);
  const std::string gz = tmp.write_gz("g.csv.gz", text);
  const std::string with_tail = tmp.write("tail.csv.gz", bytes_of(gz) + std::string(1000, '\0') + "garbage");
  EXPECT_EQ(read_all(with_tail, 1 << 16), text);
}

TEST(GzipSource, ChecksumAndLengthMismatchesAreCorrupt) {
  TempDir tmp;
  const std::string text = sample_text(5, 2000);
  const std::string good = bytes_of(tmp.write_gz("g.csv.gz", text));
  // RFC 1952, sec. 2.3: a member ends with CRC-32 (4 bytes) then ISIZE (4 bytes). 8 from the end
  // is CRC-32's first byte, 3 from the end is ISIZE's second.
  for (std::size_t from_end : {8UL, 3UL}) {
    std::string bad = good;
    bad[bad.size() - from_end] = static_cast<char>(bad[bad.size() - from_end] ^ 0x01);
    const std::string path = tmp.write("bad.csv.gz", bad);
    try {
      read_all(path, 1 << 16);
      FAIL() << "no error for a flipped trailer byte " << from_end << " from the end";
    } catch (const DataError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("corrupt"), std::string::npos) << msg;
      EXPECT_NE(msg.find("bad.csv.gz"), std::string::npos) << msg;
    }
  }
}

TEST(GzipSource, ACutInTheHeaderOrTheDataIsTruncated) {
  TempDir tmp;
  const std::string good = bytes_of(tmp.write_gz("g.csv.gz", sample_text(6, 20000)));
  for (std::size_t keep : {5UL, good.size() / 3, good.size() - 4}) {
    const std::string path = tmp.write("cut.csv.gz", good.substr(0, keep));
    try {
      read_all(path, 1 << 16);
      FAIL() << "no error for a file cut at " << keep << " of " << good.size() << " bytes";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace crmpi::textio

namespace crmpi::textio {
namespace {

TEST(GzipSizeHint, IsTheLastMembersSizeAndNeverMoreThanTheText) {
  TempDir tmp;
  const std::string a = sample_text(7, 3000), b = sample_text(8, 100);
  EXPECT_EQ(gzip_size_hint(tmp.write_gz("one.csv.gz", a)), a.size());
  tmp.write_gz("two.csv.gz", a);
  EXPECT_EQ(gzip_size_hint(tmp.write_gz("two.csv.gz", b, true)), b.size());  // a lower bound
  // 3 bytes (magic 1f 8b, method 8): shorter than an 8-byte trailer, no hint.
  EXPECT_EQ(gzip_size_hint(tmp.write("tiny.gz", std::string("\x1f\x8b\x08", 3))), 0U);
  const std::string gz = bytes_of(tmp.write_gz("g.csv.gz", b));
  EXPECT_EQ(gzip_size_hint(tmp.write("tail.csv.gz", gz + "\xff\xff\xff\x7f")), 0U);  // not a trailer
}

}  // namespace
}  // namespace crmpi::textio
