// libFuzzer target: the delimited-text record reader of `crmpi ingest` (io/text/text_file_reader)
// on plain files, in the CSV, whitespace (CDNOW) and FIMI dialects, with small chunks so records
// straddle buffer refills. Checked: the byte-range shares of 2..4 readers deliver exactly the
// records of one reader, in order, each once (record_boundary.hpp's promise, which every rank
// count's identical output rests on). Errors must be crmpi::Error (an empty file: DataError).
// Input: byte 0 picks dialect / header / share count, byte 1 the chunk size; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/text/text_file_reader.hpp"
#include "kernels/common/errors.hpp"
#include "temp_file.hpp"

namespace {

struct Seen {
  std::string raw;
  crmpi::ingest::SplitStatus status;
  std::vector<std::string> fields;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> read_all(const std::string& path, int part, int nparts, const crmpi::textio::TextReadOptions& o) {
  crmpi::textio::TextFileReader r(path, crmpi::textio::ReadShare{part, nparts}, o);
  std::vector<Seen> out;
  crmpi::textio::TextRecord rec;
  while (r.next(rec)) {
    Seen s{std::string(rec.raw), rec.status, {}};
    for (auto f : rec.fields) s.fields.emplace_back(f);
    out.push_back(std::move(s));
  }
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
  std::vector<Seen> whole;
  try {
    whole = read_all(path, 0, 1, o);
  } catch (const crmpi::Error&) {
    return 0;
  }
  std::vector<Seen> shares;
  for (int p = 0; p < nparts; ++p) {
    auto part = read_all(path, p, nparts, o);
    shares.insert(shares.end(), part.begin(), part.end());
  }
  if (shares != whole) __builtin_trap();
  return 0;
}
