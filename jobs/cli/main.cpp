// crmpi: customer analytics as an MPI batch job. One subcommand per job; see `crmpi --help`.
#include <CLI/CLI.hpp>
#include <hdf5.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/results_file.hpp"
#include "jobs/cli/subcommands.hpp"
#include "jobs/common/heap_policy.hpp"
#include "jobs/common/job_common.hpp"
#include "jobs/common/log.hpp"
#include "jobs/common/stop_signal.hpp"
#include "jobs/common/version.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {
namespace {

// A plain `srun` without PMI starts N separate 1-rank jobs that would each process everything.
void check_launch(const Comm& world) {
  const char* step_tasks = std::getenv("SLURM_STEP_NUM_TASKS");
  if (!step_tasks) {
    // Started straight from a batch script, outside any srun step: legal, but probably not meant.
    const char* ntasks = std::getenv("SLURM_NTASKS");
    if (ntasks && std::strtol(ntasks, nullptr, 10) > world.size() && world.is_root())
      std::fprintf(stderr, "crmpi: warning: the Slurm allocation has %s tasks but this job runs on %d rank(s); "
                   "launch with `srun --mpi=pmix crmpi ...` to use them all\n", ntasks, world.size());
    return;
  }
  const long n = std::strtol(step_tasks, nullptr, 10);
  const bool mpirun = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr && world.size() > 1;
  if (n > 0 && n != world.size() && !mpirun)
    throw CollectiveError(ExitCode::kConfig,
                          "Slurm started " + std::to_string(n) + " tasks (SLURM_NTASKS) but this MPI job has " +
                              std::to_string(world.size()) +
                              " rank(s): launch with `srun --mpi=pmix` (without PMI each task runs alone)");
}

// CLI11 names a negatable flag "--x,--no-x{false}" in the help (the value --no-x stores), which
// reads as if the default were false; the help text says the default in words instead (options.cpp).
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    std::string name = CLI::Formatter::make_option_name(opt, is_positional);
    for (const char* stored : {"{false}", "{true}"})
      for (std::size_t at; (at = name.find(stored)) != std::string::npos;) name.erase(at, std::strlen(stored));
    return name;
  }
};

int dispatch(const Comm& world, int argc, char** argv) {
  CLI::App app{"crmpi: customer analytics (RFM, segments, cross-sell rules, CLV) as an MPI batch job.\n"
               "Every analysis job reads --input FILE (docs/schema.md) and writes --out DIR/results.h5\n"
               "plus CSV exports in DIR/csv/, atomically. Exit codes: 0 ok, 64 usage, 65 bad data,\n"
               "66 missing input, 69 a program it needs missing (the report's Python), 70 internal error,\n"
               "74 I/O error, 78 bad configuration."};
  app.set_version_flag("--version", version_string());
  app.require_subcommand(1);
  app.formatter(std::make_shared<HelpFormatter>());  // before the subcommands: they copy it
  std::vector<std::unique_ptr<Subcommand>> subs = make_subcommands(app);

  std::ostringstream out, err;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e, out, err);
    if (world.is_root()) {
      std::cout << out.str();
      std::cerr << err.str();
    }
    return rc == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }
  for (auto& s : subs)
    if (s->parsed()) {
      check_launch(world);
      try {
        s->prepare(known_config_sections(subs));  // config file merge + validation: identical on every rank
      } catch (const Error& e) {
        throw CollectiveError(e);
      }
      setup_logging(world, s->log_level());
      JobContext ctx{world, s->name(), s->effective_config(), utc_now_iso8601(), current_rss_bytes()};
      const CommMeter job_comm;
      const int rc = s->run(ctx);
      job_comm.log(world, s->name() + " (the whole job)");  // every job: ingest, generate, export, ...
      return rc;
    }
  return static_cast<int>(ExitCode::kUsage);
}

}  // namespace
}  // namespace crmpi

int main(int argc, char** argv) {
  // Slurm's warning before the time limit ends no command (stop_signal.hpp). Noted before MPI_Init:
  // a job whose limit is shorter than the warning's lead gets the signal as its tasks start, and
  // MPI_Init under srun takes long enough for it to land there (a CI run lost its ingest to it).
  crmpi::note_warning_signal();
  crmpi::apply_heap_policy_from_environment();  // before the first large allocation (memory_reuse.hpp)
  crmpi::MpiSession mpi(argc, argv, crmpi::MpiStart::kWhenLaunched);  // alone: no MPI (comm/comm.hpp)
  crmpi::note_warning_signal();  // again, in case MPI_Init set its own handler
  crmpi::Comm world;
  crmpi::h5::silence_hdf5_errors();
  try {
    return crmpi::dispatch(world, argc, argv);
  } catch (const crmpi::CollectiveError& e) {
    if (world.is_root()) std::fprintf(stderr, "crmpi: error: %s\n", e.what());
    H5close();  // every rank is here: close what the unwinding left open, collectively
    return e.exit_code();
  } catch (const crmpi::Error& e) {
    // Only this rank may know: end every rank now rather than leave them waiting in a collective.
    std::fprintf(stderr, "crmpi: error (rank %d of %d): %s\n", world.rank(), world.size(), e.what());
    std::fflush(stderr);
    world.abort(e.exit_code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crmpi: internal error (rank %d of %d): %s\n", world.rank(), world.size(), e.what());
    std::fflush(stderr);
    world.abort(static_cast<int>(crmpi::ExitCode::kSoftware));
  }
}
