// Minimal RFC 4180 CSV writer for the aggregate tables BI tools read (one rank writes).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crmpi {

// A text cell formatted once, as CsvWriter::text writes it (quoted and guarded where needed), for
// a value that many rows repeat (a rule's antecedent on each of its rules' rows).
class CsvCell {
 public:
  CsvCell() = default;
  explicit CsvCell(std::string_view text);
  std::string_view bytes() const { return bytes_; }
  std::size_t size() const { return size_; }
  bool plain() const { return plain_; }  // written as it is: nothing to quote, escape or guard
  // A cell of at most kHead bytes also has them here, zero-padded to kHead: the writer copies
  // the whole block at once (a fixed-size move, not a call to memcpy for 2 bytes).
  static constexpr std::size_t kHead = 16;
  const char* head() const { return head_.data(); }

 private:
  // What a short cell's write reads comes first, in one cache line with its neighbours' (an
  // itemset's cell reads several cells picked from thousands).
  std::array<char, kHead> head_{};
  std::size_t size_ = 0;
  bool plain_ = true;
  std::string bytes_;
};

// The cells of `parts` joined with `sep` between them (an itemset's items with " | "), prepared
// once for the millions of rows that join them: each part's cell with the separator before it in
// one zero-padded block, so that a joined cell is one fixed-size copy per part, with no check of
// the part on the way (mushroom 10%'s itemsets.csv joins 4.6M cells). Where some part is not
// plain, or the separator and a part take more than kSlot bytes (long product names),
// CsvWriter::text_joined takes the parts one by one as before.
class CsvJoin {
 public:
  CsvJoin(const std::vector<CsvCell>& parts, std::string_view sep);
  CsvJoin(std::vector<CsvCell>&&, std::string_view) = delete;  // keeps a reference to the parts
  static constexpr std::size_t kSlot = 32, kMaxSep = 16;
  bool fast() const { return fast_; }
  const std::vector<CsvCell>& parts() const { return parts_; }
  std::string_view sep() const { return sep_; }

 private:
  friend class CsvWriter;
  // sep, then the cell, then zeros: kSlot bytes are copied from bytes (a later part) or from
  // bytes + sep (the first), and `size` of them kept (sep included).
  struct alignas(64) Slot {
    std::array<char, kSlot + kMaxSep> bytes{};
    std::size_t size = 0;
  };
  const std::vector<CsvCell>& parts_;
  std::string sep_;
  std::vector<Slot> slots_;  // empty unless fast_
  bool fast_ = false;
};

class CsvWriter {
 public:
  CsvWriter(const std::string& path, const std::vector<std::string>& header);
  void row(const std::vector<std::string>& fields);
  // The same from views (temporaries of the caller's expression live until the row is written):
  // `w.row({name, std::to_string(n), csv_number(x)})` makes no vector.
  void row(std::initializer_list<std::string_view> fields);
  // The same cell by cell, with typed cells formatted straight into the row (no temporary string
  // per number; a number needs no quoting or guard): text(s) is written as row() writes s,
  // number(v, decimals) as row() writes csv_number(v, decimals), integer(n) as std::to_string(n).
  // end_row() ends the row. For tables of millions of rows (the rules' CSVs).
  CsvWriter& text(std::string_view s);
  CsvWriter& text(const CsvCell& c);  // the same bytes as text(s) for the s it was made of
  // The cell text(join) writes, join being the texts of parts[i] for i in idx with `sep` between
  // them, written part by part, when every part is plain (and sep is plain text that cannot
  // start a cell: " | ", say); otherwise writes nothing and returns false.
  template <class Index>
  bool text_joined(std::span<const Index> idx, const std::vector<CsvCell>& parts, std::string_view sep) {
    for (const Index i : idx)
      if (!parts[i].plain()) return false;
    separate();
    if (sep.size() > CsvCell::kHead) {
      for (std::size_t k = 0; k < idx.size(); ++k) {
        if (k) put(sep);
        put_cell(parts[idx[k]]);
      }
      return true;
    }
    // The separator padded once, then copied as a fixed-size block like a short cell.
    std::array<char, CsvCell::kHead> s{};
    std::memcpy(s.data(), sep.data(), sep.size());
    for (std::size_t k = 0; k < idx.size(); ++k) {
      if (k) {
        std::memcpy(room(CsvCell::kHead), s.data(), CsvCell::kHead);
        used_ += sep.size();
      }
      put_cell(parts[idx[k]]);
    }
    return true;
  }
  // The same cell from a prepared join (`join`'s parts and separator).
  template <class Index>
  bool text_joined(std::span<const Index> idx, const CsvJoin& join) {
    if (!join.fast()) return text_joined(idx, join.parts(), join.sep());
    separate();
    if (idx.empty()) return true;
    const CsvJoin::Slot* const slots = join.slots_.data();
    const std::size_t sep = join.sep_.size();
    const CsvJoin::Slot& first = slots[idx[0]];
    std::memcpy(room(CsvJoin::kSlot), first.bytes.data() + sep, CsvJoin::kSlot);
    used_ += first.size - sep;
    // The rest in runs of kRun parts, one room() each; the write position in a local (a store
    // through char* may alias used_, which would otherwise be reloaded and stored per part).
    constexpr std::size_t kRun = kRoom / CsvJoin::kSlot;
    for (std::size_t k = 1; k < idx.size();) {
      const std::size_t end = k + std::min(kRun, idx.size() - k);
      char* const start = room((end - k) * CsvJoin::kSlot);
      char* p = start;
      for (; k < end; ++k) {
        const CsvJoin::Slot& s = slots[idx[k]];
        std::memcpy(p, s.bytes.data(), CsvJoin::kSlot);
        p += s.size;
      }
      used_ += static_cast<std::size_t>(p - start);
    }
    return true;
  }
  CsvWriter& number(double v, int decimals = 6);
  CsvWriter& integer(std::uint64_t n);
  void end_row();
  void close();  // flushes; IoError if the disk refused the bytes

