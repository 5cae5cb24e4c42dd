// What every analysis job shares: the common options, the job context, the input/validation
// prologue and the output epilogue (provenance + atomic commit).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "comm/comm.hpp"
#include "io/input_file.hpp"
#include "io/output.hpp"
#include "io/results_file.hpp"
#include "io/validate.hpp"
#include "jobs/common/collective_error.hpp"
#include "jobs/cli/options.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {


struct CommonConfig {
  std::string input;
  std::string out;
  std::string log_level = "info";
  std::uint64_t chunk_rows = std::uint64_t{1} << 22;  // orders read per chunk (memory bound)
  std::uint64_t max_problems = 20;
  void bind(Options& o, bool needs_out);
  void validate(bool needs_out) const;
};

struct JobContext {
  const Comm& comm;
  std::string command;
  std::string effective_config;
  std::string start_time;
  std::uint64_t baseline_rss = 0;  // resident bytes after MPI/HDF5 start-up, before any data
};

// The input of an analysis job: opened and partitioned, then validated by one pass over the
// rank's slice that the stages ride on (jobs/common/stage.hpp).
struct OpenedInput {
  std::unique_ptr<InputFile> file;
  Slice slice;
  ValidationReport report;
  SliceCustomers customers;  // read by validation, lent to the stages
};
// Opens and partitions (collective). Structural problems: DataError (65), missing file: 66.
OpenedInput open_input(const JobContext& ctx, const CommonConfig& common);
// Validates every value of the rank's slice in one pass over its orders, with `hooks` riding on
// that pass. Throws DataError (65) with the report when the content is invalid: no stage result is
// used, nothing is written, on bad data.
void validate_input(const JobContext& ctx, const CommonConfig& common, OpenedInput& in,
                    const OrderPassHooks* hooks = nullptr);
// Both, for jobs that only check the input.
OpenedInput open_and_validate(const JobContext& ctx, const CommonConfig& common);

Provenance make_provenance(const JobContext& ctx, const OpenedInput& in);

// The rank's slice as the stages read it: customer ids, order offsets and signup days, order days
// and amounts (the memory log's yardstick, log_memory_use).
std::uint64_t slice_bytes(const Slice& s);

// Fault injection for the tests that prove one rank's failure ends the whole job promptly:
// with CRMPI_FAULT_RANK=r and CRMPI_FAULT_STAGE=s in the environment, rank r throws an IoError
// when it reaches stage s; with CRMPI_FAULT_ACTION=kill as well it kills itself with SIGKILL
// there instead (the fault drills, docs/RELIABILITY.md), and with CRMPI_FAULT_ACTION=stall it
// waits there until a stop signal arrives (jobs/common/stop_signal.hpp; at most 10 minutes), a
// stage long enough for a Slurm time limit to catch. Inert otherwise. The points: ingest-shuffle,
// rfm, clv, kmeans, rules, insights (each in the middle of its stage's collective work),
// checkpoint-write and results-write (jobs/pipeline/run_stages.cpp).
void fault_point(const Comm& comm, const char* stage);

}  // namespace crmpi
