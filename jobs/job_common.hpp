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
#include "jobs/options.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

// Job tables a shared config file may contain (tables of other jobs are skipped, unknown ones rejected).
inline const std::vector<std::string> kConfigSections = {"generate", "validate", "rfm", "clv", "ingest",
                                                         "segments", "rules", "report", "run"};

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

// Opens, partitions and validates the input. Throws DataError (65) with the report when the
// content is invalid: no work starts on bad data.
struct OpenedInput {
  std::unique_ptr<InputFile> file;
  Slice slice;
  ValidationReport report;
};
OpenedInput open_and_validate(const JobContext& ctx, const CommonConfig& common);

Provenance make_provenance(const JobContext& ctx, const OpenedInput& in);

// Fault injection for the tests that prove one rank's failure ends the whole job promptly:
// with CRMPI_FAULT_RANK=r and CRMPI_FAULT_STAGE=s in the environment, rank r throws an IoError
// when it reaches stage s. Inert otherwise.
void fault_point(const Comm& comm, const char* stage);

// Errors that every rank raises together (same config, same collective verdict): the job ends
// cleanly with the error's exit code and rank 0 prints the message once.
struct CollectiveError : Error {
  using Error::Error;
  explicit CollectiveError(const Error& e) : Error(e.code(), e.what()) {}
};

}  // namespace crmpi
