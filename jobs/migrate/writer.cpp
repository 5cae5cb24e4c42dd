// Segment migration's outputs: DIR/migration.h5 (/migration, io/results_schema.hpp) and
// DIR/csv/migration_rfm.csv, migration_kmeans.csv, committed atomically; `crmpi migrate` itself.
// Every table is the same on every rank (reduced counts): rank 0 writes the CSV files.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "io/csv_writer.hpp"
#include "jobs/common/log.hpp"
#include "jobs/common/version.hpp"
#include "jobs/migrate/migrate.hpp"

namespace crmpi {

namespace {

namespace layout = results_schema::migration;

const char* kRevenue =
    "revenue_cents: the after run's /rfm/monetary_cents (spend up to its as_of) of the cell's customers; in "
    "column 0 (lost) the before run's. revenue_before_cents and revenue_after_cents: each run's, 0 where "
    "absent";

std::string money(std::int64_t cents) {
  return csv_number(static_cast<double>(cents) / 100.0, 2);
}

// The CSV's rows: segments in code order, then new (row 0) / lost (column 0) last; every cell.
std::vector<std::size_t> presentation_order(std::size_t n) {
  std::vector<std::size_t> o;
  if (n == 0) return o;  // no matrix (k-means skipped): the header alone
  for (std::size_t i = 1; i < n; ++i) o.push_back(i);
  o.push_back(0);
  return o;
}

void write_csv(const std::string& path, const MigrationMatrix& m, const std::vector<std::uint32_t>* match) {
  std::vector<std::string> head = {"before_code",   "before_segment", "after_code",
                                   "after_segment", "customers",      "share_of_before",
                                   "revenue",       "revenue_before", "revenue_after"};
  if (match) head.push_back("matched");
  CsvWriter w(path, head);
  for (const std::size_t r : presentation_order(m.rows())) {
    std::uint64_t row_total = 0;
    for (std::size_t c = 0; c < m.cols(); ++c) row_total += m.customers[r * m.cols() + c];
    for (const std::size_t c : presentation_order(m.cols())) {
      const std::size_t at = r * m.cols() + c;
      std::vector<std::string> f = {
          std::to_string(r),
          m.before_names[r],
          std::to_string(c),
          m.after_names[c],
          std::to_string(m.customers[at]),
          row_total ? csv_number(static_cast<double>(m.customers[at]) / static_cast<double>(row_total))
                    : std::string(),
          money(m.revenue_cents[at]),
          money(m.revenue_before_cents[at]),
          money(m.revenue_after_cents[at])};
      if (match) f.push_back(r > 0 && c > 0 && (*match)[r] == c ? "1" : "0");
      w.row(f);
    }
  }
  w.close();
}

void write_matrix(ResultsFile& h5, const MigrationMatrix& m, const results_schema::Entry& before_name,
                  const results_schema::Entry& after_name, const results_schema::Entry& customers,
                  const results_schema::Entry& revenue, const results_schema::Entry& revenue_before,
                  const results_schema::Entry& revenue_after) {
  h5.write_strings(before_name, m.before_names);
  h5.write_strings(after_name, m.after_names);
  h5.write_replicated(customers, m.customers);
  h5.write_replicated(revenue, m.revenue_cents);
  h5.write_replicated(revenue_before, m.revenue_before_cents);
  h5.write_replicated(revenue_after, m.revenue_after_cents);
}

}  // namespace

void write_migration(const JobContext& ctx, const MigrationResult& r, const std::string& out_dir) {
  OutputSet out(ctx.comm, out_dir);
  const std::string rfm_csv = out.temp_path("csv/migration_rfm.csv");
  const std::string kmeans_csv = out.temp_path("csv/migration_kmeans.csv");
  {
    ResultsFile h5(ctx.comm, out.temp_path("migration.h5"));
    h5.write_attr_string(layout::kBeforeResults, r.before_path);
    h5.write_attr_string(layout::kAfterResults, r.after_path);
    h5.write_attr_string(layout::kBeforeAsOf, r.before_as_of);
    h5.write_attr_string(layout::kAfterAsOf, r.after_as_of);
    h5.write_attr_string(layout::kBeforeEndTime, r.before_end_time);
    h5.write_attr_string(layout::kAfterEndTime, r.after_end_time);
    h5.write_attr_string(layout::kRevenueDefinition, kRevenue);
    h5.write_attr_int(layout::kCustomersBefore, static_cast<std::int64_t>(r.customers_before));
    h5.write_attr_int(layout::kCustomersAfter, static_cast<std::int64_t>(r.customers_after));
    h5.write_attr_int(layout::kCustomersBoth, static_cast<std::int64_t>(r.customers_both));
    h5.group(std::string(layout::kRfm.path));
    write_matrix(h5, r.rfm, layout::kRfmBeforeName, layout::kRfmAfterName, layout::kRfmCustomers,
                 layout::kRfmRevenue, layout::kRfmRevenueBefore, layout::kRfmRevenueAfter);
    h5.group(std::string(layout::kKmeans.path));
    h5.write_attr_string(layout::kKmeansStatus, r.kmeans_status);
    h5.write_attr_string(layout::kKmeansMethod, migration_method());
    write_matrix(h5, r.kmeans, layout::kKmeansBeforeName, layout::kKmeansAfterName, layout::kKmeansCustomers,
                 layout::kKmeansRevenue, layout::kKmeansRevenueBefore, layout::kKmeansRevenueAfter);
    h5.write_replicated(layout::kKmeansMatch, r.kmeans_match);
    h5.write_replicated(layout::kKmeansMatchDistance, r.kmeans_match_distance);
    Provenance p;
    p.crmpi_version = version_string();
    p.command = "migrate";
    p.config_toml = ctx.effective_config;
    p.input_path = r.after_path;  // the before run: /migration@before_results
    p.input_bytes = std::filesystem::file_size(r.after_path);
    p.ranks = ctx.comm.size();
    p.start_time = ctx.start_time;
    p.end_time = utc_now_iso8601();
    h5.write_provenance(p);
  }
  if (ctx.comm.is_root()) {
    write_csv(rfm_csv, r.rfm, nullptr);
    write_csv(kmeans_csv, r.kmeans, &r.kmeans_match);
  }
  out.commit();
}

MigrationResult run_migration(const JobContext& ctx, const std::string& before, const std::string& after,
                              const std::string& out_dir) {
  Stopwatch sw;
  MigrationResult r = compute_migration(ctx.comm, before, after);
  write_migration(ctx, r, out_dir);
  if (r.kmeans_status != kMatchedStatus) spdlog::warn("migrate: no k-means matrix: {}", r.kmeans_status);
  if (ctx.comm.is_root()) {
    const auto& m = r.rfm;
    std::uint64_t stayed = 0, was_buyer = 0, became = 0;
    for (std::size_t i = 1; i < m.rows(); ++i)
      for (std::size_t c = 0; c < m.cols(); ++c) {
        was_buyer += m.customers[i * m.cols() + c];
        if (c > 0 && m.before_names[i] == m.after_names[c]) stayed += m.customers[i * m.cols() + c];
      }
    for (std::size_t c = 1; c < m.cols(); ++c) became += m.customers[c];
    std::printf(
        "crmpi migrate: %s -> %s in %.1fs: %s/migration.h5, %s/csv/migration_rfm.csv, migration_kmeans.csv\n",
        r.before_as_of.c_str(), r.after_as_of.c_str(), sw.seconds(), out_dir.c_str(), out_dir.c_str());
    std::printf("  RFM: %llu buyers before, %.1f%% in the same segment after; %llu new buyers\n",
                static_cast<unsigned long long>(was_buyer),
                was_buyer ? 100.0 * static_cast<double>(stayed) / static_cast<double>(was_buyer) : 0.0,
                static_cast<unsigned long long>(became));
    if (r.kmeans_status == kMatchedStatus) {
      const auto& k = r.kmeans;
      std::uint64_t kept = 0, total = 0;
      for (std::size_t i = 1; i < k.rows(); ++i)
        for (std::size_t c = 0; c < k.cols(); ++c) {
          total += k.customers[i * k.cols() + c];
          if (c > 0 && r.kmeans_match[i] == c) kept += k.customers[i * k.cols() + c];
        }
      std::printf(
          "  k-means: %zu -> %zu segments, %.1f%% of the before buyers in the matched segment after\n",
          k.rows() - 1, k.cols() - 1,
          total ? 100.0 * static_cast<double>(kept) / static_cast<double>(total) : 0.0);
    } else {
      std::printf("  k-means: no matrix: %s\n", r.kmeans_status.c_str());
    }
  }
  return r;
}

int run_migrate_command(const JobContext& ctx, const MigrateConfig& cfg) {
  const MigrationResult r = run_migration(ctx, cfg.before, cfg.after, cfg.out);
  log_memory_use(ctx.comm, "migrate", ctx.baseline_rss, r.slice_bytes);
  return 0;
}

}  // namespace crmpi
