#include "jobs/ingest_job.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "io/h5.hpp"
#include "io/input_file.hpp"
#include "io/output.hpp"
#include "io/schema.hpp"
#include "io/text/rejects_writer.hpp"
#include "io/text/text_file_reader.hpp"
#include "io/validate.hpp"
#include "jobs/log.hpp"
#include "jobs/subcommands.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"
#include "kernels/ingest/line_rules.hpp"
#include "kernels/ingest/string_dictionary.hpp"

namespace crmpi {

namespace fs = std::filesystem;
using ingest::LineClass;

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
  o.bind("ingest", "day-first", day_first, "slash dates are D/M/YYYY (default M/D/YYYY)");
  o.bind("ingest", "as-of", as_of, "analysis day YYYY-MM-DD (default: the last day in the data)");
  o.bind("ingest", "currency", currency, "ISO 4217 code of the amounts");
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
  if (chunk_bytes < 4096) throw ConfigError("--chunk-bytes must be at least 4096");
  for (const auto& in : inputs)
    if (fs::absolute(in) == fs::absolute(out)) throw ConfigError("--out would overwrite input '" + in + "'");
}

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

// Runs fn on every rank; if any rank throws a crmpi::Error, every rank throws the same
// CollectiveError (the lowest failing rank's message and code), so no rank waits in a collective.
template <class Fn>
void collectively(const Comm& comm, Fn&& fn) {
  int code = 0;
  std::string msg;
  try {
    fn();
  } catch (const CollectiveError&) {
    throw;
  } catch (const Error& e) {
    code = e.exit_code();
    msg = e.what();
  }
  if (comm.allreduce_max(code) == 0) return;
  const auto codes = comm.allgather(code);
  const auto msgs = comm.allgather_strings(msg);
  for (std::size_t r = 0; r < codes.size(); ++r)
    if (codes[r] != 0) throw CollectiveError(static_cast<ExitCode>(codes[r]), msgs[r]);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> as_unsigned(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::uint64_t be_prefix(std::string_view s) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | (i < s.size() ? static_cast<std::uint64_t>(static_cast<unsigned char>(s[i])) : 0U);
  return v;
}

std::string be_bytes(std::uint64_t v) {
  std::string s(8, '\0');
  for (std::size_t i = 0; i < 8; ++i) s[7 - i] = static_cast<char>(static_cast<unsigned char>((v >> (8 * i)) & 0xFFU));
  return s;
}

// Strings distinct on this rank, with local codes in first-seen order.
struct LocalDict {
  std::unordered_map<std::string, std::uint32_t, ingest::TransparentStringHash, std::equal_to<>> index;
  std::vector<std::string> strings;
  std::uint32_t code(std::string_view s) {
    auto it = index.find(s);
    if (it != index.end()) return it->second;
    const auto c = static_cast<std::uint32_t>(strings.size());
    strings.emplace_back(s);
    index.emplace(std::string(s), c);
    return c;
  }
};

// Global sorted dictionary of every rank's strings, and this rank's local -> global code map.
ingest::StringDictionary merge_dictionary(const Comm& comm, const LocalDict& local, std::vector<std::uint32_t>& remap) {
  auto sorted = ingest::sorted_unique(local.strings);
  const auto packed = ingest::pack_strings(sorted);
  std::vector<std::uint64_t> lens(packed.count());
  for (std::size_t i = 0; i < lens.size(); ++i) lens[i] = packed.offsets[i + 1] - packed.offsets[i];
  const auto all_bytes = comm.allgatherv<char>(packed.bytes);
  const auto all_lens = comm.allgatherv<std::uint64_t>(lens);
  std::vector<std::string> all;
  all.reserve(all_lens.size());
  std::size_t pos = 0;
  for (auto n : all_lens) {
    all.emplace_back(all_bytes.data() + pos, n);
    pos += n;
  }
  auto dict = ingest::StringDictionary::from_strings(std::move(all));
  remap.resize(local.strings.size());
  for (std::size_t i = 0; i < remap.size(); ++i) remap[i] = static_cast<std::uint32_t>(dict.code_of(local.strings[i]));
  return dict;
}

// Hashes of ids seen on this rank; exports list an invoice's (and often a customer's) lines
// together, so repeats of the previous id are skipped before they reach the set.
struct SeenIds {
  std::vector<std::uint64_t> hashes;
  void add(std::uint64_t h) {
    if (hashes.empty() || hashes.back() != h) hashes.push_back(h);
    if (hashes.size() >= (std::size_t{1} << 20) && hashes.size() % (std::size_t{1} << 20) == 0) compact();
  }
  void compact() {
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  }
};

// Number of distinct 64-bit hashes over all ranks: each hash goes to rank hash % P.
std::uint64_t distinct_count(const Comm& comm, SeenIds& seen) {
  seen.compact();
  const auto& local = seen.hashes;
  const auto p = static_cast<std::uint64_t>(comm.size());
  std::vector<std::vector<std::uint64_t>> by(comm.size() > 0 ? static_cast<std::size_t>(comm.size()) : 1);
  for (auto h : local) by[h % p].push_back(h);
  std::vector<std::uint64_t> send, counts;
  for (auto& b : by) {
    counts.push_back(b.size());
    send.insert(send.end(), b.begin(), b.end());
  }
  auto recv = comm.alltoallv<std::uint64_t>(send, counts);
  std::sort(recv.begin(), recv.end());
  const auto n = static_cast<std::uint64_t>(std::unique(recv.begin(), recv.end()) - recv.begin());
  return comm.allreduce_sum(n);
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// ---------------------------------------------------------------------------------------------
// Parsed order lines

constexpr std::uint32_t kNoCode32 = std::numeric_limits<std::uint32_t>::max();

// One kept input line (a sale), trivially copyable for the shuffle. The customer key's bytes sit
// in a separate arena (key_len bytes each, in line order); key_prefix caches its first 8 bytes.
struct Line {
  std::uint64_t key_prefix = 0;
  std::uint64_t key_off = 0;  // offset in the arena (recomputed after each move)
  std::uint64_t order_hash = 0;  // groups lines into orders (hash of the invoice text)
  std::uint64_t order_num = 0;   // the invoice as a number when it is one
  std::uint64_t hash = 0;        // hash of the mapped fields: exact-duplicate detection
  std::int64_t amount_cents = 0;
  std::int64_t quantity = 0;
  std::int32_t day = 0;
  std::int32_t seconds = 0;
  std::uint32_t product = kNoCode32;
  std::uint32_t region = kNoCode32;
  std::uint32_t key_len = 0;
  std::uint32_t pad = 0;
};

struct LineStore {
  std::vector<Line> lines;
  std::string arena;
  std::string_view key(const Line& l) const { return {arena.data() + l.key_off, l.key_len}; }
  void set_key(Line& l, std::string_view k) {
    l.key_off = arena.size();
    l.key_len = static_cast<std::uint32_t>(k.size());
    l.key_prefix = be_prefix(k);
    arena.append(k);
  }
};

struct BadLine {
  std::uint32_t file = 0;
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
  std::string reason;
  std::string raw;
};

// Counts every input line lands in exactly one of.
struct Counts {
  std::uint64_t records = 0;  // data records read (header and blank lines excluded)
  std::uint64_t blank = 0;
  std::uint64_t bad = 0;
  ingest::LineCounts rules;   // classes of the well-formed lines
  std::uint64_t duplicates = 0;
  std::uint64_t kept = 0;     // lines in the output
};

enum class Format { kCsv, kWhitespace, kFimi, kBasketCsv };

struct Mapping {
  int customer = -1, order = -1, date = -1, amount = -1, quantity = -1, price = -1, product = -1, product_name = -1,
      region = -1;
  std::size_t columns = 0;
};

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
  for (const auto& n : names)
    for (std::size_t c = 0; c < header.size(); ++c)
      if (trim(header[c]) == n) return static_cast<int>(c);
  if (names.size() == 1)
    if (auto idx = as_unsigned(names[0])) {
      if (*idx >= 1 && *idx <= columns) return static_cast<int>(*idx - 1);
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

class Ingest {
 public:
  Ingest(const Comm& comm, const IngestConfig& cfg) : comm_(comm), cfg_(cfg) {
    if (cfg.format == "csv") format_ = Format::kCsv;
    else if (cfg.format == "whitespace") format_ = Format::kWhitespace;
    else if (cfg.format == "fimi") format_ = Format::kFimi;
    else format_ = Format::kBasketCsv;
    ingest::LineRulesConfig rc;
    if (!cfg.non_product_codes.empty()) rc.non_product_codes = cfg.non_product_codes;
    rc.cancel_prefix = cfg.cancel_prefix;
    rc.adjustment_prefix = cfg.adjustment_prefix;
    classifier_ = ingest::LineClassifier(rc);
  }

  int run(const JobContext& ctx);

 private:
  bool baskets() const { return format_ == Format::kFimi || format_ == Format::kBasketCsv; }
  ingest::Dialect dialect() const {
    switch (format_) {
      case Format::kCsv: {
        ingest::Dialect d;
        d.delimiter = cfg_.delimiter == "tab" ? '\t' : cfg_.delimiter[0];
        return d;
      }
      case Format::kBasketCsv: return ingest::Dialect::comma();
      default: return ingest::Dialect::whitespace();
    }
  }
  Mapping map_columns(const std::string& path);
  void parse_file(std::uint32_t file_index, const std::string& path);
  void parse_order_record(const textio::TextRecord& rec, const Mapping& m, std::uint32_t file_index);
  void bad(std::uint32_t file, const textio::TextRecord& rec, std::string reason);
  void finish_parse();
  void shuffle();
  void build_and_write(const JobContext& ctx);
  void report_bad_lines();

  const Comm& comm_;
  const IngestConfig& cfg_;
  Format format_ = Format::kCsv;
  ingest::LineClassifier classifier_;
  LineStore store_;
  Counts counts_;
  std::vector<BadLine> bad_;
  std::size_t bad_file_begin_ = 0;  // first entry of bad_ from the current file
  LocalDict products_, regions_;
  std::unordered_map<std::uint32_t, std::string> product_names_;  // local product code -> name
  SeenIds input_customers_, input_invoices_;
  bool customers_numeric_ = true, orders_numeric_ = true, have_orders_ = false, have_products_ = false,
       have_regions_ = false, have_names_ = false;
  std::uint64_t basket_base_ = 0;  // baskets in the files before the current one
  // After finish_parse:
  ingest::StringDictionary product_dict_, region_dict_;
  std::vector<std::string> product_name_dict_;
  std::int32_t as_of_day_ = 0;
  std::uint64_t input_bytes_ = 0;
  std::uint64_t text_bytes_ = 0;  // same on every rank
  std::string scratch_;
  std::string last_region_ = std::string(1, '\0');
  std::uint32_t last_region_code_ = 0;
};

Mapping Ingest::map_columns(const std::string& path) {
  // Every rank reads the first record itself (a few KB): no broadcast needed.
  textio::TextReadOptions o{.dialect = dialect(), .expected_columns = 0, .has_header = false,
                            .chunk_bytes = std::size_t{64} << 10};
  textio::TextFileReader probe(path, textio::ReadShare{0, 1}, o);
  textio::TextRecord rec;
  if (!probe.next(rec)) throw DataError("'" + path + "' holds no records (empty input)");
  Mapping m;
  if (baskets()) return m;
  if (rec.status != ingest::SplitStatus::kOk)
    throw DataError("'" + path + "' line 1 is malformed: " + ingest::describe(rec.status));
  m.columns = rec.fields.size();
  std::vector<std::string> header;
  if (cfg_.header)
    for (auto f : rec.fields) header.emplace_back(f);
  const bool amount_mode = !cfg_.amount_col.empty() || (cfg_.price_col.empty() && cfg_.quantity_col.empty() && [&] {
    for (const auto& h : header)
      if (h == "dollar_value" || h == "Amount" || h == "amount") return true;
    return false;
  }());
  m.customer = resolve_column("customer-col", cfg_.customer_col, "CustomerID|Customer ID|customer_id|Customer", header,
                              m.columns, path, true);
  m.order = resolve_column("order-col", cfg_.order_col, "InvoiceNo|Invoice|order_id", header, m.columns, path, false);
  m.date = resolve_column("date-col", cfg_.date_col, "InvoiceDate|date|Date|order_date", header, m.columns, path, true);
  if (amount_mode) {
    m.amount = resolve_column("amount-col", cfg_.amount_col, "dollar_value|Amount|amount", header, m.columns, path, true);
    m.quantity = resolve_column("quantity-col", cfg_.quantity_col, "number_of_cds|Quantity|quantity", header, m.columns,
                                path, false);
  } else {
    m.quantity = resolve_column("quantity-col", cfg_.quantity_col, "Quantity|quantity", header, m.columns, path, true);
    m.price = resolve_column("price-col", cfg_.price_col, "UnitPrice|Price|price|unit_price", header, m.columns, path, true);
  }
  m.product = resolve_column("product-col", cfg_.product_col, "StockCode|product_id", header, m.columns, path, false);
  m.product_name =
      resolve_column("product-name-col", cfg_.product_name_col, "Description|product_name", header, m.columns, path, false);
  m.region = resolve_column("region-col", cfg_.region_col, "Country|country|region", header, m.columns, path, false);
  return m;
}

void Ingest::bad(std::uint32_t file, const textio::TextRecord& rec, std::string reason) {
  ++counts_.bad;
  if (cfg_.rejects.empty() && bad_.size() - bad_file_begin_ >= cfg_.max_errors) return;
  bad_.push_back({file, rec.line, rec.offset, std::move(reason), std::string(rec.raw)});
}

void Ingest::parse_order_record(const textio::TextRecord& rec, const Mapping& m, std::uint32_t fi) {
  const auto f = rec.fields;
  auto field = [&](int c) { return c < 0 ? std::string_view{} : trim(f[static_cast<std::size_t>(c)]); };
  const std::string_view customer = field(m.customer), invoice = field(m.order), product = field(m.product);
  const auto dt = ingest::parse_datetime(field(m.date), cfg_.day_first ? ingest::SlashOrder::kDayFirst
                                                                       : ingest::SlashOrder::kMonthFirst);
  if (!dt.ok()) return bad(fi, rec, "unparsable date '" + std::string(field(m.date)) + "': " + ingest::describe(dt.error));
  if (dt.days < schema::kMinDay || dt.days > schema::kMaxDay)
    return bad(fi, rec, "date outside 1970-01-01..2169-12-31: '" + std::string(field(m.date)) + "'");
  std::int64_t qty = 1;
  if (m.quantity >= 0) {
    const auto q = ingest::parse_int64(field(m.quantity));
    if (!q.ok()) return bad(fi, rec, "unparsable quantity '" + std::string(field(m.quantity)) + "': " + ingest::describe(q.error));
    qty = q.value;
  }
  std::int64_t price = 0;
  const int money_col = m.price >= 0 ? m.price : m.amount;
  {
    const auto p = ingest::parse_money_micros(field(money_col));
    if (!p.ok())
      return bad(fi, rec, std::string(m.price >= 0 ? "unparsable price '" : "unparsable amount '") +
                              std::string(field(money_col)) + "': " + ingest::describe(p.error));
    price = p.micros;
  }
  if (m.product >= 0 && product.empty()) return bad(fi, rec, "empty product id");
  if (!customer.empty()) input_customers_.add(ingest::raw_line_hash(customer));
  if (m.order >= 0) input_invoices_.add(ingest::raw_line_hash(invoice));
  const auto verdict = classifier_.classify({invoice, product, customer, qty, price});
  counts_.rules.add(verdict);
  if (verdict.primary != LineClass::kSale) return;
  if (qty == 0) return bad(fi, rec, "quantity 0");
  if (qty > static_cast<std::int64_t>(schema::kMaxItemQuantity)) return bad(fi, rec, "quantity over 1,000,000");
  std::int64_t cents = 0;
  if (m.price >= 0) {
    const auto a = ingest::line_amount_cents(qty, price);
    if (!a.ok()) return bad(fi, rec, "line amount overflows");
    cents = a.cents;
  } else {
    cents = ingest::micros_to_cents(price);
  }
  Line l;
  // Canonical text of the mapped fields: duplicates are equal field values, whatever the layout.
  scratch_.clear();
  for (int c : {m.customer, m.order, m.date, m.quantity, m.price, m.amount, m.product, m.product_name, m.region}) {
    scratch_.append(field(c));
    scratch_.push_back('\x1f');
  }
  l.hash = ingest::raw_line_hash(scratch_);
  l.order_hash = m.order >= 0 ? ingest::raw_line_hash(invoice) : l.hash;
  if (m.order >= 0) {
    if (auto n = as_unsigned(invoice)) l.order_num = *n;
    else orders_numeric_ = false;
  }
  l.amount_cents = cents;
  l.quantity = qty;
  l.day = dt.days;
  l.seconds = dt.seconds < 0 ? 0 : dt.seconds;
  if (m.product >= 0) {
    l.product = products_.code(product);
    if (m.product_name >= 0) {
      const auto name = field(m.product_name);
      auto [it, inserted] = product_names_.try_emplace(l.product, name);
      if (!inserted && !name.empty() && (it->second.empty() || name < std::string_view(it->second))) it->second = name;
    }
  }
  if (m.region >= 0) {
    const auto region = field(m.region);
    if (region != last_region_) {
      last_region_ = region;
      last_region_code_ = regions_.code(region);
    }
    l.region = last_region_code_;
  }
  if (!as_unsigned(customer)) customers_numeric_ = false;
  store_.set_key(l, customer);
  store_.lines.push_back(l);
}

void Ingest::parse_file(std::uint32_t fi, const std::string& path) {
  input_bytes_ += textio::file_size(path);
  const Mapping m = map_columns(path);
  if (!baskets()) {
    have_orders_ = have_orders_ || m.order >= 0;
    have_products_ = have_products_ || m.product >= 0;
    have_regions_ = have_regions_ || m.region >= 0;
    have_names_ = have_names_ || m.product_name >= 0;
  } else {
    have_orders_ = true;
    have_products_ = true;
    have_names_ = format_ == Format::kBasketCsv;
  }
  textio::TextReadOptions o{.dialect = dialect(),
                            .expected_columns = baskets() ? 0 : m.columns,
                            .has_header = !baskets() && cfg_.header,
                            .chunk_bytes = static_cast<std::size_t>(cfg_.chunk_bytes)};
  textio::TextFileReader reader(path, textio::ReadShare{comm_.rank(), comm_.size()}, o);
  bad_file_begin_ = bad_.size();
  const std::size_t lines_before = store_.lines.size();
  std::uint64_t local_basket = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> fimi_codes;  // not used for names
  textio::TextRecord rec;
  while (reader.next(rec)) {
    ++counts_.records;
    if (rec.status != ingest::SplitStatus::kOk) {
      std::string reason = ingest::describe(rec.status);
      if (rec.status == ingest::SplitStatus::kWrongColumnCount)
        reason += " (" + std::to_string(rec.fields.size()) + " columns, expected " + std::to_string(m.columns) + ")";
      bad(fi, rec, reason);
      continue;
    }
    if (!baskets()) {
      parse_order_record(rec, m, fi);
      continue;
    }
    // A basket: one synthetic customer and one order; its items are the fields.
    const std::uint64_t basket = local_basket++;
    const std::size_t first = store_.lines.size();
    bool ok = true;
    for (auto raw_item : rec.fields) {
      const auto item = format_ == Format::kFimi ? trim(raw_item) : raw_item;
      if (item.empty()) continue;
      Line l;
      if (format_ == Format::kFimi) {
        const auto v = as_unsigned(item);
        if (!v) {
          ok = false;
          bad(fi, rec, "item '" + std::string(item) + "' is not a non-negative integer");
          break;
        }
        l.product = products_.code(be_bytes(*v));  // numeric ids sort as 8-byte big-endian text
      } else {
        l.product = products_.code(item);
      }
      l.quantity = 1;
      l.order_num = basket;  // local basket index until the file is done
      store_.lines.push_back(l);
    }
    if (!ok) store_.lines.resize(first);
    else counts_.rules.add({});
  }
  counts_.blank += reader.blank_lines();
  // Text bytes parsed: the file for plain shares (summed over ranks), the inflated stream for
  // gzip (every rank inflates all of it).
  text_bytes_ += reader.is_gzip() ? comm_.allreduce_max(reader.bytes_consumed())
                                  : comm_.allreduce_sum(reader.bytes_consumed());
  // Global line numbers (plain shares count from their start) and global basket numbers.
  const bool gz = reader.is_gzip();
  const std::uint64_t line_base = gz ? 0 : comm_.exscan_sum<std::uint64_t>(reader.physical_lines());
  for (std::size_t i = bad_file_begin_; i < bad_.size(); ++i) bad_[i].line += line_base;
  if (baskets()) {
    const std::uint64_t before = gz ? 0 : comm_.exscan_sum<std::uint64_t>(reader.records());
    const auto p = static_cast<std::uint64_t>(comm_.size()), r = static_cast<std::uint64_t>(comm_.rank());
    // Data record k of a gzip file is read by rank k % P as its (k / P)-th record; a bad record
    // still takes its number, so basket ids are line-based and rank-invariant.
    for (std::size_t i = lines_before; i < store_.lines.size(); ++i) {
      auto& l = store_.lines[i];
      const std::uint64_t k = gz ? l.order_num * p + r : before + l.order_num;
      l.order_num = basket_base_ + k + 1;
      l.order_hash = l.order_num;
      l.hash = l.order_num;
      store_.set_key(l, be_bytes(l.order_num));
    }
    basket_base_ += comm_.allreduce_sum<std::uint64_t>(reader.records());
  }
}

void Ingest::finish_parse() {
  std::vector<std::uint32_t> premap, rremap;
  product_dict_ = merge_dictionary(comm_, products_, premap);
  region_dict_ = merge_dictionary(comm_, regions_, rremap);
  if (product_dict_.size() > std::numeric_limits<std::uint32_t>::max() - 1U)
    throw DataError("more than 4 billion distinct products");
  if (region_dict_.size() > 65535) throw DataError("more than 65,535 distinct regions (the region column is uint16)");
  // Product names: the smallest non-empty name seen for a product on any rank (deterministic).
  if (have_names_) {
    product_name_dict_.assign(product_dict_.size(), "");
    std::string mine;
    std::vector<std::uint64_t> codes, lens;
    for (std::uint32_t i = 0; i < premap.size(); ++i) {
      std::string name = format_ == Format::kBasketCsv ? products_.strings[i] : [&] {
        auto it = product_names_.find(i);
        return it == product_names_.end() ? std::string() : it->second;
      }();
      codes.push_back(premap[i]);
      lens.push_back(name.size());
      mine += name;
    }
    const auto all_codes = comm_.allgatherv<std::uint64_t>(codes);
    const auto all_lens = comm_.allgatherv<std::uint64_t>(lens);
    const auto all_bytes = comm_.allgatherv<char>(std::span<const char>(mine.data(), mine.size()));
    std::size_t pos = 0;
    std::vector<bool> set(product_dict_.size(), false);
    for (std::size_t i = 0; i < all_codes.size(); ++i) {
      std::string name(all_bytes.data() + pos, all_lens[i]);
      pos += all_lens[i];
      auto& cur = product_name_dict_[all_codes[i]];
      if (!set[all_codes[i]] || (!name.empty() && (cur.empty() || name < cur))) cur = std::move(name);
      set[all_codes[i]] = true;
    }
  }
  for (auto& l : store_.lines) {
    if (l.product != kNoCode32) l.product = premap[l.product];
    if (l.region != kNoCode32) l.region = rremap[l.region];
  }
  // Customer keys: the integer itself when every customer id is an integer (8-byte big-endian,
  // so byte order is numeric order), else the text (dense codes are assigned after sorting).
  customers_numeric_ = !comm_.allreduce_or(!customers_numeric_);
  orders_numeric_ = have_orders_ && !comm_.allreduce_or(!orders_numeric_);
  if (customers_numeric_ && !baskets()) {
    LineStore numeric;
    numeric.arena.reserve(store_.lines.size() * 8);
    for (auto& l : store_.lines) numeric.set_key(l, be_bytes(*as_unsigned(store_.key(l))));
    store_.arena = std::move(numeric.arena);
  }
  std::int32_t last = std::numeric_limits<std::int32_t>::min();
  for (const auto& l : store_.lines) last = std::max(last, l.day);
  last = comm_.allreduce_max(last);
  if (!cfg_.as_of.empty()) as_of_day_ = *parse_iso_date(cfg_.as_of);
  else if (baskets()) as_of_day_ = 0;
  else as_of_day_ = last;
  if (baskets())
    for (auto& l : store_.lines) l.day = as_of_day_;
}

bool key_less(const LineStore& s, const Line& a, const Line& b) {
  if (a.key_prefix != b.key_prefix) return a.key_prefix < b.key_prefix;
  if (a.key_len <= 8 && b.key_len <= 8) return a.key_len < b.key_len;
  return s.key(a) < s.key(b);
}
bool key_equal(const LineStore& s, const Line& a, const Line& b) {
  return a.key_prefix == b.key_prefix && a.key_len == b.key_len && (a.key_len <= 8 || s.key(a) == s.key(b));
}

// Total order of lines: customer, order, day, time, product, quantity, amount, field hash.
struct LineLess {
  const LineStore& s;
  static auto tie(const Line& l) {
    return std::tie(l.order_hash, l.day, l.seconds, l.product, l.quantity, l.amount_cents, l.hash);
  }
  bool operator()(const Line& a, const Line& b) const {
    if (!key_equal(s, a, b)) return key_less(s, a, b);
    return tie(a) < tie(b);
  }
};
void sort_lines(LineStore& s) { std::sort(s.lines.begin(), s.lines.end(), LineLess{s}); }

// Merges consecutive sorted runs of the given lengths (pairwise, O(n log runs)).
void merge_runs(LineStore& s, std::vector<std::uint64_t> runs) {
  while (runs.size() > 1) {
    std::vector<std::uint64_t> next;
    std::uint64_t begin = 0;
    for (std::size_t i = 0; i < runs.size(); i += 2) {
      if (i + 1 == runs.size()) {
        next.push_back(runs[i]);
        break;
      }
      const auto b = s.lines.begin() + static_cast<std::ptrdiff_t>(begin);
      const auto m = b + static_cast<std::ptrdiff_t>(runs[i]);
      const auto e = m + static_cast<std::ptrdiff_t>(runs[i + 1]);
      std::inplace_merge(b, m, e, LineLess{s});
      next.push_back(runs[i] + runs[i + 1]);
      begin += runs[i] + runs[i + 1];
    }
    runs = std::move(next);
  }
}

// Sample sort by customer key: every line of a customer ends on one rank, ranks hold ascending
// key ranges, so rank order is the output order.
void Ingest::shuffle() {
  Stopwatch sw;
  sort_lines(store_);
  spdlog::debug("ingest: local sort of {} lines {:.2f}s", store_.lines.size(), sw.seconds());
  const int P = comm_.size();
  if (P == 1) return;
  // Regular sample: up to 64 keys per rank at evenly spaced lines.
  const std::size_t n = store_.lines.size();
  const std::size_t k = std::min<std::size_t>(n, 64);
  std::string sample_bytes;
  std::vector<std::uint64_t> sample_lens;
  for (std::size_t i = 0; i < k; ++i) {
    const auto& l = store_.lines[(2 * i + 1) * n / (2 * k)];
    sample_bytes += store_.key(l);
    sample_lens.push_back(l.key_len);
  }
  const auto all_bytes = comm_.allgatherv<char>(std::span<const char>(sample_bytes.data(), sample_bytes.size()));
  const auto all_lens = comm_.allgatherv<std::uint64_t>(sample_lens);
  std::vector<std::string> samples;
  std::size_t pos = 0;
  for (auto len : all_lens) {
    samples.emplace_back(all_bytes.data() + pos, len);
    pos += len;
  }
  std::sort(samples.begin(), samples.end());
  std::vector<std::string> splitters;  // rank r gets keys in (splitters[r-1], splitters[r]]
  for (int r = 1; r < P; ++r)
    splitters.push_back(samples.empty() ? std::string() : samples[samples.size() * static_cast<std::size_t>(r) / static_cast<std::size_t>(P)]);
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(P), 0);
  {
    std::size_t dest = 0;
    for (const auto& l : store_.lines) {
      const auto key = store_.key(l);
      while (dest < splitters.size() && key > std::string_view(splitters[dest])) ++dest;
      ++counts[dest];
    }
  }
  std::vector<std::uint64_t> byte_counts(static_cast<std::size_t>(P), 0);
  std::string send_arena;
  send_arena.reserve(store_.arena.size());
  {
    std::size_t i = 0;
    for (std::size_t d = 0; d < counts.size(); ++d)
      for (std::uint64_t c = 0; c < counts[d]; ++c, ++i) {
        const auto key = store_.key(store_.lines[i]);
        send_arena += key;
        byte_counts[d] += key.size();
      }
  }
  store_.arena.clear();
  store_.arena.shrink_to_fit();
  spdlog::debug("ingest: splitters and packing {:.2f}s", sw.seconds());
  std::vector<std::uint64_t> recv_counts;
  auto recv_lines = comm_.alltoallv<Line>(store_.lines, counts, &recv_counts);
  store_.lines.clear();
  store_.lines.shrink_to_fit();
  auto recv_arena = comm_.alltoallv<char>(std::span<const char>(send_arena.data(), send_arena.size()), byte_counts);
  send_arena.clear();
  send_arena.shrink_to_fit();
  store_.arena.assign(recv_arena.begin(), recv_arena.end());
  recv_arena = {};
  std::uint64_t off = 0;
  for (auto& l : recv_lines) {
    l.key_off = off;
    off += l.key_len;
  }
  store_.lines = std::move(recv_lines);
  spdlog::debug("ingest: alltoallv {:.2f}s", sw.seconds());
  merge_runs(store_, std::move(recv_counts));  // each source sent a sorted run
  spdlog::debug("ingest: merge after the shuffle {:.2f}s", sw.seconds());
}

struct Order {
  std::uint64_t key = 0;  // order_num (numeric invoices) or order_hash
  std::uint64_t item_begin = 0, item_end = 0;  // into the per-rank item arrays (before final order)
  std::int64_t amount = 0;
  std::int32_t day = 0, seconds = 0;
  std::uint32_t region = kNoCode32;
  std::uint32_t customer = 0;  // local customer index
};

void Ingest::build_and_write(const JobContext& ctx) {
  auto& L = store_.lines;
  // Exact duplicates: equal customer and equal field hash sort next to each other. Without an
  // order column nothing tells two identical lines apart from two identical purchases (CDNOW has
  // several lines per customer-day), so they are then counted but kept.
  const bool keep_dups = cfg_.keep_duplicates || !have_orders_;
  {
    std::size_t w = 0;
    for (std::size_t i = 0; i < L.size(); ++i) {
      if (w > 0 && key_equal(store_, L[i], L[w - 1]) && L[i].hash == L[w - 1].hash && !baskets()) {
        ++counts_.duplicates;
        if (!keep_dups) continue;
      }
      L[w++] = L[i];
    }
    L.resize(w);
  }
  counts_.kept = L.size();
  // Customers and orders: lines of one invoice (same customer) form one order. Without an
  // order column every line is its own order.
  std::vector<std::uint64_t> cust_first_line;  // local customer -> first line
  std::vector<Order> orders;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> items;  // product, quantity
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tmp;
  const bool group = have_orders_;
  for (std::size_t i = 0; i < L.size();) {
    if (i == 0 || !key_equal(store_, L[i], L[i - 1])) cust_first_line.push_back(i);
    std::size_t j = i + 1;
    if (group)
      while (j < L.size() && key_equal(store_, L[j], L[i]) && L[j].order_hash == L[i].order_hash) ++j;
    Order o;
    o.customer = static_cast<std::uint32_t>(cust_first_line.size() - 1);
    o.key = orders_numeric_ || baskets() ? L[i].order_num : L[i].order_hash;
    o.day = L[i].day;
    o.seconds = L[i].seconds;
    o.region = L[i].region;
    tmp.clear();
    for (std::size_t x = i; x < j; ++x) {
      o.amount += L[x].amount_cents;
      if (std::tie(L[x].day, L[x].seconds) < std::tie(o.day, o.seconds)) {
        o.day = L[x].day;
        o.seconds = L[x].seconds;
        o.region = L[x].region;
      }
      if (L[x].product != kNoCode32) tmp.emplace_back(L[x].product, static_cast<std::uint32_t>(L[x].quantity));
    }
    std::sort(tmp.begin(), tmp.end());
    o.item_begin = items.size();
    for (const auto& it : tmp) {
      if (!items.empty() && items.size() > o.item_begin && items.back().first == it.first) {
        const std::uint64_t q = std::uint64_t{items.back().second} + it.second;
        if (q > schema::kMaxItemQuantity)
          throw DataError("one order holds more than 1,000,000 units of a product (customer key " +
                          std::string(store_.key(L[i])) + ")");
        items.back().second = static_cast<std::uint32_t>(q);
      } else {
        items.push_back(it);
      }
    }
    o.item_end = items.size();
    orders.push_back(o);
    i = j;
  }
  // Orders of each customer by day, time, order id.
  std::vector<std::uint64_t> order_offset(cust_first_line.size() + 1, 0);
  for (const auto& o : orders) ++order_offset[o.customer + 1];
  for (std::size_t c = 0; c < cust_first_line.size(); ++c) order_offset[c + 1] += order_offset[c];
  std::sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
    return std::tie(a.customer, a.day, a.seconds, a.key) < std::tie(b.customer, b.day, b.seconds, b.key);
  });
  const std::uint64_t n_cust = cust_first_line.size(), n_orders = orders.size(), n_items = items.size();
  const std::uint64_t cust_base = comm_.exscan_sum(n_cust), order_base = comm_.exscan_sum(n_orders),
                      item_base = comm_.exscan_sum(n_items);
  const std::uint64_t tot_cust = comm_.allreduce_sum(n_cust), tot_orders = comm_.allreduce_sum(n_orders),
                      tot_items = comm_.allreduce_sum(n_items);
  if (tot_orders == 0) throw CollectiveError(ExitCode::kDataErr, "no order line survived the rules: nothing to write");

  // Columns.
  std::vector<std::uint64_t> customer_id(n_cust), ooff(n_cust), order_id(n_orders), ocust(n_orders), ioff(n_orders);
  std::vector<std::int32_t> signup(n_cust), day(n_orders);
  std::vector<std::int64_t> amount(n_orders);
  std::vector<std::uint16_t> region(n_cust);
  std::vector<std::uint32_t> product(n_items), quantity(n_items);
  std::vector<std::string> customer_keys;
  for (std::size_t c = 0; c < n_cust; ++c) {
    const auto& l = L[cust_first_line[c]];
    if (customers_numeric_ || baskets()) customer_id[c] = l.key_prefix;
    else {
      customer_id[c] = cust_base + c;
      customer_keys.emplace_back(store_.key(l));
    }
    ooff[c] = order_base + order_offset[c];
  }
  std::uint64_t item_pos = item_base;
  for (std::size_t k = 0; k < n_orders; ++k) {
    const auto& o = orders[k];
    order_id[k] = orders_numeric_ || baskets() ? o.key : order_base + k;
    ocust[k] = customer_id[o.customer];
    day[k] = o.day;
    amount[k] = o.amount;
    ioff[k] = item_pos;
    for (std::uint64_t x = o.item_begin; x < o.item_end; ++x) {
      const auto idx = static_cast<std::size_t>(item_pos - item_base);
      product[idx] = items[x].first;
      quantity[idx] = items[x].second;
      ++item_pos;
    }
    if (order_offset[o.customer] == k) {  // the customer's first order
      signup[o.customer] = o.day;
      region[o.customer] = o.region == kNoCode32 ? 0 : static_cast<std::uint16_t>(o.region);
    }
  }
  L.clear();
  L.shrink_to_fit();
  const bool last_rank = comm_.rank() == comm_.size() - 1;
  if (last_rank) ooff.push_back(tot_orders);
  if (last_rank) ioff.push_back(tot_items);

  // Write under a temporary name next to --out, validate it, then rename.
  const fs::path outp = fs::absolute(cfg_.out);
  OutputSet out(comm_, outp.parent_path().string(), /*with_csv=*/false);
  const std::string tmp_path = out.temp_path(outp.filename().string());
  {
    h5::Handle f = h5::open_parallel(tmp_path, comm_.native(), h5::Access::kCreate);
    const hid_t id = f.id();
    h5::write_attr_int(id, schema::kAttrSchemaVersion, schema::kVersion);
    h5::write_attr_int(id, schema::kAttrAsOfDay, as_of_day_);
    h5::write_attr_string(id, schema::kAttrCurrency, cfg_.currency);
    auto column = [&](std::string_view path, auto& values, std::uint64_t total, std::uint64_t offset) {
      using T = typename std::decay_t<decltype(values)>::value_type;
      auto d = h5::create_dataset<T>(id, std::string(path), total);
      h5::write<T>(d.id(), offset, std::span<const T>(values), true, std::string(path));
    };
    column(schema::kCustomerId, customer_id, tot_cust, cust_base);
    column(schema::kOrderOffset, ooff, tot_cust + 1, cust_base);
    column(schema::kOrderId, order_id, tot_orders, order_base);
    column(schema::kOrderCustomerId, ocust, tot_orders, order_base);
    column(schema::kOrderDay, day, tot_orders, order_base);
    column(schema::kOrderAmount, amount, tot_orders, order_base);
    if (!baskets()) column(schema::kSignupDay, signup, tot_cust, cust_base);
    if (have_regions_) {
      column(schema::kRegion, region, tot_cust, cust_base);
      auto d = h5::open_dataset(id, std::string(schema::kRegion));
      h5::write_attr_string(d.id(), schema::kAttrDictionary, std::string(schema::kDictRegion));
      h5::write_strings(id, std::string(schema::kDictRegion), region_dict_.strings(), comm_.rank());
    }
    if (have_products_) {
      column(schema::kItemOffset, ioff, tot_orders + 1, order_base);
      column(schema::kItemProduct, product, tot_items, item_base);
      column(schema::kItemQuantity, quantity, tot_items, item_base);
      // No categories in order exports: every product is category 0, "uncategorised".
      const std::uint64_t np = product_dict_.size();
      const auto r = static_cast<std::uint64_t>(comm_.rank()), p = static_cast<std::uint64_t>(comm_.size());
      std::vector<std::uint16_t> cat(np * (r + 1) / p - np * r / p, 0);
      column(schema::kProductCategory, cat, np, np * r / p);
      auto d = h5::open_dataset(id, std::string(schema::kProductCategory));
      h5::write_attr_string(d.id(), schema::kAttrDictionary, std::string(schema::kDictCategory));
      h5::write_strings(id, std::string(schema::kDictCategory), {"uncategorised"}, comm_.rank());
      std::vector<std::string> keys = product_dict_.strings();
      if (format_ == Format::kFimi)
        for (auto& k : keys) k = std::to_string(be_prefix(k));
      h5::write_strings(id, std::string(schema::kDictProductKey), keys, comm_.rank());
      if (have_names_) h5::write_strings(id, std::string(schema::kDictProductName), product_name_dict_, comm_.rank());
    }
    if (!customers_numeric_ && !baskets()) {
      // Dense customer codes: code c names /dictionaries/customer_key[c] (gathered on every rank).
      std::string bytes;
      std::vector<std::uint64_t> lens;
      for (const auto& k : customer_keys) {
        bytes += k;
        lens.push_back(k.size());
      }
      const auto all_bytes = comm_.allgatherv<char>(std::span<const char>(bytes.data(), bytes.size()));
      const auto all_lens = comm_.allgatherv<std::uint64_t>(lens);
      std::vector<std::string> all;
      std::size_t pos = 0;
      for (auto len : all_lens) {
        all.emplace_back(all_bytes.data() + pos, len);
        pos += len;
      }
      h5::write_strings(id, std::string(schema::kDictCustomerKey), all, comm_.rank());
    }
  }
  // The file must pass `crmpi validate` before it gets its name.
  {
    InputFile in(comm_, tmp_path);
    const Slice s = in.partition(comm_.rank(), comm_.size());
    const auto rep = validate_content(in, comm_, s, 10, std::uint64_t{1} << 22);
    if (!rep.ok()) throw CollectiveError(ExitCode::kSoftware, "ingest wrote an invalid file (a bug): " + rep.format(cfg_.out));
  }
  out.commit();

  // Report: every line in exactly one class.
  ingest::LineCounts rules = counts_.rules;
  comm_.allreduce_sum_inplace(std::span<std::uint64_t>(rules.by_class));
  comm_.allreduce_sum_inplace(std::span<std::uint64_t>(rules.by_flag));
  std::uint64_t c[5] = {counts_.records, counts_.blank, counts_.bad, counts_.duplicates, counts_.kept};
  comm_.allreduce_sum_inplace(std::span<std::uint64_t>(c));
  const auto in_customers = distinct_count(comm_, input_customers_);
  const auto in_invoices = distinct_count(comm_, input_invoices_);
  (void)ctx;
  if (!comm_.is_root()) return;
  spdlog::info("ingest: wrote {} ({} customers, {} orders, {} items, {} products, {} regions; as_of {}, {})", cfg_.out,
               tot_cust, tot_orders, tot_items, have_products_ ? product_dict_.size() : 0,
               have_regions_ ? region_dict_.size() : 0, format_iso_date(as_of_day_), cfg_.currency);
  spdlog::info("ingest: input: {} lines, {} distinct customer ids, {} distinct invoices, {} blank lines", c[0],
               in_customers, in_invoices, c[1]);
  auto line = [](const char* name, std::uint64_t v, const char* what) {
    spdlog::info("ingest: count {:<18} {:>10}  {}", name, v, what);
  };
  line("lines", c[0], "data lines read (header and blank lines excluded)");
  line("bad", c[2], cfg_.rejects.empty() ? "malformed lines" : "malformed lines, written to the rejects file");
  line("adjustment", rules.of(LineClass::kAdjustment), "dropped: bad-debt adjustments (invoice prefix A)");
  line("missing_customer", rules.of(LineClass::kMissingCustomer), "dropped: no customer id");
  line("cancellation", rules.of(LineClass::kCancellation), "dropped: cancellations/returns (prefix C or quantity < 0)");
  line("non_product", rules.of(LineClass::kNonProduct), "dropped: postage, fees, manual and other non-product codes");
  line("non_positive_price", rules.of(LineClass::kNonPositivePrice), "dropped: zero or negative price");
  line("duplicate", c[3],
       cfg_.keep_duplicates || !have_orders_ ? "exact duplicate lines, kept (--keep-duplicates or no order column)"
                                             : "dropped: exact duplicate lines");
  line("kept", c[4], "sale lines in the output");
}

