// libFuzzer target: gzip input of `crmpi ingest` (io/text/byte_source: ISA-L inflate, multi-member
// streams, trailing bytes; then the record reader on the inflated text). Seeded with small gzip
// files; the fuzzer mutates headers, deflate blocks and trailers. A truncated or corrupt stream
// must be a crmpi::DataError naming the file; anything else that escapes is a finding. The
// round-robin shares of 2 readers must together deliver as many records as one reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/text/byte_source.hpp"
#include "io/text/text_file_reader.hpp"
#include "kernels/common/errors.hpp"
#include "temp_file.hpp"

namespace {

std::uint64_t count_records(const std::string& path, int part, int nparts) {
  crmpi::textio::TextReadOptions o;
  o.chunk_bytes = 4096;
  crmpi::textio::TextFileReader r(path, crmpi::textio::ReadShare{part, nparts}, o);
  crmpi::textio::TextRecord rec;
  std::uint64_t n = 0;
  while (r.next(rec)) ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1 << 16)) return 0;
  const std::string& path = crmpi::fuzz::write_temp_file(data, size, ".gz");
  (void)crmpi::textio::gzip_size_hint(path);
  if (!crmpi::textio::has_gzip_magic(path)) return 0;
  std::uint64_t whole = 0;
  try {
    // Straight from the byte source as well: reads of odd sizes.
    auto src = crmpi::textio::open_gzip(path);
    char buf[777];
    std::uint64_t total = 0;
    for (std::size_t n; (n = src->read(buf, sizeof buf)) != 0;) {
      total += n;
      if (total > (std::uint64_t{64} << 20)) return 0;  // a zip bomb: not this target's subject
    }
    whole = count_records(path, 0, 1);
  } catch (const crmpi::Error&) {
    return 0;
  }
  if (count_records(path, 0, 2) + count_records(path, 1, 2) != whole) __builtin_trap();
  return 0;
}
