#include "io/text/rejects_writer.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include "kernels/common/errors.hpp"

namespace crmpi::textio {

RejectsWriter::RejectsWriter(std::string path) : path_(std::move(path)) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) throw IoError("cannot create rejects file '" + path_ + "': " + std::strerror(errno));
  put("file,line,byte_offset,reason,raw\n");
}

RejectsWriter::~RejectsWriter() {
  if (file_ != nullptr) std::fclose(file_);  // errors surface through close(); a destructor must not throw
}

void RejectsWriter::put(std::string_view text) {
  if (file_ == nullptr) throw IoError("rejects file '" + path_ + "' is already closed");
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw IoError("write failed on rejects file '" + path_ + "': " + std::strerror(errno));
  }
}

void RejectsWriter::put_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    put(text);
    return;
  }
  put("\"");
  for (std::size_t start = 0;;) {
    const std::size_t q = text.find('"', start);
    if (q == std::string_view::npos) {
      put(text.substr(start));
      break;
    }
    put(text.substr(start, q + 1 - start));
    put("\"");  // "" escapes the quote
    start = q + 1;
  }
  put("\"");
}

void RejectsWriter::write(std::string_view file, std::uint64_t line, std::uint64_t byte_offset,
                          std::string_view reason, std::string_view raw) {
  put_field(file);
  put("," + std::to_string(line) + "," + std::to_string(byte_offset) + ",");
  put_field(reason);
  put(",");
  put_field(raw);
  put("\n");
  ++rows_;
}

void RejectsWriter::close() {
  if (file_ == nullptr) return;
  const bool failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed) throw IoError("writing rejects file '" + path_ + "' failed");
}

}  // namespace crmpi::textio