// Bad lines travel as length-prefixed records (raw text may hold tabs, quotes and newlines).
std::string pack_bad(const std::vector<BadLine>& v) {
  std::string s;
  for (const auto& b : v) {
    s += std::to_string(b.file) + ' ' + std::to_string(b.line) + ' ' + std::to_string(b.offset) + ' ' +
         std::to_string(b.reason.size()) + ' ' + std::to_string(b.raw.size()) + ' ';
    s += b.reason;
    s += b.raw;
  }
  return s;
}

void unpack_bad(const std::string& s, std::vector<BadLine>& out) {
  std::size_t p = 0;
  auto num = [&] {
    const auto e = s.find(' ', p);
    const auto v = std::stoull(s.substr(p, e - p));
    p = e + 1;
    return v;
  };
  while (p < s.size()) {
    BadLine b;
    b.file = static_cast<std::uint32_t>(num());
    b.line = num();
    b.offset = num();
    const auto rl = num(), wl = num();
    b.reason = s.substr(p, rl);
    p += rl;
    b.raw = s.substr(p, wl);
    p += wl;
    out.push_back(std::move(b));
  }
}

void Ingest::report_bad_lines() {
  const auto total_bad = comm_.allreduce_sum(counts_.bad);
  if (total_bad == 0) return;
  std::vector<BadLine> all;
  for (const auto& block : comm_.allgather_strings(pack_bad(bad_))) unpack_bad(block, all);
  bad_.clear();
  std::sort(all.begin(), all.end(), [](const BadLine& a, const BadLine& b) {
    return std::tie(a.file, a.line, a.offset) < std::tie(b.file, b.line, b.offset);
  });
  if (cfg_.rejects.empty()) {
    std::string msg = std::to_string(total_bad) + " bad line(s); the first:";
    for (std::size_t i = 0; i < all.size() && i < cfg_.max_errors; ++i)
      msg += "\n  " + cfg_.inputs[all[i].file] + ":" + std::to_string(all[i].line) + ": " + all[i].reason;
    msg += "\n(use --rejects FILE to set bad lines aside and go on)";
    throw CollectiveError(ExitCode::kDataErr, msg);
  }
  // Rejects file: rank 0 writes every rank's bad lines, sorted by file and line.
  if (!comm_.is_root()) return;
  textio::RejectsWriter w(cfg_.rejects);
  for (const auto& b : all) w.write(cfg_.inputs[b.file], b.line, b.offset, b.reason, b.raw);
  w.close();
  spdlog::warn("ingest: {} bad line(s) written to {}", total_bad, cfg_.rejects);
}

