#include "jobs/export/customer_export.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <unordered_map>

#include "io/csv_writer.hpp"
#include "io/results_reader.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace layout = results_schema;

namespace {

// Rows read and formatted at a time: bounds the memory of a rank, whatever its share.
constexpr std::uint64_t kChunkRows = 1 << 16;

// Minor units as a decimal number with two digits, exactly (no binary rounding on the way).
std::string money(std::int64_t cents) {
  const std::uint64_t a =
      cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", a / 100, a % 100);
}
std::string number(double v, int decimals = 6) {
  return std::isnan(v) ? std::string() : csv_number(v, decimals);
}
std::string date(std::int32_t day) {
  return day < 0 ? std::string() : format_iso_date(day);
}
std::string named(const std::vector<std::string>& names, std::uint64_t code, const char* what) {
  if (code >= names.size()) throw DataError(fmt::format("{} code {} outside its names", what, code));
  return names[code];
}

// What the results file holds, and so which columns the export has: read once, the same on
// every rank (replicated tables and attributes only).
struct Source {
  bool kmeans = false, clv = false, clv_value = false, rules = false;
  std::string model;  // the primary CLV model
  std::vector<std::string> rfm_names, kmeans_names, lifecycle_names;
  std::unordered_map<std::uint32_t, std::string> item_name;  // frequent items with a name

  explicit Source(const ResultsReader& in) {
    rfm_names = in.read_strings(layout::rfm::kSegmentNames);
    kmeans = in.has_stage(layout::Part::kKmeans);
    if (kmeans) kmeans_names = in.read_strings(layout::kmeans::kSegmentNames);
    clv = in.has_stage(layout::Part::kClv) && in.has(layout::clv::kPrimaryModel);
    if (clv) {
      model = in.read_attr_string(layout::clv::kPrimaryModel);
      clv_value = in.has(layout::at(layout::clv::kClv, model));
      lifecycle_names = in.read_strings(layout::clv::kLifecycleStageNames);
    }
    rules = in.has_stage(layout::Part::kRules) && in.has(layout::rules::kRecommendCount);
    if (rules) {
      const auto ids = in.read_table<std::uint32_t>(layout::rules::kItemId);
      const auto names = in.read_strings(layout::rules::kItemName);
      for (std::size_t i = 0; i < ids.size() && i < names.size(); ++i)
        if (!names[i].empty()) item_name.emplace(ids[i], names[i]);
    }
  }

