// parse_datetime with a memo of recent date texts. Exports repeat their timestamps heavily (every
// line of an invoice carries the invoice's time; days repeat across invoices), and parsing a
// timestamp costs ~400 instructions while a hit here costs a hash of the bytes and one compare.
// Direct-mapped: a text whose slot holds another text is parsed and replaces it. Results (errors
// included) are exactly parse_datetime's.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "kernels/ingest/date_parse.hpp"

namespace crmpi::ingest {

class DateCache {
 public:
  explicit DateCache(SlashOrder slash_order = SlashOrder::kMonthFirst) : slash_order_(slash_order) {}
  DateCache(const DateCache&) = delete;  // last_ points into entries_
  DateCache& operator=(const DateCache&) = delete;
  DateTimeParse parse(std::string_view text);

  static constexpr std::size_t kMaxText = 24;  // longer texts are parsed every time

 private:
  struct Entry {
    std::uint64_t words[3] = {0, 0, 0};  // the text, zero padded
    std::uint32_t length = kEmpty;
    DateTimeParse value;
  };
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFU;
  static constexpr std::size_t kSlots = 4096;  // the hash's top 12 bits

  SlashOrder slash_order_;
  std::array<Entry, kSlots> entries_{};
  const Entry* last_ = nullptr;  // the entry that answered the previous call
};

}  // namespace crmpi::ingest