int Ingest::run(const JobContext& ctx) {
  Stopwatch sw;
  collectively(comm_, [&] {
    for (const auto& in : cfg_.inputs) (void)textio::file_size(in);  // 66 before any work
  });
  collectively(comm_, [&] {
    for (std::size_t f = 0; f < cfg_.inputs.size(); ++f) {
      // Mapping errors are the same on every rank; the per-file collectives inside need every
      // rank to reach them, so a local failure is carried to the end of parsing.
      parse_file(static_cast<std::uint32_t>(f), cfg_.inputs[f]);
    }
  });
  const double parse_s = sw.seconds();
  const auto lines = comm_.allreduce_sum(counts_.records);
  if (lines == 0) throw CollectiveError(ExitCode::kDataErr, "the input holds no data lines (empty input)");
  report_bad_lines();
  collectively(comm_, [&] { finish_parse(); });
  shuffle();
  const double shuffle_s = sw.seconds();
  build_and_write(ctx);
  const double total_s = sw.seconds();
  const long rss = comm_.allreduce_max(peak_rss_kib());
  const auto disk_bytes = comm_.allreduce_sum(input_bytes_);
  if (comm_.is_root()) {
    const double P = comm_.size();
    spdlog::info("ingest: {:.2f}s (parse {:.2f}s, shuffle+sort {:.2f}s, write+validate {:.2f}s); {:.1f} MB of text "
                 "({:.1f} MB on disk); parse {:.1f} MB/s and {} lines/s per rank, whole run {:.1f} MB/s per rank",
                 total_s, parse_s, shuffle_s - parse_s, total_s - shuffle_s, static_cast<double>(text_bytes_) / 1e6,
                 static_cast<double>(disk_bytes) / P / 1e6,
                 static_cast<double>(text_bytes_) / 1e6 / std::max(parse_s, 1e-9) / P,
                 human_count(static_cast<double>(lines) / std::max(parse_s, 1e-9) / P),
                 static_cast<double>(text_bytes_) / 1e6 / std::max(total_s, 1e-9) / P);
    spdlog::debug("ingest: peak memory {} MiB (largest rank)", rss / 1024);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------

class IngestCommand : public Subcommand {
 public:
  explicit IngestCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("ingest",
                                 "Order exports (CSV/TSV/whitespace, .gz) or basket files -> the input HDF5 file "
                                 "(docs/ingest.md)");
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    cfg_.bind(*options_);
    app_->add_option("files", positional_, "input files");
  }
  void prepare() override {
    options_->apply_config_file(kConfigSections);
    cfg_.inputs.insert(cfg_.inputs.end(), positional_.begin(), positional_.end());
    cfg_.validate();
  }
  int run(const JobContext& ctx) override { return run_ingest_command(ctx, cfg_); }
  std::string log_level() const override { return cfg_.log_level; }

 private:
  IngestConfig cfg_;
  std::vector<std::string> positional_;
};

}  // namespace

int run_ingest_command(const JobContext& ctx, const IngestConfig& cfg) {
  Ingest job(ctx.comm, cfg);
  return job.run(ctx);
}

std::unique_ptr<Subcommand> make_ingest_subcommand(CLI::App& app) { return std::make_unique<IngestCommand>(app); }

}  // namespace crmpi
