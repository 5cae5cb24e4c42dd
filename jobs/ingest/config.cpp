// `crmpi ingest` options: binding and validation.
#include <filesystem>

#include "jobs/cli/options.hpp"
#include "jobs/ingest/ingest_command.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace fs = std::filesystem;

void IngestConfig::bind(Options& o) {
  o.bind("ingest", "inputs", inputs, "input files (also positional): CSV/TSV/whitespace text, plain or .gz");
  o.bind("ingest", "out", out, "output HDF5 file (docs/schema.md), written atomically");
  o.bind("", "log-level", log_level, "trace, debug, info, warn, error or off");
  o.bind("ingest", "format", format, "csv | whitespace | fimi (integer baskets) | basket-csv (item names a line)");
  o.bind("ingest", "delimiter", delimiter, "csv field delimiter: one character or 'tab'");
  o.bind("ingest", "header", header, "csv/whitespace: the first line names the columns");
  o.bind("ingest", "customer-col", customer_col, "customer id column: header name(s) a|b or 1-based index");
  o.bind("ingest", "order-col", order_col, "order/invoice id column (absent: one order per line)");
  o.bind("ingest", "date-col", date_col, "date or timestamp column");
  o.bind("ingest", "amount-col", amount_col, "line amount column (else --quantity-col x --price-col)");
  o.bind("ingest", "quantity-col", quantity_col, "quantity column");
  o.bind("ingest", "price-col", price_col, "unit price column");
  o.bind("ingest", "product-col", product_col, "product id (stock code) column: enables /items and /products");
  o.bind("ingest", "product-name-col", product_name_col, "product name column (-> /dictionaries/product_name)");
  o.bind("ingest", "region-col", region_col, "country/region column (-> /customers/region)");
  o.bind("ingest", "channel-col", channel_col, "order channel column (-> /orders/channel, at most 255 names)");
  o.bind("ingest", "day-first", day_first, "slash dates are D/M/YYYY (default M/D/YYYY)");
  o.bind("ingest", "as-of", as_of, "analysis day YYYY-MM-DD (default: the last day in the data)");
  o.bind("ingest", "currency", currency, "ISO 4217 code of the amounts");
  o.bind("ingest", "customers-file", customers_file,
         "customer attributes CSV: customer_id + region|country, acquisition_channel|channel, age_band|age, "
         "gender, signup_date (header names)");
  o.bind("ingest", "surveys-file", surveys_file, "NPS surveys CSV: customer_id, date, score (0..10) -> /surveys");
  o.bind("ingest", "rejects", rejects, "write bad lines to this CSV file and go on (default: fail on bad lines)");
  o.bind("ingest", "non-product-codes", non_product_codes,
         "stock codes that are not products (comma list, 'X*' = prefix); default: the UCI list");
  o.bind("ingest", "cancel-prefix", cancel_prefix, "invoice prefix of cancellations");
  o.bind("ingest", "adjustment-prefix", adjustment_prefix, "invoice prefix of bad-debt adjustments");
  o.bind("ingest", "keep-duplicates", keep_duplicates, "keep exact duplicate lines (they are still counted)");
  o.bind("ingest", "chunk-bytes", chunk_bytes, "bytes read per chunk");
  o.bind("ingest", "max-errors", max_errors, "bad lines named when the run fails on them");
}

void IngestConfig::validate() const {
  if (inputs.empty()) throw ConfigError("ingest: at least one INPUT file is required");
  if (out.empty()) throw ConfigError("ingest: --out FILE is required");
  if (format != "csv" && format != "whitespace" && format != "fimi" && format != "basket-csv")
    throw ConfigError("--format must be csv, whitespace, fimi or basket-csv, got '" + format + "'");
  if (format == "csv" && delimiter != "tab" && delimiter.size() != 1)
    throw ConfigError("--delimiter must be one character or 'tab', got '" + delimiter + "'");
  if (!as_of.empty() && !parse_iso_date(as_of))
    throw ConfigError("--as-of must be a real date YYYY-MM-DD, got '" + as_of + "'");
  if (currency.size() != 3) throw ConfigError("--currency must be a 3-letter ISO 4217 code, got '" + currency + "'");
  if (!amount_col.empty() && !price_col.empty())
    throw ConfigError("give --amount-col or --price-col (with --quantity-col), not both");
  if ((!customers_file.empty() || !surveys_file.empty()) && (format == "fimi" || format == "basket-csv"))
    throw ConfigError("--customers-file and --surveys-file need order files, not baskets");
  for (const auto* side : {&customers_file, &surveys_file})
    if (!side->empty() && fs::absolute(*side) == fs::absolute(out))
      throw ConfigError("--out would overwrite input '" + *side + "'");
  if (chunk_bytes < 4096) throw ConfigError("--chunk-bytes must be at least 4096");
  for (const auto& in : inputs)
    if (fs::absolute(in) == fs::absolute(out)) throw ConfigError("--out would overwrite input '" + in + "'");
}

}  // namespace crmpi
