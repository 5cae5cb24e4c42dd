// Segment migration between two runs (docs/migration.md): `crmpi migrate --before A/results.h5
// --after B/results.h5 --out DIR` writes DIR/migration.h5 (/migration, io/results_schema.hpp) and
// DIR/csv/migration_rfm.csv, migration_kmeans.csv. `crmpi run` with [migrate] before, and
// `crmpi report --before`, run the same job into the run's directory.
//
// Each rank reads its even share of both files' per-customer columns; the rows meet by customer id
// through the toolkit's sample sort (comm/shuffle.hpp), so each customer's two rows are on one rank
// and nothing per customer is gathered; every rank counts its customers into the matrices, and the
// integer counts and cents are summed across ranks (exact, so the same bits at any rank count).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jobs/common/job_common.hpp"

namespace crmpi {

// `crmpi migrate`'s options, the [migrate] table.
struct MigrateConfig {
  std::string before, after, out;
  std::string log_level = "info";
  void bind(Options& o);
  void validate();  // throws ConfigError; fills `after` (default OUT/results.h5)
};

// `crmpi run`'s [migrate] table: the previous quarter's results, for DIR/migration.h5 and the
// report's migration section.
struct RunMigrateConfig {
  std::string before;
  void bind(Options& o);
};

// Before `crmpi run` reads its input (collective): `before` is a results file with /rfm and not
// the run's own DIR/results.h5 (the run replaces it). NoInputError / DataError / ConfigError as a
// CollectiveError.
void check_previous_quarter(const Comm& comm, const std::string& before, const std::string& out_dir);

// One transition matrix: row r = the before run's segment r (row 0: new), column c = the after
// run's segment c (column 0: lost), row-major.
struct MigrationMatrix {
  std::vector<std::string> before_names, after_names;
  std::vector<std::uint64_t> customers;
  std::vector<std::int64_t> revenue_cents, revenue_before_cents, revenue_after_cents;
  std::size_t rows() const { return before_names.size(); }
  std::size_t cols() const { return after_names.size(); }
};

struct MigrationResult {
  std::string before_path, after_path;
  std::string before_as_of, after_as_of, before_end_time, after_end_time, currency;
  std::uint64_t customers_before = 0, customers_after = 0, customers_both = 0;
  MigrationMatrix rfm;
  // The k-means matrix when both runs have k-means segments of the same features; else empty,
  // with kmeans_status saying why.
  std::string kmeans_status;
  MigrationMatrix kmeans;
  std::vector<std::uint32_t> kmeans_match;  // per before row: the matched after column (0: none)
  std::vector<double> kmeans_match_distance;
  std::uint64_t slice_bytes = 0;  // this rank's rows of both files as read (the memory log's yardstick)
};

inline constexpr const char* kNewRowName = "(new)";
inline constexpr const char* kLostColumnName = "(lost)";
inline constexpr const char* kMatchedStatus = "matched";

// Reads both files and computes the matrices (collective). Bad input (a file missing: 66; not a
// results file, no /rfm, a duplicate customer id, a segment code out of range: 65) is a
// CollectiveError.
MigrationResult compute_migration(const Comm& comm, const std::string& before, const std::string& after);

// How the k-means segments are matched (stored in /migration/kmeans@method).
const char* migration_method();

// DIR/migration.h5 and DIR/csv/migration_{rfm,kmeans}.csv, committed atomically (collective).
void write_migration(const JobContext& ctx, const MigrationResult& r, const std::string& out_dir);

// compute + write + a summary line on rank 0: what `crmpi migrate`, `crmpi run` and `crmpi report`
// call. Returns the result.
MigrationResult run_migration(const JobContext& ctx, const std::string& before, const std::string& after,
                              const std::string& out_dir);

int run_migrate_command(const JobContext& ctx, const MigrateConfig& cfg);

}  // namespace crmpi
