// Writes input lines that ingest could not use to a CSV "rejects" file, one row each:
//   file,line,byte_offset,reason,raw
// RFC 4180 quoted where needed, so raw text with commas, quotes or newlines survives and the file
// can be re-read with the same splitter. line is 0 when unknown (see TextFileReader numbering).
// Each rank writes its own file (the driver picks names such as rejects.rank3.csv), so no
// coordination is needed; write failures throw crmpi::IoError.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace crmpi::textio {

class RejectsWriter {
 public:
  explicit RejectsWriter(std::string path);  // truncates; writes the header row
  ~RejectsWriter();
  RejectsWriter(const RejectsWriter&) = delete;
  RejectsWriter& operator=(const RejectsWriter&) = delete;

  void write(std::string_view file, std::uint64_t line, std::uint64_t byte_offset, std::string_view reason,
             std::string_view raw);
  void close();  // flushes; throws IoError if any write failed
  std::uint64_t rows() const { return rows_; }
  const std::string& path() const { return path_; }

 private:
  void put_field(std::string_view text);
  void put(std::string_view text);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t rows_ = 0;
};

}  // namespace crmpi::textio
