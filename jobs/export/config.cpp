// The [export] table and `crmpi export`'s options: binding and validation.
#include <filesystem>
#include <string>

#include "jobs/cli/options.hpp"
#include "jobs/export/customer_export.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

void ExportConfig::bind(Options& o, bool in_run) {
  if (in_run)
    o.bind("export", "customers-csv", customers_csv,
           "also write the per-customer table as CSV parts, DIR/csv/customers/part-*.csv (docs/exports.md)");
  o.bind("export", "rows-per-part", rows_per_part, "customers in each part file of csv/customers/");
  o.bind("export", "pseudonymize-key-file", pseudonymize_key_file,
         "replace customer ids in CSV exports by HMAC-SHA256 pseudonyms under the key in this file (>= 16 "
         "bytes)");
}

void ExportConfig::validate() const {
  if (rows_per_part < 1000 || rows_per_part > 1000000000)
    throw ConfigError("--rows-per-part must be in 1000..1000000000, got " + std::to_string(rows_per_part));
}

void ExportCommandConfig::bind(Options& o) {
  o.bind("export", "results", results, "the results file of a crmpi job: DIR/results.h5");
  o.bind("export", "out", out, "the folder that gets customers/; default: the results' csv/ folder");
  o.bind("export", "log-level", log_level, "trace, debug, info, warn, error or off");
  exports.bind(o, false);
}

void ExportCommandConfig::validate() {
  if (results.empty()) throw ConfigError("crmpi export needs --results DIR/results.h5");
  exports.validate();
  if (out.empty()) {
    const std::filesystem::path parent = std::filesystem::path(results).parent_path();
    out = ((parent.empty() ? std::filesystem::path(".") : parent) / "csv").string();
  }
}

}  // namespace crmpi
