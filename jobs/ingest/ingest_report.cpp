#include "jobs/ingest/ingest_report.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <string>
#include <tuple>

#include "comm/distinct_count.hpp"
#include "io/text/rejects_writer.hpp"
#include "jobs/ingest/side_files.hpp"
#include "jobs/common/job_common.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi::ingest_job {
namespace {

// A reason as the error message shows it: control bytes (a NUL in a field would end the printed
// message there) as \xHH.
std::string printable(const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Bad lines travel as length-prefixed records (raw text may hold tabs, quotes and newlines).
std::string pack_bad(const std::vector<BadLine>& v) {
  std::string s;
  for (const auto& b : v) {
    s += std::to_string(b.file) + ' ' + std::to_string(b.line) + ' ' + std::to_string(b.offset) + ' ' +
         std::to_string(b.reason.size()) + ' ' + std::to_string(b.raw.size()) + ' ';
    s += b.reason;
    s += b.raw;
  }
  return s;
}

void unpack_bad(const std::string& s, std::vector<BadLine>& out) {
  std::size_t p = 0;
  auto num = [&] {
    const auto e = s.find(' ', p);
    const auto v = std::stoull(s.substr(p, e - p));
    p = e + 1;
    return v;
  };
  while (p < s.size()) {
    BadLine b;
    b.file = static_cast<std::uint32_t>(num());
    b.line = num();
    b.offset = num();
    const auto reason_len = num(), raw_len = num();
    b.reason = s.substr(p, reason_len);
    p += reason_len;
    b.raw = s.substr(p, raw_len);
    p += raw_len;
    out.push_back(std::move(b));
  }
}

}  // namespace

void report_bad_lines(const Comm& comm, const IngestConfig& cfg, std::uint64_t local_bad_count,
                      std::vector<BadLine>& bad) {
  const auto total_bad = comm.allreduce_sum(local_bad_count);
  if (total_bad == 0) return;
  std::vector<BadLine> all;
  for (const auto& block : comm.allgather_strings(pack_bad(bad))) unpack_bad(block, all);
  bad.clear();
  std::sort(all.begin(), all.end(), [](const BadLine& a, const BadLine& b) {
    return std::tie(a.file, a.line, a.offset) < std::tie(b.file, b.line, b.offset);
  });
  if (cfg.rejects.empty()) {
    std::string msg = std::to_string(total_bad) + " bad line(s); the first:";
    for (std::size_t i = 0; i < all.size() && i < cfg.max_errors; ++i)
      msg += "\n  " + input_name(cfg, all[i].file) + ":" + std::to_string(all[i].line) + ": " +
             printable(all[i].reason);
    msg += "\n(use --rejects FILE to set bad lines aside and go on)";
    throw CollectiveError(ExitCode::kDataErr, msg);
  }
  if (!comm.is_root()) return;
  textio::RejectsWriter w(cfg.rejects);
  for (const auto& b : all) w.write(input_name(cfg, b.file), b.line, b.offset, b.reason, b.raw);
  w.close();
  spdlog::warn("ingest: {} bad line(s) written to {}", total_bad, cfg.rejects);
}

void count_input_ids(const Comm& comm, ParsedShare& parsed) {
  parsed.distinct_customers = distinct_count(comm, parsed.input_customers.values());
  parsed.distinct_invoices = distinct_count(comm, parsed.input_invoices.values());
  parsed.input_customers = SeenIds{};
  parsed.input_invoices = SeenIds{};
}

void report_counts(const Comm& comm, const IngestConfig& cfg, const WrittenFileSummary& written, ParsedShare& parsed) {
  using ingest::LineClass;
  const Counts& counts = parsed.counts;
  ingest::LineCounts rules = counts.rules;
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(rules.by_class));
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(rules.by_flag));
  std::uint64_t c[6] = {counts.records, counts.blank, counts.bad, counts.duplicates, counts.kept, counts.zero_amount};
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(c));
  const auto in_customers = parsed.distinct_customers;
  const auto in_invoices = parsed.distinct_invoices;
  if (!comm.is_root()) return;
  spdlog::info("ingest: wrote {} ({} customers, {} orders, {} items, {} products, {} regions; as_of {}, {})", cfg.out,
               written.customers, written.orders, written.items, written.products, written.regions,
               format_iso_date(written.as_of_day), cfg.currency);
  spdlog::info("ingest: input: {} lines, {} distinct customer ids, {} distinct invoices, {} blank lines", c[0],
               in_customers, in_invoices, c[1]);
  auto line = [](const char* name, std::uint64_t v, const char* what) {
    spdlog::info("ingest: count {:<18} {:>10}  {}", name, v, what);
  };
  line("lines", c[0], "data lines read (header and blank lines excluded)");
  line("bad", c[2], cfg.rejects.empty() ? "malformed lines" : "malformed lines, written to the rejects file");
  line("adjustment", rules.of(LineClass::kAdjustment), "dropped: bad-debt adjustments (invoice prefix A)");
  line("missing_customer", rules.of(LineClass::kMissingCustomer), "dropped: no customer id");
  line("cancellation", rules.of(LineClass::kCancellation), "dropped: cancellations/returns (prefix C or quantity < 0)");
  line("non_product", rules.of(LineClass::kNonProduct), "dropped: postage, fees, manual and other non-product codes");
  line("non_positive_price", rules.of(LineClass::kNonPositivePrice),
       "dropped: unit price <= 0, or amount < 0 (amount column)");
  line("zero_amount", c[5], "kept: sales of amount 0 from an amount column (free purchases; not a class)");
  line("duplicate", c[3],
       cfg.keep_duplicates || !parsed.have_orders ? "exact duplicate lines, kept (--keep-duplicates or no order column)"
                                                  : "dropped: exact duplicate lines");
  line("kept", c[4], "sale lines in the output");
}

}  // namespace crmpi::ingest_job
