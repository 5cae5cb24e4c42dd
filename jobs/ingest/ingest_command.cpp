// `crmpi ingest`: the options, the subcommand and the order of the stages. Each stage lives in
// jobs/ingest/: column_mapping (format, header -> columns), order_reader (distributed reading and
// parsing), global_codes (dictionaries agreed by all ranks), customer_shuffle (sample sort by
// customer), order_grouping (lines -> orders and items), canonical_writer (HDF5 + validate +
// atomic commit), ingest_report (bad lines, rule counts).
#include "jobs/ingest/ingest_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "io/text/byte_source.hpp"
#include "jobs/ingest/canonical_writer.hpp"
#include "jobs/ingest/collectively.hpp"
#include "jobs/ingest/column_mapping.hpp"
#include "jobs/ingest/customer_shuffle.hpp"
#include "jobs/ingest/global_codes.hpp"
#include "jobs/ingest/ingest_report.hpp"
#include "jobs/ingest/order_grouping.hpp"
#include "jobs/ingest/order_reader.hpp"
#include "jobs/ingest/side_files.hpp"
#include "jobs/common/log.hpp"
#include "jobs/cli/options.hpp"
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

namespace {

using namespace ingest_job;

void log_throughput(const Comm& comm, const ParsedShare& parsed, std::uint64_t lines, double parse_s,
                    double shuffle_s, double total_s) {
  if (!comm.is_root()) return;
  const double P = comm.size();
  spdlog::info("ingest: {:.2f}s (parse {:.2f}s, shuffle+sort {:.2f}s, write+validate {:.2f}s); {:.1f} MB of text "
               "({:.1f} MB on disk); parse {:.1f} MB/s and {} lines/s per rank, whole run {:.1f} MB/s per rank",
               total_s, parse_s, shuffle_s - parse_s, total_s - shuffle_s, static_cast<double>(parsed.text_bytes) / 1e6,
               static_cast<double>(parsed.input_bytes) / 1e6,
               static_cast<double>(parsed.text_bytes) / 1e6 / std::max(parse_s, 1e-9) / P,
               human_count(static_cast<double>(lines) / std::max(parse_s, 1e-9) / P),
               static_cast<double>(parsed.text_bytes) / 1e6 / std::max(total_s, 1e-9) / P);
}


}  // namespace

int run_ingest_command(const JobContext& ctx, const IngestConfig& cfg) {
  using namespace ingest_job;
  const Comm& comm = ctx.comm;
  const Format format = format_of(cfg);
  Stopwatch sw;
  collectively(comm, [&] {
    for (const auto& in : cfg.inputs) (void)textio::file_size(in);  // 66 before any work
    for (const auto* side : {&cfg.customers_file, &cfg.surveys_file})
      if (!side->empty()) (void)textio::file_size(*side);
  });
  ParsedShare parsed;
  OrderReader reader(comm, cfg, parsed);
  // A rank that fails while reading its shares (I/O error, corrupt gzip, bad mapping) tells the
  // others when all have read; none of them waits in a collective meanwhile, and ranks reading
  // different gzip files read at the same time.
  collectively(comm, [&] {
    for (std::size_t f = 0; f < cfg.inputs.size(); ++f) reader.read_share(static_cast<std::uint32_t>(f), cfg.inputs[f]);
  });
  reader.finish_files();
  SideShare side;
  read_side_files(comm, cfg, parsed, side);
  const double parse_s = sw.seconds();
  const auto lines = comm.allreduce_sum(parsed.counts.records);
  if (lines == 0) throw CollectiveError(ExitCode::kDataErr, "the input holds no data lines (empty input)");
  report_bad_lines(comm, cfg, parsed.counts.bad + side.attr_bad + side.survey_bad, parsed.bad);
  count_input_ids(comm, parsed);  // before the shuffle: its id lists are not held through it
  GlobalCodes codes;
  collectively(comm, [&] { codes = assign_global_codes(comm, cfg, format, parsed); });
  const auto splitters = shuffle_by_customer(comm, parsed.store);
  SideCodes side_codes;
  collectively(comm, [&] {
    side_codes = route_side_rows(comm, side, codes.region_remap, parsed.customers_numeric, splitters);
  });
  const double shuffle_s = sw.seconds();

  const bool baskets = is_basket(format);
  const GroupingOptions grouping{.keep_duplicates = cfg.keep_duplicates,
                                 .have_orders = parsed.have_orders,
                                 .baskets = baskets,
                                 .customers_numeric = parsed.customers_numeric,
                                 .orders_numeric = parsed.orders_numeric,
                                 .have_channels = parsed.have_channels};
  CanonicalColumns columns = group_orders(comm, parsed.store, grouping, parsed.counts);
  const bool have_regions = parsed.have_regions || side.have_region;
  join_side_rows(comm, cfg, side, side_codes,
                 side.have_region ? static_cast<std::uint32_t>(codes.regions.code_of(kUnknownValue)) : 0,
                 parsed.customers_numeric, parsed.have_regions, columns);
  const CanonicalFileInfo info{.out = cfg.out,
                               .currency = cfg.currency,
                               .baskets = baskets,
                               .fimi = format == Format::kFimi,
                               .have_regions = have_regions,
                               .have_products = parsed.have_products,
                               .have_names = parsed.have_names,
                               .have_order_channels = parsed.have_channels,
                               .customer_dictionary = !parsed.customers_numeric && !baskets,
                               .channels = side.have_channel ? &side_codes.channels : nullptr,
                               .age_bands = side.have_age_band ? &side_codes.age_bands : nullptr,
                               .genders = side.have_gender ? &side_codes.genders : nullptr,
                               .have_surveys = side.have_surveys};
  write_canonical_file(comm, info, columns, codes);
  const WrittenFileSummary summary{.customers = columns.customers,
                                   .orders = columns.orders,
                                   .items = columns.items,
                                   .products = parsed.have_products ? codes.products.size() : 0,
                                   .regions = have_regions ? codes.regions.size() : 0,
                                   .as_of_day = codes.as_of_day};
  report_counts(comm, cfg, summary, parsed);
  log_throughput(comm, parsed, lines, parse_s, shuffle_s, sw.seconds());
  log_memory_use(comm, "ingest", ctx.baseline_rss, parsed.text_bytes / static_cast<std::uint64_t>(comm.size()));
  return 0;
}

}  // namespace crmpi