  std::vector<std::string> header(bool pseudonymized) const {
    std::vector<std::string> h = {pseudonymized ? "customer_pseudonym" : "customer_id",
                                  "recency_days",
                                  "frequency",
                                  "monetary",
                                  "avg_order_value",
                                  "tenure_days",
                                  "first_order_date",
                                  "last_order_date",
                                  "r_score",
                                  "f_score",
                                  "m_score",
                                  "rfm_segment"};
    if (kmeans) h.insert(h.end(), {"kmeans_segment", "kmeans_distance"});
    if (clv) {
      h.insert(h.end(), {"p_alive", "churn_risk", "expected_purchases"});
      if (clv_value) h.push_back("clv");
      h.push_back("lifecycle_stage");
    }
    if (rules) h.insert(h.end(), {"recommended_item_ids", "recommended_items"});
    return h;
  }
};

// Rows [begin, end) of every exported column.
struct Chunk {
  std::vector<std::uint64_t> id;
  std::vector<std::int32_t> recency, tenure, first, last;
  std::vector<std::uint32_t> frequency;
  std::vector<std::int64_t> monetary;
  std::vector<double> avg_order;
  std::vector<std::uint8_t> r, f, m, segment;
  std::vector<std::uint32_t> km_segment;
  std::vector<double> km_distance;
  std::vector<double> p_alive, churn, expected, clv;
  std::vector<std::uint8_t> lifecycle;
  std::vector<std::uint32_t> rec_count, rec_item;
};

void check_same_customers(const std::vector<std::uint64_t>& rfm, const std::vector<std::uint64_t>& other,
                          const char* column, std::uint64_t begin) {
  for (std::size_t i = 0; i < rfm.size(); ++i)
    if (rfm[i] != other[i])
      throw DataError(
          fmt::format("{}: row {} is customer {}, /rfm/customer_id's row is {}: the stages' rows do not "
                      "line up",
                      column, begin + i, other[i], rfm[i]));
}

Chunk read_chunk(const ResultsReader& in, const Source& src, RowRange rows, std::uint64_t rec_offset,
                 std::uint64_t rec_rows) {
  Chunk c;
  c.id = in.read_column<std::uint64_t>(layout::rfm::kCustomerId, rows);
  c.recency = in.read_column<std::int32_t>(layout::rfm::kRecencyDays, rows);
  c.frequency = in.read_column<std::uint32_t>(layout::rfm::kFrequency, rows);
  c.monetary = in.read_column<std::int64_t>(layout::rfm::kMonetaryCents, rows);
  c.avg_order = in.read_column<double>(layout::rfm::kAvgOrderCents, rows);
  c.tenure = in.read_column<std::int32_t>(layout::rfm::kTenureDays, rows);
  c.first = in.read_column<std::int32_t>(layout::rfm::kFirstOrderDay, rows);
  c.last = in.read_column<std::int32_t>(layout::rfm::kLastOrderDay, rows);
  c.r = in.read_column<std::uint8_t>(layout::rfm::kRScore, rows);
  c.f = in.read_column<std::uint8_t>(layout::rfm::kFScore, rows);
  c.m = in.read_column<std::uint8_t>(layout::rfm::kMScore, rows);
  c.segment = in.read_column<std::uint8_t>(layout::rfm::kSegment, rows);
  if (src.kmeans) {
    c.km_segment = in.read_column<std::uint32_t>(layout::kmeans::kSegment, rows);
    c.km_distance = in.read_column<double>(layout::kmeans::kDistance, rows);
  }
  if (src.clv) {
    check_same_customers(c.id, in.read_column<std::uint64_t>(layout::clv::kCustomerId, rows),
                         "/clv/customer_id", rows.begin);
    c.p_alive = in.read_column<double>(layout::at(layout::clv::kPAlive, src.model), rows);
    c.churn = in.read_column<double>(layout::at(layout::clv::kChurnRisk, src.model), rows);
    c.expected = in.read_column<double>(layout::at(layout::clv::kExpectedPurchases, src.model), rows);
    if (src.clv_value) c.clv = in.read_column<double>(layout::at(layout::clv::kClv, src.model), rows);
    c.lifecycle = in.read_column<std::uint8_t>(layout::clv::kLifecycleStage, rows);
  }
  if (src.rules) {
    check_same_customers(c.id, in.read_column<std::uint64_t>(layout::rules::kCustomerId, rows),
                         "/rules/customer_id", rows.begin);
    c.rec_count = in.read_column<std::uint32_t>(layout::rules::kRecommendCount, rows);
    c.rec_item = in.read_list_rows<std::uint32_t>(layout::rules::kRecommendItem, rec_offset, rec_rows);
  }
  return c;
}

void append_rows(std::string& buf, const Chunk& c, const Source& src,
                 const std::optional<Pseudonymizer>& pseudo) {
  std::uint64_t rec = 0;
  std::vector<std::string> cells;
  for (std::size_t i = 0; i < c.id.size(); ++i) {
    cells.clear();
    cells.push_back(pseudo ? (*pseudo)(c.id[i]) : std::to_string(c.id[i]));
    const bool buyer = c.frequency[i] > 0;
    cells.push_back(buyer ? std::to_string(c.recency[i]) : std::string());
    cells.push_back(std::to_string(c.frequency[i]));
    cells.push_back(money(c.monetary[i]));
    cells.push_back(buyer ? csv_number(c.avg_order[i] / 100.0, 2) : std::string());
    cells.push_back(std::to_string(c.tenure[i]));
    cells.push_back(date(c.first[i]));
    cells.push_back(date(c.last[i]));
    for (const auto s : {c.r[i], c.f[i], c.m[i]}) cells.push_back(s ? std::to_string(s) : std::string());
    cells.push_back(named(src.rfm_names, c.segment[i], "/rfm/segment"));
    if (src.kmeans) {
      cells.push_back(named(src.kmeans_names, c.km_segment[i], "/kmeans/segment"));
      cells.push_back(number(c.km_distance[i]));
    }
    if (src.clv) {
      cells.push_back(number(c.p_alive[i]));
      cells.push_back(number(c.churn[i]));
      cells.push_back(number(c.expected[i]));
      if (src.clv_value) cells.push_back(number(c.clv[i], 2));
      cells.push_back(named(src.lifecycle_names, c.lifecycle[i], "/clv/lifecycle_stage"));
    }
    if (src.rules) {
      std::string ids, names;
      for (std::uint32_t k = 0; k < c.rec_count[i]; ++k, ++rec) {
        const std::uint32_t item = c.rec_item.at(rec);
        ids += (k ? " " : "") + std::to_string(item);
        const auto it = src.item_name.find(item);
        names += (k ? " | " : "") + (it != src.item_name.end() ? it->second : std::to_string(item));
      }
      cells.push_back(ids);
      cells.push_back(names);
    }
    for (std::size_t k = 0; k < cells.size(); ++k) {
      if (k) buf += ',';
      buf += csv_cell(cells[k]);
    }
    buf += '\n';
  }
}

std::string part_name(std::uint64_t p, std::uint64_t parts) {
  const int width = std::max<int>(5, static_cast<int>(std::to_string(parts ? parts - 1 : 0).size()));
  return fmt::format("part-{:0{}}.csv", p, width);
}

}  // namespace

