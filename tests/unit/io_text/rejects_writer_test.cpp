// The rejects CSV: rows read back intact (quotes, newlines), and I/O failures reported.
#include "io/text/rejects_writer.hpp"

#include <gtest/gtest.h>

#include "io/text/text_file_reader.hpp"
#include "kernels/common/errors.hpp"
#include "temp_files.hpp"

namespace crmpi::textio {
namespace {

TEST(RejectsWriter, RowsSurviveAReadBack) {
  testing::TempDir tmp;
  const std::string path = tmp.path("rejects.csv");
  const std::string nasty = "5,\"unterminated, with \"\"quotes\"\"\r";
  {
    RejectsWriter w(path);
    w.write("orders.csv", 7, 1234, "unterminated quoted field", nasty);
    w.write("in,put.csv", 0, 99, "wrong number of columns: 9, expected 8", "a,b\nc");
    EXPECT_EQ(w.rows(), 2U);
    w.close();
  }
  TextReadOptions o;
  o.expected_columns = 5;
  o.dialect.allow_quoted_newlines = true;
  TextFileReader r(path, ReadShare{}, o);
  TextRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(r.header(), (std::vector<std::string>{"file", "line", "byte_offset", "reason", "raw"}));
  ASSERT_EQ(rec.status, ingest::SplitStatus::kOk);
  EXPECT_EQ(rec.fields[0], "orders.csv");
  EXPECT_EQ(rec.fields[1], "7");
  EXPECT_EQ(rec.fields[2], "1234");
  EXPECT_EQ(rec.fields[4], nasty);
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.fields[0], "in,put.csv");
  EXPECT_EQ(rec.fields[4], "a,b\nc");
  EXPECT_FALSE(r.next(rec));
}

TEST(RejectsWriter, UnwritablePathIsAnIoError) {
  try {
    RejectsWriter w("/nonexistent-dir/rejects.csv");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 74);  // EX_IOERR of <sysexits.h>
  }
}

TEST(RejectsWriter, FullDiskIsReported) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  RejectsWriter w("/dev/full");
  EXPECT_THROW(
      {
        for (int i = 0; i < 100000; ++i) w.write("f", 1, 2, "reason", std::string(100, 'x'));
        w.close();
      },
      IoError);
}

}  // namespace
}  // namespace crmpi::textio
