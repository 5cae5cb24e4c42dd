// Reads the records of one delimited text file that belong to this reader's share, in chunks,
// for `crmpi ingest` (each MPI rank opens the same file with its own share).
//
// Plain files are split by byte range (ingest::share_of): a share reads only its bytes plus the
// tail of its last record, and owns exactly the records that start in it (record_boundary.hpp),
// so the shares of 1..N readers deliver every record exactly once. Such a split needs records
// without newlines inside quoted fields; Dialect::allow_quoted_newlines is refused (ConfigError)
// unless the share is the whole file, and violations show up as kUnterminatedQuote records.
//
// Gzip files cannot be entered at a byte offset (deflate has no sync points), so every reader
// inflates the whole stream and keeps records round-robin: data record k (0-based, after the
// header) belongs to part k % nparts. Each rank pays the full inflate (ISA-L, ~0.55 s for 780 MB
// decompressed here) but needs no index and no extra pass, and quoted newlines are allowed since
// parsing is sequential. For very large inputs, decompress once or split into several files.
//
// Record numbering: `line` is the 1-based physical line where the record starts. It is global
// for gzip and for the share starting at byte 0; for other plain shares it counts from the share
// start (line_numbers_are_global() == false): the driver adds an exclusive scan of
// physical_lines() over the preceding shares to make it global, e.g. for the rejects file.
//
// A UTF-8 BOM at the start of the file is skipped, CRLF is accepted, a last line without '\n' is
// a record, empty lines are skipped (counted in blank_lines()). The header (first record), when
// expected, is only seen by the share that starts at byte 0 for plain files (the driver
// broadcasts it) and by every reader for gzip.
//
// Errors: missing/unreadable file -> NoInputError (66); an empty file (0 bytes, or nothing after
// decompression) -> DataError (65); truncated/corrupt gzip -> DataError naming file and offset;
// read failures -> IoError (74). Malformed records are not errors here: they are delivered with
// their SplitStatus for the driver to count and write to the rejects file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/text/byte_source.hpp"
#include "kernels/ingest/field_splitter.hpp"

namespace crmpi::textio {

struct TextReadOptions {
  ingest::Dialect dialect;
  std::size_t expected_columns = 0;  // 0 = any
  bool has_header = true;
  std::size_t chunk_bytes = std::size_t{4} << 20;
  bool simple_fast_path = true;  // FieldSplitter::set_simple_fast_path (false only in tests)
};

struct ReadShare {
  int part = 0;
  int nparts = 1;
};

struct TextRecord {
  std::span<const std::string_view> fields;  // valid until the next call to next()
  std::string_view raw;                      // record text without its line terminator
  ingest::SplitStatus status = ingest::SplitStatus::kOk;
  std::uint64_t offset = 0;  // byte offset of the record start (decompressed offset for gzip)
  std::uint64_t line = 0;    // 1-based starting line, see line_numbers_are_global()
};

class TextFileReader {
 public:
  // Share `part` of `nparts` of the file (plain: byte range; gzip: round-robin records).
  TextFileReader(std::string path, ReadShare share, TextReadOptions options);
  // Explicit byte range [begin, end) of a plain file (throws ConfigError for gzip).
  TextFileReader(std::string path, std::uint64_t begin, std::uint64_t end, TextReadOptions options);

  // Next record of this share; false when the share is exhausted.
  bool next(TextRecord& out);

  const std::vector<std::string>& header() const { return header_; }  // empty if not seen
  bool is_gzip() const { return source_->is_gzip(); }
  bool line_numbers_are_global() const { return lines_global_; }
  std::uint64_t physical_lines() const { return line_ - 1; }  // lines consumed so far
  std::uint64_t records() const { return records_; }          // delivered by next()
  std::uint64_t blank_lines() const { return blank_lines_; }
  std::uint64_t bytes_consumed() const { return buf_offset_ + pos_ - begin_; }
  const std::string& path() const { return path_; }

 private:
  void open_range(std::uint64_t begin, std::uint64_t end);
  bool fill();  // reads one more chunk; false at end of input
  bool skip_to_first_record();
  bool at_share_end() const;

  std::string path_;
  TextReadOptions options_;
  ReadShare share_;
  std::unique_ptr<ByteSource> source_;
  ingest::FieldSplitter splitter_;
  std::string_view text() const { return {buf_.data(), len_}; }  // the bytes read, from buf_offset_ on

  std::string buf_;                 // its size is the capacity; text() is what holds data
  std::size_t len_ = 0;             // bytes of input in buf_
  std::size_t pos_ = 0;             // parse position in buf_
  std::uint64_t buf_offset_ = 0;    // stream offset of buf_[0]
  std::uint64_t begin_ = 0;         // plain: share byte range
  std::uint64_t end_ = 0;
  std::uint64_t bom_length_ = 0;  // only known to the range starting at byte 0
  bool eof_ = false;
  bool started_ = false;
  bool lines_global_ = true;
  bool header_pending_ = false;
  std::uint64_t line_ = 1;
  std::uint64_t data_index_ = 0;    // gzip round-robin counter
  std::uint64_t records_ = 0;
  std::uint64_t blank_lines_ = 0;
  std::vector<std::string> header_;
};

}  // namespace crmpi::textio
