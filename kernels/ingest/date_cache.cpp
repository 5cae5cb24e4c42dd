#include "kernels/ingest/date_cache.hpp"

#include <cstring>

#include "kernels/ingest/short_text.hpp"

namespace crmpi::ingest {

DateTimeParse DateCache::parse(std::string_view text) {
  if (text.size() > kMaxText) return parse_datetime(text, slash_order_);
  // The lines of an invoice repeat its timestamp: the previous line's entry answers without the
  // hash and the zero-padded copy.
  if (last_ != nullptr && equal_short(text, std::string_view(reinterpret_cast<const char*>(last_->words), last_->length)))
    return last_->value;
  char bytes[kMaxText] = {};
  copy_short(bytes, text.data(), text.size());
  std::uint64_t w[3];
  std::memcpy(w, bytes, sizeof w);
  // Multiply-xor of the three words; the top bits pick the slot: a product's high bits depend on
  // every byte of its word (its low bits only on the first bytes, where timestamps agree).
  const std::uint64_t h = (w[0] * 0x9E3779B97F4A7C15ULL) ^ (w[1] * 0xC2B2AE3D27D4EB4FULL) ^
                          ((w[2] + text.size()) * 0x165667B19E3779F9ULL);
  Entry& e = entries_[h >> 52];  // 2^12 = kSlots
  last_ = &e;
  if (e.length == text.size() && e.words[0] == w[0] && e.words[1] == w[1] && e.words[2] == w[2]) return e.value;
  e.value = parse_datetime(text, slash_order_);
  std::memcpy(e.words, w, sizeof w);
  e.length = static_cast<std::uint32_t>(text.size());
  return e.value;
}

}  // namespace crmpi::ingest
