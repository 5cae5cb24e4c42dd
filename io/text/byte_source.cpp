#include "io/text/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "kernels/common/errors.hpp"

namespace crmpi::textio {
namespace {

std::string errno_text() { return std::strerror(errno); }

int open_or_throw(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw NoInputError("cannot open input file '" + path + "': " + errno_text());
  return fd;
}

class PlainSource final : public ByteSource {
 public:
  PlainSource(const std::string& path, std::uint64_t offset) : path_(path), fd_(open_or_throw(path)), pos_(offset) {
    ::posix_fadvise(fd_, static_cast<off_t>(offset), 0, POSIX_FADV_SEQUENTIAL);
  }
  ~PlainSource() override { ::close(fd_); }
  PlainSource(const PlainSource&) = delete;
  PlainSource& operator=(const PlainSource&) = delete;

  std::size_t read(char* out, std::size_t n) override {
    for (;;) {
      const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(pos_));
      if (got >= 0) {
        pos_ += static_cast<std::uint64_t>(got);
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw IoError("read failed on '" + path_ + "' at byte " + std::to_string(pos_) + ": " + errno_text());
      }
    }
  }
  bool is_gzip() const override { return false; }

 private:
  std::string path_;
  int fd_;
  std::uint64_t pos_;
};

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(const std::string& path) : path_(path) {
    const int fd = open_or_throw(path);  // distinguishes "missing" (66) from zlib failures
    file_ = gzdopen(fd, "rb");
    if (file_ == nullptr) {
      ::close(fd);
      throw IoError("cannot start gzip reading of '" + path + "'");
    }
    gzbuffer(file_, 1U << 18);
  }
  ~GzipSource() override { gzclose(file_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  std::size_t read(char* out, std::size_t n) override {
    const auto want = static_cast<unsigned>(n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : n);
    const int got = gzread(file_, out, want);
    int err = Z_OK;
    const char* msg = gzerror(file_, &err);
    // gzread reports a truncated stream with Z_BUF_ERROR but keeps serving what it inflated
    // before the cut (and returns -1 after other errors), so data is delivered while there is
    // some and the error is thrown by the first read that gets none: the message then names how
    // far the data was good.
    if (got > 0) {
      pos_ += static_cast<std::uint64_t>(got);
      return static_cast<std::size_t>(got);
    }
    if (got < 0 || (err != Z_OK && err != Z_STREAM_END)) {
      throw DataError("gzip file '" + path_ + "' is " + (err == Z_BUF_ERROR ? "truncated" : "corrupt") + " after " +
                      std::to_string(pos_) + " decompressed bytes: " + (msg ? msg : "zlib error"));
    }
    return 0;
  }
  bool is_gzip() const override { return true; }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  std::uint64_t pos_ = 0;
};

}  // namespace

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw NoInputError("input file '" + path + "': " + errno_text());
  if (!S_ISREG(st.st_mode)) throw NoInputError("input '" + path + "' is not a regular file");
  return static_cast<std::uint64_t>(st.st_size);
}

bool has_gzip_magic(const std::string& path) {
  const int fd = open_or_throw(path);
  unsigned char magic[2] = {0, 0};
  const ssize_t got = ::pread(fd, magic, 2, 0);
  ::close(fd);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::unique_ptr<ByteSource> open_plain(const std::string& path, std::uint64_t offset) {
  return std::make_unique<PlainSource>(path, offset);
}

std::unique_ptr<ByteSource> open_gzip(const std::string& path) { return std::make_unique<GzipSource>(path); }

}  // namespace crmpi::textio
