#include "kernels/ingest/record_boundary.hpp"

#include <cstring>
#include <stdexcept>

namespace crmpi::ingest {

std::size_t find_record_start(std::string_view buffer, std::size_t offset) {
  if (offset == 0) return 0;
  if (offset > buffer.size()) return kNoRecordStart;
  // Looking from offset - 1 keeps a record that starts exactly at `offset`.
  const std::size_t from = offset - 1;
  const void* nl = std::memchr(buffer.data() + from, '\n', buffer.size() - from);
  if (nl == nullptr) return kNoRecordStart;
  return static_cast<std::size_t>(static_cast<const char*>(nl) - buffer.data()) + 1;
}

ByteRange share_of(std::uint64_t size, int part, int nparts) {
  if (nparts <= 0 || part < 0 || part >= nparts) throw std::invalid_argument("share_of: bad part/nparts");
  // size * part can overflow for huge files only beyond 2^57 bytes with 128 parts; split the product.
  const auto n = static_cast<std::uint64_t>(nparts);
  auto cut = [&](std::uint64_t k) { return (size / n) * k + (size % n) * k / n; };
  return {cut(static_cast<std::uint64_t>(part)), cut(static_cast<std::uint64_t>(part) + 1)};
}

}  // namespace crmpi::ingest
