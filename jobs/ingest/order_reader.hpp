// Distributed reading and parsing: each rank reads its share of every input file (a byte range of
// plain files; of gzip streams, which only inflate from their start, the files are spread over
// the ranks and a file's readers take every k-th record, see serial_file_readers.hpp) into a ParsedShare of kept sale lines, local
// dictionaries and counts. Bad lines are collected, not thrown: the driver reports them after
// parsing, the same way on every rank.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/column_mapping.hpp"
#include "jobs/ingest/local_dict.hpp"
#include "jobs/ingest/order_lines.hpp"
#include "jobs/ingest/ingest_command.hpp"
#include "kernels/common/seen_ids.hpp"
#include "kernels/ingest/date_cache.hpp"
#include "kernels/ingest/line_rules.hpp"
#include "kernels/ingest/short_text.hpp"

namespace crmpi::textio {
struct TextRecord;
}

namespace crmpi::ingest_job {

// What one rank parsed from its shares of all files.
struct ParsedShare {
  LineStore store;
  Counts counts;
  std::vector<BadLine> bad;
  LocalDict products, regions, channels;
  std::vector<std::string> product_names;  // by local product code; "" = none seen
  SeenIds input_customers, input_invoices;  // released by count_input_ids
  std::uint64_t distinct_customers = 0, distinct_invoices = 0;  // over all ranks (count_input_ids)
  bool customers_numeric = true, orders_numeric = true;  // this rank's view until merged
  bool have_orders = false, have_products = false, have_regions = false, have_names = false;
  bool have_channels = false;
  std::uint64_t input_bytes = 0;  // sum of the file sizes (same on every rank)
  std::uint64_t text_bytes = 0;   // text parsed by all ranks together (same on every rank)
};

// An id of the previous line and what is derived from it. Exports list an invoice's lines (and
// often a customer's) together, so most lines repeat it and skip the hash and the number parse.
struct RepeatedId {
  bool valid = false;
  std::uint64_t hash = 0;
  std::optional<std::uint64_t> number;  // as_unsigned(text)

  void update(std::string_view t) {
    if (valid && ingest::equal_short(t, text())) return;
    valid = true;
    // Real ids fit the inline bytes: no std::string assignment (an out-of-line call) per change.
    if (t.size() <= sizeof short_) ingest::copy_short(short_, t.data(), t.size());
    else long_.assign(t);
    size_ = t.size();
    hash = ingest::raw_line_hash(t);
    number = as_unsigned(t);
  }
  std::string_view text() const { return size_ <= sizeof short_ ? std::string_view(short_, size_) : long_; }

 private:
  char short_[32] = {};
  std::size_t size_ = 0;
  std::string long_;  // ids over 32 bytes
};

class OrderReader {
 public:
  OrderReader(const Comm& comm, const IngestConfig& cfg, ParsedShare& out);

  // Reads this rank's share of input file `file_index` (called for every input, in order).
  // Local only: no collective inside, so a failure here (thrown) can be agreed on by all ranks
  // before finish_files(), and ranks reading different gzip files work at the same time.
  void read_share(std::uint32_t file_index, const std::string& path);
  // Collective, after read_share of every file on every rank: global line numbers of the bad
  // lines, basket numbers, text bytes.
  void finish_files();

 private:
  void parse_order_record(const textio::TextRecord& rec, std::uint32_t file_index);
  void parse_basket_record(const textio::TextRecord& rec, std::uint32_t file_index);
  // The mapped fields of a line, trimmed, in the canonical order of its duplicate hash.
  enum Part : std::size_t {
    kCustomerPart, kOrderPart, kDatePart, kQuantityPart, kPricePart, kAmountPart, kProductPart, kNamePart,
    kRegionPart, kChannelPart, kParts
  };
  using FieldValues = std::array<std::string_view, kParts>;
  std::uint64_t canonical_hash(const FieldValues& v, std::size_t raw_size);
  void bad(std::uint32_t file, const textio::TextRecord& rec, std::string reason);
  void reserve_for_shares();  // once, before the first file

  const Comm& comm_;
  const IngestConfig& cfg_;
  Format format_;
  ingest::LineClassifier classifier_;
  ParsedShare& out_;
  Mapping mapping_;
  std::array<int, kParts> part_columns_{};  // column of each Part, -1 = not mapped
  std::size_t n_parts_ = kParts - 1;        // parts in the duplicate hash
  struct MappedPart {
    std::size_t part, column;
  };
  std::array<MappedPart, kParts> mapped_{};  // the mapped parts of part_columns_, read once per line
  std::size_t n_mapped_ = 0;
  ingest::SlashOrder slash_order_;
  ingest::DateCache dates_;
  bool fast_ = true;  // date cache and single-pass splitter; CRMPI_INGEST_GENERAL_PATH=1 turns them off
  // Hash of product_names[code]; a name equal to the stored one changes nothing.
  static constexpr std::uint64_t kNoNameHash = 0;
  std::vector<std::uint64_t> name_hashes_;
  RepeatedId last_customer_, last_invoice_;
  std::string canonical_;  // the mapped fields of a line, for its duplicate hash
  std::string last_region_ = std::string(1, '\0');
  std::uint32_t last_region_code_ = 0;
  std::string last_channel_ = std::string(1, '\0');
  std::uint32_t last_channel_code_ = 0;
  // What this rank read of each file, for finish_files().
  struct FileShare {
    bool gzip = false;
    int part = 0, nparts = 1;  // of a gzip file: this rank's round-robin share among its readers
    std::size_t bad_begin = 0, bad_end = 0;      // its entries of out_.bad
    std::size_t lines_begin = 0, lines_end = 0;  // its entries of out_.store.lines
    std::uint64_t bytes_consumed = 0, physical_lines = 0, records = 0;
  };
  std::vector<FileShare> files_;
  std::size_t bad_file_begin_ = 0;  // first entry of out_.bad from the current file
  std::uint64_t local_basket_ = 0;  // baskets of this rank in the current file
  // The ranks reading each gzip input (ingest::serial_file_readers), by gzip ordinal; computed
  // at the first file, the same on every rank.
  bool gzip_layout_done_ = false;
  std::vector<std::vector<int>> gzip_readers_;
  std::vector<std::size_t> gzip_ordinal_;  // by input index
};

}  // namespace crmpi::ingest_job
