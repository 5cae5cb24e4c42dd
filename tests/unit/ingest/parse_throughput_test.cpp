// Throughput of splitting typical order lines (UCI-shaped, ~5% quoted descriptions) held in
// memory, alone and with the per-line parsing the driver does. Printed, not asserted: the machine
// is shared, so a hard threshold would fail for reasons unrelated to this code.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"
#include "kernels/ingest/field_splitter.hpp"
#include "kernels/ingest/line_rules.hpp"

namespace crmpi::ingest {
namespace {

std::string synthetic_lines(std::size_t target_bytes) {
  std::string buf;
  buf.reserve(target_bytes + 256);
  for (std::size_t i = 0; buf.size() < target_bytes; ++i) {
    const std::string desc = i % 20 == 0 ? "\"RECORD FRAME 7\"\" SINGLE, SIZE \"" : "WHITE HANGING HEART T-LIGHT HOLDER";
    buf += std::to_string(536365 + i / 8) + "," + std::to_string(85123 + i % 97) + "A," + desc + "," +
           std::to_string(1 + i % 24) + ",2010-12-01 08:" + std::to_string(10 + i % 50) + ":00," +
           std::to_string(i % 9) + "." + std::to_string(10 + i % 89) + "," + std::to_string(12346 + i % 4000) +
           ",United Kingdom\n";
  }
  return buf;
}

double mb_per_s(std::size_t bytes, std::chrono::steady_clock::duration d) {
  return static_cast<double>(bytes) / 1e6 / std::chrono::duration<double>(d).count();
}

TEST(ParseThroughput, SplitAndParseOrderLines) {
  const std::string buf = synthetic_lines(64U << 20);
  FieldSplitter s(Dialect::comma(), 8);
  std::size_t records = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t pos = 0; pos < buf.size(); pos = s.next_pos()) {
    ASSERT_EQ(s.split(buf, pos, true), SplitStatus::kOk);
    ++records;
  }
  const auto split_time = std::chrono::steady_clock::now() - t0;

  const LineClassifier classifier;
  LineCounts counts;
  std::int64_t total_cents = 0;
  t0 = std::chrono::steady_clock::now();
  for (std::size_t pos = 0; pos < buf.size(); pos = s.next_pos()) {
    ASSERT_EQ(s.split(buf, pos, true), SplitStatus::kOk);
    const auto f = s.fields();
    const IntParse qty = parse_int64(f[3]);
    const DateTimeParse when = parse_datetime(f[4]);
    const MoneyParse price = parse_money_micros(f[5]);
    ASSERT_TRUE(qty.ok() && when.ok() && price.ok());
    counts.add(classifier.classify({f[0], f[1], f[6], qty.value, price.micros}));
    total_cents += line_amount_cents(qty.value, price.micros).cents;
  }
  const auto parse_time = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(counts.lines, records);
  EXPECT_GT(total_cents, 0);
  std::printf("[throughput] %zu MB, %zu lines: split %.0f MB/s, split+parse+classify %.0f MB/s\n",
              buf.size() >> 20, records, mb_per_s(buf.size(), split_time), mb_per_s(buf.size(), parse_time));
}

}  // namespace
}  // namespace crmpi::ingest
