#include "io/text/text_file_reader.hpp"

#include <cstring>
#include <limits>
#include <utility>

#include "kernels/common/errors.hpp"
#include "kernels/ingest/record_boundary.hpp"

namespace crmpi::textio {
namespace {

constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

void check_non_empty(const std::string& path) {
  if (file_size(path) == 0) throw DataError("input file '" + path + "' is empty");
}

}  // namespace

TextFileReader::TextFileReader(std::string path, ReadShare share, TextReadOptions options)
    : path_(std::move(path)), options_(options), share_(share), splitter_(options.dialect, options.expected_columns) {
  splitter_.set_simple_fast_path(options.simple_fast_path);
  if (share.nparts < 1 || share.part < 0 || share.part >= share.nparts) {
    throw ConfigError("text reader: share " + std::to_string(share.part) + " of " + std::to_string(share.nparts));
  }
  check_non_empty(path_);
  if (has_gzip_magic(path_)) {
    source_ = open_gzip(path_);
    end_ = kUnbounded;
    header_pending_ = options_.has_header;
    return;
  }
  if (path_.ends_with(".gz")) throw DataError("input file '" + path_ + "' is named .gz but is not gzip data");
  const ingest::ByteRange r = ingest::share_of(file_size(path_), share.part, share.nparts);
  open_range(r.begin, r.end);
}

TextFileReader::TextFileReader(std::string path, std::uint64_t begin, std::uint64_t end, TextReadOptions options)
    : path_(std::move(path)), options_(options), splitter_(options.dialect, options.expected_columns) {
  splitter_.set_simple_fast_path(options.simple_fast_path);
  check_non_empty(path_);
  if (has_gzip_magic(path_)) throw ConfigError("'" + path_ + "' is gzip: it cannot be read by byte range");
  if (begin > end) throw ConfigError("text reader: byte range begin > end");
  open_range(begin, end);
}

void TextFileReader::open_range(std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t size = file_size(path_);
  begin_ = begin;
  end_ = end;
  lines_global_ = begin == 0;
  header_pending_ = options_.has_header && begin == 0;
  if (options_.dialect.allow_quoted_newlines && (begin != 0 || end < size)) {
    throw ConfigError("'" + path_ + "': newlines inside quoted fields need a sequential read (one share or gzip)");
  }
  // A range not at 0 reads from begin - 1 so that a record starting exactly at begin is seen.
  buf_offset_ = begin == 0 ? 0 : begin - 1;
  source_ = open_plain(path_, buf_offset_);
}

bool TextFileReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    buf_offset_ += pos_;
    pos_ = 0;
  }
  // The buffer only grows (for a record longer than a chunk): no zero-filling per chunk.
  if (buf_.size() < len_ + options_.chunk_bytes) buf_.resize(len_ + options_.chunk_bytes);
  std::size_t got = 0;
  try {
    got = source_->read(buf_.data() + len_, options_.chunk_bytes);
  } catch (const DataError& e) {
    // Add where parsing stood: records before this line were read from intact data.
    throw DataError(std::string(e.what()) + " (input line " + std::to_string(line_) + ")");
  }
  len_ += got;
  if (got == 0) eof_ = true;
  return got != 0;
}

bool TextFileReader::skip_to_first_record() {
  if (is_gzip() || begin_ == 0) {
    while (len_ < 3 && fill()) {
    }
    if (len_ == 0) throw DataError("input file '" + path_ + "' holds no data after decompression");
    bom_length_ = ingest::utf8_bom_length(text());
    pos_ = bom_length_;
    return true;
  }
  for (;;) {
    const std::size_t start = ingest::find_record_start(text(), 1);
    if (start != ingest::kNoRecordStart) {
      pos_ = start;
      return true;
    }
    if (!fill()) {
      pos_ = len_;
      return false;
    }
  }
}

bool TextFileReader::at_share_end() const {
  if (is_gzip()) return false;
  // The first record starts at byte 0 even behind a BOM, so a range ending inside the BOM does
  // not hand the header to the next range (which would skip it as a partial line).
  const std::uint64_t record_start = buf_offset_ + pos_ == bom_length_ ? 0 : buf_offset_ + pos_;
  return record_start >= end_;
}

bool TextFileReader::next(TextRecord& out) {
  if (!started_) {
    started_ = true;
    if (!skip_to_first_record()) return false;
  }
  for (;;) {
    if (at_share_end()) return false;
    if (pos_ >= len_) {
      if (!fill()) return false;
      continue;
    }
    const ingest::SplitStatus status = splitter_.split(text(), pos_, eof_);
    if (status == ingest::SplitStatus::kNeedMore) {
      fill();  // at end of input eof_ becomes true and the next split completes the record
      continue;
    }
    const std::uint64_t offset = buf_offset_ + pos_;
    const std::uint64_t line = line_;
    line_ += splitter_.physical_lines();
    pos_ = splitter_.next_pos();

    if (header_pending_) {
      header_pending_ = false;
      if (status != ingest::SplitStatus::kOk) {
        throw DataError("header of '" + path_ + "' is malformed (" + ingest::describe(status) + ", " +
                        std::to_string(splitter_.fields().size()) + " columns, expected " +
                        std::to_string(options_.expected_columns) + ")");
      }
      header_.assign(splitter_.fields().begin(), splitter_.fields().end());
      continue;
    }
    if (splitter_.raw().empty() || (status == ingest::SplitStatus::kOk && splitter_.fields().empty()) ||
        (options_.dialect.whitespace_runs && splitter_.fields().empty())) {
      ++blank_lines_;
      continue;
    }
    if (is_gzip() && data_index_++ % static_cast<std::uint64_t>(share_.nparts) !=
                         static_cast<std::uint64_t>(share_.part)) {
      continue;
    }
    out.fields = splitter_.fields();
    out.raw = splitter_.raw();
    out.status = status;
    out.offset = offset;
    out.line = line;
    ++records_;
    return true;
  }
}

}  // namespace crmpi::textio
