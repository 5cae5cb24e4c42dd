// The HTML report of a results file (docs/report.md): report/crmpi_report.py, run by a Python
// interpreter (/usr/bin/python3 by default: Debian's, with python3-h5py, -plotly, -jinja2) in a
// child process of rank 0. `crmpi report` runs it alone; `crmpi run` runs it after its outputs
// are committed.
#pragma once

#include <string>

#include "jobs/common/job_common.hpp"

namespace crmpi {

// The [report] table. `enabled` is crmpi run's --report / --no-report; `crmpi report` has its
// own --results and --out.
struct ReportConfig {
  bool enabled = true;
  std::string python = "/usr/bin/python3";
  void bind(Options& o, bool in_run);
  void validate() const;  // throws ConfigError
};

// Where the script is: <directory of this crmpi executable>/../share/crmpi/report/crmpi_report.py.
// The same relative place in the build tree (the build copies report/ to BUILD/share/crmpi/report,
// crmpi being BUILD/jobs/crmpi) and in an installed tree (`cmake --install`: PREFIX/bin/crmpi,
// PREFIX/share/crmpi/report/).
std::string report_script_path();

struct ReportOutcome {
  int exit_code = 0;  // 0: written; else the sysexits code (69: no Python or no script)
  std::string error;  // why not, when exit_code != 0 (the script's own message went to stderr)
  double seconds = 0;
};

// Runs the script on `results`, writing `out` (the script writes a temporary, then renames it);
// `migration`: a DIR/migration.h5 whose after run is `results` ("": the script looks next to the
// results). In this process alone (no MPI); the child gets crmpi's stdout and stderr and an
// environment without the MPI launcher's variables. Never throws: failures come back in the outcome.
ReportOutcome write_report(const std::string& results, const std::string& out, const std::string& python,
                           const std::string& migration = "");

// `crmpi report --results DIR/results.h5 [--out FILE] [--before OLD/results.h5]`: with --before,
// first the migration from OLD to DIR (every rank; DIR/migration.h5 and DIR/csv/migration_*.csv,
// jobs/migrate/migrate.hpp), then rank 0 runs the script; every rank exits with its status (a
// failure is a CollectiveError with the script's code).
struct ReportCommandConfig {
  std::string results;
  std::string out;     // default: report.html next to the results
  std::string before;  // the previous quarter's results: the page's migration section
  std::string log_level = "info";
  ReportConfig report;
  void bind(Options& o);
  void validate();  // throws ConfigError
};
int run_report_command(const JobContext& ctx, const ReportCommandConfig& cfg);

// `crmpi run`, rank 0, after the commit: writes DIR/report.html. On failure it logs a warning,
// removes a report.html left by an earlier run (it would describe other results) and returns
// the outcome; the run's exit status does not change.
// `migration`: DIR/migration.h5 when the run had a previous quarter ("": none).
ReportOutcome write_run_report(const std::string& out_dir, const ReportConfig& cfg, const std::string& migration = "");

}  // namespace crmpi