 private:
  void cell(std::string_view text);
  void separate() {  // a comma before every cell of a row but the first
    if (in_row_) {
      *room(1) = ',';
      ++used_;
    }
    in_row_ = true;
  }
  void flush_if_full();
  // Room for n more bytes at buf_ + used_ (the buffer written out first where it lacks them);
  // n is at most kRoom.
  // Inline: called for every cell of millions of rows; the rare flush is out of line.
  char* room(std::size_t n) {
    if (used_ + n > kBlock + kRoom) [[unlikely]]
      write_out();
    return buf_.get() + used_;
  }
  void put(std::string_view s);
  void put_cell(const CsvCell& c) {
    const std::size_t n = c.size();
    if (n > CsvCell::kHead) return put(c.bytes());
    std::memcpy(room(CsvCell::kHead), c.head(), CsvCell::kHead);  // the padding is overwritten next
    used_ += n;
  }
  void write_out();
  std::string path_;
  std::ofstream out_;
  // Rows are built here and written in blocks of about kBlock bytes: a stream insertion per cell
  // costs more than the cell (itemsets.csv has millions of rows). A plain array, not a string:
  // numbers are formatted in place, with no length bookkeeping or copy per cell.
  // kRoom: the most a cell's write asks room() for at once (a run of joined parts).
  static constexpr std::size_t kBlock = std::size_t{1} << 20, kRoom = 1024;
  std::unique_ptr<char[]> buf_;
  std::size_t used_ = 0;
  bool in_row_ = false;  // a typed cell has started the current row
};

std::string csv_number(double v, int decimals = 6);  // fixed notation, no locale

// v in fixed notation with `decimals` digits into out (at least 32 bytes), the exact binary value
// rounded half to even, as printf("%.*f") and std::to_chars give it; returns the end, or nullptr
// outside this fast path (v not finite, decimals outside 0..9, or |v| x 10^decimals >= 2^63),
// where the caller takes std::to_chars.
char* fixed_digits(double v, int decimals, char* out);

// One cell as written: quoted where RFC 4180 needs it (comma, quote, line break), and guarded
// against formula injection: text starting with = + - @ (tab, CR) gets a leading apostrophe so a
// spreadsheet shows it instead of running it; signed numbers are left alone; and UTF-8 (below).
std::string csv_cell(const std::string& text);
// `text` with each byte that does not start a valid UTF-8 sequence (RFC 3629) replaced by U+FFFD:
// names from a Latin-1 export, say, still give a UTF-8 file.
std::string valid_utf8(std::string_view text);

}  // namespace crmpi
