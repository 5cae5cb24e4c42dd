#include "jobs/report/report.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "jobs/common/log.hpp"
#include "jobs/migrate/migrate.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace crmpi {

namespace {

// Variables by which Open MPI, MPICH and PMIx tell a process it is an MPI rank. The child is not
// one: with them, Debian's h5py would pick its MPI build and start MPI in the child.
bool launcher_variable(const char* kv) {
  for (const char* p : {"OMPI_", "PMIX_", "PMI_", "MPI_LOCALNRANKS", "MPI_LOCALRANKID", "HYDRA_", "OPAL_"})
    if (std::strncmp(kv, p, std::strlen(p)) == 0) return true;
  return false;
}

}  // namespace

void ReportConfig::bind(Options& o, bool in_run) {
  if (in_run)
    o.bind("report", "report", enabled, "write DIR/report.html after the results (docs/report.md); --no-report: not");
  o.bind("report", "python", python, "the Python that runs the report (Debian's: python3-h5py, -plotly, -jinja2)");
}

void ReportConfig::validate() const {
  if (python.empty()) throw ConfigError("--python must name a Python interpreter");
}

std::string report_script_path() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path() / ".." / "share" / "crmpi" / "report" / "crmpi_report.py").lexically_normal().string();
}

ReportOutcome write_report(const std::string& results, const std::string& out, const std::string& python,
                           const std::string& migration) {
  Stopwatch sw;
  ReportOutcome r;
  const std::string script = report_script_path();
  if (script.empty() || !fs::is_regular_file(script)) {
    r.exit_code = static_cast<int>(ExitCode::kUnavailable);
    r.error = "the report script is missing: no " + (script.empty() ? std::string("crmpi_report.py") : script) +
              " (the build copies report/ to BUILD/share/crmpi/report; an install puts it in "
              "PREFIX/share/crmpi/report)";
    return r;
  }
  if (::access(python.c_str(), X_OK) != 0) {
    r.exit_code = static_cast<int>(ExitCode::kUnavailable);
    r.error = "no Python to run the report: " + python + " is not an executable (" + std::strerror(errno) +
              "); install Debian's python3 python3-h5py python3-plotly python3-jinja2 (scripts/setup-deps.sh)";
    return r;
  }
  std::vector<std::string> args = {python, script, "--quiet", "--results", results};
  if (!out.empty()) {
    args.emplace_back("--out");
    args.push_back(out);
  }
  if (!migration.empty()) {
    args.emplace_back("--migration");
    args.push_back(migration);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; e && *e; ++e)
    if (!launcher_variable(*e)) envp.push_back(*e);
  envp.push_back(nullptr);

  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, python.c_str(), nullptr, nullptr, argv.data(), envp.data());
  if (rc != 0) {
    r.exit_code = static_cast<int>(ExitCode::kUnavailable);
    r.error = "cannot start " + python + ": " + std::strerror(rc);
    return r;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      r.exit_code = static_cast<int>(ExitCode::kSoftware);
      r.error = std::string("waiting for the report script: ") + std::strerror(errno);
      return r;
    }
  r.seconds = sw.seconds();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return r;
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
    r.error = "the report script " + script + " failed with exit " + std::to_string(r.exit_code) +
              " (its message is above)";
  } else {
    r.exit_code = static_cast<int>(ExitCode::kSoftware);
    r.error = "the report script " + script + " was killed by signal " + std::to_string(WTERMSIG(status));
  }
  return r;
}

void ReportCommandConfig::bind(Options& o) {
  o.bind("report", "results", results, "the results file of a crmpi job: DIR/results.h5");
  o.bind("report", "out", out, "the HTML file to write; default: report.html next to the results");
  o.bind("report", "before", before,
         "the previous quarter's results.h5: the migration to --results is written next to them "
         "(migration.h5, csv/migration_*.csv) and shown on the page");
  o.bind("report", "log-level", log_level, "trace, debug, info, warn, error or off");
  report.bind(o, false);
}

void ReportCommandConfig::validate() {
  if (results.empty()) throw ConfigError("--results DIR/results.h5 is required");
  report.validate();
}

int run_report_command(const JobContext& ctx, const ReportCommandConfig& cfg) {
  std::string migration;
  if (!cfg.before.empty()) {
    const std::string dir = fs::path(cfg.results).parent_path().string();
    run_migration(ctx, cfg.before, cfg.results, dir.empty() ? "." : dir);
    migration = (fs::path(dir.empty() ? "." : dir) / "migration.h5").string();
  }
  int code = 0;
  std::string error;
  if (ctx.comm.is_root()) {
    if (!fs::exists(cfg.results)) {
      code = static_cast<int>(ExitCode::kNoInput);
      error = cfg.results + ": no such file";
    } else {
      const ReportOutcome r = write_report(cfg.results, cfg.out, cfg.report.python, migration);
      code = r.exit_code;
      error = r.error;
      if (code == 0)
        std::printf("crmpi report: %s\n",
                    (cfg.out.empty() ? (fs::path(cfg.results).parent_path() / "report.html").string() : cfg.out).c_str());
    }
  }
  ctx.comm.bcast(code);
  ctx.comm.bcast(error);
  if (code != 0) throw CollectiveError(static_cast<ExitCode>(code), "report: " + error);
  return 0;
}

ReportOutcome write_run_report(const std::string& out_dir, const ReportConfig& cfg, const std::string& migration) {
  const std::string html = (fs::path(out_dir) / "report.html").string();
  ReportOutcome r = write_report((fs::path(out_dir) / "results.h5").string(), html, cfg.python, migration);
  if (r.exit_code == 0) {
    spdlog::info("report: {} in {:.1f}s", html, r.seconds);
    return r;
  }
  std::error_code ec;
  const bool stale = fs::remove(html, ec);
  spdlog::warn("report: NOT written: {}{}. The results are complete; rebuild the report with "
               "`crmpi report --results {}/results.h5`",
               r.error, stale ? "; the report.html of an earlier run was removed (it described other results)" : "",
               out_dir);
  return r;
}

}  // namespace crmpi
