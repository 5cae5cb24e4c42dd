// `crmpi migrate` options: binding and validation.
#include <filesystem>
#include <system_error>

#include "io/results_reader.hpp"
#include "jobs/migrate/migrate.hpp"

namespace crmpi {

// `out` and `log-level` are top-level keys, as in every job, and [migrate] holds `before` as in
// `crmpi run`: one config file serves `crmpi run` and `crmpi migrate` (the run's --out is the
// after run). `after` is for `crmpi migrate` alone; `crmpi run` refuses it in [migrate].
void MigrateConfig::bind(Options& o) {
  o.bind("", "out", out, "output directory: migration.h5 and csv/ (written atomically)");
  o.bind("", "log-level", log_level, "trace, debug, info, warn, error or off");
  o.bind("migrate", "before", before, "the earlier run's results: A/results.h5");
  o.bind("migrate", "after", after, "the later run's results: B/results.h5; default: OUT/results.h5");
}

void MigrateConfig::validate() {
  if (before.empty()) throw ConfigError("--before A/results.h5 is required (the earlier run)");
  if (out.empty()) throw ConfigError("--out DIR is required (migration.h5 and csv/ go there)");
  if (after.empty()) after = (std::filesystem::path(out) / "results.h5").string();
}

void RunMigrateConfig::bind(Options& o) {
  o.bind("migrate", "before", before,
         "the previous quarter's results.h5: the segment migration to this run goes to DIR/migration.h5 and "
         "csv/migration_*.csv, and into the report (docs/migration.md)");
}

void check_previous_quarter(const Comm& comm, const std::string& before, const std::string& out_dir) {
  std::error_code ec;
  if (std::filesystem::equivalent(before, std::filesystem::path(out_dir) / "results.h5", ec))
    throw CollectiveError(ConfigError("--before " + before +
                                      " is the results file this run replaces (--out " + out_dir +
                                      "): keep the previous quarter's results in another directory"));
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
