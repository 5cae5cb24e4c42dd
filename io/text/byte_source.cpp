#include "io/text/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <vector>

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

// Gzip through ISA-L's igzip inflate (libisal): 4-6x zlib's speed on this machine (the 781 MB
// bench CSV: `igzip -dc` 0.52 s, `zcat` 3.0 s), and inflate is what every rank pays in full for a
// gzip input. Behaves as zlib's gzread did: concatenated members are read one after another,
// anything after a member that is not another gzip header is ignored, each member's CRC-32 and
// length are checked, and data inflated before a cut is delivered before the error.
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(const std::string& path)
      : path_(path), fd_(open_or_throw(path)), in_size_(input_buffer_bytes(fd_)), in_(new std::uint8_t[in_size_]) {
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    start_member();
  }
  ~GzipSource() override { ::close(fd_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  std::size_t read(char* out, std::size_t n) override {
    while (!done_) {
      if (state_.block_state == ISAL_BLOCK_FINISH) {
        next_member_or_done();
        continue;
      }
      if (state_.avail_in == 0 && !eof_) refill();
      state_.next_out = reinterpret_cast<std::uint8_t*>(out);
      state_.avail_out = static_cast<std::uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
      const std::uint32_t room = state_.avail_out;
      const int ret = isal_inflate(&state_);
      const std::size_t got = room - state_.avail_out;
      pos_ += got;
      if (ret < 0) fail(ret == ISAL_INCORRECT_CHECKSUM ? "corrupt (CRC-32 or length check failed)" : "corrupt");
      if (got > 0) return got;
      if (state_.block_state != ISAL_BLOCK_FINISH && state_.avail_in == 0 && eof_) fail("truncated");
    }
    return 0;
  }
  bool is_gzip() const override { return true; }

 private:
  static constexpr std::size_t kInBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMinInBytes = 4096;  // >= 2: a member's magic fits after a refill

  // 1 MiB of compressed input per refill, or the whole file when it is smaller (rounded up to
  // 4 KiB). Not zeroed: only bytes read() filled are ever looked at. A small file so costs a
  // small buffer; this matters where many small streams are opened (the fuzz target opens four
  // per input, and a zeroed 1 MiB each was most of its time).
  static std::size_t input_buffer_bytes(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) return kInBytes;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    return static_cast<std::size_t>(std::clamp<std::uint64_t>((size + kMinInBytes - 1) / kMinInBytes * kMinInBytes,
                                                              kMinInBytes, kInBytes));
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError("gzip file '" + path_ + "' is " + what + " after " + std::to_string(pos_) + " decompressed bytes");
  }
  void start_member() {
    std::uint8_t* next = state_.next_in;
    const std::uint32_t avail = state_.avail_in;
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;  // parse the header, check CRC-32 and ISIZE of the trailer
    state_.next_in = next;
    state_.avail_in = avail;
  }
  // Reads more compressed bytes after those not yet consumed (kept at the buffer's start).
  void refill() {
    if (state_.avail_in > 0 && state_.next_in != in_.get()) std::memmove(in_.get(), state_.next_in, state_.avail_in);
    const std::size_t have = state_.avail_in;
    for (;;) {
      const ssize_t got = ::read(fd_, in_.get() + have, in_size_ - have);
      if (got >= 0) {
        eof_ = got == 0;
        state_.next_in = in_.get();
        state_.avail_in = static_cast<std::uint32_t>(have + static_cast<std::size_t>(got));
        return;
      }
      if (errno != EINTR) throw IoError("read failed on '" + path_ + "': " + errno_text());
    }
  }
  // After a member: another member starts with the gzip magic; anything else ends the data.
  void next_member_or_done() {
    while (state_.avail_in < 2 && !eof_) refill();
    if (state_.avail_in >= 2 && state_.next_in[0] == 0x1f && state_.next_in[1] == 0x8b) {
      start_member();
    } else {
      done_ = true;
    }
  }

  std::string path_;
  int fd_;
  std::size_t in_size_;
  std::unique_ptr<std::uint8_t[]> in_;
  inflate_state state_{};
  bool eof_ = false;
  bool done_ = false;
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

std::uint64_t gzip_size_hint(const std::string& path) {
  const std::uint64_t size = file_size(path);
  if (size < 18) return 0;  // a gzip header (10) and trailer (8) at least
  const int fd = open_or_throw(path);
  unsigned char b[4] = {0, 0, 0, 0};
  const ssize_t got = ::pread(fd, b, 4, static_cast<off_t>(size - 4));
  ::close(fd);
  if (got != 4) return 0;
  const std::uint64_t isize =
      std::uint64_t{b[0]} | std::uint64_t{b[1]} << 8 | std::uint64_t{b[2]} << 16 | std::uint64_t{b[3]} << 24;
  // Bytes after the last member (ignored when reading) make the "trailer" anything: a size over
  // 64x the compressed one is not believed (text exports compress 4-15x).
  return isize <= 64 * size ? isize : 0;
}

std::unique_ptr<ByteSource> open_plain(const std::string& path, std::uint64_t offset) {
  return std::make_unique<PlainSource>(path, offset);
}

std::unique_ptr<ByteSource> open_gzip(const std::string& path) { return std::make_unique<GzipSource>(path); }

}  // namespace crmpi::textio
