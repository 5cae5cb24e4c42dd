// Sequential byte sources under the text reader: a plain file read from any offset with pread,
// or a gzip stream inflated from its start with ISA-L (igzip). Errors name the file and the offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace crmpi::textio {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into out; 0 means end of data. Throws crmpi::IoError / DataError.
  virtual std::size_t read(char* out, std::size_t n) = 0;
  virtual bool is_gzip() const = 0;
};

// Size in bytes of a plain file; throws NoInputError if it is missing or unreadable.
std::uint64_t file_size(const std::string& path);

// True when the file starts with the gzip magic bytes 1f 8b.
bool has_gzip_magic(const std::string& path);

// A lower bound of a gzip file's decompressed size, to size buffers: the ISIZE field of its last
// member (decompressed size mod 2^32). Not more than the true size; less for a multi-member
// file or one over 4 GiB of text. 0 when the file is too short to hold it or the value is over
// 64x the file's size (not a real trailer: bytes after the last member).
std::uint64_t gzip_size_hint(const std::string& path);

// Plain file from byte `offset` on.
std::unique_ptr<ByteSource> open_plain(const std::string& path, std::uint64_t offset);

// Decompressed bytes of a gzip file from its start (multi-member files are read as one stream;
// bytes after a member that do not start another are ignored, as zlib's gzread does).
// A truncated or corrupt stream throws crmpi::DataError naming the decompressed offset reached.
std::unique_ptr<ByteSource> open_gzip(const std::string& path);

}  // namespace crmpi::textio
