#include "jobs/ingest/order_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "io/text/text_file_reader.hpp"
#include "jobs/common/job_common.hpp"
#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"
#include "kernels/ingest/serial_file_readers.hpp"
#include "kernels/ingest/short_text.hpp"
#include "io/schema.hpp"

namespace crmpi::ingest_job {

using ingest::LineClass;

OrderReader::OrderReader(const Comm& comm, const IngestConfig& cfg, ParsedShare& out)
    : comm_(comm),
      cfg_(cfg),
      format_(format_of(cfg)),
      out_(out),
      slash_order_(cfg.day_first ? ingest::SlashOrder::kDayFirst : ingest::SlashOrder::kMonthFirst),
      dates_(slash_order_) {
  // A hidden switch for the tests that compare the fast paths with the general ones.
  const char* general = std::getenv("CRMPI_INGEST_GENERAL_PATH");
  fast_ = general == nullptr || std::string_view(general) != "1";
  ingest::LineRulesConfig rc;
  if (!cfg.non_product_codes.empty()) rc.non_product_codes = cfg.non_product_codes;
  rc.cancel_prefix = cfg.cancel_prefix;
  rc.adjustment_prefix = cfg.adjustment_prefix;
  classifier_ = ingest::LineClassifier(rc);
}

void OrderReader::bad(std::uint32_t file, const textio::TextRecord& rec, std::string reason) {
  ++out_.counts.bad;
  // Without a rejects file only the first few are named in the message: keep no more.
  if (cfg_.rejects.empty() && out_.bad.size() - bad_file_begin_ >= cfg_.max_errors) return;
  out_.bad.push_back({file, rec.line, rec.offset, std::move(reason), std::string(rec.raw)});
}

// Hash of the canonical text of the mapped fields (each followed by 0x1F): duplicates are equal
// field values, whatever the layout of the file.
std::uint64_t OrderReader::canonical_hash(const FieldValues& v, std::size_t raw_size) {
  // The fields are pieces of the raw line (escaped quotes only shrink), so the line's length plus
  // the separators bounds the text: no pass over the fields to size it.
  if (canonical_.size() < raw_size + kParts) canonical_.resize(2 * (raw_size + kParts));
  char* const begin = canonical_.data();
  char* p = begin;
  for (std::size_t i = 0; i < n_parts_; ++i) {
    ingest::copy_short(p, v[i].data(), v[i].size());
    p += v[i].size();
    *p++ = '\x1f';
  }
  return ingest::raw_line_hash(std::string_view(begin, static_cast<std::size_t>(p - begin)));
}

void OrderReader::parse_order_record(const textio::TextRecord& rec, std::uint32_t fi) {
  const Mapping& m = mapping_;
  // Each mapped field trimmed once, in the canonical order.
  FieldValues v;
  for (std::size_t k = 0; k < n_mapped_; ++k)
    v[mapped_[k].part] = trim(rec.fields[mapped_[k].column]);
  const std::string_view customer = v[kCustomerPart], invoice = v[kOrderPart], product = v[kProductPart];
  const auto dt = fast_ ? dates_.parse(v[kDatePart]) : ingest::parse_datetime(v[kDatePart], slash_order_);
  if (!dt.ok()) return bad(fi, rec, "unparsable date '" + std::string(v[kDatePart]) + "': " + ingest::describe(dt.error));
  if (dt.days < schema::kMinDay || dt.days > schema::kMaxDay)
    return bad(fi, rec, "date outside 1970-01-01..2169-12-31: '" + std::string(v[kDatePart]) + "'");
  std::int64_t qty = 1;
  if (m.quantity >= 0) {
    const auto q = ingest::parse_int64(v[kQuantityPart]);
    if (!q.ok()) return bad(fi, rec, "unparsable quantity '" + std::string(v[kQuantityPart]) + "': " + ingest::describe(q.error));
    qty = q.value;
  }
  const std::string_view money_text = m.price >= 0 ? v[kPricePart] : v[kAmountPart];
  const auto money = ingest::parse_money_micros(money_text);
  if (!money.ok())
    return bad(fi, rec, std::string(m.price >= 0 ? "unparsable price '" : "unparsable amount '") +
                            std::string(money_text) + "': " + ingest::describe(money.error));
  const std::int64_t price = money.micros;
  if (m.product >= 0 && product.empty()) return bad(fi, rec, "empty product id");
  if (!customer.empty()) {
    last_customer_.update(customer);
    out_.input_customers.add(last_customer_.hash);
  }
  if (m.order >= 0) {
    last_invoice_.update(invoice);
    out_.input_invoices.add(last_invoice_.hash);
  }
  const std::uint64_t invoice_hash = m.order >= 0 ? last_invoice_.hash : 0;
  const bool amount_column = m.price < 0;
  const auto verdict = classifier_.classify({invoice, product, customer, qty, price, amount_column});
  out_.counts.rules.add(verdict);
  if (verdict.primary != LineClass::kSale) return;
  if (verdict.flags & ingest::kFlagZeroAmount) ++out_.counts.zero_amount;
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
  Line& l = out_.store.lines.emplace_back(Line{});  // no error can follow
  l.hash = canonical_hash(v, rec.raw.size());
  l.order_hash = m.order >= 0 ? invoice_hash : l.hash;
  if (m.order >= 0) {
    if (const auto n = last_invoice_.number) l.order_num = *n;
    else out_.orders_numeric = false;
  }
  l.amount_cents = cents;
  l.quantity = qty;
  l.day = dt.days;
  l.seconds = dt.seconds < 0 ? 0 : dt.seconds;
  if (m.product >= 0) {
    l.product = out_.products.code(product);
    if (m.product_name >= 0) {
      // The smallest non-empty name wins, whatever the order lines come in (rank-invariant).
      const auto name = v[kNamePart];
      // A product nearly always comes with the same name: comparing hashes (a small dense
      // array) spares touching the stored string on every line.
      auto& names = out_.product_names;
      if (names.size() <= l.product) {
        names.resize(l.product + 1);
        name_hashes_.resize(l.product + 1, kNoNameHash);
      }
      const std::uint64_t h = ingest::raw_line_hash(name);
      if (h != name_hashes_[l.product]) {
        auto& current = names[l.product];
        if (!name.empty() && (current.empty() || name < std::string_view(current))) {
          current = name;
          name_hashes_[l.product] = h;
        }
      }
    }
  }
  if (m.region >= 0) {
    const auto region = v[kRegionPart];
    if (!ingest::equal_short(region, last_region_)) {  // exports repeat a customer's country line after line
      last_region_ = region;
      last_region_code_ = out_.regions.code(region);
    }
    l.region = last_region_code_;
  }
  if (m.channel >= 0) {
    const auto channel = v[kChannelPart];
    if (!ingest::equal_short(channel, last_channel_)) {  // the lines of an order repeat its channel
      last_channel_ = channel;
      last_channel_code_ = out_.channels.code(channel);
    }
    l.channel = last_channel_code_;
  }
  // A sale has a customer, so last_customer_ holds this line's.
  if (out_.customers_numeric && !last_customer_.number) out_.customers_numeric = false;
  out_.store.set_key(l, customer);
}

// A basket: one synthetic customer and one order; its items are the fields.
void OrderReader::parse_basket_record(const textio::TextRecord& rec, std::uint32_t fi) {
  const std::uint64_t basket = local_basket_++;
  auto& lines = out_.store.lines;
  const std::size_t first = lines.size();
  for (auto raw_item : rec.fields) {
    const auto item = format_ == Format::kFimi ? trim(raw_item) : raw_item;
    if (item.empty()) continue;
    Line l;
    if (format_ == Format::kFimi) {
      const auto v = as_unsigned(item);
      if (!v) {
        lines.resize(first);
        return bad(fi, rec, "item '" + std::string(item) + "' is not a non-negative integer");
      }
      l.product = out_.products.code(be_bytes(*v));  // numeric ids sort as 8-byte big-endian text
    } else {
      l.product = out_.products.code(item);
    }
    l.quantity = 1;
    l.order_num = basket;  // local basket index until finish_files()
    lines.push_back(l);
  }
  out_.counts.rules.add({});
}

void OrderReader::reserve_for_shares() {
  // The lines of all this rank's shares, reserved once rather than copied each time the vector
  // doubles (a reserve per file would hold the old and the new block at once): no real line is
  // under ~56 bytes of text, and reserved pages never touched are never resident. A gzip file's
  // text size comes from its trailer, a lower bound (past it the vector grows by doubling), so a
  // wrong hint never reserves more than the text could need.
  std::uint64_t text = 0;
  for (std::size_t f = 0; f < cfg_.inputs.size(); ++f) {
    const std::string& in = cfg_.inputs[f];
    if (gzip_ordinal_[f] == SIZE_MAX) {
      text += textio::file_size(in) / static_cast<std::uint64_t>(comm_.size());
      continue;
    }
    const std::vector<int>& readers = gzip_readers_[gzip_ordinal_[f]];
    if (std::find(readers.begin(), readers.end(), comm_.rank()) != readers.end())
      text += textio::gzip_size_hint(in) / static_cast<std::uint64_t>(readers.size());
  }
  out_.store.lines.reserve(out_.store.lines.size() + text / 56);
  out_.store.arena.reserve(out_.store.arena.size() + text / 8);
}

void OrderReader::read_share(std::uint32_t fi, const std::string& path) {
  out_.input_bytes += textio::file_size(path);
  mapping_ = map_columns(cfg_, format_, path);
  const Mapping& m = mapping_;
  // The canonical order of the duplicate hash; the channel joins it only when mapped (an unmapped
  // channel adds nothing to the hash).
  part_columns_ = {m.customer, m.order, m.date, m.quantity, m.price, m.amount, m.product, m.product_name, m.region,
                   m.channel};
  n_parts_ = m.channel >= 0 ? kParts : kParts - 1;
  n_mapped_ = 0;
  for (std::size_t i = 0; i < n_parts_; ++i)
    if (part_columns_[i] >= 0) mapped_[n_mapped_++] = {i, static_cast<std::size_t>(part_columns_[i])};
  const bool baskets = is_basket(format_);
  if (!baskets) {
    out_.have_orders = out_.have_orders || m.order >= 0;
    out_.have_products = out_.have_products || m.product >= 0;
    out_.have_regions = out_.have_regions || m.region >= 0;
    out_.have_names = out_.have_names || m.product_name >= 0;
    out_.have_channels = out_.have_channels || m.channel >= 0;
  } else {
    out_.have_orders = true;
    out_.have_products = true;
    out_.have_names = format_ == Format::kBasketCsv;
  }
  textio::TextReadOptions o{.dialect = dialect_of(cfg_, format_),
                            .expected_columns = baskets ? 0 : m.columns,
                            .has_header = !baskets && cfg_.header,
                            .chunk_bytes = static_cast<std::size_t>(cfg_.chunk_bytes),
                            .simple_fast_path = fast_};
  if (!gzip_layout_done_) {
    std::vector<std::uint64_t> gz_sizes;
    for (const std::string& in : cfg_.inputs) {
      const bool gz = textio::has_gzip_magic(in);
      gzip_ordinal_.push_back(gz ? gz_sizes.size() : SIZE_MAX);
      if (gz) gz_sizes.push_back(textio::file_size(in));
    }
    gzip_readers_ = ingest::serial_file_readers(gz_sizes, comm_.size());
    gzip_layout_done_ = true;
    if (!baskets) reserve_for_shares();
  }
  bad_file_begin_ = out_.bad.size();
  local_basket_ = 0;
  FileShare& fs = files_.emplace_back();
  fs.bad_begin = fs.bad_end = out_.bad.size();
  fs.lines_begin = fs.lines_end = out_.store.lines.size();
  fs.gzip = gzip_ordinal_.at(fi) != SIZE_MAX;
  fs.part = comm_.rank();
  fs.nparts = comm_.size();
  fault_point(comm_, "ingest-read");
  if (fs.gzip) {
    const std::vector<int>& readers = gzip_readers_[gzip_ordinal_[fi]];
    const auto me = std::find(readers.begin(), readers.end(), comm_.rank());
    if (me == readers.end()) return;  // other ranks inflate this file
    fs.part = static_cast<int>(me - readers.begin());
    fs.nparts = static_cast<int>(readers.size());
  }
  textio::TextFileReader reader(path, textio::ReadShare{fs.part, fs.nparts}, o);
  textio::TextRecord rec;
  while (reader.next(rec)) {
    ++out_.counts.records;
    if (rec.status != ingest::SplitStatus::kOk) {
      std::string reason = ingest::describe(rec.status);
      if (rec.status == ingest::SplitStatus::kWrongColumnCount)
        reason += " (" + std::to_string(rec.fields.size()) + " columns, expected " + std::to_string(m.columns) + ")";
      bad(fi, rec, reason);
      continue;
    }
    if (baskets) parse_basket_record(rec, fi);
    else parse_order_record(rec, fi);
  }
  out_.counts.blank += reader.blank_lines();
  fs.bad_end = out_.bad.size();
  fs.lines_end = out_.store.lines.size();
  fs.bytes_consumed = reader.bytes_consumed();
  fs.physical_lines = reader.physical_lines();
  fs.records = reader.records();
}

void OrderReader::finish_files() {
  std::uint64_t basket_base = 0;  // baskets in the files before
  for (const FileShare& fs : files_) {
    const bool gz = fs.gzip;
    // Text bytes parsed: the file for plain shares (summed over ranks), the inflated stream for
    // gzip (each of its readers inflates all of it; other ranks none).
    out_.text_bytes += gz ? comm_.allreduce_max(fs.bytes_consumed) : comm_.allreduce_sum(fs.bytes_consumed);
    // Global line numbers (plain shares count from their start) and global basket numbers.
    const std::uint64_t line_base = gz ? 0 : comm_.exscan_sum<std::uint64_t>(fs.physical_lines);
    for (std::size_t i = fs.bad_begin; i < fs.bad_end; ++i) out_.bad[i].line += line_base;
    if (!is_basket(format_)) continue;
    const std::uint64_t before = gz ? 0 : comm_.exscan_sum<std::uint64_t>(fs.records);
    const auto p = static_cast<std::uint64_t>(fs.nparts), r = static_cast<std::uint64_t>(fs.part);
    // Data record k of a gzip file is read by its reader k % P (P readers) as its (k / P)-th
    // record; a bad record still takes its number, so basket ids are line-based and rank-invariant.
    for (std::size_t i = fs.lines_begin; i < fs.lines_end; ++i) {
      auto& l = out_.store.lines[i];
      const std::uint64_t k = gz ? l.order_num * p + r : before + l.order_num;
      l.order_num = basket_base + k + 1;
      l.order_hash = l.order_num;
      l.hash = l.order_num;
      out_.store.set_key(l, be_bytes(l.order_num));
    }
    basket_base += comm_.allreduce_sum<std::uint64_t>(fs.records);
  }
}

}  // namespace crmpi::ingest_job
