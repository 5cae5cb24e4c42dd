#include "kernels/ingest/field_splitter.hpp"

#include <algorithm>
#include <cstring>

#include "kernels/ingest/simple_fields.hpp"

namespace crmpi::ingest {
namespace {

const char* find_char(const char* begin, const char* end, char c) {
  return static_cast<const char*>(std::memchr(begin, c, static_cast<std::size_t>(end - begin)));
}

std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

// End of the record's text on the line that ends at `line_end`: drops the '\r' of a CRLF.
const char* strip_cr(const char* begin, const char* line_end) {
  return (line_end > begin && line_end[-1] == '\r') ? line_end - 1 : line_end;
}

}  // namespace

const char* describe(SplitStatus status) {
  switch (status) {
    case SplitStatus::kOk: return "ok";
    case SplitStatus::kNeedMore: return "record continues past the end of the buffer";
    case SplitStatus::kWrongColumnCount: return "wrong number of columns";
    case SplitStatus::kUnterminatedQuote: return "unterminated quoted field";
    case SplitStatus::kTextAfterQuote: return "text between a closing quote and the next delimiter";
  }
  return "unknown split status";
}

std::size_t utf8_bom_length(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
}

FieldSplitter::FieldSplitter(Dialect dialect, std::size_t expected_columns)
    : dialect_(dialect), expected_columns_(expected_columns) {
  fields_.reserve(expected_columns > 0 ? expected_columns : 16);
  // Lines with more fields take the general path, which reports the same fields.
  simple_.resize(std::max<std::size_t>(expected_columns, 64));
}

SplitStatus FieldSplitter::split(std::string_view buffer, std::size_t pos, bool at_eof) {
  fields_.clear();
  simple_count_ = 0;
  lines_ = 1;
  const char* data = buffer.data();
  const char* begin = data + pos;
  const char* end = data + buffer.size();
  const char* line_end = find_char(begin, end, '\n');
  if (line_end == nullptr) {
    if (!at_eof) return SplitStatus::kNeedMore;
    line_end = end;
  }
  const char* content_end = strip_cr(begin, line_end);

  if (dialect_.whitespace_runs) {
    split_whitespace(begin, content_end);
  } else {
    // Fast path, the common case: one pass finds the fields of a line with no quotes or only
    // simple quoted fields.
    const std::size_t n = simple_fast_path_ && dialect_.quoting
                              ? split_simple_fields(begin, content_end, end, dialect_.delimiter, dialect_.quote, simple_)
                              : kNotSimple;
    if (n != kNotSimple) {
      simple_count_ = n;  // >= 1: even an empty line is one (empty) field
    } else if (dialect_.quoting && find_char(begin, content_end, dialect_.quote) != nullptr) {
      return split_quoted(buffer, pos, static_cast<std::size_t>(line_end - data), at_eof);
    } else {
      split_plain(begin, content_end);
    }
  }
  raw_ = view(begin, content_end);
  next_pos_ = static_cast<std::size_t>((line_end == end ? end : line_end + 1) - data);
  return finish(SplitStatus::kOk);
}

void FieldSplitter::split_plain(const char* begin, const char* end) {
  const char* p = begin;
  for (;;) {
    const char* d = find_char(p, end, dialect_.delimiter);
    if (d == nullptr) {
      fields_.push_back(view(p, end));
      return;
    }
    fields_.push_back(view(p, d));
    p = d + 1;
  }
}

void FieldSplitter::split_whitespace(const char* begin, const char* end) {
  const char* p = begin;
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) return;
    const char* start = p;
    while (p < end && *p != ' ' && *p != '\t') ++p;
    fields_.push_back(view(start, p));
  }
}

SplitStatus FieldSplitter::split_quoted(std::string_view buffer, std::size_t pos, std::size_t first_line_end,
                                        bool at_eof) {
  const char* data = buffer.data();
  const char* begin = data + pos;
  const char* end = data + buffer.size();
  const char* first_le = data + first_line_end;
  const char* le = first_le;  // end of the physical line the parser is on
  const char q = dialect_.quote;
  const char delim = dialect_.delimiter;
  // Unescaped text never exceeds the raw text, so this reserve keeps views into scratch_ stable.
  scratch_.clear();
  if (scratch_.capacity() < buffer.size() - pos) scratch_.reserve(buffer.size() - pos);

  // Bad records are reported as their first physical line, so one stray quote cannot swallow the
  // rest of the file and the next line is parsed normally.
  auto reject_first_line = [&](SplitStatus status) {
    fields_.clear();
    lines_ = 1;
    raw_ = view(begin, strip_cr(begin, first_le));
    next_pos_ = static_cast<std::size_t>((first_le == end ? end : first_le + 1) - data);
    return status;
  };

  const char* p = begin;
  for (;;) {
    const char* ce = strip_cr(begin, le);
    if (p < ce && *p == q) {
      const char* field_start = p + 1;
      const char* s = field_start;
      const char* limit = dialect_.allow_quoted_newlines ? end : le;
      bool escaped = false;
      std::size_t scratch_start = 0;
      for (;;) {
        const char* qp = find_char(s, limit, q);
        if (qp == nullptr) {
          if (dialect_.allow_quoted_newlines && !at_eof) return SplitStatus::kNeedMore;
          return reject_first_line(SplitStatus::kUnterminatedQuote);
        }
        if (qp + 1 == end && !at_eof) return SplitStatus::kNeedMore;  // "" or closing? can't tell yet
        if (qp + 1 < end && qp[1] == q) {
          if (!escaped) {
            escaped = true;
            scratch_start = scratch_.size();
          }
          scratch_.append(s, static_cast<std::size_t>(qp + 1 - s));
          s = qp + 2;
          continue;
        }
        if (escaped) {
          scratch_.append(s, static_cast<std::size_t>(qp - s));
          fields_.emplace_back(scratch_.data() + scratch_start, scratch_.size() - scratch_start);
        } else {
          fields_.push_back(view(field_start, qp));
        }
        if (qp > le) {  // the field spanned newlines: move to the line the closing quote is on
          lines_ += static_cast<std::size_t>(std::count(field_start, qp, '\n'));
          le = find_char(qp, end, '\n');
          if (le == nullptr) {
            if (!at_eof) return SplitStatus::kNeedMore;
            le = end;
          }
        }
        p = qp + 1;
        break;
      }
      ce = strip_cr(begin, le);
      if (p == ce) break;
      if (*p != delim) return reject_first_line(SplitStatus::kTextAfterQuote);
      ++p;
      continue;
    }
    const char* d = find_char(p, ce, delim);
    if (d == nullptr) {
      fields_.push_back(view(p, ce));
      break;
    }
    fields_.push_back(view(p, d));
    p = d + 1;
  }
  raw_ = view(begin, strip_cr(begin, le));
  next_pos_ = static_cast<std::size_t>((le == end ? end : le + 1) - data);
  return finish(SplitStatus::kOk);
}

SplitStatus FieldSplitter::finish(SplitStatus status) {
  if (status == SplitStatus::kOk && expected_columns_ != 0 && fields().size() != expected_columns_) {
    return SplitStatus::kWrongColumnCount;
  }
  return status;
}

}  // namespace crmpi::ingest
