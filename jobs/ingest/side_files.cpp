#include "jobs/ingest/side_files.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string_view>

#include "comm/dictionary_merge.hpp"
#include "io/schema.hpp"
#include "io/text/text_file_reader.hpp"
#include "jobs/ingest/collectively.hpp"
#include "jobs/ingest/column_mapping.hpp"
#include "jobs/ingest/customer_shuffle.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/ingest/date_parse.hpp"

namespace crmpi::ingest_job {
namespace {

enum class SideKind { kCustomers, kSurveys };

// 0-based columns of a side file, -1 when absent.
struct SideColumns {
  int id = -1, region = -1, channel = -1, age_band = -1, gender = -1, signup = -1, date = -1, score = -1;
  std::size_t columns = 0;
};

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The first of `names` (case-insensitive) found in the header.
int find_column(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
  for (const auto n : names)
    for (std::size_t c = 0; c < header.size(); ++c)
      if (same_name(trim(header[c]), n)) return static_cast<int>(c);
  return -1;
}

SideColumns map_side_columns(const IngestConfig& cfg, SideKind kind, const std::string& path) {
  textio::TextReadOptions o{.dialect = dialect_of(cfg, Format::kCsv), .expected_columns = 0, .has_header = false,
                            .chunk_bytes = std::size_t{64} << 10};
  textio::TextFileReader probe(path, textio::ReadShare{0, 1}, o);
  textio::TextRecord rec;
  if (!probe.next(rec)) throw DataError("'" + path + "' holds no records (empty input)");
  if (rec.status != ingest::SplitStatus::kOk)
    throw DataError("'" + path + "' line 1 (the header) is malformed: " + ingest::describe(rec.status));
  std::vector<std::string> h(rec.fields.begin(), rec.fields.end());
  SideColumns c;
  c.columns = h.size();
  c.id = find_column(h, {"customer_id", "CustomerID", "Customer ID", "customer"});
  if (c.id < 0) throw DataError("'" + path + "' has no customer_id column (header names: docs/ingest.md)");
  if (kind == SideKind::kCustomers) {
    c.region = find_column(h, {"region", "country"});
    c.channel = find_column(h, {"acquisition_channel", "channel"});
    c.age_band = find_column(h, {"age_band", "age"});
    c.gender = find_column(h, {"gender"});
    c.signup = find_column(h, {"signup_date", "signup_day", "signup"});
    if (c.region < 0 && c.channel < 0 && c.age_band < 0 && c.gender < 0 && c.signup < 0)
      throw DataError("'" + path + "' has no attribute column (region|country, acquisition_channel|channel, "
                      "age_band|age, gender, signup_date)");
  } else {
    c.date = find_column(h, {"date", "day", "survey_date"});
    c.score = find_column(h, {"score", "nps", "nps_score"});
    if (c.date < 0 || c.score < 0) throw DataError("'" + path + "' needs columns customer_id, date and score");
  }
  return c;
}

// Reads one side file's share (local, no collective) and returns the physical lines consumed.
class SideReader {
 public:
  SideReader(const IngestConfig& cfg, ParsedShare& parsed, SideShare& side, SideKind kind)
      : cfg_(cfg), parsed_(parsed), side_(side), kind_(kind) {}

  void read(const Comm& comm, const std::string& path, std::uint32_t fi) {
    const SideColumns c = map_side_columns(cfg_, kind_, path);
    if (kind_ == SideKind::kCustomers) {
      // Every rank adds "unknown" to a present attribute's dictionary: the code of missing values.
      side_.have_region = c.region >= 0;
      side_.have_channel = c.channel >= 0;
      side_.have_age_band = c.age_band >= 0;
      side_.have_gender = c.gender >= 0;
      side_.have_signup = c.signup >= 0;
      if (side_.have_region) (void)parsed_.regions.code(kUnknownValue);
      if (side_.have_channel) (void)side_.channels.code(kUnknownValue);
      if (side_.have_age_band) (void)side_.age_bands.code(kUnknownValue);
      if (side_.have_gender) (void)side_.genders.code(kUnknownValue);
    } else {
      side_.have_surveys = true;
    }
    textio::TextReadOptions o{.dialect = dialect_of(cfg_, Format::kCsv), .expected_columns = c.columns,
                              .has_header = true, .chunk_bytes = static_cast<std::size_t>(cfg_.chunk_bytes)};
    textio::TextFileReader reader(path, textio::ReadShare{comm.rank(), comm.size()}, o);
    bad_begin_ = parsed_.bad.size();
    LineStore& store = kind_ == SideKind::kCustomers ? side_.attrs : side_.surveys;
    rows_begin_ = store.lines.size();
    textio::TextRecord rec;
    while (reader.next(rec)) {
      ++(kind_ == SideKind::kCustomers ? side_.attr_rows : side_.survey_rows);
      if (rec.status != ingest::SplitStatus::kOk) {
        bad(fi, rec, ingest::describe(rec.status));
        continue;
      }
      if (kind_ == SideKind::kCustomers) attribute_row(c, rec, fi);
      else survey_row(c, rec, fi);
    }
    gzip_ = reader.is_gzip();
    physical_lines_ = reader.physical_lines();
  }

