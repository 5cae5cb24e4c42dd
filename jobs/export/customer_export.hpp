// The per-customer export for BI tools (docs/exports.md): one row per customer with its RFM, RFM
// segment, k-means segment, P(alive), expected purchases, CLV, lifecycle stage and recommendations,
// written only on request and in parallel as part files under csv/customers/, from a results.h5.
//
// A part holds a fixed range of rows ([p x rows-per-part, (p+1) x rows-per-part) in /rfm/customer_id
// order), so the parts are the same files at any rank count; rank r writes whole parts (its even
// share of them), reading its rows chunk by chunk: no rank holds more than a chunk of rows, none
// gathers another's. Customer ids may be pseudonymized (io/pseudonym.hpp), here and in every other
// CSV that names customers (csv/at_risk.csv).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "io/pseudonym.hpp"
#include "jobs/common/job_common.hpp"

namespace crmpi {

// The [export] table (crmpi run and crmpi export).
struct ExportConfig {
  bool customers_csv = false;             // crmpi run: write csv/customers/ (crmpi export always does)
  std::uint64_t rows_per_part = 1000000;  // rows of each part file
  std::string pseudonymize_key_file;      // "": ids as they are
  void bind(Options& o, bool in_run);
  void validate() const;  // throws ConfigError
};

// The pseudonymizer of the configured key (rank 0 reads the file; every rank gets the key), or
// none without a key file. Collective; errors on every rank together.
std::optional<Pseudonymizer> load_pseudonymizer(const Comm& comm, const ExportConfig& cfg);

struct CustomerExportSummary {
  std::uint64_t rows = 0, parts = 0;
  std::vector<std::string> columns;
};

// Collective: the part files of `results_path`'s customers into the existing folder `dir`
// (part-00000.csv, ...; each with the header row). DataError when the file's stages do not line up.
CustomerExportSummary write_customer_parts(const Comm& comm, const std::string& results_path,
                                           const std::string& dir, const ExportConfig& cfg,
                                           const std::optional<Pseudonymizer>& pseudonymize);

// `crmpi export --results DIR/results.h5 [--out FOLDER]`: FOLDER/customers/ (default DIR/csv),
// replaced atomically.
struct ExportCommandConfig {
  std::string results;
  std::string out;
  std::string log_level = "info";
  ExportConfig exports;
  void bind(Options& o);
  void validate();  // throws ConfigError
};
int run_export_command(const JobContext& ctx, const ExportCommandConfig& cfg);

}  // namespace crmpi
