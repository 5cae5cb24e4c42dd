#include "jobs/common/job_common.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "jobs/common/log.hpp"
#include "jobs/common/stop_signal.hpp"
#include "jobs/common/version.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void CommonConfig::bind(Options& o, bool needs_out) {
  o.bind("", "input", input, "input HDF5 file (layout: docs/schema.md)");
  if (needs_out) o.bind("", "out", out, "output directory: results.h5 and csv/ (written atomically)");
  o.bind("", "log-level", log_level, "trace, debug, info, warn, error or off");
  o.bind("", "chunk-rows", chunk_rows, "orders read per chunk; bounds memory per rank");
  o.bind("", "max-problems", max_problems, "how many invalid values to list when validation fails");
}

void CommonConfig::validate(bool needs_out) const {
  if (input.empty()) throw ConfigError("--input FILE is required (or `input = \"...\"` in the config file)");
  if (needs_out && out.empty()) throw ConfigError("--out DIR is required (or `out = \"...\"` in the config file)");
  if (chunk_rows < 1024) throw ConfigError("--chunk-rows must be at least 1024, got " + std::to_string(chunk_rows));
  if (max_problems < 1) throw ConfigError("--max-problems must be at least 1");
}

OpenedInput open_input(const JobContext& ctx, const CommonConfig& common) {
  OpenedInput in;
  try {
    in.file = std::make_unique<InputFile>(ctx.comm, common.input);
  } catch (const Error& e) {
    throw CollectiveError(e);  // every rank saw the same file
  }
  in.slice = in.file->partition(ctx.comm.rank(), ctx.comm.size());
  const auto& sz = in.file->sizes();
  spdlog::info("input {}: {} customers, {} orders, {} items, {} surveys; as_of {}", common.input,
               human_count(static_cast<double>(sz.customers)), human_count(static_cast<double>(sz.orders)),
               human_count(static_cast<double>(sz.items)), human_count(static_cast<double>(sz.surveys)),
               in.file->as_of_day());
  return in;
}

void validate_input(const JobContext& ctx, const CommonConfig& common, OpenedInput& in, const OrderPassHooks* hooks) {
  Stopwatch sw;
  in.report = validate_content(*in.file, ctx.comm, in.slice, common.max_problems, common.chunk_rows, hooks,
                               &in.customers);
  if (!in.report.ok()) throw CollectiveError(ExitCode::kDataErr, in.report.format(common.input));
  spdlog::info("validate: {} rows checked in {:.2f}s, no problems (checksum {})",
               human_count(static_cast<double>(in.report.rows_checked)), sw.seconds(), in.report.checksum_hex());
}

OpenedInput open_and_validate(const JobContext& ctx, const CommonConfig& common) {
  OpenedInput in = open_input(ctx, common);
  validate_input(ctx, common, in);
  return in;
}

void fault_point(const Comm& comm, const char* stage) {
  const char* rank = std::getenv("CRMPI_FAULT_RANK");
  const char* where = std::getenv("CRMPI_FAULT_STAGE");
  if (!rank || !where || std::string(where) != stage || std::atoi(rank) != comm.rank()) return;
  const char* action = std::getenv("CRMPI_FAULT_ACTION");
  const std::string what = action ? action : "";
  if (what == "kill") {
    std::fprintf(stderr, "crmpi: rank %d kills itself at '%s' (CRMPI_FAULT_ACTION=kill)\n", comm.rank(), stage);
    std::fflush(stderr);
    std::raise(SIGKILL);
  }
  if (what == "stall") {
    std::fprintf(stderr, "crmpi: rank %d stalls at '%s' until a stop signal (CRMPI_FAULT_ACTION=stall)\n", comm.rank(),
                 stage);
    std::fflush(stderr);
    for (int i = 0; i < 6000 && !stop_signal_received(); ++i) ::usleep(100000);
    return;
  }
  throw IoError(std::string("injected fault at stage '") + stage + "' (CRMPI_FAULT_RANK/CRMPI_FAULT_STAGE)");
}

std::uint64_t slice_bytes(const Slice& s) { return s.customers() * (8 + 8 + 4) + s.orders() * (4 + 8); }

Provenance make_provenance(const JobContext& ctx, const OpenedInput& in) {
  Provenance p;
  p.crmpi_version = version_string();
  p.command = ctx.command;
  p.config_toml = ctx.effective_config;
  p.input_path = in.file->path();
  p.input_bytes = in.file->file_bytes();
  p.input_checksum = in.report.checksum_hex();
  p.ranks = ctx.comm.size();
  p.start_time = ctx.start_time;
  p.end_time = utc_now_iso8601();
  return p;
}

}  // namespace crmpi
