// Real data: the ingest building blocks on the UCI Online Retail exports and CDNOW, with counts
// from shared/data/README.md or computed independently with pandas + decimal on the same files:
// `/usr/bin/python3 tests/unit/io_text/uci_reference_counts.py ../shared/data` (see the numbers'
// comments). Skips when
// CRMPI_SHARED_DATA does not hold the files (fail under CI=true: shared_data.hpp). Throughput of
// these paths is measured by bench/ingest_bench.sh, not here.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "io/text/text_file_reader.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"
#include "kernels/ingest/line_rules.hpp"
#include "kernels/ingest/string_dictionary.hpp"
#include "shared_data.hpp"
#include "temp_files.hpp"

namespace crmpi::textio {
namespace {

using namespace crmpi::ingest;

using crmpi_test::shared_data_file;

struct RetailSummary {
  LineCounts counts;
  std::uint64_t rejects = 0, bad_values = 0;
  std::int64_t total_cents = 0;
  std::int32_t first_day = INT32_MAX, last_day = INT32_MIN;
  DistinctStrings invoices, customers, countries, codes;
};

// Reads one share of an Online Retail file and applies the ingest rules to every line.
void read_retail(const std::string& path, ReadShare share, RetailSummary& s) {
  TextReadOptions opts;
  opts.expected_columns = 8;
  TextFileReader reader(path, share, opts);
  const LineClassifier classifier;
  DuplicateTracker dups;
  TextRecord rec;
  while (reader.next(rec)) {
    if (rec.status != SplitStatus::kOk) {
      ++s.rejects;
      continue;
    }
    const auto& f = rec.fields;
    const IntParse qty = parse_int64(f[3]);
    const DateTimeParse when = parse_datetime(f[4]);
    const MoneyParse price = parse_money_micros(f[5]);
    const AmountResult amount = line_amount_cents(qty.value, price.micros);
    if (!qty.ok() || !when.ok() || !price.ok() || !amount.ok()) {
      ++s.bad_values;
      continue;
    }
    s.counts.add(classifier.classify({f[0], f[1], f[6], qty.value, price.micros}));
    if (dups.seen_before(raw_line_hash(rec.raw))) ++s.counts.duplicates;
    s.total_cents += amount.cents;
    s.first_day = std::min(s.first_day, when.days);
    s.last_day = std::max(s.last_day, when.days);
    s.invoices.add(f[0]);
    s.codes.add(f[1]);
    if (!f[6].empty()) s.customers.add(f[6]);
    s.countries.add(f[7]);
  }
}

TEST(RealData, UciOnlineRetail2010To2011) {
  const std::string path = shared_data_file("online-retail/online_retail_2010_2011.csv.gz");
  CRMPI_SKIP_WITHOUT_DATA(path, "online-retail/online_retail_2010_2011.csv.gz");
  RetailSummary s;
  read_retail(path, ReadShare{}, s);
  const LineCounts& c = s.counts;
  std::printf("[uci] %llu lines\n", static_cast<unsigned long long>(c.lines));
  for (std::size_t k = 0; k < kLineClassCount; ++k) {
    std::printf("[uci] class %-18s %llu\n", describe(static_cast<LineClass>(k)),
                static_cast<unsigned long long>(c.by_class[k]));
  }
  for (std::size_t b = 0; b < kLineFlagCount; ++b) {
    std::printf("[uci] flag  %-18s %llu\n", describe_flag(b), static_cast<unsigned long long>(c.by_flag[b]));
  }
  std::printf("[uci] exact duplicate lines %llu, total %.2f GBP\n", static_cast<unsigned long long>(c.duplicates),
              static_cast<double>(s.total_cents) / 100.0);

  // Expected values: shared/data/README.md (lines, invoices, customers, countries, stock codes,
  // dates) and uci_reference_counts.py (pandas read_csv dtype=str, keep_default_na=False, the
  // docs/ingest.md rules applied to every line: flags and classes, duplicates, total).
  EXPECT_EQ(s.rejects, 0U);
  EXPECT_EQ(s.bad_values, 0U);
  EXPECT_EQ(c.lines, 541909U);
  EXPECT_EQ(s.invoices.size(), 25900U);
  EXPECT_EQ(s.customers.size(), 4372U);
  EXPECT_EQ(s.countries.size(), 38U);
  EXPECT_EQ(s.codes.size(), 4070U);
  EXPECT_EQ(format_iso_date(s.first_day), "2010-12-01");
  EXPECT_EQ(format_iso_date(s.last_day), "2011-12-09");
  EXPECT_EQ(c.with(kFlagAdjustmentInvoice), 3U);
  EXPECT_EQ(c.with(kFlagMissingCustomer), 135080U);
  EXPECT_EQ(c.with(kFlagCancelInvoice), 9288U);
  EXPECT_EQ(c.with(kFlagNegativeQuantity), 10624U);
  EXPECT_EQ(c.with(kFlagNonProduct), 2950U);
  EXPECT_EQ(c.with(kFlagZeroPrice), 2515U);
  EXPECT_EQ(c.with(kFlagNegativePrice), 2U);
  EXPECT_EQ(c.of(LineClass::kSale), 396337U);
  EXPECT_EQ(c.of(LineClass::kMissingCustomer), 135077U);
  EXPECT_EQ(c.of(LineClass::kCancellation), 8905U);
  EXPECT_EQ(c.of(LineClass::kNonProduct), 1554U);
  EXPECT_EQ(c.of(LineClass::kNonPositivePrice), 33U);
  EXPECT_EQ(c.of(LineClass::kAdjustment), 3U);
  EXPECT_EQ(c.duplicates, 5268U);  // pandas DataFrame.duplicated() over all columns (raw text)
  // Sum over lines of round_half_away(quantity * price * 100) with Python's Decimal
  // (uci_reference_counts.py: "total cents").
  EXPECT_EQ(s.total_cents, 974774793);

  // Four gzip shares: the counts must sum to the same totals, and the merged dictionaries must
  // give the same customer codes as one build.
  LineCounts sum;
  std::vector<std::vector<std::string>> customer_parts;
  for (int part = 0; part < 4; ++part) {
    RetailSummary p;
    read_retail(path, ReadShare{part, 4}, p);
    p.counts.duplicates = 0;  // duplicates are only meaningful after the shuffle by customer
    sum += p.counts;
    customer_parts.push_back(p.customers.take_sorted());
  }
  EXPECT_EQ(sum.lines, c.lines);
  EXPECT_EQ(sum.by_class, c.by_class);
  EXPECT_EQ(sum.by_flag, c.by_flag);
  EXPECT_EQ(merge_sorted_unique(customer_parts), s.customers.take_sorted());
}

TEST(RealData, UciOnlineRetailPlainFileByteRanges) {
  const std::string gz = shared_data_file("online-retail/online_retail_2010_2011.csv.gz");
  CRMPI_SKIP_WITHOUT_DATA(gz, "online-retail/online_retail_2010_2011.csv.gz");
  // Decompress once, then check byte-range shares of the plain file on real lines.
  testing::TempDir tmp;
  const std::string plain = tmp.path("retail.csv");
  {
    auto src = open_gzip(gz);
    std::ofstream out(plain, std::ios::binary);
    std::string buf(1 << 20, '\0');
    while (const std::size_t n = src->read(buf.data(), buf.size())) out.write(buf.data(), static_cast<std::streamsize>(n));
  }
  TextReadOptions opts;
  opts.expected_columns = 8;
  for (int n : {1, 3, 7}) {
    std::uint64_t records = 0, bad = 0, lines = 0;
    for (int part = 0; part < n; ++part) {
      TextFileReader r(plain, ReadShare{part, n}, opts);
      TextRecord rec;
      while (r.next(rec)) {
        ++records;
        bad += rec.status != SplitStatus::kOk;
      }
      lines += r.physical_lines();
    }
    EXPECT_EQ(records, 541909U) << n;  // README
    EXPECT_EQ(lines, 541910U) << n;  // header + records
    EXPECT_EQ(bad, 0U);
  }
}

TEST(RealData, UciOnlineRetailII2009To2010) {
  const std::string path = shared_data_file("online-retail/online_retail_II_2009_2010.csv.gz");
  CRMPI_SKIP_WITHOUT_DATA(path, "online-retail/online_retail_II_2009_2010.csv.gz");
  RetailSummary s;
  read_retail(path, ReadShare{}, s);
  EXPECT_EQ(s.rejects, 0U);
  EXPECT_EQ(s.bad_values, 0U);
  EXPECT_EQ(s.counts.lines, 525461U);  // README, as the dates below
  EXPECT_EQ(format_iso_date(s.first_day), "2009-12-01");
  EXPECT_EQ(format_iso_date(s.last_day), "2010-12-09");
}

TEST(RealData, CdnowWhitespaceFile) {
  const std::string path = shared_data_file("cdnow/CDNOW_master.txt");
  CRMPI_SKIP_WITHOUT_DATA(path, "cdnow/CDNOW_master.txt");
  TextReadOptions opts;
  opts.dialect = Dialect::whitespace();
  opts.expected_columns = 4;
  std::uint64_t lines = 0, zero_dollar = 0, bad = 0;
  DistinctStrings customers;
  for (int part = 0; part < 3; ++part) {
    TextFileReader r(path, ReadShare{part, 3}, opts);
    TextRecord rec;
    while (r.next(rec)) {
      const DateTimeParse d = parse_datetime(rec.fields[1]);
      const MoneyParse dollars = parse_money_micros(rec.fields[3]);
      if (rec.status != SplitStatus::kOk || !d.ok() || !dollars.ok() || !parse_int64(rec.fields[2]).ok()) {
        ++bad;
        continue;
      }
      ++lines;
      zero_dollar += dollars.micros == 0;
      customers.add(rec.fields[0]);
      EXPECT_GE(d.days, parse_datetime("19970101").days);
      EXPECT_LE(d.days, parse_datetime("19980630").days);
    }
  }
  EXPECT_EQ(bad, 0U);
  // shared/data/README.md, cdnow/: 69,659 purchase lines, 23,570 customers, 80 lines of $0.00.
  EXPECT_EQ(lines, 69659U);
  EXPECT_EQ(customers.size(), 23570U);
  EXPECT_EQ(zero_dollar, 80U);
}

}  // namespace
}  // namespace crmpi::textio
