// Splits one delimited-text record into fields, zero-copy where the text allows.
//
// Dialects: a single-character delimiter (',', '\t', ';', ...) with optional RFC 4180 quoting, or
// runs of spaces/tabs (CDNOW, FIMI .dat files), where leading and trailing blanks are ignored and
// there is no quoting. Records end at '\n'; a '\r' right before it (CRLF) is dropped. The last
// record of a file may lack its '\n'.
//
// Quoting (RFC 4180): a field that starts with the quote char runs to the matching closing quote;
// "" inside it stands for one quote; delimiters and (if allowed) newlines inside it are data.
// A quote in the middle of an unquoted field is kept as a literal character (real exports have
// `12" RECORD` unquoted), but text between a closing quote and the next delimiter is an error.
//
// Fields are string_views into the caller's buffer, except quoted fields holding "" escapes, which
// are unescaped into a scratch buffer owned by the splitter. Views stay valid until the next
// split() call or until the caller's buffer changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crmpi::ingest {

struct Dialect {
  char delimiter = ',';
  bool whitespace_runs = false;  // true: fields separated by runs of ' '/'\t'; `delimiter` unused
  bool quoting = true;           // RFC 4180 quotes (ignored with whitespace_runs)
  char quote = '"';
  // Newlines inside quoted fields. Must be false when a file is split by byte range (see
  // record_boundary.hpp); then an opening quote not closed on its line is kUnterminatedQuote.
  bool allow_quoted_newlines = false;

  static Dialect comma() { return {}; }
  static Dialect tab() { return Dialect{.delimiter = '\t'}; }
  static Dialect semicolon() { return Dialect{.delimiter = ';'}; }
  static Dialect whitespace() { return Dialect{.whitespace_runs = true, .quoting = false}; }
};

enum class SplitStatus : std::uint8_t {
  kOk,
  kNeedMore,           // the record runs past the end of the buffer and more input may follow
  kWrongColumnCount,   // fields() holds what was found; the record is otherwise well formed
  kUnterminatedQuote,  // the record is reported as its first physical line only
  kTextAfterQuote,     // e.g. "abc"x,  — a closing quote must be followed by a delimiter
};

const char* describe(SplitStatus status);

// Length of a UTF-8 byte order mark at the start of `text` (3 or 0). Only a file's first bytes
// can hold one; the reader skips it there.
std::size_t utf8_bom_length(std::string_view text);

class FieldSplitter {
 public:
  // expected_columns == 0 accepts any number of fields.
  explicit FieldSplitter(Dialect dialect, std::size_t expected_columns = 0);

  // Splits the record starting at buffer[pos]. `at_eof` says no input follows the buffer, so a
  // record without a final newline is complete. On any status but kNeedMore, next_pos() is where
  // the following record starts.
  SplitStatus split(std::string_view buffer, std::size_t pos, bool at_eof);

  std::span<const std::string_view> fields() const {
    if (simple_count_ != 0) return {simple_.data(), simple_count_};
    return fields_;
  }
  std::string_view raw() const { return raw_; }            // record text without its terminator
  std::size_t next_pos() const { return next_pos_; }
  std::size_t physical_lines() const { return lines_; }  // 1 + newlines inside quoted fields
  std::size_t expected_columns() const { return expected_columns_; }
  const Dialect& dialect() const { return dialect_; }
  // Off: every line takes the general path (memchr per field, split_quoted), for tests that
  // compare it with the single-pass path (simple_fields.hpp). On by default.
  void set_simple_fast_path(bool on) { simple_fast_path_ = on; }

 private:
  SplitStatus split_quoted(std::string_view buffer, std::size_t pos, std::size_t line_end, bool at_eof);
  void split_plain(const char* begin, const char* end);
  void split_whitespace(const char* begin, const char* end);
  SplitStatus finish(SplitStatus status);

  Dialect dialect_;
  std::size_t expected_columns_;
  std::vector<std::string_view> fields_;  // the general paths' fields
  std::vector<std::string_view> simple_;  // fixed size: the single-pass path's fields
  std::size_t simple_count_ = 0;          // fields of the last record in simple_; 0 = in fields_
  std::string scratch_;  // unescaped text of quoted fields holding ""
  std::string_view raw_;
  std::size_t next_pos_ = 0;
  std::size_t lines_ = 0;
  bool simple_fast_path_ = true;
};

}  // namespace crmpi::ingest