  // Collective: global line numbers of this file's bad lines and rows.
  void globalize(const Comm& comm) {
    const std::uint64_t base = gzip_ ? 0 : comm.exscan_sum<std::uint64_t>(physical_lines_);
    for (std::size_t i = bad_begin_; i < parsed_.bad.size(); ++i) parsed_.bad[i].line += base;
    LineStore& store = kind_ == SideKind::kCustomers ? side_.attrs : side_.surveys;
    for (std::size_t i = rows_begin_; i < store.lines.size(); ++i) {
      auto& l = store.lines[i];
      if (kind_ == SideKind::kCustomers) l.order_hash += base;
      else l.hash += base;
    }
  }

 private:
  void bad(std::uint32_t fi, const textio::TextRecord& rec, std::string reason) {
    ++(kind_ == SideKind::kCustomers ? side_.attr_bad : side_.survey_bad);
    if (cfg_.rejects.empty() && parsed_.bad.size() - bad_begin_ >= cfg_.max_errors) return;
    parsed_.bad.push_back({fi, rec.line, rec.offset, std::move(reason), std::string(rec.raw)});
  }
  static std::string_view field(const textio::TextRecord& rec, int c) {
    return c < 0 ? std::string_view{} : trim(rec.fields[static_cast<std::size_t>(c)]);
  }
  // A date in 1970..2169, or an error message.
  std::string parse_day(std::string_view text, const char* what, std::int32_t& day) const {
    const auto dt = ingest::parse_datetime(text, cfg_.day_first ? ingest::SlashOrder::kDayFirst
                                                               : ingest::SlashOrder::kMonthFirst);
    if (!dt.ok()) return std::string("unparsable ") + what + " '" + std::string(text) + "': " + ingest::describe(dt.error);
    if (dt.days < schema::kMinDay || dt.days > schema::kMaxDay)
      return std::string(what) + " outside 1970-01-01..2169-12-31: '" + std::string(text) + "'";
    day = dt.days;
    return {};
  }
  static std::uint32_t code_or_none(LocalDict& dict, std::string_view v) {
    return v.empty() ? kNoCode32 : dict.code(v);
  }

  void attribute_row(const SideColumns& c, const textio::TextRecord& rec, std::uint32_t fi) {
    const auto id = field(rec, c.id);
    if (id.empty()) return bad(fi, rec, "empty customer id");
    Line l;
    l.day = kNoDay;
    if (const auto s = field(rec, c.signup); !s.empty())
      if (auto e = parse_day(s, "signup date", l.day); !e.empty()) return bad(fi, rec, std::move(e));
    l.region = code_or_none(parsed_.regions, field(rec, c.region));
    l.product = code_or_none(side_.channels, field(rec, c.channel));
    l.amount_cents = code_or_none(side_.age_bands, field(rec, c.age_band));
    l.quantity = code_or_none(side_.genders, field(rec, c.gender));
    l.order_hash = rec.line;
    side_.attrs.set_key(l, id);
    side_.attrs.lines.push_back(l);
  }

  void survey_row(const SideColumns& c, const textio::TextRecord& rec, std::uint32_t fi) {
    const auto id = field(rec, c.id);
    if (id.empty()) return bad(fi, rec, "empty customer id");
    Line l;
    if (auto e = parse_day(field(rec, c.date), "survey date", l.day); !e.empty()) return bad(fi, rec, std::move(e));
    const auto score = as_unsigned(field(rec, c.score));
    if (!score || *score > schema::kMaxNpsScore)
      return bad(fi, rec, "NPS score must be an integer 0..10, got '" + std::string(field(rec, c.score)) + "'");
    l.quantity = static_cast<std::int64_t>(*score);
    l.order_hash = 0;
    l.hash = rec.line;
    side_.surveys.set_key(l, id);
    side_.surveys.lines.push_back(l);
  }

