#include "jobs/ingest/column_mapping.hpp"

#include <optional>
#include <vector>

#include "io/text/text_file_reader.hpp"
#include "jobs/ingest/order_lines.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/ingest/header_check.hpp"

namespace crmpi::ingest_job {
namespace {

// Resolves a mapping value against the header: names (a|b|c, first match) or a 1-based index.
int resolve_column(const std::string& flag, const std::string& given, const std::string& defaults,
                   const std::vector<std::string>& header, std::size_t columns, const std::string& path,
                   bool required) {
  const std::string spec = given.empty() ? defaults : given;
  if (spec.empty()) {
    if (required) throw ConfigError("--" + flag + " is required for this format");
    return -1;
  }
  std::vector<std::string> names;
  std::size_t b = 0;
  for (std::size_t i = 0; i <= spec.size(); ++i)
    if (i == spec.size() || spec[i] == '|') {
      names.push_back(spec.substr(b, i - b));
      b = i + 1;
    }
  int by_name = -1;
  for (std::size_t k = 0; k < names.size() && by_name < 0; ++k)
    for (std::size_t c = 0; c < header.size(); ++c)
      if (trim(header[c]) == names[k]) {
        by_name = static_cast<int>(c);
        break;
      }
  const auto idx = names.size() == 1 ? as_unsigned(names[0]) : std::nullopt;
  const bool index_valid = idx && *idx >= 1 && *idx <= columns;
  // A number that is both a position and a header name must not be settled silently: with a
  // data line taken for the header, "2" once matched a quantity of 2 instead of column 2.
  if (index_valid && by_name >= 0 && by_name != static_cast<int>(*idx - 1))
    throw ConfigError("--" + flag + " " + spec + " is ambiguous in '" + path + "': column " + spec +
                      " by position, or column " + std::to_string(by_name + 1) + ", whose header is '" + spec +
                      "'. If line 1 is data, pass --no-header; otherwise give the column you mean by its header name"
                      " ('" + std::string(trim(header[*idx - 1])) + "' is column " + spec + ") or by its position (" +
                      std::to_string(by_name + 1) + ")");
  if (by_name >= 0) return by_name;
  if (idx) {
    if (index_valid) return static_cast<int>(*idx - 1);
    throw ConfigError("--" + flag + " " + spec + ": '" + path + "' has " + std::to_string(columns) + " columns");
  }
  if (!given.empty()) {
    std::string h;
    for (const auto& x : header) h += (h.empty() ? "" : ", ") + x;
    throw ConfigError("--" + flag + " '" + spec + "': no such column in '" + path + "'" +
                      (header.empty() ? " (the file has no header: use a 1-based index)" : " (columns: " + h + ")"));
  }
  if (required)
    throw DataError("'" + path + "' has no " + flag.substr(0, flag.size() - 4) + " column (looked for " + spec +
                    "); name it with --" + flag);
  return -1;
}

// A line as an error message quotes it: blanks and CR trimmed, at most 120 bytes.
std::string shown_line(std::string_view raw) {
  while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  raw = trim(raw);
  return raw.size() <= 120 ? std::string(raw) : std::string(raw.substr(0, 120)) + "...";
}

}  // namespace

Format format_of(const IngestConfig& cfg) {
  if (cfg.format == "csv") return Format::kCsv;
  if (cfg.format == "whitespace") return Format::kWhitespace;
  if (cfg.format == "fimi") return Format::kFimi;
  return Format::kBasketCsv;
}

ingest::Dialect dialect_of(const IngestConfig& cfg, Format f) {
  switch (f) {
    case Format::kCsv: {
      ingest::Dialect d;
      d.delimiter = cfg.delimiter == "tab" ? '\t' : cfg.delimiter[0];
      return d;
    }
    case Format::kBasketCsv: return ingest::Dialect::comma();
    default: return ingest::Dialect::whitespace();
  }
}

Mapping map_columns(const IngestConfig& cfg, Format format, const std::string& path) {
  textio::TextReadOptions o{.dialect = dialect_of(cfg, format), .expected_columns = 0, .has_header = false,
                            .chunk_bytes = std::size_t{64} << 10};
  textio::TextFileReader probe(path, textio::ReadShare{0, 1}, o);
  textio::TextRecord rec;
  if (!probe.next(rec)) throw DataError("'" + path + "' holds no records (empty input)");
  Mapping m;
  if (is_basket(format)) return m;
  if (rec.status != ingest::SplitStatus::kOk)
    throw DataError("'" + path + "' line 1 is malformed: " + ingest::describe(rec.status));
  m.columns = rec.fields.size();
  std::vector<std::string> header;
  if (cfg.header) {
    if (ingest::header_looks_like_data(rec.fields))
      throw DataError("'" + path + "' line 1 looks like data, not a header: every field is a number or a date ('" +
                      shown_line(rec.raw) + "'); if the file has no header line, pass --no-header and give "
                      "the columns by position (--customer-col 1 ...)");
    for (auto f : rec.fields) header.emplace_back(f);
  }
  const bool amount_mode = !cfg.amount_col.empty() || (cfg.price_col.empty() && cfg.quantity_col.empty() && [&] {
    for (const auto& h : header)
      if (h == "dollar_value" || h == "Amount" || h == "amount") return true;
    return false;
  }());
  auto col = [&](const char* flag, const std::string& given, const char* defaults, bool required) {
    return resolve_column(flag, given, defaults, header, m.columns, path, required);
  };
  m.customer = col("customer-col", cfg.customer_col, "CustomerID|Customer ID|customer_id|Customer", true);
  m.order = col("order-col", cfg.order_col, "InvoiceNo|Invoice|order_id", false);
  m.date = col("date-col", cfg.date_col, "InvoiceDate|date|Date|order_date", true);
  if (amount_mode) {
    m.amount = col("amount-col", cfg.amount_col, "dollar_value|Amount|amount", true);
    m.quantity = col("quantity-col", cfg.quantity_col, "number_of_cds|Quantity|quantity", false);
  } else {
    m.quantity = col("quantity-col", cfg.quantity_col, "Quantity|quantity", true);
    m.price = col("price-col", cfg.price_col, "UnitPrice|Price|price|unit_price", true);
  }
  m.product = col("product-col", cfg.product_col, "StockCode|product_id", false);
  m.product_name = col("product-name-col", cfg.product_name_col, "Description|product_name", false);
  m.region = col("region-col", cfg.region_col, "Country|country|region", false);
  // No default name: exports rarely have one, and a column called "channel" may mean something else.
  m.channel = col("channel-col", cfg.channel_col, "", false);
  return m;
}

}  // namespace crmpi::ingest_job
