// libFuzzer target: the date and number parsers of `crmpi ingest` (kernels/ingest): dates in
// both slash orders, the date memo against the plain parser, integers, money, line amounts.
// Checked: the memo gives parse_datetime's result; a parsed ISO date formats back to itself; an
// integer that parses also parses as money with the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kernels/common/civil_date.hpp"
#include "kernels/ingest/date_cache.hpp"
#include "kernels/ingest/date_parse.hpp"
#include "kernels/ingest/exact_number.hpp"

namespace ci = crmpi::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static ci::DateCache cache;  // kept across inputs: hits and evictions both get exercised
  const ci::DateTimeParse d = ci::parse_datetime(text);
  const ci::DateTimeParse memo = cache.parse(text);
  if (memo.error != d.error || (d.ok() && (memo.days != d.days || memo.seconds != d.seconds))) __builtin_trap();
  (void)ci::parse_datetime(text, ci::SlashOrder::kDayFirst);
  if (d.ok() && text.size() == 10 && text[4] == '-' && crmpi::format_iso_date(d.days) != text) __builtin_trap();

  const ci::IntParse i = ci::parse_int64(text);
  const ci::MoneyParse m = ci::parse_money_micros(text);
  if (i.ok() && i.value > -9'000'000'000'000 && i.value < 9'000'000'000'000 &&
      (!m.ok() || m.micros != i.value * ci::kMicrosPerUnit))
    __builtin_trap();
  if (i.ok() && m.ok()) (void)ci::line_amount_cents(i.value, m.micros);
  if (m.ok()) (void)ci::micros_to_cents(m.micros);
  (void)ci::describe(d.error);
  (void)ci::describe(m.error);
  return 0;
}