  const IngestConfig& cfg_;
  ParsedShare& parsed_;
  SideShare& side_;
  SideKind kind_;
  std::size_t bad_begin_ = 0, rows_begin_ = 0;
  bool gzip_ = false;
  std::uint64_t physical_lines_ = 0;
};

// Rows' keys in the customer key form; rows whose id cannot name a customer are dropped and
// counted in `unknown`.
void to_key_form(LineStore& s, bool customers_numeric, std::uint64_t& unknown) {
  if (!customers_numeric) return;
  LineStore numeric;
  for (auto l : s.lines) {
    const auto v = as_unsigned(s.key(l));
    if (!v) {
      ++unknown;
      continue;
    }
    numeric.set_key(l, be_bytes(*v));
    numeric.lines.push_back(l);
  }
  s = std::move(numeric);
}

ingest::StringDictionary merge_attribute(const Comm& comm, const LocalDict& local, LineVector& lines,
                                         std::uint32_t Line::*field_u32, std::int64_t Line::*field_i64,
                                         const char* name) {
  std::vector<std::uint32_t> remap;
  auto dict = global_dictionary(comm, local, remap);
  if (dict.size() > 256) throw DataError(std::string("more than 255 distinct ") + name + " values (uint8 codes)");
  for (auto& l : lines) {
    if (field_u32 && l.*field_u32 != kNoCode32) l.*field_u32 = remap[l.*field_u32];
    if (field_i64 && l.*field_i64 != kNoCode32) l.*field_i64 = remap[static_cast<std::size_t>(l.*field_i64)];
  }
  return dict;
}

}  // namespace

const std::string& input_name(const IngestConfig& cfg, std::uint32_t file_index) {
  if (file_index < cfg.inputs.size()) return cfg.inputs[file_index];
  return file_index == customers_file_index(cfg) ? cfg.customers_file : cfg.surveys_file;
}

void read_side_files(const Comm& comm, const IngestConfig& cfg, ParsedShare& parsed, SideShare& side) {
  auto one = [&](SideKind kind, const std::string& path, std::uint32_t fi) {
    if (path.empty()) return;
    SideReader reader(cfg, parsed, side, kind);
    collectively(comm, [&] { reader.read(comm, path, fi); });
    reader.globalize(comm);
  };
  one(SideKind::kCustomers, cfg.customers_file, customers_file_index(cfg));
  one(SideKind::kSurveys, cfg.surveys_file, surveys_file_index(cfg));
}

SideCodes route_side_rows(const Comm& comm, SideShare& side, const std::vector<std::uint32_t>& region_remap,
                          bool customers_numeric, const std::vector<std::string>& splitters) {
  SideCodes codes;
  auto& A = side.attrs.lines;
  codes.channels = merge_attribute(comm, side.channels, A, &Line::product, nullptr, "acquisition_channel");
  codes.age_bands = merge_attribute(comm, side.age_bands, A, nullptr, &Line::amount_cents, "age_band");
  codes.genders = merge_attribute(comm, side.genders, A, nullptr, &Line::quantity, "gender");
  for (auto& l : A)
    if (l.region != kNoCode32) l.region = region_remap[l.region];
  to_key_form(side.attrs, customers_numeric, side.attr_unknown);
  to_key_form(side.surveys, customers_numeric, side.survey_unknown);
  send_to_customer_owners(comm, side.attrs, splitters);
  send_to_customer_owners(comm, side.surveys, splitters);
  return codes;
}

namespace {

// Index of the customer of a row among this rank's customers, or -1.
std::ptrdiff_t find_customer(const CanonicalColumns& col, bool customers_numeric, const LineStore& s, const Line& l) {
  if (customers_numeric) {
    const auto it = std::lower_bound(col.customer_id.begin(), col.customer_id.end(), l.key_prefix);
    return it != col.customer_id.end() && *it == l.key_prefix ? it - col.customer_id.begin() : -1;
  }
  const auto key = s.key(l);
  const auto it = std::lower_bound(col.customer_keys.begin(), col.customer_keys.end(), key,
                                   [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
  return it != col.customer_keys.end() && *it == key ? it - col.customer_keys.begin() : -1;
}

std::uint8_t code8(const ingest::StringDictionary& d, std::string_view s) {
  return static_cast<std::uint8_t>(d.code_of(s));
}

}  // namespace

void join_side_rows(const Comm& comm, const IngestConfig& cfg, SideShare& side, const SideCodes& codes,
                    std::uint32_t unknown_region, bool customers_numeric, bool orders_have_regions,
                    CanonicalColumns& col) {
  const std::size_t n = col.customer_id.size();
  std::vector<std::string> examples;  // a few ids without a customer, for the log
  auto unknown = [&](const LineStore& s, const Line& l, std::uint64_t& count) {
    ++count;
    if (examples.size() < 5) examples.push_back(customers_numeric ? std::to_string(l.key_prefix) : std::string(s.key(l)));
  };
  if (side.have_region && !orders_have_regions) col.region.assign(n, static_cast<std::uint16_t>(unknown_region));
  if (side.have_channel) col.acquisition_channel.assign(n, code8(codes.channels, kUnknownValue));
  if (side.have_age_band) col.age_band.assign(n, code8(codes.age_bands, kUnknownValue));
  if (side.have_gender) col.gender.assign(n, code8(codes.genders, kUnknownValue));
  std::uint64_t duplicate = 0, joined = 0, signup_later = 0;
  std::ptrdiff_t previous = -1;
  for (const auto& l : side.attrs.lines) {  // sorted by customer, then row number
    const auto c = find_customer(col, customers_numeric, side.attrs, l);
    if (c < 0) {
      unknown(side.attrs, l, side.attr_unknown);
      continue;
    }
    if (c == previous) {
      ++duplicate;
      continue;
    }
    previous = c;
    ++joined;
    const auto i = static_cast<std::size_t>(c);
    if (l.region != kNoCode32) col.region[i] = static_cast<std::uint16_t>(l.region);
    if (l.product != kNoCode32) col.acquisition_channel[i] = static_cast<std::uint8_t>(l.product);
    if (l.amount_cents != kNoCode32) col.age_band[i] = static_cast<std::uint8_t>(l.amount_cents);
    if (l.quantity != kNoCode32) col.gender[i] = static_cast<std::uint8_t>(l.quantity);
    if (l.day != kNoDay) {
      if (l.day <= col.signup_day[i]) col.signup_day[i] = l.day;
      else ++signup_later;
    }
  }
  for (const auto& l : side.surveys.lines) {  // sorted by customer, day, score, row number
    const auto c = find_customer(col, customers_numeric, side.surveys, l);
    if (c < 0) {
      unknown(side.surveys, l, side.survey_unknown);
      continue;
    }
    col.survey_customer.push_back(col.customer_id[static_cast<std::size_t>(c)]);
    col.survey_day.push_back(l.day);
    col.survey_score.push_back(static_cast<std::uint8_t>(l.quantity));
  }
  const std::uint64_t kept = col.survey_customer.size();
  col.survey_base = comm.exscan_sum(kept);
  col.surveys = comm.allreduce_sum(kept);
  side.attrs = {};
  side.surveys = {};
  std::uint64_t c[] = {side.attr_rows, side.attr_bad, side.attr_unknown, duplicate, joined, signup_later,
                       side.survey_rows, side.survey_bad, side.survey_unknown, kept};
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(c));
  const auto all_examples = allgather_string_lists(comm, examples);  // rank order = key order
  if (!comm.is_root()) return;
  std::string first;
  for (std::size_t i = 0; i < all_examples.size() && i < 5; ++i) first += (i ? ", " : "") + all_examples[i];
  auto line = [](const char* name, std::uint64_t v, const std::string& what) {
    spdlog::info("ingest: count {:<18} {:>10}  {}", name, v, what);
  };
  if (!cfg.customers_file.empty()) {
    line("attr_rows", c[0], "rows of " + cfg.customers_file);
    line("attr_bad", c[1], cfg.rejects.empty() ? "malformed rows" : "malformed rows, written to the rejects file");
    line("attr_unknown", c[2], "ignored: customer ids without a kept order");
    line("attr_duplicate", c[3], "ignored: later rows of a customer already given");
    line("attr_joined", c[4], "customers given attributes");
    line("attr_signup_later", c[5], "signup date after the first order: the first order day kept");
  }
  if (!cfg.surveys_file.empty()) {
    line("survey_rows", c[6], "rows of " + cfg.surveys_file);
    line("survey_bad", c[7], cfg.rejects.empty() ? "malformed rows" : "malformed rows, written to the rejects file");
    line("survey_unknown", c[8], "dropped: customer ids without a kept order");
    line("survey_kept", c[9], "surveys in the output");
  }
  if (c[2] + c[8] > 0)
    spdlog::warn("ingest: {} attribute and {} survey row(s) name customers without a kept order (first: {})", c[2],
                 c[8], first);
}

}  // namespace crmpi::ingest_job
