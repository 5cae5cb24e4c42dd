// `crmpi migrate` options: binding and validation.
#include <filesystem>
#include <system_error>

#include "io/results_reader.hpp"
#include "jobs/migrate/migrate.hpp"

namespace crmpi {

void MigrateConfig::bind(Options& o) {
  o.bind("migrate", "before", before, "the earlier run's results: A/results.h5");
  o.bind("migrate", "after", after, "the later run's results: B/results.h5");
  o.bind("migrate", "out", out, "output directory: migration.h5 and csv/ (written atomically)");
  o.bind("migrate", "log-level", log_level, "trace, debug, info, warn, error or off");
}

void MigrateConfig::validate() const {
  if (before.empty()) throw ConfigError("--before A/results.h5 is required (the earlier run)");
  if (after.empty()) throw ConfigError("--after B/results.h5 is required (the later run)");
  if (out.empty()) throw ConfigError("--out DIR is required (migration.h5 and csv/ go there)");
}

void RunMigrateConfig::bind(Options& o) {
  o.bind("migrate", "before", before,
         "the previous quarter's results.h5: the segment migration to this run goes to DIR/migration.h5 and "
         "csv/migration_*.csv, and into the report (docs/migration.md)");
}

void check_previous_quarter(const Comm& comm, const std::string& before, const std::string& out_dir) {
  std::error_code ec;
  if (std::filesystem::equivalent(before, std::filesystem::path(out_dir) / "results.h5", ec))
    throw CollectiveError(ConfigError("--before " + before + " is the results file this run replaces (--out " +
                                      out_dir + "): keep the previous quarter's results in another directory"));
  try {
    const ResultsReader r(comm, before);
    if (!r.has_stage(results_schema::Part::kRfm))
      throw DataError(before + ": no /rfm group: not the results of crmpi run, rfm or segment (--before)");
  } catch (const CollectiveError&) {
    throw;
  } catch (const Error& e) {
    throw CollectiveError(e);
  }
}

}  // namespace crmpi
