// `crmpi ingest`: order exports (delimited text, plain or gzip) or basket files -> the canonical
// input HDF5 file (io/schema.hpp), distributed over the ranks. docs/ingest.md describes usage,
// the column mapping, the line rules and the distribution scheme.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jobs/common/job_common.hpp"

namespace crmpi {

class Options;

struct IngestConfig {
  std::vector<std::string> inputs;  // positional INPUT... and/or `inputs = [...]` in [ingest]
  std::string out;                  // the HDF5 file to write (atomically)
  std::string log_level = "info";
  std::string format = "csv";       // csv | whitespace | fimi | basket-csv
  std::string delimiter = ",";      // csv only: one character, or "tab"
  bool header = true;               // csv/whitespace: first line names the columns
  // Column mapping: a header name (alternatives separated by '|') or a 1-based index.
  // Empty = the default names of the UCI Online Retail exports, where the file has them.
  std::string customer_col, order_col, date_col, amount_col, quantity_col, price_col, product_col,
      product_name_col, region_col, channel_col;
  bool day_first = false;           // D/M/YYYY dates
  std::string as_of;                // YYYY-MM-DD; "" = the last day in the data
  std::string currency = "USD";
  std::string customers_file;       // optional customer attributes (docs/ingest.md)
  std::string surveys_file;         // optional NPS surveys: customer_id, date, score
  std::string rejects;              // bad lines go here (and the run goes on) when set
  std::vector<std::string> non_product_codes;  // empty = the built-in list (kernels/ingest/line_rules.hpp)
  std::string cancel_prefix = "C";
  std::string adjustment_prefix = "A";
  bool keep_duplicates = false;     // keep exact duplicate lines as separate lines (still counted)
  std::uint64_t chunk_bytes = std::uint64_t{4} << 20;
  std::uint64_t max_errors = 5;     // bad lines named in the error message

  void bind(Options& o);
  void validate() const;
};

int run_ingest_command(const JobContext& ctx, const IngestConfig& cfg);

}  // namespace crmpi