CustomerExportSummary write_customer_parts(const Comm& comm, const std::string& results_path,
                                           const std::string& dir, const ExportConfig& cfg,
                                           const std::optional<Pseudonymizer>& pseudonymize) {
  const ResultsReader in(comm, results_path);
  if (!in.has_stage(layout::Part::kRfm))
    throw CollectiveError(
        DataError(results_path + ": no /rfm group: the per-customer export needs the results of an rfm stage"));
  const Source src(in);
  CustomerExportSummary summary;
  summary.columns = src.header(pseudonymize.has_value());
  summary.rows = in.customers(layout::Part::kRfm);
  const std::uint64_t R = cfg.rows_per_part;
  summary.parts =
      std::max<std::uint64_t>(1, (summary.rows + R - 1) / R);  // an empty table: one part, its header
  const RowRange my_parts = even_share(summary.parts, comm.rank(), comm.size());
  const RowRange mine{std::min(summary.rows, my_parts.begin * R), std::min(summary.rows, my_parts.end * R)};

  // The recommendation rows are customer by customer: this rank's first is after every earlier
  // rank's (their rows come first), an exclusive scan of the ranks' sums.
  std::uint64_t rec_offset = 0;
  if (src.rules) {
    std::uint64_t local = 0;
    for (std::uint64_t b = mine.begin; b < mine.end; b += kChunkRows) {
      const auto counts = in.read_column<std::uint32_t>(layout::rules::kRecommendCount,
                                                        RowRange{b, std::min(mine.end, b + kChunkRows)});
      for (const auto k : counts) local += k;
    }
    rec_offset = comm.exscan_sum(local);
  }

  std::string error;
  try {
    for (std::uint64_t p = my_parts.begin; p < my_parts.end; ++p) {
      const std::string path = dir + "/" + part_name(p, summary.parts);
      std::ofstream out(path, std::ios::binary);
      if (!out) throw IoError("cannot write '" + path + "'");
      std::string buf;
      for (std::size_t k = 0; k < summary.columns.size(); ++k) buf += (k ? "," : "") + summary.columns[k];
      buf += '\n';
      const std::uint64_t end = std::min(summary.rows, (p + 1) * R);
      for (std::uint64_t b = p * R; b < end; b += kChunkRows) {
        const RowRange rows{b, std::min(end, b + kChunkRows)};
        std::uint64_t rec_rows = 0;
        if (src.rules)
          for (const auto k : in.read_column<std::uint32_t>(layout::rules::kRecommendCount, rows))
            rec_rows += k;
        const Chunk c = read_chunk(in, src, rows, rec_offset, rec_rows);
        rec_offset += rec_rows;
        append_rows(buf, c, src, pseudonymize);
        out << buf;
        buf.clear();
      }
      out << buf;
      out.close();
      if (!out) throw IoError("cannot write '" + path + "' (disk full?)");
    }
  } catch (const Error& e) {
    error = fmt::format("{}|{}", e.exit_code(), e.what());
  }
  // Every rank learns of the first rank's failure, so all throw together.
  std::vector<std::string> errors = comm.allgather_strings(error);
  for (const auto& e : errors)
    if (!e.empty()) {
      const auto bar = e.find('|');
      throw CollectiveError(Error(static_cast<ExitCode>(std::stoi(e.substr(0, bar))), e.substr(bar + 1)));
    }
  return summary;
}

std::optional<Pseudonymizer> load_pseudonymizer(const Comm& comm, const ExportConfig& cfg) {
  if (cfg.pseudonymize_key_file.empty()) return std::nullopt;
  std::string key, error, warning;
  int code = 0;
  if (comm.is_root()) {
    try {
      key = read_key_file(cfg.pseudonymize_key_file, warning);
    } catch (const Error& e) {
      error = e.what();
      code = e.exit_code();
    }
    if (!warning.empty()) spdlog::warn("export: {}", warning);
  }
  comm.bcast(code);
  comm.bcast(error);
  if (code) throw CollectiveError(Error(static_cast<ExitCode>(code), error));
  comm.bcast(key);
  return Pseudonymizer(std::move(key));
}

}  // namespace crmpi
