// libFuzzer target: the delimited-text record reader of `crmpi ingest` (io/text/text_file_reader)
// on plain files, in the CSV, whitespace (CDNOW) and FIMI dialects, with small chunks so records
// straddle buffer refills. Checked: the byte-range shares of 2..4 readers deliver exactly the
// records of one reader, in order, each once (record_boundary.hpp's promise, which every rank
// count's identical output rests on). Errors must be crmpi::Error (an empty file: DataError).
// Input: byte 0 picks dialect / header / share count, byte 1 the chunk size; the rest is the file.
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/text/text_file_reader.hpp"
#include "kernels/common/errors.hpp"
#include "temp_file.hpp"

namespace {

// A record as one 64-bit digest of its text, status and fields (with their lengths, so field
// boundaries count): the shares must deliver the same sequence of digests as one reader. Digests
// rather than copies of every field spare the allocations (ASan's allocator was a tenth of the
// time of an input).
std::uint64_t digest(const crmpi::textio::TextRecord& rec) {
  static std::string buf;  // reused: no allocation once it has grown
  buf.clear();
  const auto add = [](std::string_view v) {
    const std::uint64_t n = v.size();
    buf.append(reinterpret_cast<const char*>(&n), sizeof n).append(v);
  };
  add(rec.raw);
  buf.push_back(static_cast<char>(rec.status));
  for (auto f : rec.fields) add(f);
  return XXH3_64bits(buf.data(), buf.size());
}

std::vector<std::uint64_t> read_all(const std::string& path, int part, int nparts,
                                    const crmpi::textio::TextReadOptions& o) {
  crmpi::textio::TextFileReader r(path, crmpi::textio::ReadShare{part, nparts}, o);
  std::vector<std::uint64_t> out;
  crmpi::textio::TextRecord rec;
  while (r.next(rec)) out.push_back(digest(rec));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > (1 << 16)) return 0;
  using crmpi::ingest::Dialect;
  static const Dialect kDialects[] = {Dialect::comma(), Dialect::whitespace(), Dialect::tab()};
  crmpi::textio::TextReadOptions o;
  o.dialect = kDialects[data[0] % 3];
  o.has_header = (data[0] >> 2) & 1;
  o.expected_columns = (data[0] >> 3) & 3;  // 0 = any
  const int nparts = 2 + (data[0] >> 5) % 3;
  o.chunk_bytes = 16 + std::size_t{data[1]} * 4;
  // Not gzip here (fuzz_gzip_reader covers it): a leading 1f 8b would switch the reader.
  if (size >= 4 && data[2] == 0x1f && data[3] == 0x8b) return 0;
  const std::string& path = crmpi::fuzz::write_temp_file(data + 2, size - 2, ".txt");
  std::vector<std::uint64_t> whole;
  try {
    whole = read_all(path, 0, 1, o);
  } catch (const crmpi::Error&) {
    return 0;
  }
  std::vector<std::uint64_t> shares;
  for (int p = 0; p < nparts; ++p) {
    auto part = read_all(path, p, nparts, o);
    shares.insert(shares.end(), part.begin(), part.end());
  }
  if (shares != whole) __builtin_trap();
  return 0;
}
