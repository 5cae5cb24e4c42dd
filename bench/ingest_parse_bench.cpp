// Throughput of splitting typical order lines (UCI-shaped, ~5% quoted descriptions) held in
// memory, alone and with the per-line parsing the ingest driver does (one core, no I/O). The
// whole-job figures, with reading and gzip, come from bench/ingest_bench.sh.
//
// usage: bench_ingest_parse [MEGABYTES=64]
// Prints one line; exits 1 if a line fails to split or parse (the numbers would be meaningless).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"
#include "kernels/ingest/field_splitter.hpp"
#include "kernels/ingest/line_rules.hpp"

using namespace crmpi::ingest;

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

int fail(const char* what, std::size_t pos) {
  std::fprintf(stderr, "bench_ingest_parse: %s at byte %zu\n", what, pos);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mb = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 64;
  const std::string buf = synthetic_lines(mb << 20);
  FieldSplitter s(Dialect::comma(), 8);
  std::size_t records = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t pos = 0; pos < buf.size(); pos = s.next_pos()) {
    if (s.split(buf, pos, true) != SplitStatus::kOk) return fail("split failed", pos);
    ++records;
  }
  const auto split_time = std::chrono::steady_clock::now() - t0;

  const LineClassifier classifier;
  LineCounts counts;
  std::int64_t total_cents = 0;
  t0 = std::chrono::steady_clock::now();
  for (std::size_t pos = 0; pos < buf.size(); pos = s.next_pos()) {
    if (s.split(buf, pos, true) != SplitStatus::kOk) return fail("split failed", pos);
    const auto f = s.fields();
    const IntParse qty = parse_int64(f[3]);
    const DateTimeParse when = parse_datetime(f[4]);
    const MoneyParse price = parse_money_micros(f[5]);
    if (!qty.ok() || !when.ok() || !price.ok()) return fail("parse failed", pos);
    counts.add(classifier.classify({f[0], f[1], f[6], qty.value, price.micros}));
    total_cents += line_amount_cents(qty.value, price.micros).cents;
  }
  const auto parse_time = std::chrono::steady_clock::now() - t0;
  if (counts.lines != records) return fail("classified lines != split records", buf.size());
  // total_cents is printed so that the compiler cannot drop the parsing.
  std::printf("ingest parse: %zu MB, %zu lines: split %.0f MB/s, split+parse+classify %.0f MB/s (total %lld cents)\n",
              buf.size() >> 20, records, mb_per_s(buf.size(), split_time), mb_per_s(buf.size(), parse_time),
              static_cast<long long>(total_cents));
  return 0;
}
